"""Review reminders (m): processes whose review is overdue or due soon on the app's day.

Built by :func:`todokede.reports.reminders.build_reminders` in a worker. Two lists, each
soonest due first: 業務の名称, 担当課, 基準の届出, 期限 (和暦) and あとN日 /
N日超過; then the 特定個人情報保護評価 to redo (評価の再実施, 重要な変更) with
業務の名称, 担当課, 区分, 期限 and the distance. Enter on a process closes the screen and shows that process on the
main screen; escape closes it.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from todokede.registry.files.store import Register
from todokede.registry.schema.wareki import format_short, format_wareki
from todokede.registry.views.assessment import AssessmentReminder
from todokede.registry.views.review import Reminder
from todokede.reports.reminders import RemindersReport, basis_label, build_reminders, distance_label
from todokede.tui.failures import describe_failure
from todokede.tui.plain import literal, outside
from todokede.tui.widgets.tables import folded, rest_width

#: From this table width on, dates are written in full and basis filings on one line.
WIDE: Final = 110
STATE_STYLES: Final[dict[str, str]] = {
    "overdue": "bold red",
    "due_soon": "bold yellow",
    "change": "bold red",
}


def _widths(wide: bool) -> tuple[int, int, int, int]:
    """Cells of 担当課, 基準の届出, 期限 and あとN日 (the name takes the rest)."""
    return (18, 25, 16, 11) if wide else (10, 16, 9, 11)


def reminder_cells(reminder: Reminder, wide: bool) -> tuple[Text, Text, Text, Text, Text]:
    """One row: name, department, basis filing, due date, distance."""
    basis = reminder.review.basis
    day = format_wareki if wide else format_short
    basis_text = f"{format_short(basis.date)}{' ' if wide else chr(10)}{basis_label(basis)}"
    return (
        folded(reminder.name),
        folded(reminder.department),
        folded(basis_text),
        Text(day(reminder.due)),
        Text(distance_label(reminder), STATE_STYLES.get(reminder.state, "")),
    )


def assessment_cells(
    reminder: AssessmentReminder, wide: bool
) -> tuple[Text, Text, Text, Text, Text]:
    """One row: name, department, what is due (区分), due date, distance."""
    day = format_wareki if wide else format_short
    return (
        folded(reminder.name),
        folded(reminder.department),
        folded(reminder.state_label),
        Text(day(reminder.due)),
        Text(distance_label(reminder), STATE_STYLES.get(reminder.state, "")),
    )


class RemindersTable(DataTable[Text]):
    """A list of reminders; enter shows the highlighted process on the main screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "業務を表示", id="reminders-open"),
    ]


