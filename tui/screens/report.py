"""The council report (r): a period in 和暦 or ISO, a live preview, export to a file.

The period defaults to 1 January of the app's day to that day
(:func:`todokede.reports.council.default_period`). Every change of the dates is
previewed after a short pause, built in a worker by
:func:`todokede.reports.council.build_council_report`. Export renders the report with
:func:`todokede.reports.output.render` and writes it atomically with
:func:`todokede.reports.output.write_output`; the default file name names the period
(``業務届出報告書_R8.1.1-R8.11.27.md``) and a relative path is taken from the
folder todokede was started in. A wrong date, or a period that ends before it
starts, is said beside the field and nothing is written. What the export would
refuse (a folder, a format the suffix contradicts, a link or a device, a file
already there without a yes) is checked first by
:func:`todokede.reports.target.check_export`, the check ``todokede report -o``
makes; the preview follows the dates through :class:`todokede.tui.debounce.Debounce`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import ClassVar, Final

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from todokede.registry.files.store import Register
from todokede.registry.schema.wareki import WarekiError, format_short, format_wareki
from todokede.registry.views.draft import read_date
from todokede.reports.council import (
    COUNCIL_TITLE,
    CouncilReport,
    PeriodError,
    build_council_report,
    default_period,
    report_file_name,
)
from todokede.reports.target import SUFFIX_FORMATS, ExportRefused, check_export
from todokede.tui.debounce import Debounce
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.failures import describe_failure
from todokede.tui.plain import literal, outside, shown

#: The formats offered, as the Select lists them.
FORMATS: Final = (
    ("Markdown (.md)", "md"),
    ("HTML・A4印刷用 (.html)", "html"),
    ("CSV・Excel用 (.csv)", "csv"),
    ("Excel (.xlsx)", "xlsx"),
)
#: How long the preview waits after a keystroke in a date.
PREVIEW_DELAY: Final = 0.3
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


class ReportScreen(Screen[None]):
    """The council report of a period: preview and export."""

    HELP_TITLE: ClassVar[str] = "報告書"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "書き出す", id="report-export"),
        Binding("escape", "back", "戻る", id="report-back"),
    ]

    CSS_PATH = "../styles/report.tcss"

    def __init__(self, register: Register, as_of: date) -> None:
        super().__init__()
        self.register = register
        self.start, self.end = default_period(as_of)
        self.report: CouncilReport | None = None
        """The report previewed; None while the period cannot be read."""
        self.written: Path | None = None
        """The last file written."""
        self.auto_path = report_file_name(self.start, self.end, "md")
        """The file name the screen proposed; the field follows it until the user types."""
        self._previewing = Debounce(self, PREVIEW_DELAY, self._start_preview, "report-preview")
        """The previews that follow the period's days."""
        self.exporting = False

    def compose(self) -> ComposeResult:
        yield Static(f"報告書 — {COUNCIL_TITLE}", id="report-title", classes="title-bar")
        with Vertical(id="report-form"):
            with Horizontal(classes="report-row"):
                yield Label("期間の初日", classes="report-label")
                yield Input(
                    format_short(self.start),
                    id="report-start",
                    classes="report-date",
                    placeholder="例 R8.1.1",
                    compact=True,
                )
                yield Static("", id="report-start-reading", classes="report-reading")
            with Horizontal(classes="report-row"):
                yield Label("期間の末日", classes="report-label")
                yield Input(
                    format_short(self.end),
                    id="report-end",
                    classes="report-date",
                    placeholder="例 R8.11.27",
                    compact=True,
                )
                yield Static("", id="report-end-reading", classes="report-reading")
            with Horizontal(classes="report-row"):
                yield Label("形式", classes="report-label")
                yield Select(
                    FORMATS, value="md", allow_blank=False, id="report-format", compact=True
                )
            with Horizontal(classes="report-row"):
                yield Label("出力先", classes="report-label")
                yield Input(self.auto_path, id="report-path", compact=True)
                yield Button("書き出す (ctrl+s)", id="report-export", compact=True)
            yield Static("相対パスは todokede を起動したフォルダに書き出します", id="report-status")
        with VerticalScroll(id="report-preview"):
            yield Static("", id="report-body")
        yield Footer()

    def on_mount(self) -> None:
        self._period_changed()
        self._previewing.now()
        self.query_one("#report-start", Input).focus()

    # -- the period -----------------------------------------------------------

    def period(self) -> Period:
        return read_period(
            self.query_one("#report-start", Input).value,
            self.query_one("#report-end", Input).value,
        )

    @on(Input.Changed, ".report-date")
    def _period_changed(self) -> None:
        period = self.period()
        for key, day, problem in (
            ("start", period.start, period.start_problem),
            ("end", period.end, period.end_problem),
        ):
            reading = self.query_one(f"#report-{key}-reading", Static)
            if problem:  # it may quote what was typed
                reading.update(outside(f"✖ {problem}"))
            elif day is not None:
                reading.update(literal(f"{format_wareki(day)}（{day.isoformat()}）"))
            reading.set_class(bool(problem), "-error")
        if period.start is not None and period.end is not None:
            self._propose_path(period.start, period.end, self.fmt)
        self._previewing.later()

    def flush_preview(self) -> None:
        """Preview now what the dates' pause would preview (enter in a date does this)."""
        self._previewing.flush()

    @on(Input.Submitted, ".report-date")
    def _date_submitted(self) -> None:
        self.flush_preview()

    def _start_preview(self) -> None:
        period = self.period()
        if period.start is None or period.end is None:
            self._previewing.settle()
            self.report = None
            self.query_one("#report-body", Static).update(
                Text("期間を正しく入力するとここに報告書が表示されます", "dim")
            )
            return
        self._previewing.run(partial(self._build, period.start, period.end), self._built)

    def _build(self, start: date, end: date) -> tuple[CouncilReport, RenderableType]:
        """The report and its preview (in the preview's worker)."""
        report = build_council_report(self.register, start, end)
        return report, preview_view(report, len(self.register.errors))

    def _built(self, result: tuple[CouncilReport, RenderableType] | Exception) -> None:
        body = self.query_one("#report-body", Static)
        if isinstance(result, Exception):  # shown on screen: a user never sees a traceback
            self.report = None
            message = (
                str(result)
                if isinstance(result, PeriodError)
                else f"報告書を作れませんでした: {describe_failure(result)}"
            )
            body.update(outside(message, "red", multiline=True))
            return
        self.report, view = result
        self.start, self.end = self.report.start, self.report.end
        body.update(view)

    # -- the file -------------------------------------------------------------

    @property
    def fmt(self) -> str:
        value = self.query_one("#report-format", Select).value
        return value if isinstance(value, str) else "md"

    def _propose_path(self, start: date, end: date, fmt: str) -> None:
        """Follow the period and the format, unless the user typed their own name."""
        path = self.query_one("#report-path", Input)
        proposed = report_file_name(start, end, fmt)
        typed = path.value.strip()
        if typed == self.auto_path or not typed:
            path.value = proposed
        elif SUFFIX_FORMATS.get(Path(typed).suffix.lower()) not in (None, fmt):
            path.value = str(Path(typed).with_suffix(f".{fmt}"))
        self.auto_path = proposed

    @on(Select.Changed, "#report-format")
    def _format_changed(self) -> None:
        period = self.period()
        if period.start is not None and period.end is not None:
            self._propose_path(period.start, period.end, self.fmt)

    def _status(self, message: str, kind: str = "") -> None:
        """One line under the form; it may name a path or quote an error."""
        status = self.query_one("#report-status", Static)
        status.update(outside(message))
        status.set_class(kind == "error", "-error")
        status.set_class(kind == "done", "-done")

    def target(self) -> Path | None:
        """Where the file goes (a relative path from the folder todokede started in)."""
        typed = self.query_one("#report-path", Input).value.strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        return path if path.is_absolute() else Path.cwd() / path

    def _path_problem(self) -> tuple[Path | None, str | None]:
        """The file named, or why it names none."""
        try:
            path = self.target()
        except (OSError, RuntimeError, ValueError) as error:  # ~nobody, a bad name
            return None, f"出力先を使えません: {error}"
        if path is None:
            return None, "出力先のファイル名を入力してください"
        return path, None

    def _refusal(self, path: Path, *, overwrite: bool) -> ExportRefused | None:
        """What the export to ``path`` would refuse before writing (the CLI's check)."""
        try:
            check_export("council", path, self.fmt, overwrite=overwrite)
        except ExportRefused as refused:
            return refused
        return None

    def action_export(self) -> None:
        """Write the report, after checking the period, the register and the path."""
        period = self.period()
        if period.start is None or period.end is None:
            self._status("期間を正しく入力してください（書き出していません）", "error")
            self.query_one("#report-start" if period.start is None else "#report-end").focus()
            self.app.bell()
            return
        errors = self.register.errors
        if errors:
            self._status(
                f"登録簿にエラーが {len(errors)}件あるため書き出せません（{errors[0].as_text()}）",
                "error",
            )
            self.app.bell()
            return
        path, problem = self._path_problem()
        refusal = self._refusal(path, overwrite=False) if path is not None else None
        if refusal is not None and refusal.reason != "exists":
            problem = describe_failure(refusal)
        if problem is not None or path is None:
            self._status(problem or "", "error")
            self.query_one("#report-path", Input).focus()
            self.app.bell()
            return
        if refusal is not None:  # a file is there: replaced only after a yes

            def answered(overwrite: bool | None) -> None:
                if not overwrite or period.start is None or period.end is None:
                    # what an earlier export said no longer holds
                    self._status(f"書き出していません（{path.name} はそのままです）")
                elif (again := self._refusal(path, overwrite=True)) is not None:
                    self._status(describe_failure(again), "error")  # changed while asked
                else:
                    self._start_export(path, period.start, period.end)

            self.app.push_screen(
                ConfirmDialog(
                    f"{path.name} は既にあります。上書きしますか？",
                    title="上書きの確認",
                    yes="上書きする",
                    no="やめる",
                ),
                answered,
            )
            return
        self._start_export(path, period.start, period.end)

    def _start_export(self, path: Path, start: date, end: date) -> None:
        self.exporting = True
        self._status(f"書き出しています… {path}")
        self._export(path, start, end, self.fmt)

    @work(thread=True, exclusive=True, group="report-export", exit_on_error=False)
    def _export(self, path: Path, start: date, end: date, fmt: str) -> None:
        from todokede.reports.output import render, write_output

        failure: str | None = None
        try:
            report = build_council_report(self.register, start, end)
            write_output(path, render(report, fmt))
        except OSError as error:
            failure = f"{path} に書き出せません: {error.strerror or error}"
        except Exception as error:  # shown on screen: a user never sees a traceback
            failure = f"書き出せませんでした: {describe_failure(error)}"
        self.app.call_from_thread(self._exported, path, failure)

    def _exported(self, path: Path, failure: str | None) -> None:
        self.exporting = False
        if failure is not None:
            self._status(failure, "error")
            return
        self.written = path
        self._status(f"書き出しました: {path}", "done")
        self.notify(shown(f"書き出しました: {path}"), title="報告書", timeout=5, markup=False)

    @property
    def busy(self) -> bool:
        """Whether a preview or an export is still on its way."""
        return self.exporting or self._previewing.busy

    @on(Button.Pressed, "#report-export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    def action_back(self) -> None:
        self.dismiss(None)
