"""The council report's data: the sample's 平成28年 report, period edges, order, counts."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.reports import MakeRegister, entry_text
from todokede.registry.files.store import Register, load_register
from todokede.reports.council import PeriodError, build_council_report

KAZEI = [
    "kazei-kojin-juminzei",
    "kazei-keijidosha-zei",
    "kazei-kotei-shisan-zei-kazei",
    "kazei-kotei-toshikeikaku-tokubetsu-tochi",
]


def test_the_councils_report_of_heisei_28(sample: Register) -> None:
    """平成28年1月1日～平成28年9月13日: 開始 1件, 変更 4件 (the minutes' own report)."""
    report = build_council_report(sample, date(2016, 1, 1), date(2016, 9, 13))
    assert report.period == "平成28年1月1日～平成28年9月13日"
    assert report.title == "個人情報に係る業務届出報告書"
    assert report.municipality == "東村山市"
    assert (report.counts.start, report.counts.change, report.counts.abolish) == (1, 4, 0)
    assert report.counts_line == "業務開始 1件・変更 4件・廃止 0件"
    first, *changes = report.rows
    assert (first.kind, first.department, first.name) == (
        "start",
        "健康増進課",
        "胃がんリスク検診業務",
    )
    assert [row.entry for row in changes] == KAZEI  # by date within 課税課
    for row in changes:
        assert (row.kind, row.department, row.review) == ("change", "課税課", True)
        assert "個人番号" in row.items_added
        # the summary says 見直し (「…経過のため見直し」): said once, no （見直し） after it
        assert "のため見直し" in row.content and "（見直し）" not in row.content
    juminzei = changes[0]
    assert juminzei.changes == "記録項目の追加：個人番号、年金の受給状況　削除：本籍"
    assert juminzei.content_lines[1:] == ("記録項目の追加：個人番号、年金の受給状況　削除：本籍",)
    # a 開始 row does not open with 業務開始 again
    assert first.content.startswith("検診の実施を一般社団法人東村山市医師会に")


def test_total_active_counts_processes_on_file_at_the_periods_end(sample: Register) -> None:
    end = date(2016, 9, 13)
    expected = sum(
        1
        for item in sample.entries.values()
        if (started := item.entry.started_on) is not None
        and started <= end
        and not any(f.kind == "abolish" and f.date <= end for f in item.entry.filings)
    )
    report = build_council_report(sample, date(2016, 1, 1), end)
    assert report.counts.total_active == expected
    assert report.total_line == f"平成28年9月13日現在の届出業務数 {expected}件"


def test_filings_on_the_first_and_last_day_are_in_and_the_days_outside_are_not(
    make_register: MakeRegister,
) -> None:
    root = make_register(
        {
            "before": entry_text("前日の業務", "総務課", [("2015-12-31", "start")]),
            "first": entry_text("初日の業務", "総務課", [("2016-01-01", "start")]),
            "last": entry_text("末日の業務", "総務課", [("2016-09-13", "start")]),
            "after": entry_text("翌日の業務", "総務課", [("2016-09-14", "start")]),
        }
    )
    report = build_council_report(load_register(root), date(2016, 1, 1), date(2016, 9, 13))
    assert [row.entry for row in report.rows] == ["first", "last"]
    # on file at the end: the one before, and the two of the period; not the one after
    assert report.counts.total_active == 3


def test_one_day_period(sample: Register) -> None:
    day = date(2016, 3, 22)
    report = build_council_report(sample, day, day)
    assert [row.entry for row in report.rows] == ["kazei-kojin-juminzei"]
    assert report.period == "平成28年3月22日～平成28年3月22日"


def test_rows_are_ordered_by_kind_then_department_order_then_date(
    make_register: MakeRegister,
) -> None:
    root = make_register(
        {
            "a": entry_text(
                "健康の業務",
                "健康増進課",
                [("2016-02-01", "start"), ("2016-03-01", "change"), ("2016-06-01", "abolish")],
            ),
            "b": entry_text("課税の業務", "課税課", [("2016-05-01", "start")]),
            "c": entry_text("総務の業務", "総務課", [("2016-07-01", "start")]),
            "d": entry_text(
                "総務の古い業務", "総務課", [("2000-01-01", "start"), ("2016-01-10", "change")]
            ),
            "e": entry_text("課税の別業務", "課税課", [("2016-04-01", "start")]),
        },
        departments=("総務課", "課税課", "健康増進課"),
    )
    report = build_council_report(load_register(root), date(2016, 1, 1), date(2016, 12, 31))
    assert [(row.kind, row.entry) for row in report.rows] == [
        ("start", "c"),
        ("start", "e"),
        ("start", "b"),
        ("start", "a"),
        ("change", "d"),
        ("change", "a"),
        ("abolish", "a"),
    ]
    assert (report.counts.start, report.counts.change, report.counts.abolish) == (4, 2, 1)
    # abolished within the period: no longer on file at its end
    assert report.counts.total_active == 4


def test_a_process_abolished_after_the_period_is_still_on_file_at_its_end(
    make_register: MakeRegister,
) -> None:
    root = make_register(
        {"x": entry_text("業務", "総務課", [("2010-01-01", "start"), ("2017-01-01", "abolish")])}
    )
    register = load_register(root)
    counts = build_council_report(register, date(2016, 1, 1), date(2016, 12, 31)).counts
    assert (counts.filings, counts.total_active) == (0, 1)
    on_the_day = build_council_report(register, date(2016, 1, 1), date(2017, 1, 1)).counts
    assert (on_the_day.abolish, on_the_day.total_active) == (1, 0)


def test_a_period_that_ends_before_it_starts_is_refused(sample: Register) -> None:
    with pytest.raises(PeriodError, match="平成28年9月13日"):
        build_council_report(sample, date(2016, 9, 13), date(2016, 1, 1))