class RemindersScreen(Screen[str | None]):
    """Overdue and due-soon reviews; dismisses with the process to show, if any."""

    HELP_TITLE: ClassVar[str] = "見直し期限"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "戻る", id="reminders-back"),
    ]

    CSS_PATH = "../styles/reminders.tcss"

    def __init__(self, register: Register, as_of: date) -> None:
        super().__init__()
        self.register = register
        self.as_of = as_of
        self.report: RemindersReport | None = None
        """The reminders once built; None while building."""
        self._table_width = 0

    def compose(self) -> ComposeResult:
        yield Static(
            f"見直し期限 — 基準日 {format_wareki(self.as_of)}",
            id="reminders-title",
            classes="title-bar",
        )
        with Vertical(id="reminders-body"):
            yield Static("", id="reminders-rule")
            yield Static("期限経過", id="reminders-overdue-heading", classes="reminders-heading")
            yield RemindersTable(id="reminders-overdue", cursor_type="row", zebra_stripes=True)
            yield Static("なし", id="reminders-overdue-none", classes="reminders-none")
            yield Static("期限間近", id="reminders-due-soon-heading", classes="reminders-heading")
            yield RemindersTable(id="reminders-due-soon", cursor_type="row", zebra_stripes=True)
            yield Static("なし", id="reminders-due-soon-none", classes="reminders-none")
            yield Static(
                "特定個人情報保護評価",
                id="reminders-assessments-heading",
                classes="reminders-heading",
            )
            yield RemindersTable(id="reminders-assessments", cursor_type="row", zebra_stripes=True)
            yield Static("なし", id="reminders-assessments-none", classes="reminders-none")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reminders-body").loading = True
        self._build()

    @work(thread=True, exclusive=True, group="reminders", exit_on_error=False)
    def _build(self) -> None:
        result: RemindersReport | str
        try:
            result = build_reminders(self.register, self.as_of)
        except Exception as error:  # shown on screen: a user never sees a traceback
            result = f"見直し期限を計算できませんでした: {describe_failure(error)}"
        self.app.call_from_thread(self._built, result)

    def _built(self, result: RemindersReport | str) -> None:
        self.query_one("#reminders-body").loading = False
        self.refresh_bindings()  # the lists' keys are active now, focus moved or not
        rule = self.query_one("#reminders-rule", Static)
        if isinstance(result, str):
            rule.update(outside(result, "red"))
            return
        self.report = result
        rule.update(literal(result.rule_line))
        title = self.query_one("#reminders-title", Static)
        title.update(
            literal(
                f"見直し期限 — 基準日 {format_wareki(self.as_of)}  "
                f"期限経過 {len(result.overdue)}件・期限間近 {len(result.due_soon)}件・"
                f"評価 {len(result.assessments)}件"
            )
        )
        self._fill(force=True)
        for key in ("overdue", "due-soon", "assessments"):
            table = self.query_one(f"#reminders-{key}", DataTable)
            if table.row_count:
                table.focus()
                break

    def _fill(self, force: bool = False) -> None:
        """Both lists, the name column as wide as the screen allows."""
        report = self.report
        width = self.size.width
        if report is None or (width == self._table_width and not force):
            return
        self._table_width = width
        wide = width >= WIDE
        department, basis, due, distance = _widths(wide)
        name = rest_width(width, (department, basis, due, distance), minimum=12)
        lists = (("overdue", "期限経過", report.overdue), ("due-soon", "期限間近", report.due_soon))
        for key, label, found in lists:
            self.query_one(f"#reminders-{key}-heading", Static).update(
                literal(f"{label} {len(found)}件")
            )
            table: DataTable[Text] = self.query_one(f"#reminders-{key}", DataTable)
            row = table.cursor_row
            table.clear(columns=True)
            table.add_column("業務の名称", width=name)
            table.add_column("担当課", width=department)
            table.add_column("基準の届出", width=basis)
            table.add_column("期限", width=due)
            table.add_column("期限まで", width=distance)
            for reminder in found:
                table.add_row(*reminder_cells(reminder, wide), key=reminder.entry, height=None)
            table.display = bool(found)
            self.query_one(f"#reminders-{key}-none").display = not found
            if found:
                table.move_cursor(row=min(row, len(found) - 1))
        self._fill_assessments(report, wide, (name, department, basis, due, distance))
        # One list alone may take the whole height; the lists share it by their shares.
        shares = {"overdue": 6, "due-soon": 4, "assessments": 3}
        present = {
            "overdue": bool(report.overdue),
            "due-soon": bool(report.due_soon),
            "assessments": bool(report.assessments),
        }
        total = sum(share for key, share in shares.items() if present[key]) or 1
        for key, share in shares.items():
            table = self.query_one(f"#reminders-{key}", DataTable)
            table.styles.max_height = f"{100 * share // total}%" if present[key] else "100%"

    def _fill_assessments(
        self, report: RemindersReport, wide: bool, widths: tuple[int, int, int, int, int]
    ) -> None:
        name, department, kind, due, distance = widths
        found = report.assessments
        self.query_one("#reminders-assessments-heading", Static).update(
            literal(f"特定個人情報保護評価の再実施 {len(found)}件")
        )
        table: DataTable[Text] = self.query_one("#reminders-assessments", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column("業務の名称", width=name)
        table.add_column("担当課", width=department)
        table.add_column("区分", width=kind)
        table.add_column("期限", width=due)
        table.add_column("期限まで", width=distance)
        for reminder in found:
            table.add_row(*assessment_cells(reminder, wide), key=reminder.entry, height=None)
        table.display = bool(found)
        self.query_one("#reminders-assessments-none").display = not found
        if found:
            table.move_cursor(row=min(row, len(found) - 1))

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self._fill)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        entry_id = event.row_key.value
        if entry_id is not None:
            self.dismiss(entry_id)

    def action_back(self) -> None:
        self.dismiss(None)
