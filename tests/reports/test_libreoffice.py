"""The XLSX documents printed by LibreOffice (headless) read as they should.

LibreOffice neither fits row heights nor knows Excel's 元年 format, and prints
what a cell's height cuts off as nothing: so every character of every cell
must reach the PDF, dates print as 和暦 text with 元年, every page has its
number, and the ファイル簿 prints one 単票 per page.

``soffice`` comes from the distribution (``.ci/run`` installs
``libreoffice-calc-nogui``). Under CI (``CI`` set) a missing tool FAILS the
test; elsewhere it is skipped with what to install. Each run uses its own
LibreOffice profile, so parallel tests and a user's open LibreOffice never meet.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.printing import in_ci, tool
from todokede.registry.files.store import Register
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.council import build_council_report
from todokede.reports.filebook import build_filebook
from todokede.reports.output import render

INSTALL = "apt-get install libreoffice-calc-nogui poppler-utils fonts-noto-cjk"


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        if found := shutil.which(name):
            return found
    if in_ci():
        pytest.fail(f"soffice が見つかりません（CI では必須です: {INSTALL}）")
    pytest.skip(f"soffice が見つかりません: {INSTALL} で入れると実行されます")
    raise AssertionError("unreachable")


def print_xlsx(data: bytes, folder: Path, name: str) -> Path:
    """The workbook printed to PDF by LibreOffice, every sheet, as it would print it."""
    program = soffice()
    book = folder / f"{name}.xlsx"
    book.write_bytes(data)
    profile = folder / "lo-profile"
    result = subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = folder / f"{name}.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr[-2000:] + result.stdout[-500:]
    return pdf


def pages_of(pdf: Path) -> list[str]:
    text = subprocess.run(
        [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def characters(text: str) -> Counter[str]:
    return Counter(re.sub(r"\s+", "", text))


def cell_texts(data: bytes, sheet_index: int, columns: int | None = None) -> list[str]:
    """The text of every printed cell of a sheet (None and the working columns left out)."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[sheet_index]
    last = columns or sheet.max_column
    return [
        str(cell.value)
        for row in sheet.iter_rows(max_col=last)
        for cell in row
        if cell.value is not None and not cell.is_date
    ]


def missing(printed: str, texts: list[str]) -> Counter[str]:
    """The characters of ``texts`` that the print lacks (cut off by a row too low)."""
    wanted = characters("".join(texts))
    wanted.subtract(characters(printed))
    return +wanted


def footer_numbers(pages: list[str]) -> list[str]:
    return [re.sub(r"\s", "", page.strip().splitlines()[-1]) for page in pages]


def test_the_council_report_prints_whole_in_libreoffice(sample: Register, tmp_path: Path) -> None:
    report = build_council_report(
        sample, date(1970, 1, 1), date(2026, 3, 31), created=date(2026, 4, 1), label="資料3"
    )
    data = render(report, "xlsx")
    assert isinstance(data, bytes)
    pages = pages_of(print_xlsx(data, tmp_path, "council"))
    printed = "".join(pages)
    assert len(pages) > 1
    assert footer_numbers(pages) == [f"{n}/{len(pages)}" for n in range(1, len(pages) + 1)]
    assert "個人情報に係る業務届出報告書" in pages[0] and "資料3" in pages[0]
    assert "昭和45年1月1日から令和8年3月31日までに市長に届出のあったもの" in pages[0]
    # every character of every printed cell (6 columns): no 内容 cut by its row
    assert missing(printed, cell_texts(data, 0, columns=6)) == Counter()
    # dates as 和暦, each whole on one line, 元年 as 元年
    for row in report.rows:
        assert format_wareki(row.date) in printed
    assert "令和元年" in printed and "令和1年" not in printed
    assert "kazei-kojin-juminzei" not in printed  # the id is working data, not printed


def test_the_filebook_prints_one_sheet_per_page_in_libreoffice(
    sample: Register, tmp_path: Path
) -> None:
    book = build_filebook(sample)
    data = render(book, "xlsx")
    assert isinstance(data, bytes)
    pages = pages_of(print_xlsx(data, tmp_path, "filebook"))
    assert footer_numbers(pages) == [f"{n}/{len(pages)}" for n in range(1, len(pages) + 1)]
    # one 単票 per page, in order, each whole on its page
    sheets = pages[: len(book.rows)]
    for number, (page, row) in enumerate(zip(sheets, book.rows, strict=True), start=1):
        assert re.search(rf"^\s*{number}\s+{re.escape(row.name)}\s*$", page, re.M), page[:300]
        values = [value for _, value in row.sheet_items()]
        assert missing(page, [row.name, *values]) == Counter(), row.entry
    assert "個人情報ファイル簿" in pages[0]
    printed = "".join(pages)
    # 住民基本台帳事務's last filing (its 個人情報ファイル); 元年 is the council report's test above
    assert "令和5年5月26日" in printed and "令和1年" not in printed
