"""The report screen (r): period in 和暦 or ISO, live preview, export to a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.support.tui import export, make_app, open_report, plain, settle_report, text_of, until
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.screens.main import MainScreen
from todokede.tui.screens.report import ReportScreen, read_period


async def set_period(pilot: Pilot[None], screen: ReportScreen, start: str, end: str) -> None:
    screen.query_one("#report-start", Input).value = start
    screen.query_one("#report-end", Input).value = end
    await settle_report(pilot)


def test_reading_the_period() -> None:
    assert read_period("H28.1.1", "2016-09-13").valid
    backwards = read_period("2016-09-13", "H28.1.1")
    assert backwards.start == date(2016, 9, 13) and backwards.end is None
    assert "より前です" in backwards.end_problem and not backwards.start_problem
    blank = read_period("", "平成32年1月1日")
    assert "初日を入力" in blank.start_problem and "平成にない日付" in blank.end_problem


async def test_preview_of_heisei_28_and_export(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_report(app, pilot)
        # the default period: 1 January of the app's day to that day
        assert screen.query_one("#report-start", Input).value == "R7.1.1"
        assert screen.query_one("#report-end", Input).value == "R7.4.1"
        assert screen.report is not None
        assert (screen.report.start, screen.report.end) == (date(2025, 1, 1), date(2025, 4, 1))

        await set_period(pilot, screen, "H28.1.1", "2016-09-13")
        assert "平成28年1月1日（2016-01-01）" in text_of(screen, "#report-start-reading")
        report = screen.report
        assert report is not None
        assert (report.counts.start, report.counts.change, report.counts.abolish) == (1, 4, 0)
        preview = text_of(screen, "#report-body")
        assert "業務開始 1件・変更 4件・廃止 0件（計 5件）" in preview
        assert "対象期間: 平成28年1月1日～平成28年9月13日" in preview
        assert "胃がんリスク検診業務" in preview and "個人住民税賦課事務" in preview
        name = "業務届出報告書_H28.1.1-H28.9.13.md"
        assert screen.query_one("#report-path", Input).value == name

        await export(pilot)
        written = out / name
        assert screen.written == written
        text = written.read_text("utf-8")
        assert text.startswith("# 個人情報に係る業務届出報告書")
        assert "業務開始 1件・変更 4件・廃止 0件" in text
        assert f"書き出しました: {written}" in text_of(screen, "#report-status", 400)

        # another format: the proposed name follows it
        screen.query_one("#report-format", Select).value = "xlsx"
        await pilot.pause()
        xlsx = name.removesuffix(".md") + ".xlsx"
        assert screen.query_one("#report-path", Input).value == xlsx
        await export(pilot)
        assert (out / xlsx).read_bytes()[:2] == b"PK"

        # writing over a file asks first
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await pilot.pause()
        assert app.screen_stack[-1] is screen

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_wrong_period_is_said_beside_the_field_and_nothing_is_written(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(app, pilot)
        await set_period(pilot, screen, "2016-09-13", "H28.1.1")
        end = text_of(screen, "#report-end-reading", 80)
        assert "末日（平成28年1月1日）が初日（平成28年9月13日）より前です" in end
        assert screen.query_one("#report-end-reading").has_class("-error")
        assert screen.report is None
        await export(pilot)
        assert "書き出していません" in text_of(screen, "#report-status", 80)

        await set_period(pilot, screen, "令和7年2月30日", "R7.3.1")
        assert "存在しない日付" in text_of(screen, "#report-start-reading", 80)
        await export(pilot)
        assert screen.written is None
    assert list(out.iterdir()) == []


async def test_a_typed_file_name_is_kept_when_the_period_changes(
    sample_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "審議会資料.md"
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(app, pilot)
        screen.query_one("#report-path", Input).value = str(target)
        await set_period(pilot, screen, "H28.1.1", "H28.9.13")
        assert screen.query_one("#report-path", Input).value == str(target)
        screen.query_one("#report-format", Select).value = "html"
        await pilot.pause()
        assert screen.query_one("#report-path", Input).value == str(target.with_suffix(".html"))
        await export(pilot)
        html = target.with_suffix(".html").read_text("utf-8")
        assert "個人情報に係る業務届出報告書" in html and "<table" in html


def test_the_preview_shows_a_limited_number_of_rows(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import todokede.tui.screens.report as report_screen
    from todokede.registry.files.store import load_register
    from todokede.reports.council import build_council_report

    monkeypatch.setattr(report_screen, "PREVIEW_ROWS", 2)
    report = build_council_report(load_register(sample_copy), date(2016, 1, 1), date(2016, 9, 13))
    text = plain(report_screen.preview_view(report, errors=0), 120)
    assert "ほか 3件（書き出したファイルにはすべて入ります）" in text
    assert "胃がんリスク検診業務" in text and "軽自動車税賦課事務" not in text


async def test_a_register_with_errors_or_a_folder_as_target_writes_nothing(
    sample_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_report(app, pilot)
        screen.query_one("#report-path", Input).value = str(out)
        await export(pilot)
        assert "はフォルダです" in text_of(screen, "#report-status", 400)
        screen.query_one("#report-path", Input).value = str(out / "ない" / "報告書.md")
        await export(pilot)
        assert "出力先のフォルダがありません" in text_of(screen, "#report-status", 400)
    assert list(out.iterdir()) == []

    (sample_copy / "entries" / "kazei-broken.toml").write_text(
        'name = "壊れた事務"\n', encoding="utf-8"
    )
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_report(app, pilot)
        assert "登録簿にエラーが" in text_of(screen, "#report-body")  # shown, but…
        screen.query_one("#report-path", Input).value = str(out / "報告書.md")
        await export(pilot)
        status = text_of(screen, "#report-status", 400)
        assert "エラーが" in status and "書き出せません" in status and "kazei-broken" in status
    assert list(out.iterdir()) == []
