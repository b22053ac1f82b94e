"""Driving the Textual app in tests: open screens, read what they show, press and wait."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static
from textual.widgets.tree import TreeNode

from todokede.registry.files.crashpoints import FAIL_VAR
from todokede.registry.files.pending import JOURNAL_NAME
from todokede.registry.git.filing import file_entry
from todokede.registry.schema.errors import RegisterError
from todokede.tui.app import TodokedeApp
from todokede.tui.dialogs.filing import FilingDialog
from todokede.tui.dialogs.help import HelpScreen
from todokede.tui.screens.entry_form import EntryFormScreen
from todokede.tui.screens.history import HistoryScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.screens.meeting import MeetingScreen
from todokede.tui.screens.paper import PaperScreen
from todokede.tui.screens.reminders import RemindersScreen
from todokede.tui.screens.report import ReportScreen
from todokede.tui.widgets.register_tree import DepartmentData, NodeData, RegisterTree

#: The day the review clock reads in every TUI test (marks are deterministic).
AS_OF = date(2025, 4, 1)


def make_app(root: Path) -> TodokedeApp:
    return TodokedeApp(root, as_of=AS_OF)


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 20) -> None:
    """Pause until ``condition()`` holds (a screen pushed, its worker done), else fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)
    await pilot.pause()


async def wait_for_workers(pilot: Pilot[None]) -> None:
    """Every worker done; one a newer exclusive run cancelled (the drafts and previews
    do that) is done too."""
    from textual.worker import WorkerCancelled

    while True:
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        return


async def ready(pilot: Pilot[None]) -> None:
    """Wait until the register is loaded and every message is handled."""
    await wait_for_workers(pilot)
    await pilot.pause()
    await pilot.pause()


def main_screen(app: object) -> MainScreen:
    screen = getattr(app, "screen", None)
    assert isinstance(screen, MainScreen)
    return screen


def plain(renderable: object, width: int = 100) -> str:
    """What a rich renderable reads as, in plain text."""
    console = Console(width=width, record=True, file=None, force_terminal=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def static_text(screen: MainScreen, selector: str, width: int = 100) -> str:
    return plain(screen.query_one(selector, Static).content, width)


def label_of(node: TreeNode[NodeData]) -> str:
    label = node.label
    return label.plain if isinstance(label, Text) else str(label)


def listed_ids(tree: RegisterTree) -> list[str]:
    """Every process the tree lists (built or not), in order."""
    ids: list[str] = []
    for node in tree.root.children:
        if isinstance(node.data, DepartmentData):
            ids.extend(item.id for item in node.data.entries)
    return ids


async def help_body(pilot: Pilot[None], key: str = "question_mark") -> tuple[str, str]:
    """Open the key list (? where no text field has focus, f1 anywhere), read it, close it."""
    await pilot.press(key)
    await pilot.pause()
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen)
    title = plain(help_screen.query_one("#help-title", Static).content)
    body = plain(help_screen.query_one("#help-body", Static).content)
    await pilot.press("escape")
    await pilot.pause()
    return title, body


ENTRY = "kazei-kojin-juminzei"


def form_of(app: TodokedeApp) -> EntryFormScreen:
    assert isinstance(app.screen, EntryFormScreen), app.screen
    return app.screen


async def decline_filing(app: TodokedeApp, pilot: Pilot[None], kind: str) -> None:
    """After a save the filing dialog is offered (開始 for a new process); close it."""
    dialog = app.screen
    assert isinstance(dialog, FilingDialog), dialog
    assert dialog.kind == kind
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)


async def open_form(app: TodokedeApp, pilot: Pilot[None], entry_id: str = ENTRY) -> EntryFormScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    assert screen.select_entry(entry_id)
    await pilot.press("e")
    await pilot.pause()
    return form_of(app)


def dialog_of(app: App[None]) -> FilingDialog:
    assert isinstance(app.screen, FilingDialog), app.screen
    return app.screen


async def settle(pilot: Pilot[None]) -> None:
    """Every change handled; the dialog's draft (one waiting on the date's pause is
    started now) or commit done."""
    await pilot.pause()
    screen = pilot.app.screen
    if isinstance(screen, FilingDialog):
        screen.flush_draft()
        await until(pilot, lambda: not screen.busy)
    await ready(pilot)


