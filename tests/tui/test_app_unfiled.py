"""Saved but not filed, on screen: 未 in the tree, the detail's line, the header,
the legend and ``check``, until the process is filed with f."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from tests.support.tui import (
    ENTRY,
    decline_filing,
    help_body,
    label_of,
    main_screen,
    make_app,
    open_form,
    opened,
    plain,
    press_commit,
    ready,
    static_text,
)
from todokede.registry.views.check import check_path
from todokede.tui.screens.main import MainScreen


def leaf_label(screen: MainScreen, entry_id: str) -> str:
    leaf = screen.register_tree.leaf(entry_id)
    assert leaf is not None
    return label_of(leaf)


def filing_warnings(root: Path) -> list[str]:
    return [w.message for w in check_path(root).warnings if w.field == "filing"]


async def test_saved_but_not_filed_is_marked_said_and_checked_until_filed(
    git_register: Path,
) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert "未" not in leaf_label(screen, ENTRY)
        assert "未届出" in static_text(screen, "#legend", 30)  # the legend always holds it
        form = await open_form(app, pilot)
        form.query_one("#input-section", Input).value = "市民税第二係"
        await pilot.press("ctrl+s")
        await opened(pilot)
        await decline_filing(app, pilot, "change")

        assert leaf_label(screen, ENTRY).startswith("  未番要 個人住民税賦課事務")
        other = screen.register_tree.leaf("kazei-kotei-shisan-zei-kazei")
        assert other is not None and "未" not in label_of(other)
        summary = static_text(screen, "#summary-body", 120)
        assert "保存済み・未届出の変更があります" in summary and "f で変更届" in summary
        header = plain(screen.query_one("#header-counts", Static).content, 120)
        assert "未届出 1件" in header
        _, body = await help_body(pilot)
        assert "未届出" in body
        [warning] = filing_warnings(git_register)
        assert "個人住民税賦課事務" in warning and ENTRY in warning

        await pilot.press("f")  # offered for it: 変更届
        dialog = await opened(pilot)
        assert dialog.kind == "change"
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "未" not in leaf_label(screen, ENTRY)
        assert "保存済み" not in static_text(screen, "#summary-body", 120)
        assert "未届出" not in plain(screen.query_one("#header-counts", Static).content, 120)
        assert filing_warnings(git_register) == []
