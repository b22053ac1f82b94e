"""What a filing is (諮問案件・報告事項・届出) and what it added, from the entry's own data."""

from __future__ import annotations

from datetime import date
from typing import Any

from todokede.registry.schema.council_rules import coverings, filing_class, filing_needs_council
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


def test_coverings_offer_the_entry_s_reports_then_answered_consultations() -> None:
    def item(kind: str, day: date, number: str = "", result: str | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": kind, "subject": f"{kind}{day}", "date": day}
        if number:
            found["number"] = number
        if result:
            found |= {"answered": day, "result": result}
        return found

    own = entry(
        council=[
            item("report", date(2016, 3, 22)),
            item("report", date(2018, 1, 23)),
            item("report", date(2018, 1, 23)),  # two reports on one day: one choice
            item("consultation", date(2015, 2, 1), "第1号", "conditional"),
            item("consultation", date(2016, 2, 1), "第2号"),  # pending: not offered
        ]
    )
    other = entry(
        department="課税課",
        council=[
            item("consultation", date(2014, 1, 1), "第0号", "approved"),
            item("consultation", date(2019, 1, 1), "第3号", "rejected"),  # 否: not offered
            item("consultation", date(2017, 1, 1), "第4号", "approved"),
            item("report", date(2019, 5, 1)),  # another entry's report: not offered
        ],
    )
    found = coverings("kenko", [("kenko", own), ("kazei", other)])
    assert [c.key for c in found] == [
        "report:2018-01-23",
        "report:2016-03-22",
        "consultation:第1号",
        "consultation:第4号",
        "consultation:第0号",
    ]
    assert found[0].label == "報告 平成30年1月23日「report2018-01-23」"
    assert found[2].label == "諮問 第1号「consultation2015-02-01」"
    assert found[3].label == "諮問 第4号「consultation2017-01-01」（課税課）"
