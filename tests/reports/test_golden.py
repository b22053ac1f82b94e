"""Every document in every format on the sample register, against golden files.

Text formats are compared byte for byte; XLSX is read back with openpyxl and its
settings and cells compared. Regenerate with ``UPDATE_GOLDEN=1 .venv/bin/pytest
tests/reports`` and review the diff.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.reports import Golden
from tests.support.xlsx import readback
from todokede.registry.files.store import Register
from todokede.reports.council import CouncilReport, build_council_report
from todokede.reports.filebook import FileBook, build_filebook
from todokede.reports.output import render
from todokede.reports.reminders import RemindersReport, build_reminders

AS_OF = date(2026, 11, 27)
#: The handout's 資料番号 in the goldens (``report --label``).
LABEL = "資料3"


def council(sample: Register) -> CouncilReport:
    return build_council_report(
        sample, date(2016, 1, 1), date(2016, 9, 13), created=AS_OF, label=LABEL
    )


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_council_report(sample: Register, golden: Golden, fmt: str) -> None:
    golden(f"council.{fmt}", render(council(sample), fmt))


def test_council_report_xlsx(sample: Register, golden: Golden) -> None:
    data = render(council(sample), "xlsx")
    assert isinstance(data, bytes)
    golden("council.xlsx.txt", readback(data))


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("text", "txt"), ("md", "md"), ("csv", "csv"), ("json", "json"), ("html", "html")],
)
def test_reminders(sample: Register, golden: Golden, fmt: str, suffix: str) -> None:
    report: RemindersReport = build_reminders(sample, AS_OF)
    golden(f"reminders.{suffix}", render(report, fmt))


def test_reminders_xlsx(sample: Register, golden: Golden) -> None:
    data = render(build_reminders(sample, AS_OF), "xlsx")
    assert isinstance(data, bytes)
    golden("reminders.xlsx.txt", readback(data))


def filebook(sample: Register, include_abolished: bool = False) -> FileBook:
    return build_filebook(sample, include_abolished)


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_filebook(sample: Register, golden: Golden, fmt: str) -> None:
    golden(f"filebook.{fmt}", render(filebook(sample), fmt))


def test_filebook_xlsx(sample: Register, golden: Golden) -> None:
    data = render(filebook(sample), "xlsx")
    assert isinstance(data, bytes)
    golden("filebook.xlsx.txt", readback(data))


def test_filebook_with_abolished_processes(sample: Register, golden: Golden) -> None:
    golden("filebook-all.json", render(filebook(sample, include_abolished=True), "json"))
    golden("filebook-all.html", render(filebook(sample, include_abolished=True), "html"))


def test_an_empty_period(sample: Register, golden: Golden) -> None:
    report = build_council_report(sample, date(1970, 1, 1), date(1970, 12, 31), created=AS_OF)
    assert report.rows == ()
    golden("council-empty.md", render(report, "md"))
    golden("council-empty.html", render(report, "html"))
