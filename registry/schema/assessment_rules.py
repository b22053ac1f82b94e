"""The rules ``check`` applies to 特定個人情報保護評価 (番号法第28条).

The 対象人数 of a process is the number of 本人 in its 特定個人情報ファイル (its
files holding 個人番号, staff personnel/pay/welfare files under 74-2-3 excluded);
a process without such files counts the persons its assessment states. An
assessment below the level its own figures (persons, handlers, incident) require
is an error; an active process holding 個人番号 with 1,000 or more persons and no
assessment is a warning. How the register's figures drift from the assessment
after a change is for the reminders (:mod:`todokede.registry.views.assessment`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from todokede.registry.schema.assessment_levels import (
    LEVEL_LABELS,
    MIN_PERSONS,
    covers,
    required_level,
)
from todokede.registry.schema.catalog import fold
from todokede.registry.schema.problems import Violation

if TYPE_CHECKING:
    from todokede.registry.schema.catalog import Catalog
    from todokede.registry.schema.model import Entry, MyNumberAssessment

#: 法74条2項3号: staff personnel, pay and welfare files, outside the assessment.
STAFF_EXEMPTION: Final = "74-2-3"
_MY_NUMBER: Final = fold("個人番号")


def my_number_test(catalog: Catalog | None) -> Callable[[str], bool]:
    """Whether a record item is 個人番号 (the catalog's flag; without one, the name)."""
    if catalog is not None:
        return catalog.is_my_number
    return lambda name: fold(name) == _MY_NUMBER


def holds_my_number(entry: Entry, catalog: Catalog | None) -> bool:
    is_my_number = my_number_test(catalog)
    return any(is_my_number(item) for item in entry.record_items)


def file_persons(entry: Entry, catalog: Catalog | None) -> int | None:
    """本人 in the process's 特定個人情報ファイル (staff files excluded), or None
    when it records none (then the assessment's own count stands)."""
    is_my_number = my_number_test(catalog)
    counts = [
        file.persons
        for file in entry.files
        if file.exemption != STAFF_EXEMPTION and any(is_my_number(i) for i in file.record_items)
    ]
    return sum(counts) if counts else None


def process_persons(entry: Entry, catalog: Catalog | None) -> int | None:
    """The 対象人数: the files' count, else the assessment's, else None."""
    persons = file_persons(entry, catalog)
    if persons is None and entry.my_number_assessment is not None:
        return entry.my_number_assessment.persons
    return persons


def figures(persons: int, handlers: int, incident: bool) -> str:
    """``対象人数 250,000人・取扱者数 520人・重大事故あり``."""
    accident = "重大事故あり" if incident else "重大事故なし"
    return f"対象人数 {persons:,}人・取扱者数 {handlers:,}人・{accident}"


def assessment_violations(entry: Entry, catalog: Catalog | None) -> list[Violation]:
    """The error of a level too low for its figures, or the warning of a missing one."""
    assessment: MyNumberAssessment | None = entry.my_number_assessment
    if assessment is not None:
        required = required_level(assessment.persons, assessment.handlers, assessment.incident)
        if required is not None and not covers(assessment.level, required):
            return [
                Violation(
                    ("my_number_assessment", "level"),
                    f"{figures(assessment.persons, assessment.handlers, assessment.incident)}"
                    f"では{LEVEL_LABELS[required]}が必要ですが、"
                    f"記録されている評価は{LEVEL_LABELS[assessment.level]}です",
                )
            ]
        return []
    if entry.is_abolished or not holds_my_number(entry, catalog):
        return []
    persons = file_persons(entry, catalog)
    if persons is None or persons < MIN_PERSONS:
        return []
    return [
        Violation(
            ("my_number_assessment",),
            f"個人番号を記録し、特定個人情報ファイルの本人が{persons:,}人（{MIN_PERSONS:,}人以上）ですが、"
            "特定個人情報保護評価（[my_number_assessment]）が記録されていません",
            "warning",
        )
    ]
