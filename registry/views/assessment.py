"""The clock of 特定個人情報保護評価: re-evaluation and 重要な変更 (番号法第28条).

An assessment is re-evaluated five years after ``evaluated`` (an effort duty of
the PPC's rules): overdue on and after that day, due soon from
``review_warning_months`` before it. A filing dated after ``evaluated`` that adds
個人番号, or after which the register's 特定個人情報ファイル count more persons than
the assessment's level covers, is a 重要な変更 the assessment should have come
before: it reminds, due on that filing's date, until the assessment is
re-evaluated. Only filings on or before ``as_of`` count; abolished processes
never remind. Pure functions of the entries, the config and ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from todokede.registry.files.store import EntryFile
from todokede.registry.schema.assessment_levels import (
    LEVEL_LABELS,
    MIN_PERSONS,
    SHORT_LABELS,
    covers,
    required_level,
)
from todokede.registry.schema.assessment_rules import file_persons, my_number_test
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import Entry, Filing, MyNumberAssessment, RegistryConfig
from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.review import add_months, add_years

#: Re-evaluation within five years of the last (特定個人情報保護評価指針).
REEVALUATION_YEARS: Final = 5
AssessmentState = Literal["overdue", "due_soon", "change"]
ASSESSMENT_STATE_LABELS: Final[dict[str, str]] = {
    "overdue": "評価の再実施（期限経過）",
    "due_soon": "評価の再実施（期限間近）",
    "change": "重要な変更",
}


@dataclass(frozen=True)
class AssessmentReminder:
    """A process whose assessment is to be re-evaluated, and why."""

    entry: str
    name: str
    department: str
    assessment: MyNumberAssessment
    state: AssessmentState
    due: date
    reason: str
    as_of: date

    @property
    def evaluated(self) -> date:
        return self.assessment.evaluated

    @property
    def state_label(self) -> str:
        return ASSESSMENT_STATE_LABELS[self.state]

    @property
    def level_label(self) -> str:
        return SHORT_LABELS[self.assessment.level]

    @property
    def days_left(self) -> int:
        return (self.due - self.as_of).days


def assessment_reminder(
    item: EntryFile, config: RegistryConfig, catalog: Catalog, as_of: date
) -> AssessmentReminder | None:
    """The reminder of one process on ``as_of``: a 重要な変更 first, else the clock."""
    entry, assessment = item.entry, item.entry.my_number_assessment
    if assessment is None or assessment.evaluated > as_of:
        return None
    filed = [f for f in entry.filings if f.date <= as_of]
    if any(f.kind == "abolish" for f in filed):
        return None
    after = [f for f in filed if f.date > assessment.evaluated]

    def make(state: AssessmentState, due: date, reason: str) -> AssessmentReminder:
        return AssessmentReminder(
            item.id, entry.name, entry.department, assessment, state, due, reason, as_of
        )

    is_my_number = my_number_test(catalog)
    evaluated = format_wareki(assessment.evaluated)
    for filing in after:
        if any(is_my_number(name) for name in filing.items_added):
            return make(
                "change",
                filing.date,
                f"評価（{evaluated}）の後、{format_wareki(filing.date)}の{filing.kind_label}届で"
                "個人番号を記録項目に追加しています。重要な変更の前に評価を再実施してください",
            )
    persons = file_persons(entry, catalog)
    if after and persons is not None:
        required = required_level(persons, assessment.handlers, assessment.incident)
        if required is not None and not covers(assessment.level, required):
            return make(
                "change",
                after[0].date,
                f"評価（{evaluated}、対象人数{assessment.persons:,}人）の後の届出により"
                f"特定個人情報ファイルの本人が{persons:,}人となり、{LEVEL_LABELS[required]}が"
                f"必要です（実施した評価は{LEVEL_LABELS[assessment.level]}）。評価を再実施してください",
            )
    due = add_years(assessment.evaluated, REEVALUATION_YEARS)
    if as_of >= due:
        return make(
            "overdue",
            due,
            f"前回の評価（{evaluated}）から{REEVALUATION_YEARS}年が経過しています",
        )
    if as_of >= add_months(due, -config.review_warning_months):
        return make(
            "due_soon",
            due,
            f"前回の評価（{evaluated}）から間もなく{REEVALUATION_YEARS}年が経過します",
        )
    return None


def assessment_reminders(
    entries: Iterable[EntryFile], config: RegistryConfig, catalog: Catalog, as_of: date
) -> tuple[AssessmentReminder, ...]:
    """Every assessment to redo on ``as_of``: soonest due first (longest overdue
    first), then the department order, the name and the id."""
    found = [
        r
        for item in entries
        if (r := assessment_reminder(item, config, catalog, as_of)) is not None
    ]
    return tuple(
        sorted(
            found,
            key=lambda r: (r.due, config.department_index(r.department), r.name, r.entry),
        )
    )


def filing_assessment_warning(entry: Entry, filing: Filing, catalog: Catalog | None) -> str:
    """Why the assessment should come before ``filing`` of ``entry`` (the entry as
    filed), or "": the filing adds 個人番号 (a 開始 holding it, a 変更 adding it) while
    no assessment is recorded, or the one recorded was made before the filing's
    day, or its level is below what the process's files now require."""
    is_my_number = my_number_test(catalog)
    added = entry.record_items if filing.kind == "start" else filing.items_added
    if filing.kind == "abolish" or not any(is_my_number(name) for name in added):
        return ""
    lead = "個人番号を記録項目に加える届出ですが、"
    assessment = entry.my_number_assessment
    persons = file_persons(entry, catalog)
    if assessment is None:
        if persons is not None and persons < MIN_PERSONS:
            return ""
        count = (
            f"特定個人情報ファイルの本人が{persons:,}人のため、"
            if persons is not None
            else f"特定個人情報ファイルの本人が{MIN_PERSONS:,}人以上なら、"
        )
        return (
            f"{lead}特定個人情報保護評価（[my_number_assessment]）が記録されていません。"
            f"{count}個人番号を取り扱う前に評価を実施してください"
        )
    evaluated = format_wareki(assessment.evaluated)
    if assessment.evaluated < filing.date:
        return (
            f"{lead}特定個人情報保護評価（{evaluated}実施）はこの届出の日より前のものです。"
            "重要な変更の前に評価を再実施し、記録してください"
        )
    counted = persons if persons is not None else assessment.persons
    required = required_level(counted, assessment.handlers, assessment.incident)
    if not covers(assessment.level, required) and required is not None:
        return (
            f"{lead}特定個人情報ファイルの本人が{counted:,}人となり{LEVEL_LABELS[required]}が"
            f"必要です（記録されている評価は{LEVEL_LABELS[assessment.level]}）。評価を先に実施してください"
        )
    return ""
