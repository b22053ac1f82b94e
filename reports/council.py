"""The council's filing report (個人情報に係る業務届出報告書) for a period.

Pure functions from a loaded register to frozen data; renderers live in the
``render_*`` modules. Rows are ordered 開始, 変更, 廃止, then by the department
order of ``registry.toml``, then by date (then name and id, for a stable order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from todokede.registry.files.store import Register
from todokede.registry.schema.model import KIND_LABELS, Entry, FilingKind
from todokede.registry.schema.wareki import format_period, format_short, format_wareki
from todokede.reports.table import Column, Table

COUNCIL_TITLE: Final = "個人情報に係る業務届出報告書"
#: The first part of a report's default file name.
REPORT_FILE_STEM: Final = "業務届出報告書"
KIND_ORDER: Final[dict[str, int]] = {"start": 0, "change": 1, "abolish": 2}
#: How the counts name each kind (業務開始 rather than 開始).
COUNT_LABELS: Final[dict[str, str]] = {"start": "業務開始", "change": "変更", "abolish": "廃止"}
REVIEW_MARK: Final = "（見直し）"

COLUMNS: Final = (
    Column("届出日", 9),
    Column("区分", 4),
    Column("担当課", 9),
    Column("業務の名称", 16),
    Column("内容", 32),
    Column("ID", 20, printed=False),
)


class PeriodError(ValueError):
    """A period whose first day is after its last day."""


@dataclass(frozen=True)
class FilingRow:
    """One filing of the period, as a line of the report."""

    entry: str
    name: str
    department: str
    kind: FilingKind
    date: date
    summary: str
    items_added: tuple[str, ...]
    items_removed: tuple[str, ...]
    review: bool

    @property
    def kind_label(self) -> str:
        """開始 / 変更 / 廃止."""
        return KIND_LABELS[self.kind]

    @property
    def changes(self) -> str:
        """``追加: 個人番号、年金の受給状況／削除: 本籍`` (empty when none)."""
        parts = []
        if self.items_added:
            parts.append("追加: " + "、".join(self.items_added))
        if self.items_removed:
            parts.append("削除: " + "、".join(self.items_removed))
        return "／".join(parts)

    @property
    def content_lines(self) -> tuple[str, ...]:
        """The 内容 column as lines: summary, record items changed, 見直し."""
        lines = [text for text in (self.summary.strip(), self.changes) if text]
        if self.review:
            lines.append(REVIEW_MARK)
        return tuple(lines)

    @property
    def content(self) -> str:
        """The 内容 column on one line."""
        text = "　".join(t for t in (self.summary.strip(), self.changes) if t)
        return text + (REVIEW_MARK if self.review else "")


@dataclass(frozen=True)
class ReportCounts:
    """Filings of the period by kind, and processes on file at its end."""

    start: int
    change: int
    abolish: int
    total_active: int

    @property
    def filings(self) -> int:
        return self.start + self.change + self.abolish


@dataclass(frozen=True)
class CouncilReport:
    """Everything the report shows, ready for any renderer."""

    municipality: str
    register_name: str
    start: date
    end: date
    counts: ReportCounts
    rows: tuple[FilingRow, ...]
    title: str = COUNCIL_TITLE

    @property
    def period(self) -> str:
        """``平成28年1月1日～平成28年9月13日``."""
        return format_period(self.start, self.end)

    @property
    def counts_line(self) -> str:
        """``業務開始 1件・変更 4件・廃止 0件``."""
        counts = self.counts
        return "・".join(
            f"{COUNT_LABELS[kind]} {number}件"
            for kind, number in (
                ("start", counts.start),
                ("change", counts.change),
                ("abolish", counts.abolish),
            )
        )

    @property
    def total_line(self) -> str:
        """``平成28年9月13日現在の届出業務数 28件``."""
        return f"{format_wareki(self.end)}現在の届出業務数 {self.counts.total_active}件"

    @property
    def heading_lines(self) -> tuple[str, ...]:
        """The lines under the title, as every format writes them."""
        return (
            f"{self.municipality}　{self.register_name}".strip("　"),
            f"対象期間: {self.period}",
            f"届出件数: {self.counts_line}（計 {self.counts.filings}件）",
            self.total_line,
        )

    def table(self) -> Table:
        rows = tuple(
            (row.date, row.kind_label, row.department, row.name, row.content, row.entry)
            for row in self.rows
        )
        return Table(self.title, self.heading_lines, COLUMNS, rows, sheet="届出報告")


def active_on(entry: Entry, day: date) -> bool:
    """On file on ``day``: started on or before it and not abolished by then."""
    started = entry.started_on
    if started is None or started > day:
        return False
    return not any(f.kind == "abolish" and f.date <= day for f in entry.filings)


def build_council_report(register: Register, start: date, end: date) -> CouncilReport:
    """The report of the filings dated ``start`` to ``end``, both days included."""
    if start > end:
        raise PeriodError(
            f"期間の始め（{format_wareki(start)}）が終わり（{format_wareki(end)}）より後です"
        )
    config = register.config
    rows: list[FilingRow] = []
    total_active = 0
    for item in register.entries.values():
        entry = item.entry
        if active_on(entry, end):
            total_active += 1
        for filing in entry.filings:
            if start <= filing.date <= end:
                rows.append(
                    FilingRow(
                        entry=item.id,
                        name=entry.name,
                        department=entry.department,
                        kind=filing.kind,
                        date=filing.date,
                        summary=filing.summary,
                        items_added=tuple(filing.items_added),
                        items_removed=tuple(filing.items_removed),
                        review=filing.review,
                    )
                )
    rows.sort(
        key=lambda r: (
            KIND_ORDER[r.kind],
            config.department_index(r.department),
            r.date,
            r.name,
            r.entry,
        )
    )
    counts = ReportCounts(
        start=sum(r.kind == "start" for r in rows),
        change=sum(r.kind == "change" for r in rows),
        abolish=sum(r.kind == "abolish" for r in rows),
        total_active=total_active,
    )
    return CouncilReport(
        municipality=config.municipality,
        register_name=config.name,
        start=start,
        end=end,
        counts=counts,
        rows=tuple(rows),
    )


def default_period(as_of: date) -> tuple[date, date]:
    """The period a secretariat reports by default: 1 January of ``as_of``'s year to ``as_of``.

    The council hears the filings since its last report; the seed's report runs
    from 平成28年1月1日 to the day of the meeting (平成28年9月13日).
    """
    return date(as_of.year, 1, 1), as_of


def report_file_name(start: date, end: date, fmt: str) -> str:
    """``業務届出報告書_R8.1.1-R8.11.27.md``: the report's name, period in short 和暦."""
    return f"{REPORT_FILE_STEM}_{format_short(start)}-{format_short(end)}.{fmt}"
