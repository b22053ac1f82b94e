"""Keys of the phase-2 screens: ids, the palette lists every action, ? lists the keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

from tests.support.tui import help_body, main_screen, make_app, ready, until
from todokede.tui.dialogs.field_picker import FieldPicker
from todokede.tui.dialogs.filing import FilingDialog
from todokede.tui.dialogs.sync import SyncDialog
from todokede.tui.palette import ACTIONS
from todokede.tui.screens.entry_form import EntryFormScreen
from todokede.tui.screens.history import CommitsTable, HistoryScreen
from todokede.tui.screens.import_register import ImportScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.screens.meeting import MeetingScreen
from todokede.tui.screens.reminders import RemindersScreen, RemindersTable
from todokede.tui.screens.report import ReportScreen

SCREENS: list[type[Screen[Any]]] = [
    MainScreen,
    EntryFormScreen,
    HistoryScreen,
    ReportScreen,
    MeetingScreen,
    ImportScreen,
    FieldPicker,
    RemindersScreen,
    FilingDialog,
    SyncDialog,
]


def test_every_binding_has_an_id_and_the_main_screens_ids_are_the_contract() -> None:
    owners: list[type[DOMNode]] = [*SCREENS, CommitsTable, RemindersTable]
    for owner in owners:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding), owner
            assert binding.id, (owner.__name__, binding.key)
    ids = {b.id: b.key for b in MainScreen.BINDINGS if isinstance(b, Binding)}
    assert ids["file-entry"] == "f"
    assert ids["abolish-entry"] == "a"
    assert ids["entry-history"] == "h"
    assert ids["report"] == "r"
    assert ids["meeting"] == "c"
    assert ids["import-register"] == "i"
    assert ids["reminders"] == "m"
    assert ids["sync"] == "s"


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.__name__)
def test_the_palette_offers_every_action_of_every_screen(screen: type[Screen[Any]]) -> None:
    offered = {a.action for a in ACTIONS if a.screen == screen.__name__}
    offered |= {f"app.{a.action}" for a in ACTIONS if a.screen == "App"}
    for binding in screen.BINDINGS:
        assert isinstance(binding, Binding)
        assert binding.action.split("(")[0] in offered, (screen.__name__, binding.action)
    assert getattr(screen, "HELP_TITLE", "")


def test_the_palette_names_the_actions_in_japanese() -> None:
    titles = " ".join(a.title for a in ACTIONS)
    for words in (
        "新規",
        "編集",
        "届出",
        "廃止",
        "履歴",
        "報告書",
        "審議会資料",
        "見直し期限",
        "同期",
        "絞り込み",
        "読み込み直す",
        "キー一覧",
        "終了",
    ):
        assert words in titles, words


async def test_the_palette_opens_the_report(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"報告書")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)


async def test_help_lists_the_keys_of_each_screen(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        main = main_screen(app)
        main.select_entry("kazei-kojin-juminzei")
        await pilot.pause()
        _, body = await help_body(pilot)
        for words in ("届出", "廃止", "履歴", "報告書", "審議会資料", "見直し期限", "同期"):
            assert words in body, words

        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await ready(pilot)
        title, body = await help_body(pilot)
        assert "変更履歴" in title
        assert "差分へ" in body and "戻る" in body and "TOML" in body
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen))
        await ready(pilot)
        assert isinstance(app.focused, Input)  # ? would be typed: f1 opens the list
        title, body = await help_body(pilot, "f1")
        assert "報告書" in title and "書き出す" in body
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))

        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, MeetingScreen))
        await ready(pilot)
        title, body = await help_body(pilot, "f1")
        assert "審議会資料" in title and "書き出す" in body and "戻る" in body
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))

        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, RemindersScreen))
        await ready(pilot)
        title, body = await help_body(pilot)
        assert "見直し期限" in title and "戻る" in body
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))

        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FilingDialog))
        await ready(pilot)
        title, body = await help_body(pilot, "f1")
        assert "届出" in title and "届け出る" in body and "やめる" in body
        assert isinstance(app.screen, FilingDialog)
