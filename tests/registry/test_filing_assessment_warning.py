"""The filing's warning that the 特定個人情報保護評価 comes first: a filing that adds
個人番号 to a process without an assessment that covers it (none, one made before
the filing's day, or one below the level the files now require)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from tests.support.assessment import assessment, tax
from todokede.registry.schema.model import Entry, Filing
from todokede.registry.views.assessment import filing_assessment_warning

ADDS = Filing(date=date(2023, 1, 10), kind="change", items_added=["個人番号"])


def entry(text: str) -> Entry:
    return Entry.model_validate(tomllib.loads(text))


def later_assessment(level: str = "priority", evaluated: str = "2023-01-10") -> str:
    return assessment(level=level).replace("2022-06-30", evaluated)


def test_no_assessment_while_the_files_count_1000_or_more_persons() -> None:
    warning = filing_assessment_warning(entry(tax()), ADDS, None)
    assert warning == (
        "個人番号を記録項目に加える届出ですが、特定個人情報保護評価（[my_number_assessment]）が"
        "記録されていません。特定個人情報ファイルの本人が115,000人のため、"
        "個人番号を取り扱う前に評価を実施してください"
    )


@pytest.mark.parametrize(("persons", "warned"), [(999, False), (1000, True)])
def test_the_1000_persons_threshold(persons: int, warned: bool) -> None:
    assert bool(filing_assessment_warning(entry(tax(persons=persons)), ADDS, None)) is warned


def test_without_files_holding_my_number_the_threshold_is_said() -> None:
    text = tax().replace(
        '"住所", "個人番号", "所得の状況"]\npersons', '"住所", "所得の状況"]\npersons'
    )
    warning = filing_assessment_warning(entry(text), ADDS, None)
    assert "特定個人情報ファイルの本人が1,000人以上なら、個人番号を取り扱う前に" in warning


def test_an_assessment_made_before_the_filing_s_day_does_not_cover_it() -> None:
    warning = filing_assessment_warning(entry(tax(assessment=assessment())), ADDS, None)
    assert "特定個人情報保護評価（令和4年6月30日実施）はこの届出の日より前のものです" in warning
    assert "重要な変更の前に評価を再実施" in warning


def test_an_assessment_on_or_after_the_filing_s_day_at_the_required_level_covers_it() -> None:
    for evaluated in ("2023-01-10", "2023-02-01"):
        text = tax(assessment=later_assessment(evaluated=evaluated))
        assert filing_assessment_warning(entry(text), ADDS, None) == ""


def test_an_assessment_below_the_level_the_files_require() -> None:
    # the files count 300,000 persons: 全項目評価, while 重点項目評価 was made
    text = tax(persons=300_000, assessment=later_assessment())
    warning = filing_assessment_warning(entry(text), ADDS, None)
    assert "本人が300,000人となり基礎項目評価及び全項目評価が必要です" in warning
    assert "（記録されている評価は基礎項目評価及び重点項目評価）" in warning


def test_filings_that_add_no_my_number_or_abolish_say_nothing() -> None:
    other = Filing(date=date(2023, 1, 10), kind="change", items_added=["電話番号"])
    abolish = Filing(date=date(2023, 1, 10), kind="abolish")
    assert filing_assessment_warning(entry(tax()), other, None) == ""
    assert filing_assessment_warning(entry(tax()), abolish, None) == ""


def test_a_start_holding_my_number_needs_the_assessment_first() -> None:
    start = Filing(date=date(2010, 4, 1), kind="start")
    assert "評価（[my_number_assessment]）が記録されていません" in filing_assessment_warning(
        entry(tax()), start, None
    )
