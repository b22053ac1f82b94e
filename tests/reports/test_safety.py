"""Hostile text stays text: HTML escaping, no CSV or XLSX formulas, no Markdown markup.

A register is edited by many departments; a name such as ``<script>`` or a
summary such as ``=HYPERLINK(...)`` must come out as the characters typed, in
every format.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.reports import MakeRegister, entry_text
from todokede.registry.files.store import Register, load_register
from todokede.reports.council import CouncilReport, build_council_report
from todokede.reports.filebook import FileBook, build_filebook
from todokede.reports.output import render
from todokede.reports.reminders import build_reminders
from todokede.reports.render_csv import defuse
from todokede.reports.render_markdown import escape

SCRIPT = '<script>alert("x")</script>'
HYPERLINK = '=HYPERLINK("http://evil.example/","押してください")'
FORMULAS = [HYPERLINK, "-1+2", "@SUM(A1)", "+81", "\tTAB", "\rCR"]
DEPARTMENT = "@SUM(A1)課"
MUNICIPALITY = "<b>東村山市</b> & 市"


@pytest.fixture
def hostile(make_register: MakeRegister) -> Register:
    root = make_register(
        {
            "script": entry_text(
                SCRIPT,
                DEPARTMENT,
                [("2016-01-01", "start", HYPERLINK), ("2016-02-01", "change", "-1+2")],
                record_items=("氏名", "+81", "病歴"),
                purpose="a|b *強調* [リンク](http://evil.example/) <img src=x onerror=alert(1)>",
            ),
            "plus": entry_text("+81", "課税課", [("2016-03-01", "start", "@SUM(A1)")]),
        },
        departments=("総務課", DEPARTMENT, "課税課"),
        municipality=MUNICIPALITY,
    )
    register = load_register(root)
    assert not register.errors, register.errors
    return register


def council_of(register: Register) -> CouncilReport:
    return build_council_report(register, date(2016, 1, 1), date(2016, 12, 31))


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_get_a_leading_apostrophe(text: str) -> None:
    assert defuse(text) == "'" + text
    for harmless in ("平成28年", "個人番号", "1+2", "a=b", "'quoted"):
        assert defuse(harmless) == harmless


def test_csv_cells_cannot_run_as_formulas(hostile: Register) -> None:
    for document in (
        build_council_report(hostile, date(2016, 1, 1), date(2016, 12, 31)),
        build_filebook(hostile),
    ):
        data = render(document, "csv")
        assert isinstance(data, str)
        assert data.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline="")))
        cells = [cell for row in rows for cell in row]
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
        assert "'" + SCRIPT not in cells  # "<" is harmless: kept as typed
        assert SCRIPT in cells
    report_rows = list(
        csv.reader(
            io.StringIO(
                str(render(council_of(hostile), "csv")).removeprefix("\ufeff"),
                newline="",
            )
        )
    )
    contents = [row[5] for row in report_rows[1:]]
    assert "'" + HYPERLINK in contents
    assert "'-1+2" in contents
    assert "'@SUM(A1)" in contents
    assert "'+81" in [row[4] for row in report_rows[1:]]


def test_xlsx_text_that_looks_like_a_formula_stays_text(hostile: Register) -> None:
    data = render(council_of(hostile), "xlsx")
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data)).active
    values = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if cell.value}
    for text in (HYPERLINK, "-1+2", "@SUM(A1)", "+81", DEPARTMENT):
        assert values.get(text) == "s", text
    assert all(kind != "f" for kind in values.values())


def test_html_escapes_every_field(hostile: Register, tmp_path: Path) -> None:
    reminders = build_reminders(hostile, date(2026, 12, 31))
    assert reminders.overdue  # every process of the hostile register, 課 by 課
    for document in (council_of(hostile), build_filebook(hostile), reminders):
        page = render(document, "html")
        assert isinstance(page, str)
        assert "<script" not in page
        assert "<img" not in page
        assert "<b>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
        assert "&lt;b&gt;東村山市&lt;/b&gt; &amp; 市" in page
        # only our own markup: every tag name is one the templates use
        tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", page))
        assert tags <= {
            "html", "head", "meta", "title", "style", "body", "header", "main", "p", "h1",
            "h2", "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "a", "section",
            "div", "span",
        }  # fmt: skip


def test_html_is_self_contained(sample: Register) -> None:
    for document in (
        build_council_report(sample, date(2016, 1, 1), date(2016, 9, 13)),
        build_filebook(sample, include_abolished=True),
    ):
        page = render(document, "html")
        assert isinstance(page, str)
        assert re.search(r"(src|href)=\"(https?:)?//", page) is None
        assert "<link" not in page and "@import" not in page and "url(" not in page
        assert "@page {\n  size: A4 portrait;" in page
        assert '<html lang="ja">' in page
        # the style sheet reaches the browser as CSS, not HTML-escaped
        assert 'font-family: "Noto Sans CJK JP"' in page
        assert "&#34;" not in page.split("</style>")[0]


def test_markdown_keeps_hostile_text_out_of_the_markup(hostile: Register) -> None:
    """Parsed as CommonMark (markdown-it, which rich uses): no links, HTML or emphasis."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    for document, columns, rows in ((council_of(hostile), 6, 3), (build_filebook(hostile), 15, 2)):
        text = render(document, "md")
        assert isinstance(text, str)
        tokens = [t for block in parser.parse(text) for t in [block, *(block.children or [])]]
        kinds = {t.type for t in tokens}
        assert not kinds & {
            "link_open",
            "image",
            "html_inline",
            "html_block",
            "em_open",
            "strong_open",
        }
        assert sum(t.type == "th_open" for t in tokens) == columns
        assert sum(t.type == "tr_open" for t in tokens) == rows + 1
        shown = "".join(t.content for t in tokens if t.type == "text")
        assert SCRIPT in shown
        if isinstance(document, FileBook):
            assert "[リンク](http://evil.example/) <img src=x onerror=alert(1)>" in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a|b", r"a\|b"),
        ("一行目\n二行目", "一行目 二行目"),
        ("<b>", r"\<b\>"),
        ("1. 番号", r"1\. 番号"),
        ("- 箇条", r"\- 箇条"),
        ("平成28年9月13日", "平成28年9月13日"),
    ],
)
def test_markdown_escape(text: str, expected: str) -> None:
    assert escape(text) == expected
