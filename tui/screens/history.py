"""The history of one process (h): its commits, each commit's field-level and raw diff.

The commits are read by :func:`todokede.registry.git.history.entry_history` in a worker
(the list shows a loading indicator meanwhile). The highlighted commit's
changes are shown below the list in Japanese (:mod:`todokede.registry.views.diff_lines`),
then the raw TOML diff in colour. Enter goes to the diff, escape comes back
and, from the list, closes the screen. What comes from git (authors, messages,
old versions of the file) is shown with hidden characters as marks.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Final

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from todokede.registry.git.history import HistoryItem, LogItem
from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.diff_lines import changed_labels, diff_lines, grouped
from todokede.registry.views.display import visible
from todokede.tui.failures import describe_failure
from todokede.tui.plain import literal, outside
from todokede.tui.widgets.history_view import KIND_STYLES
from todokede.tui.widgets.tables import one_line, rest_width

SIGN_STYLES: Final[dict[str, str]] = {"+": "green", "-": "red", "~": "yellow"}
#: Cells of the date, kind, review and author columns (平成28年12月22日 is 16 cells).
DATE_WIDTH: Final = 16
KIND_WIDTH: Final = 6
REVIEW_WIDTH: Final = 6
AUTHOR_WIDTH: Final = 16


def short_sha(commit: str) -> str:
    """The abbreviated commit id shown to the user (``git show`` takes it)."""
    return commit[:7]


def kind_text(log: LogItem) -> Text:
    """開始届, 変更届, 廃止届, その他 — coloured by kind."""
    return Text(
        log.kind_label + ("届" if log.is_filing else ""), KIND_STYLES.get(log.kind or "", "")
    )


def commit_view(item: HistoryItem) -> RenderableType:
    """One commit: when, what kind, who, the summary, then what changed field by field."""
    log = item.log
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold")
    kind = kind_text(log)
    if log.review:
        kind.append("（見直し）", "cyan")
    table.add_row("日付", Text.assemble(format_wareki(log.date), "  ", kind))
    author = outside(log.author)
    if log.author_email:
        author.append(f" <{visible(log.author_email)}>", "dim")
    table.add_row("届出者" if log.is_filing else "作成者", author)
    table.add_row("コミット", Text(short_sha(log.commit), "dim"))
    summary = log.summary or log.subject
    if summary:
        table.add_row("概要", outside(summary, multiline=True))
    add_changes(table, item)
    return table


def add_changes(table: Table, item: HistoryItem) -> None:
    """The field-level diff in Japanese: 変更された項目, then each addition, removal, change.

    The filing a filing commit adds is left out: its date, kind and summary are
    the commit's own, shown above.
    """
    diff = item.diff
    if diff is None:
        table.add_row("変更", Text("この業務のファイルの内容は変わっていません", "dim"))
        return
    if diff.unreadable:
        table.add_row(Text("注意", "red"), "TOML として読めない版があります")
    if diff.status == "added":
        table.add_row("ファイル", Text("追加（この業務の最初のコミット）", "green"))
    elif diff.status == "removed":
        table.add_row("ファイル", Text("削除", "red"))
    else:
        table.add_row("変更された項目", outside("、".join(changed_labels(diff))))
    own_filing = item.log.is_filing and len(diff.filings_added) == 1
    for group in grouped(diff_lines(diff, wareki=True)):
        if own_filing and group.heading == "届出の追加":
            continue
        table.add_row(
            outside(group.heading, SIGN_STYLES[group.sign]),
            Text("\n").join(outside(value) for value in group.values),
        )


def raw_view(item: HistoryItem) -> RenderableType:
    """The TOML diff as git shows it, coloured."""
    if not item.raw_diff:
        return Text("差分はありません", "dim")
    return Syntax(
        visible(item.raw_diff.rstrip("\n"), multiline=True),
        "diff",
        theme="ansi_dark",
        background_color="default",
        word_wrap=True,
    )


class CommitsTable(DataTable[Text]):
    """The list of commits; enter opens the highlighted commit's diff."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "差分へ", id="history-to-diff"),
    ]


