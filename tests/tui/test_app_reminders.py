"""The reminders screen (m): overdue and due-soon reviews on the app's day; enter jumps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from tests.support.tui import main_screen, open_reminders, plain, ready, until
from todokede.tui.app import TodokedeApp
from todokede.tui.screens.main import MainScreen
from todokede.tui.screens.reminders import RemindersTable

#: A day with five overdue and five due-soon reviews in the sample register.
DAY = date(2026, 4, 1)


def cells(table: RemindersTable, row: int) -> list[str]:
    return [c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(row)]


async def test_overdue_and_due_soon_lists_and_enter_jumps_to_the_process(
    sample_copy: Path,
) -> None:
    app = TodokedeApp(sample_copy, as_of=DAY)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reminders(app, pilot)
        overdue = screen.query_one("#reminders-overdue", RemindersTable)
        due_soon = screen.query_one("#reminders-due-soon", RemindersTable)
        assert (overdue.row_count, due_soon.row_count) == (5, 5)
        title = plain(screen.query_one("#reminders-title", Static).content)
        assert "基準日 令和8年4月1日" in title and "期限経過 5件・期限間近 5件" in title
        # the longest overdue first: 業務の名称, 担当課, 基準の届出, 期限 (和暦), distance
        assert cells(overdue, 0) == [
            "学齢簿編製事務",
            "学務課",
            "S55.4.1 開始届",
            "平成2年4月1日",
            "13149日超過",
        ]
        assert cells(due_soon, 0) == [
            "軽自動車税賦課事務",
            "課税課",
            "H28.4.15 変更届（見直し）",
            "令和8年4月15日",
            "あと14日",
        ]
        assert overdue.has_focus

        # to the due-soon list, second process, and enter: shown on the main screen
        await pilot.press("tab", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        main = main_screen(app)
        assert main.detail.entry_id == "kazei-kotei-shisan-zei-kazei"
        node = main.register_tree.cursor_node
        assert node is not None and getattr(node.data, "entry_id", None) == main.detail.entry_id


async def test_narrow_rows_fold_and_escape_closes(sample_copy: Path) -> None:
    app = TodokedeApp(sample_copy, as_of=DAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        shown = main_screen(app).detail.entry_id
        screen = await open_reminders(app, pilot)
        overdue = screen.query_one("#reminders-overdue", RemindersTable)
        # short 和暦 and the basis filing under its date, to fit 80 columns
        assert cells(overdue, 0)[2:4] == ["S55.4.1\n開始届", "H2.4.1"]
        assert overdue.virtual_size.width <= 80
        await pilot.press("escape")
        await pilot.pause()
        # closed without a jump: the main screen shows what it showed
        assert main_screen(app).detail.entry_id == shown != "gakumu-gakureibo"


async def test_the_assessments_to_redo_are_listed_and_enter_jumps(sample_copy: Path) -> None:
    app = TodokedeApp(sample_copy, as_of=date(2026, 12, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reminders(app, pilot)
        table = screen.query_one("#reminders-assessments", RemindersTable)
        assert table.row_count == 3
        heading = plain(screen.query_one("#reminders-assessments-heading", Static).content)
        assert heading.strip() == "特定個人情報保護評価の再実施 3件"
        assert "評価 3件" in plain(screen.query_one("#reminders-title", Static).content)
        # 業務の名称, 担当課, 区分, 期限 (和暦), distance; soonest due first
        assert cells(table, 0) == [
            "国民健康保険資格・賦課事務",
            "保険年金課",
            "重要な変更",
            "令和5年6月16日",
            "1264日超過",
        ]
        assert [cells(table, row)[2] for row in (1, 2)] == [
            "評価の再実施（期限経過）",
            "評価の再実施（期限間近）",
        ]
        table.focus()
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert main_screen(app).detail.entry_id == "kazei-kojin-juminzei"
