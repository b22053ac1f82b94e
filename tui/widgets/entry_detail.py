"""The selected process in tabs: 概要, 記録項目, ファイル, 委託・結合・提供, 届出履歴, 変更履歴.

Every tab is a rich renderable in a scrolling ``Static``: rich measures
double-width characters, so Japanese columns line up at any width. Every text
of the entry is a ``Text`` (:mod:`todokede.tui.plain`), never a ``str`` that rich would
read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, Static, TabbedContent, TabPane

from todokede.registry.files.store import EntryFile
from todokede.registry.schema.catalog import CATEGORIES, Catalog
from todokede.registry.schema.fields import FILE_KIND_CHOICES
from todokede.registry.schema.model import KIND_LABELS, Entry, PersonalFile, RegistryConfig
from todokede.registry.schema.personal_files import standing
from todokede.registry.schema.problems import Problem
from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.overview import EntryMarks
from todokede.registry.views.review import review_of
from todokede.tui.plain import literal, outside
from todokede.tui.widgets.marks import (
    ABOLISHED,
    DUE_SOON,
    FILE_BOOK,
    MY_NUMBER,
    OVERDUE,
    SENSITIVE,
    UNFILED,
)

NONE = Text("なし", "dim")
UNFILED_CHANGES = "保存済み・未届出の変更があります"
EMPTY_HINT = "左の一覧から業務を選んでください。/ で絞り込み、? でキー一覧。"
#: The tabs' labels; where the pane is too narrow for all of them, the long one is
#: shortened (80 columns: six tabs beside the tree).
TAB_LABELS = {
    "tab-summary": "概要",
    "tab-items": "記録項目",
    "tab-files": "ファイル",
    "tab-links": "委託・結合・提供",
    "tab-filings": "届出履歴",
    "tab-history": "変更履歴",
}
SHORT_TAB_LABELS = {"tab-links": "委託等"}
TAB_IDS = ("tab-summary", "tab-items", "tab-files", "tab-links", "tab-filings", "tab-history")
NO_FILES = (
    "この業務には個人情報ファイルが登録されていません"
    "（e で編集し「＋ 個人情報ファイルを追加」で登録します）"
)


def wareki(day: date | None) -> str:
    return format_wareki(day) if day is not None else ""


def _badge(spec: tuple[str, str, str], text: str | None = None) -> Text:
    mark, style, meaning = spec
    return Text.assemble((mark, style), " ", text or meaning)


def _list(values: Sequence[str]) -> RenderableType:
    return Text("\n".join(f"・{v}" for v in values)) if values else NONE


def _fields_table() -> Table:
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column("項目", style="bold", no_wrap=True)
    table.add_column("内容", ratio=1, overflow="fold")
    return table


def summary_view(
    item: EntryFile, marks: EntryMarks, config: RegistryConfig, as_of: date
) -> RenderableType:
    """概要: the process's fields, status and review clock."""
    entry = item.entry
    table = _fields_table()
    table.add_row("業務の名称", literal(entry.name, "bold"))
    table.add_row("業務ID", literal(item.id))
    table.add_row("担当", literal(" ".join(v for v in (entry.department, entry.section) if v)))
    table.add_row("状態", _status_text(entry, marks, config, as_of))
    table.add_row("業務の目的", literal(entry.purpose))
    table.add_row("根拠法令", _list(entry.legal_basis))
    table.add_row("対象者の範囲", _list(entry.subjects))
    table.add_row("収集先", _list(entry.sources))
    table.add_row("収集方法", _list(entry.collection_methods))
    table.add_row(
        "電算処理", "電子計算機処理あり" if entry.computer_processing else "なし（紙のみ）"
    )
    table.add_row("保存期間", literal(entry.retention) if entry.retention else NONE)
    special = [
        badge
        for flag, badge in (
            (marks.my_number, _badge(MY_NUMBER)),
            (marks.sensitive, _badge(SENSITIVE)),
            (marks.files_wrong, _badge(FILE_BOOK, "ファイル簿の要確認（ファイルタブ）")),
        )
        if flag
    ]
    table.add_row("特記", Text("\n").join(special) if special else NONE)
    return table


def unfiled_text(marks: EntryMarks) -> Text:
    """The line of a process saved but not filed: what differs, and what to do."""
    if marks.abolished:
        return _badge(UNFILED, f"{UNFILED_CHANGES}（廃止した業務のため届け出られません）")
    return _badge(UNFILED, f"{UNFILED_CHANGES}（f で変更届を出します）")


def _status_text(entry: Entry, marks: EntryMarks, config: RegistryConfig, as_of: date) -> Text:
    text = _filing_state(entry, marks, config, as_of)
    if marks.changed:
        text.append("\n")
        text.append_text(unfiled_text(marks))
    return text


