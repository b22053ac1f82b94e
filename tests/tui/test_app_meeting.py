"""The meeting screen (c): the council's 会議次第 and papers of a day, previewed and
written the way ``todokede council`` writes them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.support.samples import CliRunner
from tests.support.tui import export, make_app, open_meeting, plain, settle_report, text_of, until
from todokede.registry.files.store import load_register
from todokede.reports.council_meeting import build_meeting
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.screens.main import MainScreen
from todokede.tui.screens.meeting import MeetingScreen, meeting_view, next_meeting

PARTS = ("(1) 諮問審議", "(2) 報告", "意見に対する回答", "(3) 業務届出書の報告")


async def set_fields(
    pilot: Pilot[None], screen: MeetingScreen, day: str, start: str = "", end: str = ""
) -> None:
    screen.query_one("#meeting-day", Input).value = day
    screen.query_one("#meeting-start", Input).value = start
    screen.query_one("#meeting-end", Input).value = end
    await settle_report(pilot)


def test_the_next_meeting_is_the_first_council_day_from_the_app_s_day(sample_copy: Path) -> None:
    register = load_register(sample_copy)
    assert next_meeting(register, date(2016, 10, 1)) == date(2016, 10, 25)
    assert next_meeting(register, date(2016, 10, 25)) == date(2016, 10, 25)
    assert next_meeting(register, date(2016, 10, 26)) == date(2017, 2, 28)
    assert next_meeting(register, date(2030, 1, 1)) == date(2030, 1, 1)  # none: that day


async def test_the_minutes_meeting_is_previewed_and_written_as_the_cli_writes_it(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, todokede: CliRunner
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_meeting(app, pilot)
        # the register's next meeting after the app's day (R7.4.1)
        assert screen.query_one("#meeting-day", Input).value == "R8.2.24"
        assert screen.meeting is not None and screen.meeting.date == date(2026, 2, 24)

        await set_fields(pilot, screen, "H28.10.25")
        # a blank period is what `todokede council` takes, and the fields say so
        start = text_of(screen, "#meeting-start-reading")
        assert "省略時は前回の審議会の翌日: 平成28年8月24日（2016-08-24）" in start
        end = text_of(screen, "#meeting-end-reading")
        assert "省略時は開催日: 平成28年10月25日（2016-10-25）" in end
        meeting = screen.meeting
        assert meeting is not None
        assert (meeting.filings.start, meeting.filings.end) == (
            date(2016, 8, 24),
            date(2016, 10, 25),
        )

        await set_fields(pilot, screen, "平成28年10月25日", "2016-01-01", "H28.9.13")
        assert "平成28年1月1日（2016-01-01）" in text_of(screen, "#meeting-start-reading")
        preview = text_of(screen, "#meeting-body")
        positions = [preview.index(f"\n{part}\n") for part in PARTS]  # the headings
        assert positions == sorted(positions), positions  # the four parts, in order
        assert "平成28年度諮問第7号「子ども相談システム導入作業委託」" in preview
        assert "シャープビジネスソリューション株式会社" in preview
        assert "平成23年2月諮問" in preview and "平成15年諮問" in preview
        assert "平成28年度諮問第3号" in preview and "平成28年度諮問第4号" in preview
        assert "業務開始 1件・変更 4件・廃止 0件（計 5件）" in preview
        name = "審議会資料_H28.10.25.md"
        assert screen.query_one("#meeting-path", Input).value == name

        await export(pilot)
        assert screen.written == out / name
        assert f"書き出しました: {out / name}" in text_of(screen, "#meeting-status", 400)

        screen.query_one("#meeting-format", Select).value = "json"
        await pilot.pause()
        assert screen.query_one("#meeting-path", Input).value == "審議会資料_H28.10.25.json"
        await export(pilot)

        # writing over a file asks first; no keeps it
        before = (out / "審議会資料_H28.10.25.json").read_bytes()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await settle_report(pilot)
        assert "書き出していません" in text_of(screen, "#meeting-status", 400)
        assert (out / "審議会資料_H28.10.25.json").read_bytes() == before

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    period = ("--date", "2016-10-25", "--from", "2016-01-01", "--to", "2016-09-13")
    for fmt in ("md", "json"):
        cli = tmp_path / f"cli.{fmt}"
        result = todokede("council", *period, "-o", str(cli), cwd=sample_copy)
        assert result.returncode == 0, result.stderr
        assert (out / f"審議会資料_H28.10.25.{fmt}").read_bytes() == cli.read_bytes()
    data = json.loads((out / "審議会資料_H28.10.25.json").read_text("utf-8"))
    assert [c["number"] for c in data["consultations"]] == ["平成28年度諮問第7号"]


async def test_wrong_days_are_said_beside_their_fields_and_nothing_is_written(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_meeting(app, pilot)
        await set_fields(pilot, screen, "")
        assert "開催日を入力してください" in text_of(screen, "#meeting-day-reading", 80)
        assert screen.meeting is None
        assert "開催日と期間を正しく入力すると" in text_of(screen, "#meeting-body", 80)
        await export(pilot)
        assert "開催日を正しく入力してください（書き出していません）" in text_of(
            screen, "#meeting-status", 80
        )
        assert screen.query_one("#meeting-day", Input).has_focus

        await set_fields(pilot, screen, "H28.10.25", "H28.11.1")  # after the meeting's day
        reading = text_of(screen, "#meeting-start-reading", 80)
        assert "末日（平成28年10月25日）が初日（平成28年11月1日）より前です" in reading
        assert screen.query_one("#meeting-start-reading").has_class("-error")
        await export(pilot)
        assert screen.query_one("#meeting-start", Input).has_focus

        await set_fields(pilot, screen, "H28.10.25", "2016-01-01", "令和7年2月30日")
        assert "存在しない日付" in text_of(screen, "#meeting-end-reading", 80)
        await export(pilot)
        assert "期間の末日を正しく入力してください" in text_of(screen, "#meeting-status", 80)

        await set_fields(pilot, screen, "H28.10.25", "2016-09-14", "2016-09-13")
        assert "より前です" in text_of(screen, "#meeting-end-reading", 80)
        await export(pilot)
        assert screen.written is None
    assert list(out.iterdir()) == []


async def test_a_register_with_errors_or_a_folder_as_target_writes_nothing(
    sample_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(app, pilot)
        screen.query_one("#meeting-path", Input).value = str(out)
        await export(pilot)
        assert "はフォルダです" in text_of(screen, "#meeting-status", 400)
        screen.query_one("#meeting-path", Input).value = str(out / "資料.csv")
        await export(pilot)
        assert "csv" in text_of(screen, "#meeting-status", 400)
    assert list(out.iterdir()) == []

    (sample_copy / "entries" / "kazei-broken.toml").write_text(
        'name = "壊れた事務"\n', encoding="utf-8"
    )
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_meeting(app, pilot)
        assert "登録簿にエラーが" in text_of(screen, "#meeting-body")
        screen.query_one("#meeting-path", Input).value = str(out / "資料.md")
        await export(pilot)
        status = text_of(screen, "#meeting-status", 400)
        assert "エラーが" in status and "書き出せません" in status and "kazei-broken" in status
    assert list(out.iterdir()) == []


def test_a_day_without_council_business_says_so_in_each_part(sample_copy: Path) -> None:
    meeting = build_meeting(load_register(sample_copy), date(2016, 12, 1))
    text = plain(meeting_view(meeting, errors=0), 120)
    for part in PARTS[:3]:
        assert f"{part}\nなし" in text
    assert "業務届出書の報告" in text and "対象期間: 平成28年10月26日～平成28年12月1日" in text
