"""Review reminders (見直し期限のお知らせ): overdue and due-soon reviews on a day.

The clock itself is :mod:`todokede.registry.views.review`; this module adds what a reminder
sheet shows: the register, the rule, the basis filing and how far off the due
date is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from todokede.registry.files.store import Register
from todokede.registry.schema.model import Filing
from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.review import Reminder, reminders
from todokede.reports.table import Column, Table

REMINDERS_TITLE: Final = "見直し期限のお知らせ"

COLUMNS: Final = (
    Column("状況", 5),
    Column("見直し期限", 9),
    Column("担当課", 9),
    Column("業務の名称", 16),
    Column("基準の届出日", 9),
    Column("基準の届出", 9),
    Column("期限まで", 7),
    Column("ID", 20),
)


def basis_label(filing: Filing) -> str:
    """How the basis filing is named: 開始届, 変更届（見直し）, …."""
    label = f"{filing.kind_label}届"
    return f"{label}（見直し）" if filing.review else label


def distance_label(reminder: Reminder) -> str:
    """``あと12日``, ``本日が期限``, ``247日超過``."""
    days = reminder.review.days_left
    if days > 0:
        return f"あと{days}日"
    if days == 0:
        return "本日が期限"
    return f"{-days}日超過"


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
    title: str = REMINDERS_TITLE

    @property
    def rule_line(self) -> str:
        return (
            f"見直しの周期は{self.interval_years}年（最後の開始届又は見直しの届出から）、"
            f"期限の{self.warning_months}か月前から「期限間近」としています"
        )

    @property
    def heading_lines(self) -> tuple[str, ...]:
        return (
            f"{self.municipality}　{self.register_name}".strip("　"),
            f"基準日: {format_wareki(self.as_of)}",
            f"期限切れ {len(self.overdue)}件・期限間近 {len(self.due_soon)}件",
            self.rule_line,
        )

    @property
    def all(self) -> tuple[Reminder, ...]:
        """Overdue first, then due soon; each soonest due first."""
        return self.overdue + self.due_soon

    def table(self) -> Table:
        rows = tuple(
            (
                r.review.state_label,
                r.due,
                r.department,
                r.name,
                r.basis,
                basis_label(r.review.basis),
                distance_label(r),
                r.entry,
            )
            for r in self.all
        )
        return Table(self.title, self.heading_lines, COLUMNS, rows, sheet="見直し期限")


def build_reminders(register: Register, as_of: date) -> RemindersReport:
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
    )
