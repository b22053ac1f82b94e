"""Moving between the tabs (←/→, enter, escape), and the app at 80×24: short toasts
that never cover a dialog, a key list that scrolls to its end, names in full (w)."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.containers import VerticalScroll
from textual.widgets import Static

from tests.support.tui import (
    add_item,
    file_selected,
    help_body,
    label_of,
    main_screen,
    make_app,
    opened,
    press_commit,
    ready,
    until,
)
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.dialogs.help import HelpScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.widgets.entry_detail import TabScroll

LONG = "soumu-joho-kokai-kaiji-seikyu"  # 情報公開請求・自己情報開示請求等事務


async def test_left_and_right_move_between_the_tabs_and_enter_reads_them(
    sample_copy: Path,
) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        detail = screen.detail
        assert app.focused is screen.register_tree
        shown_keys = {
            key: active.binding.description
            for key, active in screen.active_bindings.items()
            if active.binding.show
        }
        assert shown_keys["left"] == "前のタブ" and shown_keys["right"] == "次のタブ"
        await pilot.press("right")
        assert detail.active_tab == "tab-items"
        await pilot.press("right", "right", "right")
        assert detail.active_tab == "tab-filings"
        await pilot.press("left", "left", "left", "left", "left")
        assert detail.active_tab == "tab-history"  # round: before the first is the last
        await pilot.press("right")
        assert detail.active_tab == "tab-summary"

        await pilot.press("enter")  # read the process: the tab's content has the focus
        await pilot.pause()
        assert isinstance(app.focused, TabScroll)
        keys = {k: a.binding.description for k, a in screen.active_bindings.items()}
        assert keys["escape"] == "一覧へ" and keys["right"] == "次のタブ"
        await pilot.press("right")
        await pilot.pause()
        assert detail.active_tab == "tab-items"
        assert isinstance(app.focused, TabScroll)  # reading goes on in the new tab
        assert app.focused.parent is not None and app.focused.parent.id == "tab-items"
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is screen.register_tree

        _, body = await help_body(pilot)
        assert "前のタブ" in body and "次のタブ" in body and "一覧を広げる" in body


async def test_a_filing_toast_is_short_and_the_next_dialog_clears_it(git_register: Path) -> None:
    add_item(git_register, "電子メールアドレス")
    app = make_app(git_register)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await file_selected(app, pilot)
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        [toast] = list(app._notifications)
        assert toast.title == "変更届を記録しました"
        assert toast.timeout <= 5
        assert "@" not in toast.message and "\n" not in toast.message  # no e-mail, one line
        assert "個人住民税賦課事務" in toast.message and "総務 太郎" in toast.message

        await pilot.press("a")  # the next dialog: the toast no longer covers its buttons
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert list(app._notifications) == []
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await file_selected(app, pilot)  # the filing dialog clears them too
        await opened(pilot)
        assert list(app._notifications) == []


async def test_the_key_list_scrolls_to_its_last_line_at_80x24(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        scroll = help_screen.query_one(VerticalScroll)
        box = help_screen.query_one("HelpScreen > Vertical")
        assert scroll.region.bottom <= box.region.bottom - 2  # the hint and the border below
        assert scroll.max_scroll_y > 0  # more than fits: it scrolls
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        body = help_screen.query_one("#help-body", Static)
        assert scroll.scroll_y + scroll.scrollable_content_region.height >= body.size.height
        hint = help_screen.query_one("#help-hint", Static)
        assert hint.region.bottom <= box.region.bottom - 1  # the hint is inside the box


async def test_w_widens_the_tree_so_long_names_show_in_full(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        tree = screen.register_tree
        leaf = tree.leaf(LONG)
        assert leaf is not None
        needed = cell_len(label_of(leaf)) + 4  # the tree's guides
        assert tree.size.width < needed  # cut at 80 columns
        await pilot.press("w")
        await pilot.pause()
        assert tree.size.width >= needed
        assert screen.detail.size.width > 0  # the detail is still beside it
        await pilot.press("w")
        await pilot.pause()
        assert tree.size.width < needed