def _filing_state(entry: Entry, marks: EntryMarks, config: RegistryConfig, as_of: date) -> Text:
    last = entry.last_filing
    if marks.abolished:
        day = wareki(last.date) if last else ""
        return _badge(ABOLISHED, f"廃止（{day}）" if day else "廃止")
    if last is None:
        return _badge(UNFILED, "まだ届出されていません（f で開始届を出します）")
    text = Text(f"届出中（最終届出 {wareki(last.date)} {KIND_LABELS[last.kind]}）")
    review = review_of(entry, config, as_of)
    if review is not None:
        text.append("\n")
        due = f"見直し期限 {wareki(review.due)}"
        if review.state == "overdue":
            text.append_text(_badge(OVERDUE, f"{due}（期限経過）"))
        elif review.state == "due_soon":
            text.append_text(_badge(DUE_SOON, f"{due}（期限間近）"))
        else:
            text.append(due, "dim")
    return text


def items_view(entry: Entry, catalog: Catalog) -> RenderableType:
    """記録項目: grouped by category, 要配慮 and 個人番号 marked, unknown items last."""
    groups: dict[str, list[Text]] = {category: [] for category in CATEGORIES}
    unknown: list[Text] = []
    for written in entry.record_items:
        known = catalog.lookup(written)
        if known is None:
            unknown.append(Text.assemble("・", written, ("  項目一覧にない項目", "yellow")))
            continue
        line = Text.assemble("・", known.name)
        if written != known.name:
            line.append(f"（{written}）", "dim")
        if known.my_number:
            line.append("  ")
            line.append(MY_NUMBER[0], MY_NUMBER[1])
            line.append(" 個人番号", "dim")
        if known.sensitive:
            line.append("  ")
            line.append(SENSITIVE[0], SENSITIVE[1])
            line.append(" 要配慮", "dim")
        groups[known.category].append(line)
    parts: list[RenderableType] = [Text(f"記録項目 {len(entry.record_items)}件", "dim")]
    for category, lines in groups.items():
        if lines:
            parts.append(Text(category, "bold underline"))
            parts.extend(lines)
    if unknown:
        parts.append(Text("項目一覧にない項目", "bold underline yellow"))
        parts.extend(unknown)
    return Group(*parts)


FILE_KINDS: dict[str, str] = dict(FILE_KIND_CHOICES)


def files_view(
    entry: Entry,
    marks: EntryMarks,
    config: RegistryConfig,
    problems: Sequence[Problem] = (),
) -> RenderableType:
    """ファイル: each 個人情報ファイル with its 種別, 本人の数, 記録項目 and whether the
    ファイル簿 lists it (and why not); the problems ``check`` found in them."""
    parts: list[RenderableType] = []
    if marks.files_missing or not entry.files:
        style = "yellow" if marks.files_missing else "dim"
        message = NO_FILES if not entry.is_abolished else "個人情報ファイルはありません"
        text = Text(message, style)
        if marks.files_missing:
            text = Text.assemble((FILE_BOOK[0], FILE_BOOK[1]), " ", text)
        parts.append(text)
        return Group(*parts)
    parts.append(Text(f"個人情報ファイル {len(entry.files)}件", "dim"))
    min_persons = config.filebook.min_persons
    for index, file in enumerate(entry.files):
        wrong = index in marks.files_misexempt
        parts.append(Text(""))
        parts.append(Text.assemble(("■ ", "bold"), literal(file.name, "bold underline")))
        parts.append(Padding(_file_table(file, min_persons, wrong), (0, 0, 0, 2)))
        prefix = f"files[{index}]"
        for problem in problems:
            if problem.field == prefix or problem.field.startswith((f"{prefix}.", f"{prefix}[")):
                style = "red" if problem.severity == "error" else "yellow"
                mark = "✖" if problem.severity == "error" else "▲"
                parts.append(outside(f"{mark} {problem.message}", style, multiline=True))
    return Group(*parts)


def _file_table(file: PersonalFile, min_persons: int, wrong: bool) -> Table:
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column("項目", style="bold", no_wrap=True)
    table.add_column("内容", ratio=1, overflow="fold")
    table.add_row("種別", FILE_KINDS.get(file.kind, file.kind))
    table.add_row("本人の数", f"{file.persons:,}人")
    table.add_row("記録項目", literal("、".join(file.record_items)) if file.record_items else NONE)
    place = standing(file, min_persons)
    listing = Text(place.label, "" if place.listed else "yellow")
    if wrong:
        listing = Text.assemble((FILE_BOOK[0], FILE_BOOK[1]), " ", listing)
    table.add_row("ファイル簿", listing)
    return table


