"""The main screen: departments and processes beside the selected process.

The register is loaded in a thread worker (the tree shows a loading
indicator meanwhile); the filter narrows the tree as the user types; ``e``
and ``n`` open the entry form, and a saved entry is read back, shown and
offered for filing. ``f`` files the process, ``a`` abolishes it (asking
first), ``h`` shows its history; ``r`` the council report, ``c`` the council
meeting's papers, ``i`` imports a spreadsheet's register, ``m`` the review reminders, ``s`` syncs with the shared remote. Those screens and dialogs (and
git, diffs, reports, filing behind them) are imported by the action that opens
them, not with this screen: the register is on screen sooner.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

from rich.console import RenderableType
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TabbedContent, Tree

from todokede.registry.files.store import EntryFile
from todokede.registry.schema.errors import FilingRefused, RegisterError
from todokede.registry.schema.kinds import next_filing_kind
from todokede.registry.schema.model import FilingKind
from todokede.registry.views.overview import RegisterOverview
from todokede.registry.views.search import SearchResult
from todokede.tui.failures import describe_failure
from todokede.tui.plain import literal, outside, shown
from todokede.tui.widgets.entry_detail import TAB_KEYS, EntryDetail
from todokede.tui.widgets.marks import legend_text
from todokede.tui.widgets.register_header import RegisterHeader
from todokede.tui.widgets.register_tree import (
    DepartmentData,
    EntryData,
    ProblemFileData,
    ProblemGroupData,
    RegisterTree,
)

if TYPE_CHECKING:
    from todokede.registry.git.filing import Filed
    from todokede.tui.screens.entry_form import EntrySaved


#: Seconds between the tree shown and the filter's haystacks folded in the background.
FOLD_DELAY: Final = 0.5
#: The actions that need a highlighted process, as a refusal names them.
ENTRY_ACTION_WORDS: Final[dict[str, str]] = {
    "edit_entry": "編集",
    "file_entry": "届出",
    "abolish_entry": "廃止",
    "entry_history": "履歴",
}


class FilterInput(Input):
    """The filter: typing narrows the tree; ↓ or enter goes to the tree."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", "一覧へ", show=False, id="filter-to-tree"),
    ]


