"""The 変更履歴 tab: the process's commits read from git in a worker."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TabbedContent

from tests.support.tui import main_screen, make_app, ready, static_text


async def test_history_tab_lists_the_commits_of_the_process(shared_demo: Path) -> None:
    app = make_app(shared_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        screen.select_entry("kazei-kojin-juminzei")
        screen.query_one(TabbedContent).active = "tab-history"
        await pilot.pause()
        await ready(pilot)
        history = static_text(screen, "#history-body", 120)
        assert "コミット" in history
        assert "開始届" in history and "変更届" in history
        assert "平成" in history
        assert "個人番号" in history  # the filing that added it
        # the newest commit comes first
        assert history.index("変更届") < history.index("開始届")

        # another process: its own history, read when shown
        await pilot.press("down")
        await ready(pilot)
        assert screen.detail.history_entry == screen.detail.entry_id
        assert static_text(screen, "#history-body", 120) != history


async def test_history_tab_without_git_says_why(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        screen.query_one(TabbedContent).active = "tab-history"
        await pilot.pause()
        await ready(pilot)
        history = static_text(screen, "#history-body")
        assert "変更履歴を読めません" in history
        assert "git リポジトリではありません" in history