def _section(title: str, rows: Iterable[Text]) -> list[RenderableType]:
    lines = list(rows)
    return [Text(title, "bold underline"), *(lines or [NONE]), Text("")]


def links_view(entry: Entry) -> RenderableType:
    """委託・結合・提供: outsourcing, online connections and provisions."""
    parts: list[RenderableType] = []
    parts += _section(
        f"委託  {len(entry.outsourcing)}件",
        (
            Text.assemble(
                "・",
                (o.contractor, "bold"),
                f" — {o.scope}" if o.scope else "",
                (f"（{wareki(o.since)}から）", "dim") if o.since else "",
            )
            for o in entry.outsourcing
        ),
    )
    parts += _section(
        f"外部結合  {len(entry.connections)}件",
        (
            Text.assemble(
                "・",
                (c.partner, "bold"),
                f" — {c.purpose}" if c.purpose else "",
                (f"（{wareki(c.since)}から）", "dim") if c.since else "",
            )
            for c in entry.connections
        ),
    )
    parts += _section(
        f"目的外利用・外部提供  {len(entry.provisions)}件",
        (
            Text.assemble("・", (p.recipient, "bold"), (f" — {p.basis}" if p.basis else ""))
            for p in entry.provisions
        ),
    )
    return Group(*parts[:-1])


