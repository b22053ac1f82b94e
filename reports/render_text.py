"""Plain text for the terminal and for mail: one line per reminder."""

from __future__ import annotations

from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.assessment import AssessmentReminder
from todokede.registry.views.display import one_line
from todokede.registry.views.review import Reminder
from todokede.reports.reminders import (
    ASSESSMENTS_LABEL,
    DUE_SOON_LABEL,
    OVERDUE_LABEL,
    RemindersReport,
    basis_label,
    distance_words,
)


def reminder_line(reminder: Reminder) -> str:
    """``令和8年3月22日（8か月超過）　課税課　個人住民税賦課事務（id）　基準: …``."""
    return (
        f"{format_wareki(reminder.due)}（{distance_words(reminder)}）　"
        f"{one_line(reminder.department, tabs=True)}　{one_line(reminder.name, tabs=True)}（{reminder.entry}）　"
        f"基準: {format_wareki(reminder.basis)} {basis_label(reminder.review.basis)}"
    )


def assessment_line(reminder: AssessmentReminder) -> str:
    """``重要な変更　令和5年6月16日（…）　保険年金課　…（id）　評価: …　理由``."""
    return (
        f"{reminder.state_label}　{format_wareki(reminder.due)}（{distance_words(reminder)}）　"
        f"{one_line(reminder.department, tabs=True)}　{one_line(reminder.name, tabs=True)}"
        f"（{reminder.entry}）　評価: {format_wareki(reminder.evaluated)} {reminder.level_label}　"
        f"{reminder.reason}"
    )


def render_reminders(report: RemindersReport) -> str:
    out = [
        f"{report.title}（{format_wareki(report.as_of)}現在）",
        report.office,
        report.rule_line,
    ]
    for label, items in ((OVERDUE_LABEL, report.overdue), (DUE_SOON_LABEL, report.due_soon)):
        out += ["", f"■ {label} {len(items)}件"]
        out += [reminder_line(r) for r in items] or ["なし"]
    out += ["", f"■ {ASSESSMENTS_LABEL} {len(report.assessments)}件"]
    out += [assessment_line(r) for r in report.assessments] or ["なし"]
    return "\n".join(out) + "\n"
