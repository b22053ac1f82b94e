"""Snapshots of the main screen and of the form showing an error, at 80×24 and 120×40;
the ファイル tab and the form's first file at 80×24.

Deterministic: the review clock reads a fixed day, the cursor does not blink,
and no path of the test's temporary folder appears on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.support.files import write_files
from tests.support.tui import make_app, ready, wait_for_workers
from todokede.tui.screens.main import MainScreen
from todokede.tui.widgets.form_fields import RowsEditor

SnapCompare = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare: SnapCompare, sample_copy: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.select_entry("kazei-kojin-juminzei")
        await pilot.pause()
        # The tree scrolls to its cursor after a refresh, as far as its size then allowed;
        # once the screen has settled, scroll from the top to the cursor again so that the
        # picture does not depend on that timing.
        await wait_for_workers(pilot)
        await pilot.wait_for_scheduled_animations()
        tree = screen.register_tree
        tree.scroll_home(animate=False, immediate=True)
        tree.scroll_to_cursor()
        await pilot.pause()

    assert snap_compare(make_app(sample_copy), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_filtered_by_my_number(
    snap_compare: SnapCompare, sample_copy: Path, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("slash", *"マイナンバー", "enter")
        await pilot.pause()

    assert snap_compare(make_app(sample_copy), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_form_with_an_error(
    snap_compare: SnapCompare, sample_copy: Path, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.select_entry("kazei-kojin-juminzei")
        await pilot.press("e")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#input-name", Input).value = ""
        form.query_one("#input-purpose", TextArea).load_text("")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(make_app(sample_copy), terminal_size=size, run_before=run_before)


def test_files_tab(snap_compare: SnapCompare, sample_copy: Path) -> None:
    """The ファイル tab of the tax process at 80×24: two files, one listed, one exempt."""
    write_files(sample_copy)

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.select_entry("kazei-kojin-juminzei")
        await pilot.pause()
        screen.detail.active_tab = "tab-files"
        await pilot.pause()

    assert snap_compare(make_app(sample_copy), terminal_size=(80, 24), run_before=run_before)


def test_form_with_a_file(snap_compare: SnapCompare, sample_copy: Path) -> None:
    """The form at 80×24 scrolled to its first 個人情報ファイル."""
    write_files(sample_copy)

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.select_entry("kazei-kojin-juminzei")
        await pilot.press("e")
        await pilot.pause()
        form = pilot.app.screen
        editor = form.query_one("#rows-files", RowsEditor).editors()[0]
        editor.column("name").focus(scroll_visible=False)
        editor.scroll_visible(animate=False, top=True)
        await pilot.pause()

    assert snap_compare(make_app(sample_copy), terminal_size=(80, 24), run_before=run_before)
