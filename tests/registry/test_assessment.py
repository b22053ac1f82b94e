"""特定個人情報保護評価: check's error and warning, and the reminders' clock, on small registers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.assessment import assessment, tax
from tests.support.samples import MINIMAL_CONFIG
from todokede.registry.files.store import load_register
from todokede.registry.views.assessment import assessment_reminders
from todokede.registry.views.check import check_path


def register(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "reg"
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "entries" / "kazei.toml").write_text(text, encoding="utf-8")
    return root


def problems(tmp_path: Path, text: str) -> list[tuple[str, str, int | None, str]]:
    result = check_path(register(tmp_path, text))
    return [(p.severity, p.field, p.line, p.message) for p in result.errors + result.warnings]


def test_a_level_below_the_assessments_figures_is_an_error(tmp_path: Path) -> None:
    text = tax(assessment=assessment(level="basic"))
    line = text.splitlines().index('level = "basic"') + 1
    assert problems(tmp_path, text) == [
        (
            "error",
            "my_number_assessment.level",
            line,
            "対象人数 115,000人・取扱者数 300人・重大事故なしでは基礎項目評価及び重点項目評価が"
            "必要ですが、記録されている評価は基礎項目評価です",
        )
    ]


def test_handlers_and_an_incident_raise_the_level(tmp_path: Path) -> None:
    many = problems(tmp_path, tax(assessment=assessment(handlers=500)))
    assert [(p[0], p[1]) for p in many] == [("error", "my_number_assessment.level")]
    assert "取扱者数 500人・重大事故なしでは基礎項目評価及び全項目評価が必要" in many[0][3]
    incident = problems(tmp_path / "b", tax(assessment=assessment(incident="true")))
    assert "重大事故ありでは基礎項目評価及び全項目評価が必要" in incident[0][3]


@pytest.mark.parametrize("level", ["priority", "full"])
def test_a_level_that_covers_the_required_one_is_clean(tmp_path: Path, level: str) -> None:
    assert problems(tmp_path, tax(assessment=assessment(level=level))) == []


def test_a_process_with_1000_persons_and_no_assessment_is_warned(tmp_path: Path) -> None:
    text = tax(persons=1000)
    assert problems(tmp_path, text) == [
        (
            "warning",
            "my_number_assessment",
            None,  # a table not there has no line: the field names it
            "個人番号を記録し、特定個人情報ファイルの本人が1,000人（1,000人以上）ですが、"
            "特定個人情報保護評価（[my_number_assessment]）が記録されていません",
        )
    ]


def test_under_1000_persons_no_assessment_is_needed(tmp_path: Path) -> None:
    # The manual file's 90,000 persons hold no 個人番号: they do not count.
    assert problems(tmp_path, tax(persons=999)) == []


def test_staff_files_are_outside_the_assessment(tmp_path: Path) -> None:
    assert problems(tmp_path, tax(exemption='exemption = "74-2-3"\n')) == []


def test_an_abolished_process_is_not_warned(tmp_path: Path) -> None:
    later = '\n[[filings]]\ndate = 2020-03-31\nkind = "abolish"\n'
    text = tax(later=later).replace("\n\n[[files]]", '\nstatus = "abolished"\n\n[[files]]', 1)
    assert problems(tmp_path, text) == []


def reminders_on(tmp_path: Path, text: str, as_of: date) -> list[tuple[str, date, str]]:
    loaded = load_register(register(tmp_path, text))
    assert not loaded.errors, loaded.errors
    found = assessment_reminders(loaded.entries.values(), loaded.config, loaded.catalog, as_of)
    return [(r.state, r.due, r.reason) for r in found]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 12, 29), []),
        (
            date(2026, 12, 30),
            [("due_soon", "前回の評価（令和4年6月30日）から間もなく5年が経過します")],
        ),
        (
            date(2027, 6, 29),
            [("due_soon", "前回の評価（令和4年6月30日）から間もなく5年が経過します")],
        ),
        (date(2027, 6, 30), [("overdue", "前回の評価（令和4年6月30日）から5年が経過しています")]),
    ],
)
def test_reevaluation_falls_due_five_years_after_the_evaluation(
    tmp_path: Path, as_of: date, expected: list[tuple[str, str]]
) -> None:
    found = reminders_on(tmp_path, tax(assessment=assessment()), as_of)
    assert [(state, reason) for state, _, reason in found] == expected
    assert all(due == date(2027, 6, 30) for _, due, _ in found)


def test_a_filing_adding_my_number_after_the_evaluation_is_a_significant_change(
    tmp_path: Path,
) -> None:
    later = (
        '\n[[filings]]\ndate = 2024-04-01\nkind = "change"\n'
        'summary = "個人番号を追加"\nitems_added = ["個人番号"]\n'
    )
    found = reminders_on(tmp_path, tax(assessment=assessment(), later=later), date(2024, 5, 1))
    assert found == [
        (
            "change",
            date(2024, 4, 1),
            "評価（令和4年6月30日）の後、令和6年4月1日の変更届で個人番号を記録項目に追加しています。"
            "重要な変更の前に評価を再実施してください",
        )
    ]
    # Before that filing's day it is not yet known.
    assert (
        reminders_on(tmp_path / "b", tax(assessment=assessment(), later=later), date(2024, 3, 31))
        == []
    )


def test_more_persons_after_a_filing_raise_the_required_level(tmp_path: Path) -> None:
    later = '\n[[filings]]\ndate = 2024-04-01\nkind = "change"\nsummary = "対象者の拡大"\n'
    text = tax(persons=100000, assessment=assessment(level="basic", persons=95000), later=later)
    found = reminders_on(tmp_path, text, date(2024, 5, 1))
    assert found == [
        (
            "change",
            date(2024, 4, 1),
            "評価（令和4年6月30日、対象人数95,000人）の後の届出により特定個人情報ファイルの本人が"
            "100,000人となり、基礎項目評価及び重点項目評価が必要です（実施した評価は基礎項目評価）。"
            "評価を再実施してください",
        )
    ]
    # The assessment's own figures are consistent: no check error, the reminder says it.
    assert problems(tmp_path / "b", text) == []


def test_the_sample_register_assesses_every_process_holding_my_number() -> None:
    from tests.support.samples import PROJECT_ROOT

    sample = load_register(PROJECT_ROOT)
    assessed = {
        entry_id: item.entry.my_number_assessment.level
        for entry_id, item in sample.entries.items()
        if item.entry.my_number_assessment is not None
    }
    assert {
        "shimin-jumin-kihon-daicho": "full",
        "kazei-kojin-juminzei": "full",
        "korei-kaigo-kaigo-hoken": "priority",
        "hoken-nenkin-kokuho-shikaku-fuka": "basic",
    }.items() <= assessed.items()
    assert not [p for p in sample.problems if p.field.startswith("my_number_assessment")]
    found = assessment_reminders(
        sample.entries.values(), sample.config, sample.catalog, date(2026, 12, 1)
    )
    assert [(r.entry, r.state) for r in found] == [
        ("hoken-nenkin-kokuho-shikaku-fuka", "change"),  # more persons after the 2023 filing
        ("kazei-kojin-juminzei", "overdue"),  # evaluated 2020-02-28
        ("korei-kaigo-kaigo-hoken", "due_soon"),  # due 2027-03-25
    ]


def test_a_diff_shows_an_assessment_as_a_reader_reads_it() -> None:
    from todokede.registry.views.diff_lines import show_value

    value = {
        "level": "full",
        "evaluated": date(2020, 2, 28),
        "persons": 115000,
        "handlers": 310,
        "incident": True,
    }
    assert show_value(value) == (
        "全項目評価（令和2年2月28日、対象人数115,000人・取扱者数310人・重大事故あり）"
    )