class HistoryScreen(Screen[None]):
    """The commits of one process, newest first, and the diff of the one highlighted."""

    HELP_TITLE: ClassVar[str] = "変更履歴"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "戻る", id="history-back"),
        Binding("t", "toggle_raw", "TOML の差分を表示・隠す", id="history-toggle-raw"),
    ]

    CSS_PATH = "../styles/history.tcss"

    def __init__(self, root: Path, entry_id: str, *, name: str, department: str) -> None:
        super().__init__()
        self.root = root
        self.entry_id = entry_id
        self._heading = f"変更履歴: {department} {name}（{entry_id}）".replace("  ", " ")
        """The title: the process as the register names it (shown as written)."""
        self.items: list[HistoryItem] | None = None
        """The commits once read (newest first); None while reading."""
        self._table_width = 0

    def compose(self) -> ComposeResult:
        yield Static(literal(self._heading), id="history-title", classes="title-bar")
        yield CommitsTable(id="history-commits", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="history-diff"):
            yield Static("", id="history-change")
            yield Static("TOML の差分", id="history-raw-title")
            yield Static("", id="history-raw")
        yield Footer()

    def on_mount(self) -> None:
        table = self.commits_table
        table.loading = True
        self._read()

    @property
    def commits_table(self) -> CommitsTable:
        return self.query_one("#history-commits", CommitsTable)

    @work(thread=True, exclusive=True, group="history-screen", exit_on_error=False)
    def _read(self) -> None:
        from todokede.registry.git.history import entry_history

        result: list[HistoryItem] | str
        try:
            result = entry_history(self.root, self.entry_id)
        except Exception as error:  # shown on screen: a user never sees a traceback
            result = describe_failure(error)
        self.app.call_from_thread(self._loaded, result)

    def _loaded(self, result: list[HistoryItem] | str) -> None:
        table = self.commits_table
        table.loading = False
        # The list may have had focus while loading, so focus does not move: the
        # footer must still learn that the list's keys are active now.
        self.refresh_bindings()
        if isinstance(result, str):
            self.items = []
            self._show_message(outside(f"変更履歴を読めません: {result}", "yellow"))
            return
        self.items = result
        title = self.query_one("#history-title", Static)
        title.update(literal(f"{self._heading}  コミット {len(result)}件"))
        if not result:
            self._show_message(
                Text(
                    "この業務のコミットはまだありません（保存した変更は届出でコミットされます）",
                    "dim",
                )
            )
            return
        self._fill(force=True)
        table.focus()

    def _show_message(self, message: Text) -> None:
        self.query_one("#history-change", Static).update(message)
        self.query_one("#history-raw-title").display = False
        self.query_one("#history-raw", Static).update("")

    def _fill(self, force: bool = False) -> None:
        """List the commits; the summary column takes the width that is left."""
        table = self.commits_table
        width = table.size.width or self.size.width
        if not self.items or (width == self._table_width and not force):
            return
        self._table_width = width
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column("日付", width=DATE_WIDTH, key="date")
        table.add_column("区分", width=KIND_WIDTH, key="kind")
        table.add_column("見直し", width=REVIEW_WIDTH, key="review")
        table.add_column("届出者", width=AUTHOR_WIDTH, key="author")
        summary_width = rest_width(width, (DATE_WIDTH, KIND_WIDTH, REVIEW_WIDTH, AUTHOR_WIDTH))
        table.add_column("概要", width=summary_width, key="summary")
        for item in self.items:
            log = item.log
            table.add_row(
                Text(format_wareki(log.date)),
                kind_text(log),
                Text("○" if log.review else "", "cyan", justify="center"),
                one_line(visible(log.author)),
                one_line(visible(log.summary or log.subject, multiline=True)),
                key=log.commit,
            )
        table.move_cursor(row=min(row, len(self.items) - 1))
        self._show(min(row, len(self.items) - 1))

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self._fill)

    @on(DataTable.RowHighlighted, "#history-commits")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    @on(DataTable.RowSelected, "#history-commits")
    def _selected(self) -> None:
        self.action_to_diff()

    def action_to_diff(self) -> None:
        """Into the diff, to scroll it (escape comes back to the list)."""
        self.query_one("#history-diff", VerticalScroll).focus()

    def _show(self, index: int) -> None:
        if not self.items or not 0 <= index < len(self.items):
            return
        item = self.items[index]
        self.query_one("#history-change", Static).update(commit_view(item))
        self.query_one("#history-raw-title").display = True
        self.query_one("#history-raw", Static).update(raw_view(item))
        self.query_one("#history-diff", VerticalScroll).scroll_home(animate=False)

    @property
    def shown(self) -> HistoryItem | None:
        """The commit whose diff is shown."""
        if not self.items:
            return None
        index = self.commits_table.cursor_row
        return self.items[index] if 0 <= index < len(self.items) else None

    def action_toggle_raw(self) -> None:
        for selector in ("#history-raw-title", "#history-raw"):
            self.query_one(selector).toggle_class("-hidden")

    def action_back(self) -> None:
        """From the diff back to the list; from the list back to the register."""
        diff = self.query_one("#history-diff", VerticalScroll)
        if diff.has_focus and self.items:
            self.commits_table.focus()
            return
        self.dismiss(None)