async def opened(pilot: Pilot[None]) -> FilingDialog:
    """The filing dialog once it is on screen with its first draft."""
    await until(pilot, lambda: isinstance(pilot.app.screen, FilingDialog))
    await settle(pilot)
    return dialog_of(pilot.app)


async def file_selected(app: TodokedeApp, pilot: Pilot[None]) -> FilingDialog:
    """Select the entry, press f, and wait for the filing dialog."""
    assert main_screen(app).select_entry(ENTRY)
    await pilot.press("f")
    return await opened(pilot)


async def press_commit(pilot: Pilot[None]) -> None:
    """ctrl+s, and wait for the commit's answer (the dialog closed, or a refusal shown)."""
    dialog = dialog_of(pilot.app)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not dialog.busy)
    await ready(pilot)


def add_item(root: Path, item: str) -> Path:
    path = root / "entries" / f"{ENTRY}.toml"
    text = path.read_text("utf-8")
    # the process's record items (the first list ending so; a file's may too)
    path.write_text(text.replace('"税額"]', f'"税額", "{item}"]', 1), "utf-8")
    return path


def interrupted_filing(root: Path, item: str) -> Path:
    """A filing committed whose entry file could not be written (as after a crash or a
    full disk): the journal is left for the next filing or sync to finish it."""
    path = root / "entries" / f"{ENTRY}.toml"
    text = path.read_text("utf-8")
    listed = re.search(r"^record_items = \[.*\]$", text, re.MULTILINE)
    assert listed is not None
    path.write_text(text.replace(listed[0], f'{listed[0][:-1]}, "{item}"]'), "utf-8")
    # The entry file's write fails as on a full disk, after the commit is published.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FAIL_VAR, str(path))
        with pytest.raises(RegisterError, match="届出はコミットしました"):
            file_entry(root, ENTRY, "change", date(2025, 3, 1))
    assert (root / ".git" / JOURNAL_NAME).exists()
    return path


def report_of(app: TodokedeApp) -> ReportScreen:
    assert isinstance(app.screen, ReportScreen), app.screen
    return app.screen


def text_of(screen: PaperScreen, selector: str, width: int = 120) -> str:
    return plain(screen.query_one(selector, Static).content, width)


async def settle_report(pilot: Pilot[None]) -> None:
    """Every change handled; the preview (one waiting on the dates' pause is started
    now) or the export done."""
    await pilot.pause()
    screen = pilot.app.screen
    if isinstance(screen, PaperScreen):
        screen.flush_preview()
        await until(pilot, lambda: not screen.busy)
    await ready(pilot)


async def open_report(app: TodokedeApp, pilot: Pilot[None]) -> ReportScreen:
    await ready(pilot)
    await pilot.press("r")
    await until(pilot, lambda: isinstance(app.screen, ReportScreen))
    await settle_report(pilot)
    return report_of(app)


async def open_meeting(app: TodokedeApp, pilot: Pilot[None]) -> MeetingScreen:
    """c (once the register is loaded), and wait for the first preview."""
    await ready(pilot)
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, MeetingScreen))
    await settle_report(pilot)
    assert isinstance(app.screen, MeetingScreen)
    return app.screen


async def export(pilot: Pilot[None]) -> None:
    """ctrl+s, and wait for the export (or the reason it did not start)."""
    await pilot.press("ctrl+s")
    await settle_report(pilot)


async def open_reminders(app: TodokedeApp, pilot: Pilot[None]) -> RemindersScreen:
    """m (once the register is loaded), and wait until the reminders are built."""
    await ready(pilot)
    await pilot.press("m")
    await until(
        pilot, lambda: isinstance(app.screen, RemindersScreen) and app.screen.report is not None
    )
    screen = app.screen
    assert isinstance(screen, RemindersScreen)
    return screen


def history_of(app: TodokedeApp) -> HistoryScreen:
    assert isinstance(app.screen, HistoryScreen), app.screen
    return app.screen


async def open_history(app: TodokedeApp, pilot: Pilot[None]) -> HistoryScreen:
    """h, and wait until the commits are read."""
    await pilot.press("h")
    await until(
        pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.items is not None
    )
    await ready(pilot)
    return history_of(app)


def shown(dialog: FilingDialog, selector: str) -> str:
    return plain(dialog.query_one(selector, Static).content, 80)
