"""The history screen (h): commits of a process, each commit's field-level and raw diff."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.support.tui import main_screen, make_app, open_history, plain, ready
from todokede.tui.screens.history import HistoryScreen
from todokede.tui.screens.main import MainScreen

ENTRY = "kazei-kojin-juminzei"


def text_of(screen: HistoryScreen, selector: str, width: int = 120) -> str:
    return plain(screen.query_one(selector, Static).content, width)


async def test_history_lists_commits_and_shows_the_diff_of_the_selected_one(
    shared_demo: Path,
) -> None:
    app = make_app(shared_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        main = main_screen(app)
        assert main.select_entry(ENTRY)
        screen = await open_history(app, pilot)
        table = screen.commits_table
        assert table.row_count == 5
        assert screen.items is not None
        assert [item.log.kind for item in screen.items] == ["change"] * 4 + ["start"]
        assert "コミット 5件" in text_of(screen, "#history-title")

        # the newest commit, the 令和5年 filing that added the 個人情報ファイル, is highlighted
        change = text_of(screen, "#history-change")
        assert "令和5年5月12日" in change
        assert "個人住民税課税台帳ファイル" in change and "個人住民税申告書綴" in change

        # the one before, the 2016 change: 個人番号 added, 本籍 removed
        await pilot.press("down")
        await pilot.pause()
        change = text_of(screen, "#history-change")
        assert "平成28年3月22日" in change and "変更届（見直し）" in change
        assert "課税課 担当者" in change
        assert "記録項目の追加" in change and "個人番号" in change
        assert "記録項目の削除" in change and "本籍" in change
        assert "変更された項目" in change
        raw = text_of(screen, "#history-raw")
        assert "+++ b/entries/kazei-kojin-juminzei.toml" in raw
        assert '"個人番号"' in raw

        # the next one down: the online connection of 2006
        await pilot.press("down")
        await pilot.pause()
        change = text_of(screen, "#history-change")
        assert "平成18年1月4日" in change
        assert "外部結合の追加" in change and "地方税ポータルシステム（eLTAX）" in change
        assert screen.shown is screen.items[2]

        # the first commit adds the file
        await pilot.press("down", "down")
        await pilot.pause()
        assert "追加（この業務の最初のコミット）" in text_of(screen, "#history-change")

        # enter goes into the diff, escape back to the list, escape again to the register
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#history-diff").has_focus
        await pilot.press("t")
        await pilot.pause()
        assert screen.query_one("#history-raw").has_class("-hidden")
        await pilot.press("escape")
        await pilot.pause()
        assert table.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_history_without_git_says_why(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert main_screen(app).select_entry(ENTRY)
        screen = await open_history(app, pilot)
        assert screen.items == []
        assert "変更履歴を読めません" in text_of(screen, "#history-change", 80)
