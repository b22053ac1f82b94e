"""Review reminders (見直し期限のお知らせ): overdue and due-soon reviews on a day.

The clock itself is :mod:`todokede.registry.views.review`; this module adds what a reminder
sheet shows: the register, the rule, the basis filing and how far off the due
date is (「約36年超過」, 「3か月超過」, 「あと2か月」), and, for each 課, a request
(依頼文) that can be sent to it on its own page: which processes, why (the last
review is ten or more years old) and by when to answer.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Final

from todokede.registry.files.store import Register
from todokede.registry.schema.model import Filing
from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.assessment import (
    REEVALUATION_YEARS,
    AssessmentReminder,
    assessment_reminders,
)
from todokede.registry.views.review import Reminder, add_months, reminders
from todokede.reports.table import Column, Table

REMINDERS_TITLE: Final = "見直し期限のお知らせ"
REQUEST_TITLE: Final = "個人情報取扱業務の見直しについて（依頼）"
OVERDUE_LABEL: Final = "期限経過"
DUE_SOON_LABEL: Final = "期限間近"
ASSESSMENTS_LABEL: Final = "特定個人情報保護評価の再実施"

COLUMNS: Final = (
    Column("番号", 1.5, nowrap=True),
    Column("状況", 4, nowrap=True),
    Column("見直し期限", 8.5, nowrap=True),
    Column("担当課", 8, nowrap=True),
    Column("業務の名称", 16),
    Column("基準の届出日", 8.5, nowrap=True),
    Column("基準の届出", 8.5),
    Column("超過・残り", 5.5, nowrap=True),
    Column("理由", 20),
    Column("ID", 20, printed=False),
)
#: The columns of a request to one 課 (its name is the page's addressee).
REQUEST_COLUMNS: Final = (
    Column("番号", 1.5, nowrap=True),
    Column("業務の名称", 18),
    Column("基準の届出", 13),
    Column("見直し期限", 8.5, nowrap=True),
    Column("超過・残り", 5.5, nowrap=True),
    Column("ID", 20, printed=False),
)


def basis_label(filing: Filing) -> str:
    """How the basis filing is named: 開始届, 変更届（見直し）, …."""
    label = f"{filing.kind_label}届"
    return f"{label}（見直し）" if filing.review else label


def distance_label(reminder: Reminder | AssessmentReminder) -> str:
    """``あと12日``, ``本日が期限``, ``247日超過``: in days (the TUI's list)."""
    days = reminder.review.days_left if isinstance(reminder, Reminder) else reminder.days_left
    if days > 0:
        return f"あと{days}日"
    if days == 0:
        return "本日が期限"
    return f"{-days}日超過"


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (a month ends on the same day of
    the month, or the month's last day)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    while months > 0 and add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)


def distance_words(reminder: Reminder | AssessmentReminder) -> str:
    """How far off the due date is, as a document says it.

    ``あと12日``, ``あと3か月``, ``本日が期限``, ``20日超過``, ``3か月超過``,
    ``2年5か月超過``, ``約36年超過`` (from ten years on, whole years).
    """
    due = reminder.due
    as_of = reminder.review.as_of if isinstance(reminder, Reminder) else reminder.as_of
    if as_of == due:
        return "本日が期限"
    if as_of < due:
        months = months_between(as_of, due)
        return f"あと{months}か月" if months else f"あと{(due - as_of).days}日"
    months = months_between(due, as_of)
    if not months:
        return f"{(as_of - due).days}日超過"
    years, rest = divmod(months, 12)
    if not years:
        return f"{months}か月超過"
    if not rest:
        return f"{years}年超過"
    return f"{years}年{rest}か月超過" if years < 10 else f"約{years}年超過"


def state_label(reminder: Reminder) -> str:
    return OVERDUE_LABEL if reminder.state == "overdue" else DUE_SOON_LABEL


def end_of_next_month(day: date) -> date:
    """The last day of the month after ``day``'s: the default day to answer by."""
    first = add_months(date(day.year, day.month, 1), 1)
    return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class DepartmentReminders:
    """The reminders of one 課: what its page asks it to review."""

    department: str
    overdue: tuple[Reminder, ...]
    due_soon: tuple[Reminder, ...]

    @property
    def all(self) -> tuple[Reminder, ...]:
        return self.overdue + self.due_soon


@dataclass(frozen=True)
class RemindersReport:
    """The reminder sheet: the register, the rule and the processes to chase."""

    municipality: str
    register_name: str
    interval_years: int
    warning_months: int
    as_of: date
    overdue: tuple[Reminder, ...]
    due_soon: tuple[Reminder, ...]
    author: str = ""
    """作成課 (``author`` of ``registry.toml``): who sends the requests."""
    reply_by: date | None = None
    """The day each 課 is asked to answer by (None: the end of the next month)."""
    department_order: tuple[str, ...] = ()
    title: str = REMINDERS_TITLE
    assessments: tuple[AssessmentReminder, ...] = ()
    """特定個人情報保護評価 to redo: 評価の再実施 and 重要な変更, soonest due first."""

    @property
    def rule_line(self) -> str:
        return (
            f"見直しの周期は{self.interval_years}年（最後の開始届又は見直しの届出から）、"
            f"期限の{self.warning_months}か月前から「期限間近」としています"
        )

    @property
    def counts_line(self) -> str:
        return (
            f"{OVERDUE_LABEL} {len(self.overdue)}件・{DUE_SOON_LABEL} {len(self.due_soon)}件・"
            f"{ASSESSMENTS_LABEL} {len(self.assessments)}件"
        )

    @property
    def assessment_rule_line(self) -> str:
        return (
            f"{ASSESSMENTS_LABEL}は、前回の評価から{REEVALUATION_YEARS}年（期限の"
            f"{self.warning_months}か月前から期限間近）及び評価後の重要な変更"
            "（個人番号の追加、必要な評価の引上げ）を示しています"
        )

    @property
    def office(self) -> str:
        """``東村山市　総務部総務課``: who prepared the sheet."""
        return "　".join(part for part in (self.municipality, self.author) if part)

    @property
    def heading_lines(self) -> tuple[str, ...]:
        return (
            f"基準日: {format_wareki(self.as_of)}",
            self.counts_line,
            self.rule_line,
            self.assessment_rule_line,
        )

    @property
    def byline(self) -> tuple[str, ...]:
        return tuple(line for line in (format_wareki(self.as_of), self.office) if line)

    @property
    def all(self) -> tuple[Reminder, ...]:
        """Overdue first, then due soon; each soonest due first."""
        return self.overdue + self.due_soon

    @property
    def answer_by(self) -> date:
        """The day to answer by: as given, else the end of the next month."""
        return self.reply_by or end_of_next_month(self.as_of)

    @property
    def groups(self) -> tuple[DepartmentReminders, ...]:
        """The reminders by 課, in the department order of ``registry.toml``."""
        names = {r.department for r in self.all}
        order = {name: index for index, name in enumerate(self.department_order)}
        ordered = sorted(names, key=lambda name: (order.get(name, len(order)), name))
        return tuple(
            DepartmentReminders(
                department,
                tuple(r for r in self.overdue if r.department == department),
                tuple(r for r in self.due_soon if r.department == department),
            )
            for department in ordered
        )

    # -- the request to one 課 -----------------------------------------------------------

    def addressee(self, group: DepartmentReminders) -> str:
        """``課税課長　様``."""
        return f"{group.department}長　様"

    @property
    def sender(self) -> str:
        """``総務部総務課長`` (empty when ``author`` is not set)."""
        return f"{self.author}長" if self.author else ""

    def request_lines(self, group: DepartmentReminders) -> tuple[str, ...]:
        """The request's body: which processes, why, and by when to answer."""
        years = self.interval_years
        if group.overdue and group.due_soon:
            why = f"から{years}年以上が経過し、又は間もなく{years}年が経過します"
        elif group.overdue:
            why = f"から{years}年以上が経過しています"
        else:
            why = f"から間もなく{years}年が経過します"
        office = f"{self.author}へ" if self.author else ""
        return (
            f"下記の個人情報取扱業務は、前回の見直し（開始届又は見直しを兼ねた届出）{why}。",
            "業務の内容と届け出ている内容（目的、記録項目、委託、提供先など）を確認し、"
            f"{format_wareki(self.answer_by)}までに変更届（見直し）を{office}提出してください。"
            "内容に変更がない場合も、見直しを行った旨を届け出てください。",
        )

    def request_table(self, group: DepartmentReminders) -> Table:
        """The processes of one 課, numbered, for its page."""
        rows = tuple(
            (
                number,
                r.name,
                f"{format_wareki(r.basis)} {basis_label(r.review.basis)}",
                r.due,
                distance_words(r),
                r.entry,
            )
            for number, r in enumerate(group.all, start=1)
        )
        return Table(
            REQUEST_TITLE,
            self.request_lines(group),
            REQUEST_COLUMNS,
            rows,
            sheet=sheet_name(group.department),
            byline=tuple(line for line in (format_wareki(self.as_of), self.sender) if line),
        )

    def review_reason(self, reminder: Reminder) -> str:
        """Why a review is listed: ten years passed, or about to."""
        years = self.interval_years
        if reminder.state == "overdue":
            return f"前回の見直しから{years}年以上が経過しています"
        return f"前回の見直しから間もなく{years}年が経過します"

    def table(self) -> Table:
        rows = tuple(
            (
                number,
                state_label(r),
                r.due,
                r.department,
                r.name,
                r.basis,
                basis_label(r.review.basis),
                distance_words(r),
                self.review_reason(r),
                r.entry,
            )
            for number, r in enumerate(self.all, start=1)
        )
        first = len(rows) + 1
        rows += tuple(
            (
                number,
                r.state_label,
                r.due,
                r.department,
                r.name,
                r.evaluated,
                f"特定個人情報保護評価（{r.level_label}）",
                distance_words(r),
                r.reason,
                r.entry,
            )
            for number, r in enumerate(self.assessments, start=first)
        )
        return Table(
            self.title,
            self.heading_lines,
            COLUMNS,
            rows,
            sheet="一覧",
            byline=self.byline,
            landscape=True,
        )


#: Characters a sheet name cannot hold (Excel), and its longest length.
_SHEET_FORBIDDEN: Final = str.maketrans({c: "・" for c in "[]:*?/\\"})
SHEET_NAME_LIMIT: Final = 31


def sheet_name(department: str) -> str:
    """A 課's name as an XLSX sheet name: no ``[]:*?/\\``, at most 31 characters."""
    name = department.translate(_SHEET_FORBIDDEN).strip("'") or "担当課"
    return name[:SHEET_NAME_LIMIT]


def build_reminders(
    register: Register, as_of: date, reply_by: date | None = None
) -> RemindersReport:
    """Overdue and due-soon reviews of the register on ``as_of``."""
    config = register.config
    found = reminders(register.entries.values(), config, as_of)
    return RemindersReport(
        municipality=config.municipality,
        register_name=config.name,
        interval_years=config.review_interval_years,
        warning_months=config.review_warning_months,
        as_of=as_of,
        overdue=found.overdue,
        due_soon=found.due_soon,
        author=config.author,
        reply_by=reply_by,
        department_order=tuple(config.departments),
        assessments=assessment_reminders(
            register.entries.values(), config, register.catalog, as_of
        ),
    )
