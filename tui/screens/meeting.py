"""The council's meeting (c): the 会議次第 and papers of a day, previewed and written.

The day defaults to the register's next meeting (the first council item dated
on or after the app's day; else that day). The filings' period may be left
blank: it is then what ``todokede council`` takes (the day after the previous
meeting through the meeting's day, :func:`todokede.reports.council_meeting.meeting_period`),
and the field says so. The papers are built by
:func:`todokede.reports.council_meeting.build_meeting`; the file name names the
day (``審議会資料_H28.10.25.md``). The preview and the export are
:class:`todokede.tui.screens.paper.PaperScreen`'s.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar, Final

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from todokede.registry.files.store import Register
from todokede.registry.schema.wareki import WarekiError, format_short, format_wareki
from todokede.registry.views.draft import read_date
from todokede.reports.council_meeting import (
    MEETING_TITLE,
    PART_ANSWERS,
    PART_CONSULTATIONS,
    PART_FILINGS,
    PART_REPORTS,
    Meeting,
    build_meeting,
    meeting_file_name,
    previous_meeting,
)
from todokede.reports.target import DocumentKind
from todokede.tui.plain import literal
from todokede.tui.screens.paper import PaperScreen, Request, Unready
from todokede.tui.screens.report import date_row, preview_view, show_reading

FORMATS: Final = (
    ("Markdown (.md)", "md"),
    ("HTML・A4印刷用 (.html)", "html"),
    ("JSON (.json)", "json"),
)
#: Said where a part of the papers has nothing.
NOTHING: Final = "なし"


def next_meeting(register: Register, as_of: date) -> date:
    """The first day on or after ``as_of`` a council item is dated; else ``as_of``."""
    days = [
        item.date
        for loaded in register.entries.values()
        for item in loaded.entry.council
        if item.date >= as_of
    ]
    return min(days, default=as_of)


def _read(text: str) -> tuple[date | None, str]:
    """A day typed, or the reason it cannot be read (blank is no day and no reason)."""
    try:
        return read_date(text), ""
    except WarekiError as error:
        return None, str(error)


def _heading(text: str) -> Text:
    return literal(text, "bold underline")


def _pairs(pairs: list[tuple[str, str]]) -> Table:
    """Labels in a column, each text folded beside its label (Japanese has no spaces
    to wrap at)."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(ratio=1, overflow="fold")
    for label, text in pairs:
        if text:
            grid.add_row(literal(label), literal(text))
    return grid


