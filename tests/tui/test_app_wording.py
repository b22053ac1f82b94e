"""What the screens say (issue 12, item 8): a filed file no longer says it is not
filed, the 開始届 says what it records, やめる writes nothing and says so, refusals
give 和暦, and f on an abolished process refuses at once."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.support.tui import (
    ENTRY,
    add_item,
    export,
    file_selected,
    main_screen,
    make_app,
    open_report,
    opened,
    press_commit,
    ready,
    settle,
    shown,
    text_of,
    until,
)
from todokede.registry.files.filenotes import NOT_FILED_NOTE
from todokede.registry.schema.errors import FilingRefused, RegisterError
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.dialogs.filing import FilingDialog
from todokede.tui.failures import describe_failure
from todokede.tui.screens.entry_form import EntryFormScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.widgets.form_fields import LinesArea

NEW = "kazei-hoteigai-fuka"
ABOLISHED = "soumu-tokubetsu-teigaku-kyufukin"


async def test_a_new_process_filed_then_abolished_no_longer_says_it_is_not_filed(
    git_register: Path,
) -> None:
    path = git_register / "entries" / f"{NEW}.toml"
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert main_screen(app).select_entry(ENTRY)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, EntryFormScreen))
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        form.query_one("#input-id", Input).value = NEW
        form.query_one("#input-name", Input).value = "法定外税賦課事務"
        form.query_one("#input-purpose", TextArea).load_text("法定外税を賦課するため")
        form.query_one("#input-subjects", LinesArea).load_text("納税義務者")
        form.query_one("#input-record_items", LinesArea).load_text("氏名\n住所")
        await pilot.press("ctrl+s")
        dialog = await opened(pilot)
        assert dialog.kind == "start"
        assert NOT_FILED_NOTE in path.read_text("utf-8")  # saved, not filed: true
        changes = shown(dialog, "#filing-changes")
        assert "追加・削除なし" not in changes
        assert "2件（氏名、住所）を届け出ます" in changes
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        text = path.read_text("utf-8")
        assert NOT_FILED_NOTE not in text
        assert text.startswith("# 課税課 法定外税賦課事務\n")  # the other comment stays
        assert tomllib.loads(text)["filings"][0]["kind"] == "start"

        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await opened(pilot)
        await press_commit(pilot)
        text = path.read_text("utf-8")
        assert tomllib.loads(text)["status"] == "abolished"
        assert NOT_FILED_NOTE not in text


async def test_a_refusal_gives_its_dates_in_wareki(git_register: Path) -> None:
    add_item(git_register, "電子メールアドレス")
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = await file_selected(app, pilot)
        dialog.query_one("#filing-date", Input).value = "H1.1.10"
        await settle(pilot)
        message = shown(dialog, "#filing-message")
        assert "平成元年1月10日" in message and "1989-01-10" not in message
        assert "前回の届出日" in message
        assert not re.search(r"\d{4}-\d{2}-\d{2}", message)  # no ISO date left


def test_a_refusal_is_worded_for_the_screen_with_its_days_in_wareki() -> None:
    abolished = FilingRefused("abolished", entry_id="x", name="事務", day=date(2016, 3, 22))
    assert describe_failure(abolished) == (
        "「事務」は平成28年3月22日に廃止されています（廃止後の届出はできません）"
    )
    assert describe_failure(FilingRefused("already-filed", entry_id="x")) == (
        "「x」は既に届出されています（変更なら区分「変更」、廃止なら区分「廃止」で届け出てください）"
    )
    assert describe_failure(RegisterError("コミット 20160322-0000")) == "コミット 20160322-0000"


async def test_f_on_an_abolished_process_refuses_at_once(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert main_screen(app).select_entry(ABOLISHED)
        await pilot.press("f")
        await pilot.pause()
        assert not isinstance(app.screen, FilingDialog)
        [toast] = list(app._notifications)
        assert "廃止されています" in toast.message and "令和" in toast.message


async def test_cancelling_an_overwrite_says_nothing_was_written(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(app, pilot)
        await export(pilot)
        assert "書き出しました" in text_of(screen, "#report-status")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")  # やめる
        await until(pilot, lambda: app.screen is screen)
        status = text_of(screen, "#report-status")
        assert "書き出しました" not in status
        assert "書き出していません" in status and "そのままです" in status