def filings_view(entry: Entry) -> RenderableType:
    """届出履歴: every filing, oldest first, dates in 和暦."""
    if not entry.filings:
        return Text(
            "まだ届出されていません（保存した内容は届出で登録簿の記録になります）", "yellow"
        )
    table = Table(expand=True, show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("届出日", no_wrap=True)
    table.add_column("区分", no_wrap=True)
    table.add_column("内容", ratio=1, overflow="fold")
    for filing in entry.filings:
        content = literal(filing.summary)
        if filing.review:
            content.append("（見直し）", "cyan")
        if filing.items_added:
            content.append(f"\n追加: {'、'.join(filing.items_added)}", "green")
        if filing.items_removed:
            content.append(f"\n削除: {'、'.join(filing.items_removed)}", "red")
        table.add_row(literal(format_wareki(filing.date)), KIND_LABELS[filing.kind], content)
    return table


def problems_view(stem: str, problems: Sequence[Problem]) -> RenderableType:
    """A file that could not be loaded: what is wrong and where."""
    parts: list[RenderableType] = [
        outside(f"entries/{stem}.toml は読み込めませんでした", "bold red"),
        Text("ファイルを直してから ctrl+r で読み込み直してください。", "dim"),
        Text(""),
    ]
    for problem in problems:
        place = f"{problem.line}行目" if problem.line else "ファイル"
        label = "エラー" if problem.severity == "error" else "警告"
        field = f" {problem.field}:" if problem.field else ""
        style = "red" if problem.severity == "error" else "yellow"
        parts.append(
            Text.assemble(
                (f"{place} {label}", style),
                outside(f"{field} {problem.message}", multiline=True),
            )
        )
    return Group(*parts)


#: ←/→ (in the tree and in a tab): one binding group, shown once in the footer.
TAB_KEYS = Binding.Group("タブ", compact=True)


class TabScroll(VerticalScroll):
    """A tab's scrolling content: ↑↓ scroll, ←/→ go to the next tab (rather than
    scroll sideways, which the content never needs), escape back to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left", "previous_tab", "前のタブ", key_display="←", group=TAB_KEYS, id="tab-previous"
        ),
        Binding("right", "next_tab", "次のタブ", key_display="→", group=TAB_KEYS, id="tab-next"),
        Binding("escape", "to_list", "一覧へ", id="detail-to-list"),
    ]

    def _detail(self) -> EntryDetail:
        return self.query_ancestor(EntryDetail)

    def action_previous_tab(self) -> None:
        self._detail().move_tab(-1)

    def action_next_tab(self) -> None:
        self._detail().move_tab(1)

    def action_to_list(self) -> None:
        self._detail().post_message(EntryDetail.BackToList())


class EntryDetail(Vertical):
    """The detail pane: an empty hint, the tabs of a process, or a file's problems."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entry_id: str | None = None
        """The process shown, if any."""
        self.history_entry: str | None = None
        """The process whose history the 変更履歴 tab shows (or is loading)."""

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="detail-empty"):
            yield Static(EMPTY_HINT, id="detail-empty")
            with TabbedContent(id="detail-tabs"):
                with TabPane(TAB_LABELS["tab-summary"], id="tab-summary"):
                    yield self._body("summary")
                with TabPane(TAB_LABELS["tab-items"], id="tab-items"):
                    yield self._body("items")
                with TabPane(TAB_LABELS["tab-files"], id="tab-files"):
                    yield self._body("files")
                with TabPane(TAB_LABELS["tab-links"], id="tab-links"):
                    yield self._body("links")
                with TabPane(TAB_LABELS["tab-filings"], id="tab-filings"):
                    yield self._body("filings")
                with TabPane(TAB_LABELS["tab-history"], id="tab-history"):
                    yield self._body("history")
            with TabScroll(id="detail-problems"):
                yield Static(id="problems-body", classes="detail-body")

    class BackToList(Message):
        """Escape in a tab: the user is done reading."""

    def on_resize(self) -> None:
        """Every tab's label in sight: the long ones shortened when they do not fit."""
        # A tab is its label and its padding: one cell in narrow terminals, else two.
        padding = 1 if self.screen.has_class("-narrow") else 2
        needed = sum(cell_len(label) + padding for label in TAB_LABELS.values())
        short = needed > self.size.width
        tabs = self.query_one(TabbedContent)
        for tab_id, label in SHORT_TAB_LABELS.items():
            wanted = label if short else TAB_LABELS[tab_id]
            tab = tabs.get_tab(tab_id)
            if str(tab.label) != wanted:
                tab.label = wanted

    @staticmethod
    def _body(name: str, content: RenderableType = "") -> VerticalScroll:
        return TabScroll(Static(content, id=f"{name}-body", classes="detail-body"))

    def move_tab(self, step: int) -> None:
        """The next (1) or previous (-1) tab, round; only while a process is shown.
        The content keeps the focus if it had it (reading goes on in the new tab)."""
        if self.query_one(ContentSwitcher).current != "detail-tabs":
            return
        reading = any(scroll.has_focus for scroll in self.query(TabScroll))
        index = TAB_IDS.index(self.active_tab) if self.active_tab in TAB_IDS else 0
        self.active_tab = TAB_IDS[(index + step) % len(TAB_IDS)]
        if reading:
            self.call_after_refresh(self.focus_content)

    def _set(self, name: str, content: RenderableType) -> None:
        self.query_one(f"#{name}-body", Static).update(content)

    def show_entry(
        self,
        item: EntryFile,
        marks: EntryMarks,
        config: RegistryConfig,
        catalog: Catalog,
        as_of: date,
        problems: Sequence[Problem] = (),
    ) -> None:
        """Show a process in the tabs (the active tab stays); ``problems``: those of
        its file (the ファイル tab shows its files')."""
        self.entry_id = item.id
        self._set("summary", summary_view(item, marks, config, as_of))
        self._set("items", items_view(item.entry, catalog))
        self._set("files", files_view(item.entry, marks, config, problems))
        self._set("links", links_view(item.entry))
        self._set("filings", filings_view(item.entry))
        self.query_one(ContentSwitcher).current = "detail-tabs"

    def show_history_loading(self, entry_id: str) -> None:
        """The history of ``entry_id`` is being read (in the background)."""
        self.history_entry = entry_id
        self._set("history", Text("変更履歴を読み込んでいます…", "dim"))
        self._history_scroll.loading = True

    def show_history(self, entry_id: str, content: RenderableType) -> None:
        """Show a history that was read, unless another process is shown by now."""
        if entry_id != self.history_entry:
            return
        self._history_scroll.loading = False
        self._set("history", content)

    def forget_history(self) -> None:
        """The shown history is stale (the entry was saved, the register reloaded)."""
        self.history_entry = None

    @property
    def _history_scroll(self) -> VerticalScroll:
        return self.query_one("#tab-history TabScroll", TabScroll)

    def show_problems(self, stem: str, problems: Sequence[Problem]) -> None:
        """Show why a file could not be loaded."""
        self.entry_id = None
        self._set("problems", problems_view(stem, problems))
        self.query_one(ContentSwitcher).current = "detail-problems"

    def show_empty(self, message: str | None = None) -> None:
        """No process: the hint, or ``message`` (why none is shown)."""
        self.entry_id = None
        self.query_one("#detail-empty", Static).update(literal(message or EMPTY_HINT))
        self.query_one(ContentSwitcher).current = "detail-empty"

    def focus_content(self) -> None:
        """Focus the active tab's scrolling content (arrows then scroll it)."""
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == "detail-tabs":
            pane = self.query_one(TabbedContent).active_pane
            if pane is not None:
                pane.query_one(TabScroll).focus()
        elif switcher.current == "detail-problems":
            self.query_one("#detail-problems", TabScroll).focus()

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    @active_tab.setter
    def active_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = tab_id
