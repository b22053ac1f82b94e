"""Snapshots of the history, report, meeting, reminders and filing screens at 80×24 and 120×40.

Deterministic: the app reads a fixed day, the cursor does not blink, no
temporary path is on screen, and the history's commit ids are masked (they
depend on every earlier commit of the demo, so on the whole sample register).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

import todokede.tui.screens.history
from tests.support.council import committed_meeting_register
from tests.support.tui import make_app, ready, until
from todokede.tui.app import TodokedeApp
from todokede.tui.dialogs.filing import FilingDialog
from todokede.tui.screens.history import HistoryScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.screens.meeting import MeetingScreen
from todokede.tui.screens.reminders import RemindersScreen
from todokede.tui.screens.report import ReportScreen

SnapCompare = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
ENTRY = "kazei-kojin-juminzei"


async def select(pilot: Pilot[None], entry_id: str = ENTRY) -> None:
    await ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    assert screen.select_entry(entry_id)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_history_screen(
    snap_compare: SnapCompare,
    shared_demo: Path,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(todokede.tui.screens.history, "short_sha", lambda commit: "•••••••")

    async def run_before(pilot: Pilot[None]) -> None:
        await select(pilot)
        await pilot.press("h")
        await until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, HistoryScreen) and pilot.app.screen.items is not None
            ),
        )
        await ready(pilot)

    assert snap_compare(make_app(shared_demo), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_report_screen(snap_compare: SnapCompare, sample_copy: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReportScreen))
        screen = pilot.app.screen
        assert isinstance(screen, ReportScreen)
        screen.query_one("#report-start", Input).value = "H28.1.1"
        screen.query_one("#report-end", Input).value = "2016-09-13"
        await pilot.pause()
        screen.flush_preview()
        await until(pilot, lambda: not screen.busy)
        await ready(pilot)

    assert snap_compare(make_app(sample_copy), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_meeting_screen(
    snap_compare: SnapCompare, sample_copy: Path, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(pilot.app.screen, MeetingScreen))
        screen = pilot.app.screen
        assert isinstance(screen, MeetingScreen)
        screen.query_one("#meeting-day", Input).value = "H28.10.25"
        screen.query_one("#meeting-start", Input).value = "2016-01-01"
        await pilot.pause()
        screen.flush_preview()
        await until(pilot, lambda: not screen.busy)
        await ready(pilot)

    assert snap_compare(make_app(sample_copy), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reminders_screen(
    snap_compare: SnapCompare, sample_copy: Path, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("m")
        await until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, RemindersScreen)
                and pilot.app.screen.report is not None
            ),
        )
        await ready(pilot)

    app = TodokedeApp(sample_copy, as_of=date(2026, 4, 1))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_filing_dialog(
    snap_compare: SnapCompare, git_register: Path, size: tuple[int, int]
) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    # the process's record items only (its files' lists may end with 税額 too)
    text = path.read_text("utf-8").replace('"税額"]', '"税額", "電子メールアドレス"]', 1)
    path.write_text(text.replace('"本人", ', ""), "utf-8")

    async def run_before(pilot: Pilot[None]) -> None:
        await select(pilot)
        await pilot.press("f")
        await until(
            pilot,
            lambda: isinstance(pilot.app.screen, FilingDialog) and not pilot.app.screen.busy,
        )
        await ready(pilot)

    assert snap_compare(make_app(git_register), terminal_size=size, run_before=run_before)


def test_filing_dialog_asking_for_the_council(
    snap_compare: SnapCompare, tmp_path: Path, git_identity: None
) -> None:
    """A contractor and 個人番号 added: the council choice and both warnings at 80×24."""
    root = committed_meeting_register(tmp_path / "reg")
    path = root / "entries" / "seikatsu-hogo.toml"
    text = path.read_text("utf-8").replace('"介護扶助の状況"]', '"介護扶助の状況", "個人番号"]', 1)
    contractor = '\n[[outsourcing]]\ncontractor = "株式会社ムサシ"\nsince = 2016-11-01\n'
    path.write_text(text + contractor, "utf-8")

    async def run_before(pilot: Pilot[None]) -> None:
        await select(pilot, "seikatsu-hogo")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(pilot.app.screen, FilingDialog))
        dialog = pilot.app.screen
        assert isinstance(dialog, FilingDialog)
        dialog.query_one("#filing-date", Input).value = "H28.11.1"
        await pilot.pause()
        dialog.flush_draft()
        await until(pilot, lambda: not dialog.busy)
        await ready(pilot)

    assert snap_compare(make_app(root), terminal_size=(80, 24), run_before=run_before)
