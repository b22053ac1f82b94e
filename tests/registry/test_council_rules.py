"""What a filing is (諮問案件・報告事項・届出) and what it added, from the entry's own data."""

from __future__ import annotations

from datetime import date
from typing import Any

from todokede.registry.schema.council_rules import filing_class, filing_needs_council
from todokede.registry.schema.model import Entry, Filing


def entry(**changes: Any) -> Entry:
    data: dict[str, Any] = {
        "name": "健康相談事業",
        "department": "健康増進課",
        "purpose": "健康相談に応じるため",
        "subjects": ["利用者"],
        "record_items": ["氏名", "個人番号"],
        "filings": [
            {"date": date(2010, 4, 1), "kind": "start"},
            {"date": date(2017, 4, 1), "kind": "change"},
        ],
    }
    data.update(changes)
    return Entry.model_validate(data)


def test_a_filing_is_a_consultation_a_report_or_a_notice() -> None:
    day = date(2017, 4, 1)
    assert filing_class(Filing(date=day, kind="change", consultation="第1号")) == "consultation"
    assert filing_class(Filing(date=day, kind="change", reported=day)) == "report"
    assert filing_class(Filing(date=day, kind="change")) == "notice"


def test_a_table_is_the_filings_whose_since_falls_after_the_previous_one() -> None:
    def since(day: date) -> Entry:
        return entry(outsourcing=[{"contractor": "株式会社A", "since": day}])

    assert filing_needs_council(since(date(2017, 4, 1)), 1)
    assert filing_needs_council(since(date(2010, 4, 2)), 1)
    assert not filing_needs_council(since(date(2010, 4, 1)), 1)  # the start's
    assert not filing_needs_council(since(date(2017, 4, 2)), 1)  # a later filing's
    assert not filing_needs_council(since(date(2017, 4, 1)), 0)  # starts are not judged
    connected = entry(connections=[{"partner": "東京都", "since": date(2017, 4, 1)}])
    assert filing_needs_council(connected, 1)
    assert not filing_needs_council(entry(connections=[{"partner": "東京都"}]), 1)


def test_my_number_added_counts_only_with_a_contractor_by_then() -> None:
    filings = [
        {"date": date(2010, 4, 1), "kind": "start"},
        {"date": date(2017, 4, 1), "kind": "change", "items_added": ["個人番号"]},
    ]
    held = [{"contractor": "株式会社A", "since": date(2012, 4, 1)}]
    assert filing_needs_council(entry(filings=filings, outsourcing=held), 1)
    assert not filing_needs_council(entry(filings=filings), 1)
    later = [{"contractor": "株式会社A", "since": date(2018, 4, 1)}]
    assert not filing_needs_council(entry(filings=filings, outsourcing=later), 1)
