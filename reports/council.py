"""The council's filing report (個人情報に係る業務届出報告書) for a period.

Pure functions from a loaded register to frozen data; renderers live in the
``render_*`` modules. Rows are ordered 開始, 変更, 廃止, then by the department
order of ``registry.toml``, then by date (then name and id, for a stable order).

Each row prints the process's name and 課 as they were filed: read from the
filing's commit (:mod:`todokede.registry.git.asfiled`), today's when the register has no
history to read them from. A handout carries what council papers carry: an
optional 資料番号, the 作成日 and 作成課 (``author`` of ``registry.toml``), a
lead sentence (「…までに市長に届出のあったもの」) and a 番号 column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from todokede.registry.files.store import Register
from todokede.registry.git.asfiled import FiledNames, FilingKey, names_as_filed
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
REVIEW_WORD: Final = "見直し"
#: What a summary may open with that only repeats the row's 区分 (開始 / 廃止).
KIND_OPENINGS: Final[dict[str, tuple[str, ...]]] = {
    "start": ("業務開始", "業務を開始"),
    "abolish": ("業務廃止", "業務を廃止"),
}
_AFTER_OPENING: Final = "。、，,．.　 "
#: The head of the organ a 課 files with, by the last character of the municipality.
ORGAN_HEADS: Final[dict[str, str]] = {
    "市": "市長",
    "町": "町長",
    "村": "村長",
    "区": "区長",
    "都": "知事",
    "道": "知事",
    "府": "知事",
    "県": "知事",
}

COLUMNS: Final = (
    Column("番号", 1.5, nowrap=True),
    Column("届出日", 8.5, nowrap=True),
    Column("区分", 2, nowrap=True),
    Column("担当課", 8, nowrap=True),
    Column("業務の名称", 14),
    Column("内容", 30),
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
    def summary_text(self) -> str:
        """The summary as the 内容 column prints it: without an opening that only
        repeats the 区分 (「業務開始。」 in a 開始 row, 「業務を廃止。」 in a 廃止 row)."""
        text = self.summary.strip()
        for opening in KIND_OPENINGS.get(self.kind, ()):
            if text.startswith(opening):
                rest = text[len(opening) :]
                if not rest or rest[0] in _AFTER_OPENING:
                    return rest.lstrip(_AFTER_OPENING)
        return text

    @property
    def changes(self) -> str:
        """``記録項目の追加：個人番号、年金の受給状況　削除：本籍`` (empty when none)."""
        parts = []
        if self.items_added:
            parts.append("追加：" + "、".join(self.items_added))
        if self.items_removed:
            parts.append("削除：" + "、".join(self.items_removed))
        return "記録項目の" + "　".join(parts) if parts else ""

    @property
    def review_mark(self) -> str:
        """（見直し）, unless the summary already says 見直し (then it is said once)."""
        if self.review and REVIEW_WORD not in self.summary_text:
            return REVIEW_MARK
        return ""

    @property
    def content_lines(self) -> tuple[str, ...]:
        """The 内容 column as lines: summary, record items changed, 見直し."""
        return tuple(t for t in (self.summary_text, self.changes, self.review_mark) if t)

    @property
    def content(self) -> str:
        """The 内容 column on one line."""
        return "　".join(self.content_lines)


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
    created: date
    """作成日."""
    author: str = ""
    """作成課 (``author`` of ``registry.toml``), empty when not set."""
    label: str = ""
    """資料番号 (``資料3``), empty when none was given."""
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
    def organ(self) -> str:
        """Whom the 課 file with: 市長 (東村山市), 町長, 村長, 区長, 知事."""
        return organ_head(self.municipality)

    @property
    def lead(self) -> str:
        """「平成28年1月1日から平成28年9月13日までに市長に届出のあったもの」."""
        return (
            f"{format_wareki(self.start)}から{format_wareki(self.end)}までに"
            f"{self.organ}に届出のあったもの"
        )

    @property
    def created_line(self) -> str:
        """作成日 in 和暦."""
        return format_wareki(self.created)

    @property
    def office(self) -> str:
        """作成課 with the municipality: ``東村山市　総務部総務課`` (the municipality alone
        when ``author`` is not set)."""
        return "　".join(part for part in (self.municipality, self.author) if part)

    @property
    def byline(self) -> tuple[str, ...]:
        """作成日 and 作成課, right-aligned under the title."""
        return tuple(line for line in (self.created_line, self.office) if line)

    @property
    def heading_lines(self) -> tuple[str, ...]:
        """The register, the period, the counts and the total: what the TUI's preview
        shows above the rows (``[0]`` dimmed, ``[1]``, the counts, ``[3]``)."""
        return (
            f"{self.municipality}　{self.register_name}".strip("　"),
            f"対象期間: {self.period}",
            self.filings_line,
            self.total_line,
        )

    @property
    def filings_line(self) -> str:
        """``届出件数: 業務開始 1件・変更 4件・廃止 0件（計 5件）``."""
        return f"届出件数: {self.counts_line}（計 {self.counts.filings}件）"

    @property
    def document_lines(self) -> tuple[str, ...]:
        """The lines under a handout's title: the lead sentence, the counts, the total
        (not the register's name: the report is not the 登録簿)."""
        return (self.lead, self.filings_line, self.total_line)

    def table(self) -> Table:
        rows = tuple(
            (
                number,
                row.date,
                row.kind_label,
                row.department,
                row.name,
                row.content,
                row.entry,
            )
            for number, row in enumerate(self.rows, start=1)
        )
        return Table(
            self.title,
            self.document_lines,
            COLUMNS,
            rows,
            sheet="届出報告",
            landscape=True,
            label=self.label,
            byline=self.byline,
        )


def organ_head(municipality: str) -> str:
    """The head of a municipality's executive: 市長 for 東村山市, 知事 for 東京都."""
    name = municipality.strip()
    if not name:
        return "市長"
    return ORGAN_HEADS.get(name[-1], f"{name}長")  # 〇〇広域連合 → 〇〇広域連合長


def active_on(entry: Entry, day: date) -> bool:
    """On file on ``day``: started on or before it and not abolished by then."""
    started = entry.started_on
    if started is None or started > day:
        return False
    return not any(f.kind == "abolish" and f.date <= day for f in entry.filings)


def build_council_report(
    register: Register,
    start: date,
    end: date,
    *,
    created: date | None = None,
    label: str = "",
    history: bool = True,
) -> CouncilReport:
    """The report of the filings dated ``start`` to ``end``, both days included.

    ``created`` is the 作成日 (today when None) and ``label`` the 資料番号. With
    ``history`` (the default) each row's name and 課 are read from the filing's
    commit; without it, or for a filing no commit records, today's are printed.
    """
    if start > end:
        raise PeriodError(
            f"期間の始め（{format_wareki(start)}）が終わり（{format_wareki(end)}）より後です"
        )
    config = register.config
    found: list[tuple[str, Entry, int]] = []
    total_active = 0
    for item in register.entries.values():
        entry = item.entry
        if active_on(entry, end):
            total_active += 1
        for index, filing in enumerate(entry.filings):
            if start <= filing.date <= end:
                found.append((item.id, entry, index))
    wanted: dict[FilingKey, tuple[str, str]] = {
        (entry_id, entry.filings[index].date, entry.filings[index].kind): (
            entry.department,
            entry.name,
        )
        for entry_id, entry, index in found
    }
    filed = names_as_filed(register.root, wanted, start) if history and wanted else FiledNames()
    rows = [_row(entry_id, entry, index, filed) for entry_id, entry, index in found]
    known = set(config.departments)
    today = {entry_id: entry.department for entry_id, entry, _ in found}

    def department_order(row: FilingRow) -> int:
        # As filed when that 課 still exists, else where the process sits today.
        department = row.department if row.department in known else today[row.entry]
        return config.department_index(department)

    rows.sort(key=lambda r: (KIND_ORDER[r.kind], department_order(r), r.date, r.name, r.entry))
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
        created=created or date.today(),
        author=config.author,
        label=label.strip(),
    )


