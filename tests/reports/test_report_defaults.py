"""The report screen's defaults: the period and the file name, as pure functions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from todokede.reports.council import default_period, report_file_name
from todokede.reports.target import format_for


def test_default_period_runs_from_new_year_to_the_day() -> None:
    assert default_period(date(2016, 9, 13)) == (date(2016, 1, 1), date(2016, 9, 13))
    assert default_period(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 1, 1))


def test_report_file_name_names_the_period_in_short_wareki() -> None:
    name = report_file_name(date(2026, 1, 1), date(2026, 11, 27), "md")
    assert name == "業務届出報告書_R8.1.1-R8.11.27.md"
    assert report_file_name(date(2019, 4, 1), date(2019, 5, 1), "xlsx") == (
        "業務届出報告書_H31.4.1-R1.5.1.xlsx"
    )
    # the suffix still names the format, dots of the dates notwithstanding
    for fmt in ("md", "html", "csv", "xlsx"):
        path = Path(report_file_name(date(2016, 1, 1), date(2016, 9, 13), fmt))
        assert format_for(path, None) == fmt