class MainScreen(Screen[None]):
    """Departments → processes on the left, the selected process on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "絞り込み", id="filter"),
        Binding("escape", "clear_filter", "絞り込み解除・一覧へ", show=False, id="clear-filter"),
        Binding("e", "edit_entry", "編集", id="edit-entry"),
        # At 80 columns the footer holds the keys of the highlighted process, the
        # tabs, ? and ctrl+q; n, r, m and the rest are in ? and ctrl+p.
        Binding("n", "new_entry", "新規", show=False, id="new-entry"),
        Binding("f", "file_entry", "届出", id="file-entry"),
        Binding("a", "abolish_entry", "廃止", show=False, id="abolish-entry"),
        Binding("h", "entry_history", "履歴", id="entry-history"),
        Binding(
            "left", "previous_tab", "前のタブ", key_display="←", group=TAB_KEYS, id="previous-tab"
        ),
        Binding("right", "next_tab", "次のタブ", key_display="→", group=TAB_KEYS, id="next-tab"),
        Binding("r", "report", "報告書", show=False, id="report"),
        Binding("c", "meeting", "審議会資料", show=False, id="meeting"),
        Binding("i", "import_register", "取り込み", show=False, id="import-register"),
        Binding("m", "reminders", "見直し期限", show=False, id="reminders"),
        Binding("s", "sync", "同期", show=False, id="sync"),
        Binding(
            "w",
            "toggle_wide_tree",
            "一覧を広げる・戻す（名称を全部表示）",
            show=False,
            id="wide-tree",
        ),
        Binding("ctrl+r", "reload", "読み込み直す", show=False, id="reload"),
    ]

    # Its styles (tui/styles/main.tcss) are the app's: Textual reads no CSS_PATH of
    # the default screen (App.get_default_screen).

    AUTO_FOCUS = "#register-tree"
    HELP_TITLE: ClassVar[str] = "登録簿"
    """Shown by ``?`` above this screen's keys (with the legend of the marks)."""
    HELP_LEGEND: ClassVar[bool] = True

    def __init__(self, root: Path, as_of: date) -> None:
        super().__init__()
        self.root = root
        self.as_of = as_of
        self.overview: RegisterOverview | None = None
        """The loaded register; None until the first load is done."""
        self.result: SearchResult | None = None
        """What the filter lists now."""

    def compose(self) -> ComposeResult:
        yield RegisterHeader()
        with Horizontal(id="main-body"):
            with Vertical(id="sidebar"):
                yield FilterInput(
                    placeholder="/ 絞り込み（名称・課・項目）",
                    id="filter",
                    compact=True,
                )
                yield Static("", id="filter-status")
                yield RegisterTree(id="register-tree")
                yield Static(legend_text(compact=True), id="legend")
            yield EntryDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    # -- loading --------------------------------------------------------------

    @property
    def register_tree(self) -> RegisterTree:
        return self.query_one(RegisterTree)

    @property
    def detail(self) -> EntryDetail:
        return self.query_one(EntryDetail)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def reload(self) -> None:
        """Load the register again from disk, in the background."""
        self.register_tree.loading = True
        self._load_register()

    @work(thread=True, exclusive=True, group="load-register", exit_on_error=False)
    def _load_register(self) -> None:
        # Thousands of small objects and no cycles: the cyclic collector would
        # only slow the load down (by a fifth on 5,000 entries). Once loaded they
        # live until the next reload, still without cycles: frozen (gc.freeze),
        # the collections that follow do not walk them all again (the first ones
        # after the load took a tenth of a second of the start on 5,000 entries).
        # Refcounting frees them as usual; what was frozen with them and became
        # cyclic garbage since (a removed widget, an app a test closed) is
        # collected before the next load, unfrozen first.
        collecting = gc.isenabled()
        if collecting and gc.get_freeze_count():
            gc.unfreeze()
            gc.collect()
        gc.disable()
        try:
            overview = RegisterOverview.load(self.root, self.as_of)
        except Exception as error:  # shown on screen: a user never sees a traceback
            if collecting:
                gc.enable()
            self.app.call_from_thread(self._load_failed, error)
            return
        if collecting:
            gc.freeze()
            gc.enable()
        self.app.call_from_thread(self._loaded, overview)

    def _load_failed(self, error: Exception) -> None:
        self.register_tree.loading = False
        message = f"登録簿を読み込めませんでした: {describe_failure(error)}"
        self.query_one(RegisterHeader).show_message(message)
        self.notify(shown(message), severity="error", timeout=15, markup=False)

    def _loaded(self, overview: RegisterOverview) -> None:
        keep = self.detail.entry_id
        self.detail.forget_history()
        self.overview = overview
        self.register_tree.loading = False
        self._show_header()
        self.apply_filter(self.filter_input.value, keep=keep, force=True)
        if not self.filter_input.value:
            self.register_tree.focus()
        register = overview.register
        if register.errors:
            first = shown(register.errors[0].as_text())
            self.notify(
                f"エラーが {len(register.errors)}件あります（{len(register.invalid)}ファイル）。"
                f"最初のエラー: {first}",
                title="登録簿の検査",
                severity="error",
                timeout=12,
                markup=False,
            )
        self.refresh_bindings()
        # The filter's haystacks are folded a moment after the tree is on screen (or
        # by the first query, if sooner), not before it: showing the register first.
        self.set_timer(FOLD_DELAY, partial(self._fold_haystacks, overview))

    @work(thread=True, exclusive=True, group="fold-haystacks", exit_on_error=False)
    def _fold_haystacks(self, overview: RegisterOverview) -> None:
        overview.index.prepare()

    def _show_header(self) -> None:
        if self.overview is None:
            return
        config = self.overview.config
        self.query_one(RegisterHeader).show(config.name, config.municipality, self.overview.counts)

    # -- the filter -----------------------------------------------------------

    def apply_filter(self, query: str, keep: str | None = None, *, force: bool = False) -> None:
        """Narrow the tree to the processes matching ``query``; the detail pane then
        shows what the cursor is on (``force``: shown again even if it is the same)."""
        overview = self.overview
        if overview is None:
            return
        result = overview.search(query)
        self.result = result
        tree = self.register_tree
        tree.show(overview, result, keep=keep or self.detail.entry_id)
        self._sync_detail(force=force)
        total = len(overview.register.entries)
        status = f"{total}件中 {len(result)}件" if result.is_filtered else f"全 {total}件"
        self.query_one("#filter-status", Static).update(literal(status))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.register_tree.focus()

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_clear_filter(self) -> None:
        """Back to the list; from the filter or the list, the filter is cleared too."""
        tree = self.register_tree
        if (self.filter_input.has_focus or tree.has_focus) and self.filter_input.value:
            self.filter_input.value = ""
        tree.focus()

    # -- the selection --------------------------------------------------------

    @on(Tree.NodeHighlighted, "#register-tree")
    def _highlighted(self) -> None:
        # The event may come from a build of the tree that the filter has replaced
        # since (keys typed quickly): the cursor, not the event's node, says what
        # is highlighted now.
        self._sync_detail()

    def _sync_detail(self, *, force: bool = False) -> None:
        """Show in the detail pane what the tree's cursor is on, and nothing else:
        a process, a file that could not be read, or why no process is shown."""
        node = self.register_tree.cursor_node
        data = node.data if node is not None else None
        if isinstance(data, EntryData):
            if force or data.entry_id != self.detail.entry_id:
                self._show_entry(data.entry_id)
            return
        if isinstance(data, ProblemFileData) and self.overview is not None:
            self.detail.show_problems(data.stem, self.overview.file_problems(data.stem))
        elif isinstance(data, DepartmentData):
            self.detail.show_empty(
                f"{data.department}（業務 {len(data.entries)}件）\n"
                "業務を選ぶと、その内容がここに表示されます。"
                "e 編集・f 届出・h 履歴は、選んだ業務に対して行います。"
            )
        elif isinstance(data, ProblemGroupData):
            self.detail.show_empty(
                "読み込めなかったファイルです。ファイルを選ぶと理由が表示されます。"
            )
        elif self.result is not None and self.result.is_filtered:
            self.detail.show_empty(
                f"「{self.filter_input.value.strip()}」に該当する業務はありません。"
                "escape で絞り込みを解除します。"
            )
        else:
            self.detail.show_empty()
        self.refresh_bindings()

    def no_entry_reason(self) -> str:
        """Why no process is highlighted, for an action that needs one."""
        node = self.register_tree.cursor_node
        data = node.data if node is not None else None
        if isinstance(data, ProblemFileData):
            return "読み込めないファイルです。ファイルを直してから ctrl+r で読み込み直してください"
        if node is None and self.result is not None and self.result.is_filtered:
            return "絞り込みに該当する業務がありません（escape で解除）"
        return "一覧で業務を選んでください"

    @on(RegisterTree.EntryOpened)
    def _opened(self, event: RegisterTree.EntryOpened) -> None:
        """Enter on a process: read it in the tabs (escape comes back)."""
        self._show_entry(event.entry_id)
        self.detail.focus_content()

    def _show_entry(self, entry_id: str) -> None:
        overview = self.overview
        item = overview.get(entry_id) if overview is not None else None
        if overview is None or item is None:
            return
        self.detail.show_entry(
            item,
            overview.marks[entry_id],
            overview.config,
            overview.catalog,
            overview.as_of,
            overview.file_problems(entry_id),
        )
        if self.detail.active_tab == "tab-history":
            self._show_history()
        self.refresh_bindings()

    def action_toggle_wide_tree(self) -> None:
        """w: the tree takes most of the width, so long names show in full (again: back)."""
        self.set_class(not self.has_class("-wide-tree"), "-wide-tree")
        self.call_after_refresh(self.register_tree.scroll_to_cursor)

    @on(EntryDetail.BackToList)
    def _back_to_list(self) -> None:
        self.register_tree.focus()

    def action_previous_tab(self) -> None:
        self.detail.move_tab(-1)

    def action_next_tab(self) -> None:
        self.detail.move_tab(1)

    # -- the history tab ------------------------------------------------------

    @on(TabbedContent.TabActivated, "#detail-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-history":
            self._show_history()

    def _show_history(self) -> None:
        """Read the shown process's commits in the background, once per process."""
        entry_id = self.detail.entry_id
        if entry_id is None or self.detail.history_entry == entry_id:
            return
        self.detail.show_history_loading(entry_id)
        self._load_history(entry_id)

    @work(thread=True, exclusive=True, group="entry-history", exit_on_error=False)
    def _load_history(self, entry_id: str) -> None:
        from todokede.registry.git.history import entry_history
        from todokede.tui.widgets.history_view import history_view

        content: RenderableType
        try:
            content = history_view(entry_history(self.root, entry_id))
        except Exception as error:  # shown on screen: a user never sees a traceback
            style = "yellow" if isinstance(error, RegisterError) else "red"
            content = outside(f"変更履歴を読めません: {describe_failure(error)}", style)
        self.app.call_from_thread(self.detail.show_history, entry_id, content)

    def current_entry(self) -> EntryFile | None:
        """The process highlighted in the tree (the one the detail pane shows)."""
        entry_id = self.register_tree.highlighted_entry()
        if self.overview is None or entry_id is None:
            return None
        return self.overview.get(entry_id)

    def select_entry(self, entry_id: str) -> bool:
        """Show a process and put the tree's cursor on it (the filter is cleared
        if it hides it). Phase-2 screens (reminders, history) jump here."""
        overview = self.overview
        if overview is None or overview.get(entry_id) is None:
            return False
        if self.result is not None and entry_id not in self.result:
            with self.filter_input.prevent(Input.Changed):
                self.filter_input.value = ""
            self.apply_filter("", keep=entry_id)
        self.register_tree.move_to_entry(entry_id, expand=True)
        self._show_entry(entry_id)
        self.register_tree.focus()
        return True

    # -- actions --------------------------------------------------------------

    def _no_entry(self, word: str) -> None:
        self.notify(
            f"{word}できません: {self.no_entry_reason()}",
            severity="warning",
            timeout=4,
            markup=False,
        )

    def on_key(self, event: events.Key) -> None:
        """A process's key while no process can take it (the footer shows it dimmed):
        say why, rather than nothing. Keys typed in the filter never come here."""
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled or active.node is not self:
            return
        word = ENTRY_ACTION_WORDS.get(active.binding.action)
        if word is None:
            return
        event.stop()
        item = self.current_entry()
        if item is not None and item.entry.is_abolished:
            self.notify(
                "この業務は既に廃止されています", severity="warning", timeout=4, markup=False
            )
        else:
            self._no_entry(word)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit_entry", "file_entry", "entry_history"):
            return self.current_entry() is not None or None
        if action == "abolish_entry":
            item = self.current_entry()
            return (item is not None and not item.entry.is_abolished) or None
        if action in ("new_entry", "report", "meeting", "reminders"):
            return self.overview is not None or None
        if action == "clear_filter":
            return bool(self.filter_input.value) or not self.register_tree.has_focus
        return True

    def action_edit_entry(self) -> None:
        from todokede.tui.screens.entry_form import EntryFormScreen

        item = self.current_entry()
        if self.overview is None or item is None:
            self._no_entry("編集")
            return
        self.app.push_screen(EntryFormScreen(self.overview, item), self.entry_saved)

    def action_new_entry(self) -> None:
        from todokede.tui.screens.entry_form import EntryFormScreen

        if self.overview is None:
            return
        department = self.register_tree.current_department()
        self.app.push_screen(EntryFormScreen(self.overview, None, department), self.entry_saved)

    def action_reload(self) -> None:
        self.reload()
        self.notify("登録簿を読み込み直しています…", timeout=3, markup=False)

    def entry_saved(self, result: EntrySaved | None) -> None:
        """The form closed: read the saved entry back, show it, offer to file it."""
        if result is None or self.overview is None:
            return
        if self.refresh_entry(result.entry_id) is None:
            problems = self.overview.file_problems(result.entry_id)
            first = shown(problems[0].as_text()) if problems else ""
            self.notify(
                f"保存しましたが、読み込み直すとエラーがあります: {first}",
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        self.offer_filing(result)

    def refresh_entry(self, entry_id: str) -> EntryFile | None:
        """Read one entry's file again (after a save, a filing, an abolition) and
        show it: header counts, tree, tabs. None when the file now has errors."""
        if self.overview is None:
            return None
        item = self.overview.refresh_entry(entry_id)
        self.detail.forget_history()
        self._show_header()
        self.apply_filter(self.filter_input.value, keep=entry_id)
        if item is not None:
            self.select_entry(entry_id)
        return item

    def offer_filing(self, result: EntrySaved) -> None:
        """After a save: open the filing dialog (開始届 for a new process, else 変更届).

        Cancelling it leaves the saved file as it is, not yet filed, and says so; a
        process that can no longer be filed (abolished) is saved and said so.
        """
        if not result.changed:
            self.notify("変更はありませんでした", timeout=4, markup=False)
            return
        created = result.created

        def closed(filed: Filed | None, *, fileable: bool = True) -> None:
            # Said once the dialog is closed: a toast never covers the dialog's buttons.
            if result.warnings:
                self.notify(
                    f"警告 {len(result.warnings)}件: {shown(result.warnings[0])}",
                    title="保存",
                    severity="warning",
                    timeout=6,
                    markup=False,
                )
            if filed is None:
                verb = "作成" if created else "保存"
                hint = "（まだ届出していません）。届け出るには f を押してください"
                self.notify(
                    f"{verb}しました{hint if fileable else ''}",
                    title="保存",
                    timeout=6,
                    markup=False,
                )
            else:
                self.filed(filed)

        if not self.open_filing(result.entry_id, "start" if created else None, closed):
            closed(None, fileable=False)

    # -- filing, abolishing, history ----------------------------------------------

    def open_filing(
        self,
        entry_id: str,
        kind: FilingKind | None = None,
        callback: Callable[[Filed | None], None] | None = None,
        *,
        confirmed_abolish: bool = False,
    ) -> bool:
        """Open the filing dialog for a process; the kind defaults to the one the core
        decides from its filings (開始 when it was never filed, else 変更). False, and
        the reason said, when the process cannot be filed (abolished)."""
        from todokede.tui.dialogs.filing import FilingDialog

        item = self.overview.get(entry_id) if self.overview is not None else None
        if item is None:
            return False
        entry = item.entry
        try:
            chosen: FilingKind = kind or next_filing_kind(entry_id, entry)
        except FilingRefused as refused:
            self.notify(describe_failure(refused), severity="warning", timeout=5, markup=False)
            return False
        dialog = FilingDialog(
            self.root,
            entry_id,
            name=entry.name,
            department=entry.department,
            kind=chosen,
            today=self.as_of,
            confirmed_abolish=confirmed_abolish,
        )
        then = callback or self._filing_closed

        def closed(filed: Filed | None) -> None:
            then(filed)
            if dialog.notes:  # a refused commit finished an interrupted filing first
                self.reload()

        self.app.push_screen(dialog, closed)
        return True

    def _filing_closed(self, filed: Filed | None) -> None:
        if filed is not None:
            self.filed(filed)

    def filed(self, filed: Filed) -> None:
        """A filing was committed: say so with its commit, and show the process again."""
        word = filed.subject.partition(": ")[0]
        entry = filed.draft.entry
        who = filed.author.partition(" <")[0]  # the name: the e-mail is in the history
        message = f"{entry.department} {entry.name}（{filed.commit[:7]}、届出者 {who}）"
        for note in filed.notes:  # what was finished or failed besides: longer, kept
            message += f"\n{note}"
        self.notify(
            shown(message),
            title=f"{word}を記録しました",
            severity="warning" if filed.notes else "information",
            timeout=12 if filed.notes else 5,
            markup=False,
        )
        self.refresh_entry(filed.draft.entry_id)
        if filed.notes:  # another process's interrupted filing may have been finished
            self.reload()

    def action_file_entry(self) -> None:
        item = self.current_entry()
        if item is None:
            self._no_entry("届出")
            return
        self.open_filing(item.id)  # an abolished process is refused at once, as the filing would

    def action_abolish_entry(self) -> None:
        """Ask first, naming the process; then the filing dialog preset to 廃止."""
        from todokede.tui.dialogs.confirm import ConfirmDialog

        item = self.current_entry()
        if item is None:
            self._no_entry("廃止")
            return
        if item.entry.is_abolished:
            self.notify("この業務は既に廃止されています", severity="warning", markup=False)
            return
        entry_id, entry = item.id, item.entry

        def answered(yes: bool | None) -> None:
            if yes:
                self.open_filing(entry_id, "abolish", confirmed_abolish=True)

        self.app.push_screen(
            ConfirmDialog(
                f"「{entry.name}」（{entry.department}）を廃止しますか？\n"
                "次の画面で届出日を確かめて廃止届を出します。"
                "ファイルは残り、状態が「廃止」になります。",
                title="業務の廃止",
                yes="廃止届へ",
                no="やめる",
            ),
            answered,
        )

    def action_entry_history(self) -> None:
        from todokede.tui.screens.history import HistoryScreen

        item = self.current_entry()
        if item is None:
            self._no_entry("履歴")
            return
        self.app.push_screen(
            HistoryScreen(
                self.root, item.id, name=item.entry.name, department=item.entry.department
            )
        )

    # -- the register as a whole --------------------------------------------------

    def action_report(self) -> None:
        from todokede.tui.screens.report import ReportScreen

        if self.overview is not None:
            self.app.push_screen(ReportScreen(self.overview.register, self.as_of))

    def action_meeting(self) -> None:
        from todokede.tui.screens.meeting import MeetingScreen

        if self.overview is not None:
            self.app.push_screen(MeetingScreen(self.overview.register, self.as_of))

    def action_import_register(self) -> None:
        from todokede.tui.screens.import_register import ImportScreen

        self.app.push_screen(ImportScreen(self.root), self._imported)

    def _imported(self, written: bool | None) -> None:
        if written:
            self.reload()

    def action_reminders(self) -> None:
        from todokede.tui.screens.reminders import RemindersScreen

        if self.overview is not None:
            self.app.push_screen(
                RemindersScreen(self.overview.register, self.as_of), self._reminder_chosen
            )

    def _reminder_chosen(self, entry_id: str | None) -> None:
        if entry_id is not None and not self.select_entry(entry_id):
            self.notify(
                f"業務「{shown(entry_id)}」が一覧にありません", severity="warning", markup=False
            )

    def action_sync(self) -> None:
        from todokede.tui.dialogs.sync import SyncDialog

        self.app.push_screen(SyncDialog(self.root), self._synced)

    def _synced(self, changed: bool | None) -> None:
        if changed:
            self.reload()
