"""The import screen (i): a spreadsheet's register previewed, its columns fixed, then imported.

The file is named in a field (a relative path from the folder todokede was
started in) and read, with the sheet chosen, by
:func:`todokede.reports.imports.plan.plan_import` in a worker: the columns found
(列, 見出し, what each fills) on the left, the entries it would write and every
problem on the right. Enter on a column picks what it fills
(:class:`todokede.tui.dialogs.field_picker.FieldPicker`) and the plan is made
again. ctrl+s writes it with :func:`todokede.reports.imports.plan.write_import`
after a yes, and the screen dismisses with True so that the register is read again.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import ClassVar, Final

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from todokede.reports.imports.labels import IGNORE, ITEM, Column
from todokede.reports.imports.plan import ImportPlan, plan_import
from todokede.tui.debounce import Debounce
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.failures import describe_failure
from todokede.tui.plain import literal, outside, shown

#: How long the plan waits after a keystroke in the file's name.
PLAN_DELAY: Final = 0.4
#: Entries and problems the preview lists (the dry-run lists them all).
PREVIEW_ENTRIES: Final = 50
PREVIEW_PROBLEMS: Final = 50


def plan_view(plan: ImportPlan) -> RenderableType:
    """What the import would write, and what stands in its way."""
    parts: list[RenderableType] = []
    errors, warnings = len(plan.errors), len(plan.problems) - len(plan.errors)
    counts = Text(f"取り込む業務 {len(plan.entries)}件", "bold")
    if plan.skipped:
        counts.append(f"（取り込み済み {len(plan.skipped)}件は飛ばします）", "dim")
    parts.append(counts)
    if plan.hidden or plan.empty:
        parts.append(Text(f"読み飛ばした行: 非表示 {plan.hidden}行、空行 {plan.empty}行", "dim"))
    problems = Text(f"読み込みの問題: エラー {errors}件、警告 {warnings}件")
    if plan.entries:
        problems.append(
            f"　check: エラー {len(plan.check_errors)}件、"
            f"警告 {len(plan.check) - len(plan.check_errors)}件"
        )
    parts.append(problems)
    if plan.blocked:
        parts.append(
            Text("エラーがあるため取り込めません。列の項目か表を直してください", "bold red")
        )
    parts.append(Text(""))
    for imported in plan.entries[:PREVIEW_ENTRIES]:
        entry = imported.entry
        line = literal(f"{imported.entry_id}", "bold")
        line.append_text(literal(f"  {entry.department} {entry.name}"))
        parts.append(line)
        files = "、".join(f.name for f in entry.files)
        parts.append(literal(f"    記録項目 {len(entry.record_items)}件・ファイル {files}", "dim"))
    if len(plan.entries) > PREVIEW_ENTRIES:
        parts.append(Text(f"ほか {len(plan.entries) - PREVIEW_ENTRIES}件", "dim"))
    listed = [*((p.severity, p.as_text()) for p in plan.problems)]
    listed += [(p.severity, p.as_text()) for p in plan.check if p.severity == "error"]
    if listed:
        parts.append(Text(""))
    for severity, text in listed[:PREVIEW_PROBLEMS]:
        parts.append(outside(text, "red" if severity == "error" else "yellow", multiline=True))
    if len(listed) > PREVIEW_PROBLEMS:
        parts.append(Text(f"ほか {len(listed) - PREVIEW_PROBLEMS}件の問題", "dim"))
    return Group(*parts)


def field_cell(column: Column) -> str:
    """What a column fills, short enough for the column list (項目: 氏名)."""
    if column.field == ITEM:
        return f"項目: {column.item}"
    return column.title.strip("（）")


class ImportScreen(Screen[bool]):
    """A spreadsheet's register: preview, columns fixed, imported."""

    HELP_TITLE: ClassVar[str] = "取り込み"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "import", "取り込む", id="import-run"),
        Binding("escape", "back", "戻る", id="import-back"),
    ]

    CSS_PATH = "../styles/import.tcss"

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.plan: ImportPlan | None = None
        """The plan of the file and sheet shown; None while there is none."""
        self.overrides: dict[int, str] = {}
        """The columns the user set, by index."""
        self.imported = 0
        """How many entries the last import wrote."""
        self.importing = False
        self._planning = Debounce(self, PLAN_DELAY, self._start_plan, "import-plan")

    def compose(self) -> ComposeResult:
        yield Static(
            "取り込み — 表計算で管理している登録簿（xlsx・xls・ods・csv）",
            id="import-title",
            classes="title-bar",
        )
        with Vertical(id="import-form"):
            with Horizontal(classes="import-row"):
                yield Label("ファイル", classes="import-label")
                yield Input("", id="import-path", placeholder="例 事務登録簿.xlsx", compact=True)
                yield Button("取り込む (ctrl+s)", id="import-run", compact=True)
            with Horizontal(classes="import-row"):
                yield Label("シート", classes="import-label")
                yield Select[str]([], prompt="（最初のシート）", id="import-sheet", compact=True)
            yield Static(
                "相対パスは todokede を起動したフォルダから。列を選んで enter で項目を変更",
                id="import-status",
            )
        with Horizontal(id="import-body"):
            yield DataTable[Text](id="import-columns", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="import-preview"):
                yield Static(
                    Text("ファイルを指定するとここに取り込む内容が表示されます", "dim"),
                    id="import-plan",
                )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#import-columns", DataTable)
        table.add_column("列", width=3)
        table.add_column("見出し", width=16)
        table.add_column("読み込む項目", width=14)
        self._planning.settle()
        self.query_one("#import-path", Input).focus()

    # -- the plan -------------------------------------------------------------------

    def source(self) -> Path | None:
        typed = self.query_one("#import-path", Input).value.strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        return path if path.is_absolute() else Path.cwd() / path

    @property
    def sheet(self) -> str | None:
        value = self.query_one("#import-sheet", Select).value
        return value if isinstance(value, str) else None

    @property
    def busy(self) -> bool:
        """Whether a plan or the import is on its way."""
        return self.importing or self._planning.busy

    def flush_plan(self) -> None:
        """Plan now what the pause would plan (enter in the field does this)."""
        self._planning.flush()

    @on(Input.Changed, "#import-path")
    def _path_changed(self) -> None:
        self.overrides = {}
        sheets = self.query_one("#import-sheet", Select)
        with sheets.prevent(Select.Changed):
            sheets.set_options([])
        self._planning.later()

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self) -> None:
        self.flush_plan()

    @on(Select.Changed, "#import-sheet")
    def _sheet_changed(self) -> None:
        self.overrides = {}
        self._planning.now()

    def _start_plan(self) -> None:
        path = self.source()
        if path is None:
            self._planning.settle()
            self._show(None, Text("ファイルを指定するとここに取り込む内容が表示されます", "dim"))
            return
        work = partial(self._plan_of, path, self.sheet, dict(self.overrides))
        self._planning.run(work, self._planned)

    def _plan_of(self, path: Path, sheet: str | None, overrides: dict[int, str]) -> ImportPlan:
        """The plan (in the plan's worker)."""
        return plan_import(self.root, path, sheet=sheet, overrides=overrides)

    def _planned(self, result: ImportPlan | Exception) -> None:
        if isinstance(result, Exception):  # one line on screen, never a traceback
            self._show(None, outside(describe_failure(result), "red", multiline=True))
            return
        plan = result
        sheets = plan.workbook_sheets if plan.path.suffix.lower() != ".csv" else []
        choice = self.query_one("#import-sheet", Select)
        offered = [value for _, value in choice._options[1:]]
        if sheets != offered:
            kept = choice.value
            with choice.prevent(Select.Changed):
                choice.set_options([(literal(name), name) for name in sheets])
                if isinstance(kept, str) and kept in sheets:
                    choice.value = kept
        self._show(plan, plan_view(plan))

    def _show(self, plan: ImportPlan | None, view: RenderableType) -> None:
        self.plan = plan
        self.query_one("#import-plan", Static).update(view)
        table = self.query_one("#import-columns", DataTable)
        row = table.cursor_row
        table.clear()
        columns = plan.header.columns if plan is not None and plan.header is not None else ()
        for column in columns:
            style = "dim" if column.field is None else ""
            table.add_row(
                Text(column.letter),
                literal(column.label, style),
                literal(field_cell(column), "yellow" if column.index in self.overrides else style),
                key=str(column.index),
            )
        if columns:
            table.move_cursor(row=min(row, len(columns) - 1))

    # -- a column's field -----------------------------------------------------------

    def column_at_cursor(self) -> Column | None:
        plan = self.plan
        if plan is None or plan.header is None:
            return None
        row = self.query_one("#import-columns", DataTable).cursor_row
        columns = plan.header.columns
        return columns[row] if 0 <= row < len(columns) else None

    @on(DataTable.RowSelected, "#import-columns")
    def _column_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        from todokede.tui.dialogs.field_picker import FieldPicker

        column = self.column_at_cursor()
        if column is None:
            return

        def chosen(field: str | None) -> None:
            if field is None:
                return
            self.overrides[column.index] = field
            self._planning.now()

        self.app.push_screen(
            FieldPicker(f"{column.letter}列「{column.label}」", column.field or IGNORE), chosen
        )

    # -- the import -----------------------------------------------------------------

    def _status(self, message: str, kind: str = "") -> None:
        status = self.query_one("#import-status", Static)
        status.update(outside(message))
        status.set_class(kind == "error", "-error")
        status.set_class(kind == "done", "-done")

    def action_import(self) -> None:
        """Write the plan's entries, after a yes."""
        plan = self.plan
        if self.busy or plan is None:
            self._status("取り込む内容がまだありません（ファイルを指定してください）", "error")
            self.app.bell()
            return
        if plan.blocked:
            self._status("エラーがあるため取り込めません（右の一覧を確かめてください）", "error")
            self.app.bell()
            return
        if not plan.entries:
            self._status("新しく取り込む業務はありません")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.importing = True
                self._status(f"取り込んでいます… {len(plan.entries)}件")
                self._write(plan)

        self.app.push_screen(
            ConfirmDialog(
                f"{len(plan.entries)}件の業務を entries/ に書き込みます。よろしいですか？"
                "（届出は書き込んだ後に行います）",
                title="取り込みの確認",
                yes="取り込む",
                no="やめる",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="import-write", exit_on_error=False)
    def _write(self, plan: ImportPlan) -> None:
        from todokede.reports.imports.plan import write_import

        failure: str | None = None
        written = 0
        try:
            written = len(write_import(self.root, plan))
        except Exception as error:  # shown on screen: never a traceback
            failure = describe_failure(error)
        self.app.call_from_thread(self._written, written, failure)

    def _written(self, written: int, failure: str | None) -> None:
        self.importing = False
        if failure is not None:
            self._status(f"取り込めませんでした: {failure}", "error")
            return
        self.imported = written
        self.notify(
            shown(f"{written}件の業務を取り込みました。内容を確かめてから届け出てください"),
            title="取り込み",
            timeout=6,
            markup=False,
        )
        self.dismiss(True)

    @on(Button.Pressed, "#import-run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_import()

    def action_back(self) -> None:
        self.dismiss(self.imported > 0)
