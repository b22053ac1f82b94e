"""The statutory book in every format (issue 14, item 3): goldens, the printed pages,
the workbook read back, and hostile text kept as text.

Goldens ``book-cases*`` are the small register of ``tests/support/book.py`` on
令和8年11月27日; regenerate with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/reports``
and review the diff.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.book import LISTED, write_book_register
from tests.support.printing import pdf_pages, print_html
from tests.support.reports import Golden
from tests.support.xlsx import readback
from todokede.registry.files.store import Register, load_register
from todokede.registry.schema.personal_files import WITHHELD_TEXT
from todokede.reports.output import render
from todokede.reports.statutory_book import STATUTORY_ITEMS, StatutoryBook, book_of_register

AS_OF = date(2026, 11, 27)
LABELS = [label for _, label in STATUTORY_ITEMS]
HYPERLINK = '=HYPERLINK("http://evil.example/","押してください")'
SCRIPT = '<script>alert("x")</script>'


def load(root: Path) -> Register:
    register = load_register(root)
    assert not register.errors, [e.as_text() for e in register.errors]
    return register


@pytest.fixture
def register(tmp_path: Path) -> Register:
    return load(write_book_register(tmp_path / "book"))


@pytest.fixture
def book(register: Register) -> StatutoryBook:
    return book_of_register(register, AS_OF)


@pytest.fixture
def every(register: Register) -> StatutoryBook:
    return book_of_register(register, AS_OF, include_exempt=True)


def text(document: StatutoryBook, fmt: str) -> str:
    data = render(document, fmt)
    assert isinstance(data, str)
    return data


# -- goldens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_book_goldens(book: StatutoryBook, every: StatutoryBook, golden: Golden, fmt: str) -> None:
    golden(f"book-cases.{fmt}", render(book, fmt))
    golden(f"book-cases-exempt.{fmt}", render(every, fmt))


def test_book_xlsx_golden(book: StatutoryBook, every: StatutoryBook, golden: Golden) -> None:
    for name, document in (("book-cases.xlsx.txt", book), ("book-cases-exempt.xlsx.txt", every)):
        data = render(document, "xlsx")
        assert isinstance(data, bytes)
        golden(name, readback(data))


# -- markdown and html --------------------------------------------------------------------------


def test_markdown_has_an_index_per_organ_and_a_section_per_file(book: StatutoryBook) -> None:
    md = text(book, "md")
    assert md.startswith("# 個人情報ファイル簿\n\n東村山市　作成日　令和8年11月27日\n")
    for organ, names in LISTED.items():
        part = md.split(f"## {organ}\n", 1)[1].split("\n## ", 1)[0]
        assert "| 番号 | ファイルの名称 | 組織 | 種別 |" in part
        for number, name in enumerate(names, start=1):
            assert f"| {number} | {name} |" in part
            assert f"### {number}　{name}\n" in part
    sections = md.split("\n### ")[1:]
    assert len(sections) == sum(len(n) for n in LISTED.values())
    for section in sections:
        rows = section.split("\n\n")[1].splitlines()[2:]
        assert [row.split(" | ")[0][2:] for row in rows] == [
            *LABELS,
            "記載年月日",
        ]
    survey = next(s for s in sections if s.startswith("3　個人住民税税務調査ファイル"))
    assert f"| 記録項目 | 氏名、住所（一部{WITHHELD_TEXT}） |" in survey
    assert f"| 記録情報の経常的提供先 | {WITHHELD_TEXT} |" in survey
    assert "所得の状況" not in survey
    assert "職員給与ファイル" not in md and "就学援助相談記録" not in md


def test_html_is_an_a4_book_with_a_page_per_sheet(book: StatutoryBook) -> None:
    html = text(book, "html")
    assert "<title>東村山市 個人情報ファイル簿</title>" in html
    assert "size: A4 portrait" in html and "break-before: page" in html
    assert "作成日　令和8年11月27日" in html
    assert html.count('<section class="book-sheet"') == 5
    assert html.count('<table class="index">') == 2
    for label in ("番号", "ファイルの名称", "組織", "種別"):
        assert f"<th>{label}</th>" in html
    assert "Noto Sans CJK JP" in html
    # self-contained: nothing fetched
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html
    survey = html.split('id="kazei-kojin-juminzei/3"', 1)[1].split("</section>", 1)[0]
    assert f"<td>{WITHHELD_TEXT}</td>" in survey and "所得の状況" not in survey
    aid = html.split('id="gakumu-shugaku-enjo/1"', 1)[1].split("</section>", 1)[0]
    assert '<th scope="row">条例要配慮個人情報が含まれるときは、その旨</th><td>含む</td>' in aid


def test_include_exempt_marks_the_files_left_out(every: StatutoryBook) -> None:
    md = text(every, "md")
    assert "| 1 | 職員給与ファイル（除外・74-2-3） | 総務部人事課 | 電算処理 |" in md
    assert "| ファイル簿への記載 | 除外（法75条2項・74-2-3: 職員又は" in md
    assert "確認用: 記載しないファイル 3件を含む" in md
    html = text(every, "html")
    assert "除外（法75条2項・74-2-9: 本人の数が政令で定める数に満たないもの）" in html
    assert "記載しない（法75条3項: 記載することにより" in html


# -- csv ----------------------------------------------------------------------------------------


def test_csv_is_one_row_per_file_for_excel(book: StatutoryBook, every: StatutoryBook) -> None:
    data = text(book, "csv")
    assert data.startswith("\ufeff")
    assert "\r\n" in data and "\n" not in data.replace("\r\n", "")
    header, *rows = list(csv.reader(io.StringIO(data[1:], newline="")))
    assert header == [*LABELS, "記載年月日", "ファイルID", "業務ID"]
    assert [row[0] for row in rows] == [n for names in LISTED.values() for n in names]
    assert rows[0][-2:] == ["kazei-kojin-juminzei/1", "kazei-kojin-juminzei"]
    assert rows[0][header.index("記載年月日")] == "令和5年4月1日"
    header, *rows = list(csv.reader(io.StringIO(text(every, "csv")[1:], newline="")))
    assert header[-3] == "ファイル簿への記載"
    standing = {row[0]: row[-3] for row in rows}
    assert standing["個人住民税課税台帳ファイル"] == "記載"
    assert standing["職員給与ファイル"].startswith("除外（法75条2項・74-2-3: ")


# -- xlsx ---------------------------------------------------------------------------------------


def test_xlsx_read_back(book: StatutoryBook) -> None:
    data = render(book, "xlsx")
    assert isinstance(data, bytes)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["東村山市長", "東村山市教育委員会", "一覧"]
    mayor, board, listing = workbook.worksheets
    for sheet in (mayor, board):
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.page_setup.orientation == "portrait"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(listing.page_setup.paperSize) == int(listing.PAPERSIZE_A4)
    assert listing.page_setup.orientation == "landscape"
    # one 単票 per page: a break before each file's sheet
    assert len(mayor.row_breaks.brk) == 4 and len(board.row_breaks.brk) == 1
    values = [c.value for row in mayor.iter_rows() for c in row if c.value is not None]
    assert values[0] == "個人情報ファイル簿"
    assert values.count("個人情報ファイル簿（単票）") == 4
    for label in LABELS:
        assert values.count(label) == 4
    assert f"氏名、住所（一部{WITHHELD_TEXT}）" in values
    wrapped = [c.alignment.wrap_text for row in mayor.iter_rows() for c in row if c.value in LABELS]
    assert wrapped and all(wrapped)
    header = [c.value for c in next(r for r in listing.iter_rows() if r[0].value == LABELS[0])]
    assert header == [*LABELS, "記載年月日", "ファイルID", "業務ID", "記載年月日（日付）"]
    names = [r[0].value for r in listing.iter_rows()]
    assert all(n in names for ns in LISTED.values() for n in ns)


# -- hostile text ------------------------------------------------------------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> StatutoryBook:
    root = write_book_register(tmp_path / "hostile")
    entry = root / "entries" / "kenko-gan-kenshin.toml"
    source = entry.read_text(encoding="utf-8")
    source = source.replace('name = "がん検診受診者ファイル"', f"name = '{SCRIPT}'")
    source = source.replace("proposals = true", f"proposals = true\nnotes = '{HYPERLINK}'")
    entry.write_text(source, encoding="utf-8")
    return book_of_register(load(root), AS_OF)


def test_hostile_text_stays_text_in_every_format(hostile: StatutoryBook) -> None:
    html = text(hostile, "html")
    assert SCRIPT not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    md = text(hostile, "md")
    assert "<script>" not in md and "\\<script\\>" in md
    rows = list(csv.reader(io.StringIO(text(hostile, "csv")[1:], newline="")))
    notes = rows[0].index("備考")
    hostile_row = next(r for r in rows if r[0] == SCRIPT)
    assert hostile_row[notes] == "'" + HYPERLINK
    data = render(hostile, "xlsx")
    assert isinstance(data, bytes)
    workbook = load_workbook(io.BytesIO(data))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    formulas = [c for c in cells if c.value == HYPERLINK]
    assert len(formulas) == 2  # the 単票 and 一覧
    assert all(c.data_type == "s" and c.quotePrefix for c in formulas)


# -- printed by a real browser -------------------------------------------------------------------


def test_the_printed_book_has_one_sheet_per_page(every: StatutoryBook, tmp_path: Path) -> None:
    """Headless Chromium prints each organ's index, then one 単票 per A4 page holding
    every statutory label (pdftotext per page)."""
    pdf = print_html(text(every, "html"), tmp_path)
    pages = pdf_pages(pdf)
    # The label column alone (the left 210 pt of the page): a label's lines together.
    labels = [
        re.sub(r"\s+", "", p)
        for p in pdf_pages(pdf, "-x", "0", "-y", "0", "-W", "210", "-H", "842")
    ]
    assert len(labels) == len(pages)
    files = sum(len(agency.files) for agency in every.agencies)
    assert len(pages) == len(every.agencies) + files
    flat = [re.sub(r"\s+", "", page) for page in pages]
    number = 0
    for agency in every.agencies:
        index = flat[number]
        assert agency.name in index
        assert all(label in index for label in ("番号", "ファイルの名称", "組織", "種別"))
        number += 1
        for position, file in enumerate(agency.files, start=1):
            page = flat[number]
            assert "個人情報ファイル簿（単票）" in page
            assert f"{position}{file.name}" in page
            for label in [*LABELS, "記載年月日"]:
                assert label in labels[number], (file.name, label)
            assert f"{number + 1}/{len(pages)}" in page
            number += 1
    assert "個人情報ファイル簿" in flat[0] and "作成日令和8年11月27日" in flat[0]
    assert WITHHELD_TEXT in "".join(flat)