def _row(entry_id: str, entry: Entry, index: int, filed: FiledNames) -> FilingRow:
    """One filing as a row, named as it was filed when its commit says so."""
    filing = entry.filings[index]
    key = (entry_id, filing.date, filing.kind)
    occurrence = sum(
        1 for f in entry.filings[:index] if (f.date, f.kind) == (filing.date, filing.kind)
    )
    department, name = filed.lookup(key, occurrence) or (entry.department, entry.name)
    return FilingRow(
        entry=entry_id,
        name=name,
        department=department,
        kind=filing.kind,
        date=filing.date,
        summary=filing.summary,
        items_added=tuple(filing.items_added),
        items_removed=tuple(filing.items_removed),
        review=filing.review,
    )


def default_period(as_of: date) -> tuple[date, date]:
    """The period a secretariat reports by default: 1 January of ``as_of``'s year to ``as_of``.

    The council hears the filings since its last report; the seed's report runs
    from 平成28年1月1日 to the day of the meeting (平成28年9月13日). The TUI's
    report screen and ``todokede report`` without ``--from``/``--to`` both use it.
    """
    return date(as_of.year, 1, 1), as_of


def report_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The period of ``todokede report``: what was given, the rest by :func:`default_period`.

    No ``--to`` is ``today``; no ``--from`` is 1 January of the last day's year.
    """
    last = end or today
    return start or default_period(last)[0], last


def report_file_name(start: date, end: date, fmt: str) -> str:
    """``業務届出報告書_R8.1.1-R8.11.27.md``: the report's name, period in short 和暦."""
    return f"{REPORT_FILE_STEM}_{format_short(start)}-{format_short(end)}.{fmt}"
