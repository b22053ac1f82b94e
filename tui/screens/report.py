"""The council report (r): a period in 和暦 or ISO, a live preview, export to a file.

The period defaults to 1 January of the app's day to that day
(:func:`todokede.reports.council.default_period`); the report is built by
:func:`todokede.reports.council.build_council_report` and the default file name
names the period (``業務届出報告書_R8.1.1-R8.11.27.md``). A wrong date, or a
period that ends before it starts, is said beside the field and nothing is
written. The preview and the export are :class:`todokede.tui.screens.paper.PaperScreen`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Final

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from todokede.registry.files.store import Register
from todokede.registry.schema.wareki import WarekiError, format_short, format_wareki
from todokede.registry.views.draft import read_date
from todokede.reports.council import (
    COUNCIL_TITLE,
    CouncilReport,
    build_council_report,
    default_period,
    report_file_name,
)
from todokede.reports.target import DocumentKind
from todokede.tui.plain import literal, outside
from todokede.tui.screens.paper import PaperScreen, Request, Unready

#: The formats offered, as the Select lists them.
FORMATS: Final = (
    ("Markdown (.md)", "md"),
    ("HTML・A4印刷用 (.html)", "html"),
    ("CSV・Excel用 (.csv)", "csv"),
    ("Excel (.xlsx)", "xlsx"),
)
#: Filings shown in the preview (a file always holds them all).
PREVIEW_ROWS: Final = 300
KIND_STYLES: Final[dict[str, str]] = {"start": "green", "change": "cyan", "abolish": "red"}


@dataclass(frozen=True)
class Period:
    """The period typed: its days, or the reason beside each field."""

    start: date | None
    end: date | None
    start_problem: str = ""
    end_problem: str = ""

    @property
    def valid(self) -> bool:
        return self.start is not None and self.end is not None


def read_period(start_text: str, end_text: str) -> Period:
    """Both dates read; an end before the start is the end's problem."""
    days: list[date | None] = []
    problems: list[str] = []
    for text, label in ((start_text, "初日"), (end_text, "末日")):
        try:
            day = read_date(text)
        except WarekiError as error:
            days.append(None)
            problems.append(str(error))
            continue
        days.append(day)
        problems.append("" if day is not None else f"期間の{label}を入力してください")
    start, end = days
    if start is not None and end is not None and start > end:
        problems[1] = f"末日（{format_wareki(end)}）が初日（{format_wareki(start)}）より前です"
        end = None
    return Period(start, end, problems[0], problems[1])


def preview_view(report: CouncilReport, errors: int) -> RenderableType:
    """The report as it will read: title, period, counts, then one row per filing."""
    parts: list[RenderableType] = [literal(report.title, "bold")]
    if errors:
        parts.append(
            Text(
                f"登録簿にエラーが {errors}件あります。直すまで書き出せません"
                "（todokede check で確かめてください）",
                "bold red",
            )
        )
    lines = report.heading_lines
    parts.append(literal(lines[0], "dim"))
    parts.append(literal(lines[1]))
    counts = Text("届出件数: ")
    counts.append(report.counts_line, "bold")
    counts.append(f"（計 {report.counts.filings}件）")
    parts.append(counts)
    parts.append(literal(lines[3]))
    parts.append(Text(""))
    if not report.rows:
        parts.append(Text("この期間の届出はありません", "dim"))
        return Group(*parts)
    table = Table(expand=True, show_lines=False, header_style="bold", padding=(0, 1))
    table.add_column("届出日", no_wrap=True)
    table.add_column("区分", no_wrap=True)
    table.add_column("担当課", overflow="fold", ratio=2)
    table.add_column("業務の名称", overflow="fold", ratio=3)
    table.add_column("内容", overflow="fold", ratio=6)
    for row in report.rows[:PREVIEW_ROWS]:
        table.add_row(
            literal(format_short(row.date)),
            literal(row.kind_label, KIND_STYLES[row.kind]),
            literal(row.department),
            literal(row.name),
            literal("\n".join(row.content_lines)),
        )
    parts.append(table)
    if len(report.rows) > PREVIEW_ROWS:
        parts.append(
            Text(
                f"ほか {len(report.rows) - PREVIEW_ROWS}件（書き出したファイルにはすべて入ります）",
                "dim",
            )
        )
    return Group(*parts)


class ReportScreen(PaperScreen):
    """The council report of a period: preview and export."""

    HELP_TITLE: ClassVar[str] = "報告書"
    PREFIX: ClassVar[str] = "report"
    DOCUMENT: ClassVar[DocumentKind] = "council"
    FORMATS: ClassVar[tuple[tuple[str, str], ...]] = FORMATS
    TITLE_TEXT: ClassVar[str] = f"報告書 — {COUNCIL_TITLE}"
    WAITING_TEXT: ClassVar[str] = "期間を正しく入力するとここに報告書が表示されます"
    NOTIFY_TITLE: ClassVar[str] = "報告書"

    def __init__(self, register: Register, as_of: date) -> None:
        super().__init__(register)
        self.start, self.end = default_period(as_of)
        self.auto_path = report_file_name(self.start, self.end, "md")

    @property
    def report(self) -> CouncilReport | None:
        """The report previewed; None while the period cannot be read."""
        return self.document if isinstance(self.document, CouncilReport) else None

    def compose_fields(self) -> ComposeResult:
        yield from date_row("report-start", "期間の初日", format_short(self.start), "例 R8.1.1")
        yield from date_row("report-end", "期間の末日", format_short(self.end), "例 R8.11.27")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#report-start", Input).focus()

    def period(self) -> Period:
        return read_period(
            self.query_one("#report-start", Input).value,
            self.query_one("#report-end", Input).value,
        )

    def show_fields(self) -> None:
        period = self.period()
        show_reading(self, "report-start", period.start, period.start_problem)
        show_reading(self, "report-end", period.end, period.end_problem)

    def request(self) -> Request | Unready:
        period = self.period()
        start, end = period.start, period.end
        if start is None or end is None:
            field = "start" if start is None else "end"
            return Unready("期間を正しく入力してください", field)
        register = self.register
        return Request(
            build=lambda: build_council_report(register, start, end),
            file_name=lambda fmt: report_file_name(start, end, fmt),
        )

    def preview_of(self, document: Any) -> RenderableType:
        return preview_view(document, len(self.register.errors))

    def built(self, document: Any) -> None:
        self.start, self.end = document.start, document.end


def date_row(ident: str, label: str, value: str, placeholder: str) -> ComposeResult:
    """A day's row: its label, the field, and how it reads."""
    with Horizontal(classes="paper-row"):
        yield Label(label, classes="paper-label")
        yield Input(
            value,
            id=ident,
            classes="paper-date paper-field",
            placeholder=placeholder,
            compact=True,
        )
        yield Static("", id=f"{ident}-reading", classes="paper-reading")


def show_reading(screen: PaperScreen, ident: str, day: date | None, problem: str) -> None:
    """Beside a day's field: its 和暦 and ISO reading, or what is wrong with it."""
    reading = screen.query_one(f"#{ident}-reading", Static)
    if problem:  # it may quote what was typed
        reading.update(outside(f"✖ {problem}"))
    elif day is not None:
        reading.update(literal(f"{format_wareki(day)}（{day.isoformat()}）"))
    else:
        reading.update("")
    reading.set_class(bool(problem), "-error")
