"""The command palette (ctrl+p): every action of the screen in Japanese, and a
jump to any process by name.

Actions are listed once here, with the screen class that offers them; phase 2
adds its own (届出, 廃止, 変更履歴, 報告書, 見直し, 同期) to :data:`ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Final

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class PaletteAction:
    """A command: its title and help, and the action it runs on its screen."""

    title: str
    help: str
    action: str
    screen: str
    """Name of the screen class that has the action (``App`` for app actions)."""


ACTIONS: Final[tuple[PaletteAction, ...]] = (
    PaletteAction(
        "絞り込み", "名称・課・記録項目で一覧を絞り込む（/）", "focus_filter", "MainScreen"
    ),
    PaletteAction("絞り込みを解除", "一覧をすべて表示する（escape）", "clear_filter", "MainScreen"),
    PaletteAction("業務を編集", "選んでいる業務の内容を編集する（e）", "edit_entry", "MainScreen"),
    PaletteAction("業務を新規作成", "新しい業務のファイルを作る（n）", "new_entry", "MainScreen"),
    PaletteAction(
        "読み込み直す", "登録簿をディスクから読み込み直す（ctrl+r）", "reload", "MainScreen"
    ),
    PaletteAction("保存", "入力した内容を検査して保存する（ctrl+s）", "save", "EntryFormScreen"),
    PaletteAction(
        "項目一覧から記録項目を追加", "項目一覧から選ぶ（ctrl+t）", "pick_items", "EntryFormScreen"
    ),
    PaletteAction("編集をやめて戻る", "一覧に戻る（escape）", "cancel", "EntryFormScreen"),
    PaletteAction("キー一覧", "この画面のキーを表示する（?）", "help", "App"),
    PaletteAction("終了", "todokede を終了する（ctrl+q）", "quit", "App"),
)


def _offered(screen: Screen[object], action: PaletteAction) -> bool:
    if action.screen == "App":
        return True
    if type(screen).__name__ != action.screen:
        return False
    return screen.check_action(action.action, ()) is not False


class TodokedeCommands(Provider):
    """The actions available on the current screen."""

    def _actions(self) -> Iterator[PaletteAction]:
        for action in ACTIONS:
            if _offered(self.screen, action):
                yield action

    async def _run(self, action: PaletteAction) -> None:
        if action.screen == "App":
            await self.app.run_action(action.action)
        else:
            await self.screen.run_action(action.action)

    async def discover(self) -> Hits:
        for action in self._actions():
            yield DiscoveryHit(action.title, partial(self._run, action), help=action.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in self._actions():
            score = max(matcher.match(action.title), matcher.match(action.help) * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.title),
                    partial(self._run, action),
                    help=action.help,
                )


class EntryJumpProvider(Provider):
    """Jump to a process by its name, department or id (main screen only)."""

    async def search(self, query: str) -> Hits:
        from tui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen) or screen.overview is None or not query.strip():
            return
        overview = screen.overview
        matcher = self.matcher(query)
        found = 0
        for entry_id in overview.search(query).ids:
            item = overview.get(entry_id)
            if item is None:
                continue
            title = f"{item.entry.name}（{item.entry.department}）"
            score = matcher.match(title) or 0.1
            yield Hit(
                score,
                matcher.highlight(title),
                partial(screen.select_entry, entry_id),
                help=f"業務へ移動: {entry_id}",
            )
            found += 1
            if found >= 50:
                return


class TodokedePalette(CommandPalette):
    """Textual's command palette, saying "nothing found" in Japanese."""

    def __init__(self) -> None:
        super().__init__(placeholder="コマンドや業務の名前を入力…", id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual (8.2.8, pinned) writes "No matches found" in this private
        # method; this is the same countdown with the message in Japanese.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text("見つかりません")), disabled=True, id=self._NO_MATCHES)
                )
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