def _items(items: tuple[str, ...]) -> Table:
    """An agenda part's items, each folded under its own bullet."""
    grid = Table.grid(expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for item in items:
        grid.add_row(Text("   ・"), literal(item))
    return grid


def _opinions(lines: list[tuple[str, str]]) -> Table:
    """Opinions and their answers, indented under their heading."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for opinion, answer in lines:
        grid.add_row(Text("  意見"), literal(opinion))
        if answer:
            grid.add_row(Text("  回答", "dim"), literal(answer, "dim"))
    return grid


def meeting_view(meeting: Meeting, errors: int) -> RenderableType:
    """The papers as they will read: the agenda, then the three parts."""
    parts: list[RenderableType] = [literal(meeting.title, "bold")]
    if errors:
        parts.append(
            Text(
                f"登録簿にエラーが {errors}件あります。直すまで書き出せません"
                "（todokede check で確かめてください）",
                "bold red",
            )
        )
    parts += [literal(line, "dim") for line in meeting.byline]
    parts.append(Text(""))
    for number, (part, items) in enumerate(meeting.agenda, start=1):
        parts.append(literal(f"{number}. {part}", "bold"))
        parts.append(_items(items) if items else Text(f"   {NOTHING}", "dim"))
    parts += [Text(""), _heading(PART_CONSULTATIONS)]
    if not meeting.consultations:
        parts.append(Text(NOTHING, "dim"))
    for c in meeting.consultations:
        parts.append(literal(f"■ {c.heading}", "bold cyan"))
        parts.append(
            _pairs(
                [
                    ("担当課", c.department),
                    ("業務の名称", c.name),
                    ("諮問事項", c.matter_labels),
                    *c.details,
                    ("答申", c.answer_line),
                ]
            )
        )
        if c.opinions:
            parts.append(_opinions([(o.text, o.answer) for o in c.opinions]))
    parts += [Text(""), _heading(PART_REPORTS)]
    if not meeting.reports:
        parts.append(Text(NOTHING, "dim"))
    for r in meeting.reports:
        parts.append(literal(f"■ {r.subject}", "bold cyan"))
        parts.append(
            _pairs(
                [
                    ("担当課", r.department),
                    ("業務の名称", r.name),
                    ("報告事項", r.matter_labels),
                    *r.details,
                    *(("変更の内容", change) for change in r.changes),
                    ("諮問済みの根拠", r.covered_by),
                ]
            )
        )
    parts += [Text(""), _heading(PART_ANSWERS)]
    if not meeting.answers:
        parts.append(Text(NOTHING, "dim"))
    for heading, answers in meeting.answer_groups:
        parts.append(literal(f"■ {heading}", "bold cyan"))
        parts.append(_opinions([(a.opinion, a.answer) for a in answers]))
    parts += [Text(""), _heading(PART_FILINGS), preview_view(meeting.filings, 0)]
    return Group(*parts)


class MeetingScreen(PaperScreen):
    """The meeting's agenda and papers: preview and export."""

    HELP_TITLE: ClassVar[str] = "審議会資料"
    PREFIX: ClassVar[str] = "meeting"
    DOCUMENT: ClassVar[DocumentKind] = "meeting"
    FORMATS: ClassVar[tuple[tuple[str, str], ...]] = FORMATS
    TITLE_TEXT: ClassVar[str] = f"審議会資料 — {MEETING_TITLE}・諮問・報告・業務届出書の報告"
    WAITING_TEXT: ClassVar[str] = "開催日と期間を正しく入力するとここに資料が表示されます"
    NOTIFY_TITLE: ClassVar[str] = "審議会資料"

    def __init__(self, register: Register, as_of: date) -> None:
        super().__init__(register)
        self.day = next_meeting(register, as_of)
        self.auto_path = meeting_file_name(self.day, "md")

    @property
    def meeting(self) -> Meeting | None:
        """The papers previewed; None while the fields cannot be read."""
        return self.document if isinstance(self.document, Meeting) else None

    def compose_fields(self) -> ComposeResult:
        yield from date_row("meeting-day", "開催日", format_short(self.day), "例 R8.10.25")
        yield from date_row("meeting-start", "期間の初日", "", "省略可")
        yield from date_row("meeting-end", "期間の末日", "", "省略可")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#meeting-day", Input).focus()

    def _fields(self) -> dict[str, tuple[date | None, str]]:
        return {
            key: _read(self.query_one(f"#meeting-{key}", Input).value)
            for key in ("day", "start", "end")
        }

    def _problems(self) -> tuple[dict[str, tuple[date | None, str]], date | None, date | None]:
        """Each field's day and problem, with the period it gives (None while unknown)."""
        fields = self._fields()
        day, day_problem = fields["day"]
        if day is None and not day_problem:
            fields["day"] = (None, "開催日を入力してください")
        (start, _), (end, _) = fields["start"], fields["end"]
        if day is None:
            return fields, None, None
        first = start
        if first is None and not fields["start"][1]:
            previous = previous_meeting(self.register, day)
            first = previous + timedelta(days=1) if previous else date(day.year, 1, 1)
        last = end if end is not None or fields["end"][1] else day
        if first is not None and last is not None and first > last:
            problem = (
                f"期間の末日（{format_wareki(last)}）が初日（{format_wareki(first)}）より前です"
            )
            key = "end" if end is not None else "start"
            fields[key] = (fields[key][0], problem)
        return fields, first, last

    def show_fields(self) -> None:
        fields, first, last = self._problems()
        day, problem = fields["day"]
        show_reading(self, "meeting-day", day, problem)
        for key, default, day_of in (
            ("start", "前回の審議会の翌日", first),
            ("end", "開催日", last),
        ):
            typed, problem = fields[key]
            if problem or typed is not None:
                show_reading(self, f"meeting-{key}", typed, problem)
                continue
            reading = self.query_one(f"#meeting-{key}-reading", Static)
            reading.set_class(False, "-error")
            if day_of is None:
                reading.update(Text(f"省略時は{default}", "dim"))
            else:
                reading.update(
                    literal(f"省略時は{default}: {format_wareki(day_of)}（{day_of.isoformat()}）")
                )

    def request(self) -> Request | Unready:
        fields, first, last = self._problems()
        for key, label in (("day", "開催日"), ("start", "期間の初日"), ("end", "期間の末日")):
            if fields[key][1]:
                return Unready(f"{label}を正しく入力してください", key)
        day = fields["day"][0]
        if day is None or first is None or last is None:  # said above; kept for the types
            return Unready("開催日を正しく入力してください", "day")
        start, end = fields["start"][0], fields["end"][0]
        register = self.register
        return Request(
            build=lambda: build_meeting(register, day, start, end),
            file_name=lambda fmt: meeting_file_name(day, fmt),
        )

    def preview_of(self, document: Any) -> RenderableType:
        return meeting_view(document, len(self.register.errors))

    def built(self, document: Any) -> None:
        self.day = document.date
