"""The command palette (ctrl+p): every action of the screen in Japanese, and a
jump to any process by name.

Actions are listed once here, with the screen class that offers them; a
screen's ``check_action`` decides whether an action is offered now. A hit is
shown as written (:func:`highlighted`): Textual's ``Matcher.highlight`` reads
its candidate as markup, and a process's name may hold ``[`` … ``]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Final

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
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
        "届出", "選んでいる業務の開始届・変更届・廃止届を出す（f）", "file_entry", "MainScreen"
    ),
    PaletteAction(
        "廃止", "選んでいる業務を廃止する（確かめてから廃止届、a）", "abolish_entry", "MainScreen"
    ),
    PaletteAction(
        "変更履歴", "選んでいる業務のコミットと差分を見る（h）", "entry_history", "MainScreen"
    ),
    PaletteAction("次のタブ", "右の業務のタブを次へ（→）", "next_tab", "MainScreen"),
    PaletteAction("前のタブ", "右の業務のタブを前へ（←）", "previous_tab", "MainScreen"),
    PaletteAction("報告書", "期間の業務届出報告書を見て書き出す（r）", "report", "MainScreen"),
    PaletteAction(
        "取り込み",
        "表計算で管理している登録簿（xlsx・xls・ods・csv）を取り込む（i）",
        "import_register",
        "MainScreen",
    ),
    PaletteAction(
        "審議会資料",
        "審議会の会議次第・諮問・報告・業務届出書の報告を見て書き出す（c）",
        "meeting",
        "MainScreen",
    ),
    PaletteAction(
        "見直し期限", "見直し期限が過ぎた・近い業務を見る（m）", "reminders", "MainScreen"
    ),
    PaletteAction("同期", "共有先と届出をやりとりする（s）", "sync", "MainScreen"),
    PaletteAction(
        "一覧を広げる・戻す",
        "業務の名称を全部表示するため一覧の幅を広げる（w）",
        "toggle_wide_tree",
        "MainScreen",
    ),
    PaletteAction(
        "読み込み直す", "登録簿をディスクから読み込み直す（ctrl+r）", "reload", "MainScreen"
    ),
    PaletteAction("保存", "入力した内容を検査して保存する（ctrl+s）", "save", "EntryFormScreen"),
    PaletteAction(
        "項目一覧から記録項目を追加", "項目一覧から選ぶ（ctrl+t）", "pick_items", "EntryFormScreen"
    ),
    PaletteAction("編集をやめて戻る", "一覧に戻る（escape）", "cancel", "EntryFormScreen"),
    PaletteAction("届け出る", "この内容で届け出てコミットする（ctrl+s）", "commit", "FilingDialog"),
    PaletteAction(
        "概要を自動作成に戻す",
        "変更内容から作った概要に戻す（ctrl+r）",
        "reset_summary",
        "FilingDialog",
    ),
    PaletteAction("届出をやめる", "届け出ずに閉じる（escape）", "cancel", "FilingDialog"),
    PaletteAction("差分へ", "選んでいるコミットの差分に移る（enter）", "to_diff", "HistoryScreen"),
    PaletteAction(
        "TOML の差分を表示・隠す", "生の差分の表示を切り替える（t）", "toggle_raw", "HistoryScreen"
    ),
    PaletteAction("登録簿に戻る", "変更履歴を閉じる（escape）", "back", "HistoryScreen"),
    PaletteAction("書き出す", "報告書をファイルに書き出す（ctrl+s）", "export", "ReportScreen"),
    PaletteAction("登録簿に戻る", "報告書を閉じる（escape）", "back", "ReportScreen"),
    PaletteAction(
        "書き出す", "審議会資料をファイルに書き出す（ctrl+s）", "export", "MeetingScreen"
    ),
    PaletteAction("登録簿に戻る", "審議会資料を閉じる（escape）", "back", "MeetingScreen"),
    PaletteAction("登録簿に戻る", "見直し期限を閉じる（escape）", "back", "RemindersScreen"),
    PaletteAction("取り込む", "表の業務を entries/ に書き込む（ctrl+s）", "import", "ImportScreen"),
    PaletteAction("登録簿に戻る", "取り込みを閉じる（escape）", "back", "ImportScreen"),
    PaletteAction("やめる", "項目を選ばずに閉じる（escape）", "cancel", "FieldPicker"),
    PaletteAction("閉じる", "同期の結果を閉じる（enter）", "close", "SyncDialog"),
    PaletteAction("キー一覧", "この画面のキーを表示する（? または f1）", "help", "App"),
    PaletteAction("終了", "todokede を終了する（ctrl+q）", "quit", "App"),
)


def highlighted(matcher: Matcher, candidate: str) -> Content:
    """``candidate`` as written, the letters the query matched highlighted.

    What ``Matcher.highlight`` does (textual 8.2.8, pinned), but with the
    candidate taken as plain text rather than parsed as markup.
    """
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


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
                    highlighted(matcher, action.title),
                    partial(self._run, action),
                    help=action.help,
                )


class EntryJumpProvider(Provider):
    """Jump to a process by its name, department or id (main screen only)."""

    async def search(self, query: str) -> Hits:
        from todokede.tui.screens.main import MainScreen

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
                highlighted(matcher, title),
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
