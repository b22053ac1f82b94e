"""Documents a secretariat hands over as they are (issue 12, items 10-14).

The 内容 column says each thing once, in official wording; a handout carries
its 資料番号, 作成日, 作成課, a lead sentence and numbered rows; printed tables
never break a date or a 課; the XLSX has row heights, a Japanese font and page
numbers a printer can use.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.reports import MakeRegister, entry_text
from todokede.registry.files.store import Register, load_register
from todokede.reports.council import FilingRow, build_council_report, organ_head
from todokede.reports.filebook import build_filebook
from todokede.reports.output import render
from todokede.reports.render_xlsx import FONT_NAME, LINE_POINTS, wrapped_lines

DAY = date(2016, 9, 13)


def row(
    summary: str, kind: str = "change", review: bool = False, **items: tuple[str, ...]
) -> FilingRow:
    return FilingRow(
        entry="e",
        name="業務",
        department="総務課",
        kind=kind,  # type: ignore[arg-type]
        date=DAY,
        summary=summary,
        items_added=items.get("added", ()),
        items_removed=items.get("removed", ()),
        review=review,
    )


# -- item 10: 見直し and 業務開始 said once ------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "content"),
    [
        ("前回届出から10年以上経過のため見直し", "前回届出から10年以上経過のため見直し"),
        ("見直し（変更なし）", "見直し（変更なし）"),
        ("記録項目に「電話番号」を追加。見直し", "記録項目に「電話番号」を追加。見直し"),
        ("様式の改正に伴う変更", "様式の改正に伴う変更　（見直し）"),
        ("", "（見直し）"),
    ],
)
def test_a_review_is_said_once(summary: str, content: str) -> None:
    assert row(summary, review=True).content == content
    assert row(summary, review=True).content.count("見直し") == max(summary.count("見直し"), 1)


def test_without_review_no_mark_is_added() -> None:
    assert row("様式の改正に伴う変更").content == "様式の改正に伴う変更"
    assert row("様式の改正に伴う変更").content_lines == ("様式の改正に伴う変更",)


@pytest.mark.parametrize(
    ("kind", "summary", "content"),
    [
        ("start", "業務開始。検診の実施を医師会に委託", "検診の実施を医師会に委託"),
        ("start", "業務開始", ""),
        ("start", "業務を開始、申請を受け付ける", "申請を受け付ける"),
        ("start", "業務開始日を4月1日とする", "業務開始日を4月1日とする"),  # not the 区分
        ("abolish", "業務を廃止。制度の終了に伴う", "制度の終了に伴う"),
        ("change", "業務開始。に見える変更", "業務開始。に見える変更"),  # only in its own 区分
    ],
)
def test_an_opening_that_repeats_the_kind_is_left_out(
    kind: str, summary: str, content: str
) -> None:
    assert row(summary, kind=kind).content == content


# -- item 11: record items added and removed, as official Japanese writes it --------------


def test_record_items_changed_are_named_with_a_full_width_colon() -> None:
    both = row("", added=("個人番号", "年金の受給状況"), removed=("本籍",))
    assert both.changes == "記録項目の追加：個人番号、年金の受給状況　削除：本籍"
    assert row("", added=("個人番号",)).changes == "記録項目の追加：個人番号"
    assert row("", removed=("本籍",)).changes == "記録項目の削除：本籍"
    assert row("").changes == ""
    assert ":" not in both.content and "／" not in both.content


# -- item 12: handout furniture -----------------------------------------------------------


def test_the_handout_names_its_number_date_office_and_whom_it_was_filed_with(
    sample: Register,
) -> None:
    report = build_council_report(
        sample, date(2016, 1, 1), DAY, created=date(2016, 10, 25), label="資料3"
    )
    assert report.label == "資料3"
    assert report.byline == ("平成28年10月25日", "東村山市　総務部総務課")
    assert report.lead == "平成28年1月1日から平成28年9月13日までに市長に届出のあったもの"
    table = report.table()
    assert table.columns[0].label == "番号"
    assert [r[0] for r in table.rows] == [1, 2, 3, 4, 5]
    assert (table.label, table.byline) == ("資料3", report.byline)
    # the subtitle no longer says the report is the 登録簿
    for fmt in ("md", "html"):
        text = str(render(report, fmt))
        assert "個人情報取扱業務登録簿" not in text
        assert "資料3" in text and "総務部総務課" in text and "平成28年10月25日" in text
        assert report.lead in text
    markdown = str(render(report, "md"))
    assert markdown.splitlines()[2] == "資料3　平成28年10月25日　東村山市　総務部総務課"
    assert "| 番号 | 届出日 |" in markdown and "| 1 | 平成28年9月1日 |" in markdown


def test_without_an_author_or_label_the_handout_names_the_city(
    make_register: MakeRegister,
) -> None:
    root = make_register({"a": entry_text("業務", "総務課", [("2016-04-01", "start")])})
    report = build_council_report(load_register(root), date(2016, 1, 1), DAY, created=DAY)
    assert (report.label, report.author) == ("", "")
    assert report.byline == ("平成28年9月13日", "東村山市")
    assert "資料" not in str(render(report, "html")).split("<main>")[0]


@pytest.mark.parametrize(
    ("municipality", "head"),
    [("東村山市", "市長"), ("瑞穂町", "町長"), ("檜原村", "村長"), ("世田谷区", "区長"),
     ("東京都", "知事"), ("東京市町村総合事務組合", "東京市町村総合事務組合長")],
)  # fmt: skip
def test_the_organ_filed_with(municipality: str, head: str) -> None:
    assert organ_head(municipality) == head


# -- item 13: printed tables keep dates and 課 whole ----------------------------------------


def test_html_never_breaks_a_date_or_a_department(sample: Register) -> None:
    report = build_council_report(sample, date(2016, 1, 1), DAY, created=DAY)
    page = str(render(report, "html"))
    for r in report.rows:
        assert re.search(rf'<td class="nowrap">{r.department}</td>', page)
    assert page.count('<td class="nowrap">平成28年') == len(report.rows)
    assert "white-space: nowrap" in page
    # page numbers on every printed page, through the CSS page counters
    assert 'content: counter(page) " / " counter(pages);' in page
    # the columns that must not wrap are given the width of their longest cell
    widths = re.findall(r'<col style="width: ([\d.]+)em">', page)
    assert len(widths) == 4 and float(widths[1]) >= 8.5  # 平成28年3月22日


def test_the_filebook_index_prints_black_and_marks_abolished_processes(sample: Register) -> None:
    page = str(render(build_filebook(sample, include_abolished=True), "html"))
    assert "a, a:visited { color: inherit; text-decoration: none; }" in page
    assert re.search(
        r'特別定額給付金給付事務</a><span class="abolished nowrap">（令和3年3月31日廃止）</span>',
        page,
    )
    assert page.count("廃止）</span>") == 2 * 3  # in the index and on each 単票
    assert "廃止）" not in str(render(build_filebook(sample), "html"))


# -- item 14: XLSX a printer and LibreOffice can use ---------------------------------------


def test_xlsx_rows_are_as_tall_as_their_wrapped_text_in_a_japanese_font(
    sample: Register,
) -> None:
    report = build_council_report(sample, date(2016, 1, 1), DAY, created=DAY)
    data = render(report, "xlsx")
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.oddFooter.center.text == "&P / &N"
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "番号")
    width = sheet.column_dimensions["F"].width
    for offset, filing in enumerate(report.rows, start=1):
        cell = sheet.cell(row=header + offset, column=6)
        assert cell.value == filing.content
        assert cell.alignment.wrap_text
        lines = wrapped_lines(filing.content, width)
        assert lines >= 2  # the long 内容 of the sample wraps …
        assert sheet.row_dimensions[cell.row].height >= lines * LINE_POINTS  # … and shows whole
    fonts = {c.font.name for r in sheet.iter_rows() for c in r if c.value is not None}
    assert fonts == {FONT_NAME}
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_xlsx_writes_gannen_as_text_and_keeps_a_sortable_date(
    make_register: MakeRegister,
) -> None:
    root = make_register({"a": entry_text("業務", "総務課", [("2019-05-01", "start")])})
    report = build_council_report(load_register(root), date(2019, 1, 1), date(2019, 12, 31))
    data = render(report, "xlsx")
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for r in sheet.iter_rows() for c in r if c.value is not None]
    assert any(c.value == "令和元年5月1日" for c in cells)
    assert not any(isinstance(c.value, str) and "令和1年" in c.value for c in cells)
    dated = [c for c in cells if c.is_date]
    assert len(dated) == 1 and dated[0].value.date() == date(2019, 5, 1)
    assert dated[0].number_format == "yyyy-mm-dd"
    # the sorting date is working data: not in the print area
    assert dated[0].column_letter > sheet.print_area.split(":")[-1].lstrip("$")[:1]


def test_the_filebook_xlsx_prints_one_sheet_per_page(sample: Register) -> None:
    book = build_filebook(sample)
    data = render(book, "xlsx")
    assert isinstance(data, bytes)
    workbook = load_workbook(io.BytesIO(data))
    sheets, listing = workbook.worksheets
    assert (sheets.title, listing.title) == ("単票", "一覧")
    breaks = [b.id for b in sheets.row_breaks.brk]
    assert len(breaks) == len(book.rows) - 1
    headings = [
        c.value for c in sheets["A"] if isinstance(c.value, str) and re.match(r"\d+　", c.value)
    ]
    assert headings == [f"{n}　{r.name}" for n, r in enumerate(book.rows, start=1)]
    # each 単票 starts right after a break
    starts = [c.row for c in sheets["A"] if c.value in headings]
    assert [s - 1 for s in starts[1:]] == breaks
    assert sheets.page_setup.orientation == "portrait"
    assert listing.page_setup.paperSize == 8  # A3
    for sheet in (sheets, listing):
        assert sheet.oddFooter.center.text == "&P / &N"
