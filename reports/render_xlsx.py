"""XLSX (openpyxl): workbooks that print as they are, in Excel and in LibreOffice.

- **Font**: MS Gothic 10.5 pt (Japanese charset), which Excel has; LibreOffice
  without it draws kana and kanji in Noto Sans CJK JP (fonts-noto-cjk) and Latin
  letters and digits in its default sans (DejaVu Sans).
- **Dates** print as 和暦 text (平成28年9月13日, 令和元年5月1日): Excel's era format
  ``ggge`` prints 「令和1年」 in LibreOffice and its 元年 variant is not read by
  LibreOffice at all. Each date column has a real date column at the end of the
  sheet (working data, outside the print area) to sort and filter by.
- **Row heights** are set from the number of wrapped lines: neither Excel nor
  LibreOffice fits the height of rows that openpyxl writes, and LibreOffice then
  shows one line of a long 内容.
- **Print**: A4, fitted to the page width, the header repeated on every page,
  page numbers in the footer (``&P / &N``), working-data columns (the entry id)
  left out of the print area. The ファイル簿 prints one 単票 per page; the
  statutory book one sheet per organ (its index, then one 単票 per page).
- **Text** is always stored as text (never as a formula, whatever it starts
  with; with Excel's quote prefix when it looks like one).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from todokede.registry.schema.wareki import format_wareki
from todokede.reports.filebook import FileBook
from todokede.reports.formula import formula_like
from todokede.reports.reminders import (
    SHEET_NAME_LIMIT,
    DepartmentReminders,
    RemindersReport,
    sheet_name,
)
from todokede.reports.statutory_book import INDEX_COLUMNS, SHEET_TITLE, BookAgency, StatutoryBook
from todokede.reports.table import Cell, Column, Table, cell_text, column_units, display_units

FONT_NAME: Final = "MS Gothic"
#: SHIFTJIS_CHARSET: Windows picks a Japanese face for a missing font of this charset.
JAPANESE_CHARSET: Final = 128
FONT_SIZE: Final = 10.5
#: One line of 10.5 pt text: Noto Sans CJK JP's line is about 1.45 em, so
#: LibreOffice needs more than Excel's 13.5 pt for MS Gothic.
LINE_POINTS: Final = 15.5
ROW_PADDING: Final = 3.0
#: Text is wrapped a little before the column's edge (the cell's own margins).
CELL_MARGIN_UNITS: Final = 1.5
#: Wrapped text breaks at a word or a kinsoku boundary, not at the last cell: room
#: for that, so that no line is cut off.
WRAP_SLACK: Final = 1.06
FOOTER: Final = "&P / &N"
DATE_FORMAT: Final = "yyyy-mm-dd"
DATE_SUFFIX: Final = "（日付）"
FILEBOOK_SHEETS: Final = "単票"
FILEBOOK_LIST: Final = "一覧"
HEADER_FILL: Final = PatternFill("solid", fgColor="D9E1F2")
LABEL_FILL: Final = PatternFill("solid", fgColor="EDEDED")
THIN: Final = Side(style="thin", color="808080")
BORDER: Final = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP: Final = Alignment(wrap_text=True, vertical="top")
NOWRAP: Final = Alignment(wrap_text=False, vertical="top")
HEADER_ALIGN: Final = Alignment(wrap_text=True, vertical="center", horizontal="center")
RIGHT: Final = Alignment(horizontal="right", vertical="center")
NUMBER: Final = Alignment(horizontal="right", vertical="top")
CENTER: Final = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT_WRAP: Final = Alignment(horizontal="left", vertical="top", wrap_text=True)
#: Printable width of A4 in column units (7 px each at 96 dpi) inside 15 mm margins.
A4_PORTRAIT_UNITS: Final = 96.0
A4_LANDSCAPE_UNITS: Final = 142.0


def font(*, bold: bool = False, size: float = FONT_SIZE) -> Font:
    """The workbook's Japanese font."""
    return Font(name=FONT_NAME, size=size, bold=bold, charset=JAPANESE_CHARSET)


TEXT_FONT: Final = font()
BOLD_FONT: Final = font(bold=True)
TITLE_FONT: Final = font(bold=True, size=14)
HEADING_FONT: Final = font(bold=True, size=12)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` units wide."""
    room = max(width - CELL_MARGIN_UNITS, 1.0)
    return sum(
        max(1, math.ceil(display_units(line) * WRAP_SLACK / room))
        for line in (text.split("\n") or [""])
    )


def row_points(lines: int, size: float = FONT_SIZE) -> float:
    """The height of a row of ``lines`` lines of text in points."""
    return round(lines * LINE_POINTS * size / FONT_SIZE + ROW_PADDING, 1)


def text_cell(cell: Any, text: str) -> None:
    """Store text as text: openpyxl would turn ``=…`` into a formula. Text a
    spreadsheet could read as one also gets Excel's quote prefix (shown as typed,
    and kept text when someone edits the cell)."""
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True


def setup_print(sheet: Any, *, landscape: bool = False, title_rows: str | None = None) -> None:
    """A4, fitted to the page width, page numbers in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=0.6, right=0.6, top=0.7, bottom=0.75, header=0.3, footer=0.3
    )
    sheet.print_options.horizontalCentered = True
    for footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        footer.center.text = FOOTER
        footer.center.size = 9
        footer.center.font = f"{FONT_NAME},Regular"
    if title_rows:
        sheet.print_title_rows = title_rows


@dataclass(frozen=True)
class _Layout:
    """Where a table's parts go on its sheet."""

    columns: tuple[Column, ...]
    widths: tuple[float, ...]
    dates: tuple[int, ...]  # indexes of the columns that hold dates
    last_printed: int  # 1-based

    @property
    def printed_width(self) -> float:
        return sum(self.widths[: self.last_printed])


def _layout(table: Table) -> _Layout:
    dates = tuple(
        index
        for index in range(len(table.columns))
        if any(isinstance(row[index], date) for row in table.rows)
    )
    columns = table.columns + tuple(
        Column(table.columns[i].label + DATE_SUFFIX, 6, printed=False) for i in dates
    )
    widths = []
    for index, column in enumerate(table.columns):
        cells: list[Cell] = [row[index] for row in table.rows]
        units = column_units(column, cells)
        widths.append(units + CELL_MARGIN_UNITS + (1.0 if column.nowrap else 0.0))
    widths += [12.0] * len(dates)
    printed = [i for i, column in enumerate(table.columns, start=1) if column.printed]
    return _Layout(columns, tuple(widths), dates, max(printed))


def _merged_text(
    sheet: Any,
    row: int,
    last: int,
    text: str,
    width: float,
    *,
    cell_font: Font = TEXT_FONT,
    align: Alignment = LEFT_WRAP,
) -> None:
    """A paragraph across columns 1..``last`` of ``row``, as tall as its lines."""
    cell = sheet.cell(row=row, column=1)
    text_cell(cell, text)
    cell.font = cell_font
    cell.alignment = align
    if last > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    size = cell_font.sz or FONT_SIZE
    lines = wrapped_lines(text, width * FONT_SIZE / size)
    sheet.row_dimensions[row].height = row_points(lines, size)


def _right_text(sheet: Any, row: int, column: int, text: str, *, bold: bool = False) -> None:
    """Text at the right edge of the printed area (it runs left over empty cells)."""
    cell = sheet.cell(row=row, column=column)
    text_cell(cell, text)
    cell.font = HEADING_FONT if bold else TEXT_FONT
    cell.alignment = RIGHT


def write_heading(sheet: Any, table: Table, last: int, width: float) -> int:
    """資料番号, title, 作成日・作成課 and the heading lines; the next free row."""
    row = 1
    if table.label:
        _right_text(sheet, row, last, table.label, bold=True)
        row += 1
    _merged_text(sheet, row, last, table.title, width, cell_font=TITLE_FONT, align=CENTER)
    sheet.row_dimensions[row].height = 26
    row += 1
    for line in table.byline:
        _right_text(sheet, row, last, line)
        row += 1
    if table.byline:
        row += 1
    for line in table.lines:
        _merged_text(sheet, row, last, line, width)
        row += 1
    return row + 1


def _table_rows(sheet: Any, table: Table, layout: _Layout, header: int) -> None:
    """The styled header at row ``header`` and the table's rows under it."""
    for index, column in enumerate(layout.columns, start=1):
        cell = sheet.cell(row=header, column=index)
        text_cell(cell, column.label)
        cell.font = BOLD_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = HEADER_ALIGN
    sheet.row_dimensions[header].height = row_points(
        max(
            wrapped_lines(column.label, width)
            for column, width in zip(layout.columns, layout.widths, strict=True)
        )
    )
    for number, row in enumerate(table.rows, start=header + 1):
        lines = 1
        values: list[Cell] = [*row, *(row[i] for i in layout.dates)]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=index)
            column = layout.columns[index - 1]
            working_date = index > len(table.columns)
            if working_date and isinstance(value, date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            elif isinstance(value, int):
                cell.value = value
                cell.font = TEXT_FONT
                cell.border = BORDER
                cell.alignment = NUMBER
                continue
            elif value is not None:
                text = cell_text(value)
                text_cell(cell, text)
                if not column.nowrap:
                    lines = max(lines, wrapped_lines(text, layout.widths[index - 1]))
            cell.font = TEXT_FONT
            cell.border = BORDER
            cell.alignment = NOWRAP if column.nowrap or working_date else WRAP
        sheet.row_dimensions[number].height = row_points(lines)


def write_table(sheet: Any, table: Table) -> int:
    """The table on ``sheet``: heading, styled and frozen header, rows; its header row."""
    layout = _layout(table)
    sheet.title = table.sheet
    for index, width in enumerate(layout.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(width, 1)
    header = write_heading(sheet, table, layout.last_printed, layout.printed_width)
    _table_rows(sheet, table, layout, header)
    last_row = header + len(table.rows)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.print_area = f"A1:{get_column_letter(layout.last_printed)}{last_row}"
    setup_print(sheet, landscape=table.landscape, title_rows=f"{header}:{header}")
    if table.rows:
        sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(layout.columns))}{last_row}"
    return header


def new_workbook() -> Workbook:
    """A workbook whose default font (style Normal, font 0) is the Japanese one: new
    cells are typed in it, and column widths are measured in its digits."""
    book = Workbook()
    book._fonts = IndexedList([TEXT_FONT])
    book._named_styles["Normal"].font = TEXT_FONT
    return book


def save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_table(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet."""
    book = new_workbook()
    write_table(book.active, table)
    return save(book)


# -- sheets of label and value (単票) ---------------------------------------------------

LABEL_UNITS: Final = 23.0
VALUE_UNITS: Final = 72.0


def write_sheets(
    sheet: Any,
    title: str,
    lines: tuple[str, ...],
    blocks: list[tuple[str, list[tuple[str, str]]]],
) -> None:
    """One block per page: a heading and label | value rows (a 単票 each)."""
    sheet.column_dimensions["A"].width = LABEL_UNITS
    sheet.column_dimensions["B"].width = VALUE_UNITS
    width = LABEL_UNITS + VALUE_UNITS
    _merged_text(sheet, 1, 2, title, width, cell_font=TITLE_FONT, align=CENTER)
    sheet.row_dimensions[1].height = 26
    row = 2
    for line in lines:
        _merged_text(sheet, row, 2, line, width, align=CENTER)
        row += 1
    row += 1
    for number, (heading, items) in enumerate(blocks):
        if number:
            sheet.row_breaks.append(Break(id=row - 1))
        _merged_text(sheet, row, 2, heading, width, cell_font=HEADING_FONT)
        row += 1
        for label, value in items:
            label_cell = sheet.cell(row=row, column=1)
            text_cell(label_cell, label)
            label_cell.font = BOLD_FONT
            label_cell.fill = LABEL_FILL
            label_cell.border = BORDER
            label_cell.alignment = WRAP
            value_cell = sheet.cell(row=row, column=2)
            text_cell(value_cell, value)
            value_cell.font = TEXT_FONT
            value_cell.border = BORDER
            value_cell.alignment = WRAP
            lines_needed = max(wrapped_lines(label, LABEL_UNITS), wrapped_lines(value, VALUE_UNITS))
            sheet.row_dimensions[row].height = row_points(lines_needed)
            row += 1
        row += 1
    sheet.print_area = f"A1:B{max(row - 2, 1)}"
    setup_print(sheet)


# -- documents -----------------------------------------------------------------------------


def render_filebook(book: FileBook) -> bytes:
    """The ファイル簿: one 単票 per page on the first sheet, every column on 一覧."""
    workbook = new_workbook()
    sheets = workbook.active
    sheets.title = FILEBOOK_SHEETS
    blocks = [
        (row.sheet_heading(number), row.sheet_items())
        for number, row in enumerate(book.rows, start=1)
    ]
    write_sheets(sheets, book.title, book.heading_lines, blocks)
    listing = workbook.create_sheet()
    write_table(listing, replace(book.table(), sheet=FILEBOOK_LIST))
    # Every column of a process on one line: only A3 gives it a size that can be read.
    listing.page_setup.paperSize = listing.PAPERSIZE_A3
    return save(workbook)


def _unique_title(name: str, taken: set[str]) -> str:
    """A sheet name not yet used in the workbook (Excel compares them without case)."""
    candidate, number = name, 2
    while candidate.casefold() in taken:
        suffix = f"（{number}）"
        candidate = name[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def write_request(sheet: Any, report: RemindersReport, group: DepartmentReminders) -> None:
    """One 課's page: date, addressee, sender, subject, the request, 記 and its processes."""
    table = report.request_table(group)
    layout = _layout(table)
    width, last = layout.printed_width, layout.last_printed
    for index, column_width in enumerate(layout.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(column_width, 1)
    row = 1
    _right_text(sheet, row, last, format_wareki(report.as_of))
    row += 1
    _merged_text(sheet, row, last, report.addressee(group), width, cell_font=HEADING_FONT)
    row += 1
    if report.sender:
        _right_text(sheet, row, last, report.sender)
        row += 1
    row += 1
    _merged_text(sheet, row, last, table.title, width, cell_font=HEADING_FONT, align=CENTER)
    sheet.row_dimensions[row].height = 24
    row += 2
    for line in table.lines:
        _merged_text(sheet, row, last, "　" + line, width)
        row += 1
    row += 1
    _merged_text(sheet, row, last, "記", width, align=CENTER)
    row += 2
    header = row
    _table_rows(sheet, table, layout, header)
    sheet.print_area = f"A1:{get_column_letter(last)}{header + len(table.rows)}"
    setup_print(sheet, title_rows=f"{header}:{header}")
    for footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        footer.center.text = None  # a letter of its own, sent to one 課


def render_reminders(report: RemindersReport) -> bytes:
    """The list of every reminder, then one sheet per 課 with its request."""
    workbook = new_workbook()
    taken: set[str] = set()
    overview = report.table()
    write_table(workbook.active, replace(overview, sheet=_unique_title(overview.sheet, taken)))
    for group in report.groups:
        sheet = workbook.create_sheet(_unique_title(sheet_name(group.department), taken))
        write_request(sheet, report, group)
    return save(workbook)


# -- the statutory book ------------------------------------------------------------------

#: An organ's sheet: the index's columns (番号, ファイルの名称, 組織, 種別); a 単票's label
#: spans the first two, its text the last two. Together the width of A4 portrait.
BOOK_WIDTHS: Final = (5.0, 30.0, 40.0, 21.0)
BOOK_LABEL_UNITS: Final = BOOK_WIDTHS[0] + BOOK_WIDTHS[1]
BOOK_TEXT_UNITS: Final = BOOK_WIDTHS[2] + BOOK_WIDTHS[3]


def _boxed(sheet: Any, row: int, first: int, last: int, text: str, *, label: bool) -> None:
    """A bordered cell over columns ``first``..``last`` of ``row`` (a label on grey)."""
    cell = sheet.cell(row=row, column=first)
    text_cell(cell, text)
    cell.font = BOLD_FONT if label else TEXT_FONT
    cell.alignment = WRAP
    for column in range(first, last + 1):
        part = sheet.cell(row=row, column=column)
        part.border = BORDER
        if label:
            part.fill = LABEL_FILL
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def write_book_agency(sheet: Any, book: StatutoryBook, agency: BookAgency) -> None:
    """One organ: title, 作成日 and its index on the first page, then one 単票 per page."""
    for index, width in enumerate(BOOK_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last, width = len(BOOK_WIDTHS), sum(BOOK_WIDTHS)
    _merged_text(sheet, 1, last, book.title, width, cell_font=TITLE_FONT, align=CENTER)
    sheet.row_dimensions[1].height = 26
    _right_text(sheet, 2, last, f"{book.municipality}　{book.created}")
    row = 3
    for line in book.lines:
        _merged_text(sheet, row, last, line, width, align=CENTER)
        row += 1
    row += 1
    _merged_text(sheet, row, last, agency.name, width, cell_font=HEADING_FONT)
    row += 1
    if not agency.files:
        _merged_text(sheet, row, last, "記載するファイルはありません。", width)
    else:
        for column, (label, _) in enumerate(INDEX_COLUMNS, start=1):
            cell = sheet.cell(row=row, column=column)
            text_cell(cell, label)
            cell.font = BOLD_FONT
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = HEADER_ALIGN
        sheet.row_dimensions[row].height = row_points(1)
        for number, file in enumerate(agency.files, start=1):
            row += 1
            cells = file.index_cells(number)
            lines = 1
            for column, text in enumerate(cells, start=1):
                cell = sheet.cell(row=row, column=column)
                text_cell(cell, text)
                cell.font = TEXT_FONT
                cell.border = BORDER
                cell.alignment = NUMBER if column == 1 else WRAP
                lines = max(lines, wrapped_lines(text, BOOK_WIDTHS[column - 1]))
            sheet.row_dimensions[row].height = row_points(lines)
    row += 1
    for number, file in enumerate(agency.files, start=1):
        sheet.row_breaks.append(Break(id=row))
        row += 1
        _merged_text(sheet, row, last, SHEET_TITLE, width, cell_font=HEADING_FONT, align=CENTER)
        row += 1
        _right_text(sheet, row, last, agency.name)
        row += 1
        _merged_text(sheet, row, last, file.heading(number), width, cell_font=HEADING_FONT)
        row += 1
        for label, text in file.rows():
            _boxed(sheet, row, 1, 2, label, label=True)
            _boxed(sheet, row, 3, last, text, label=False)
            lines = max(
                wrapped_lines(label, BOOK_LABEL_UNITS), wrapped_lines(text, BOOK_TEXT_UNITS)
            )
            sheet.row_dimensions[row].height = row_points(lines)
            row += 1
    sheet.print_area = f"A1:{get_column_letter(last)}{max(row - 1, 1)}"
    setup_print(sheet)


def render_book(book: StatutoryBook) -> bytes:
    """The statutory book: one sheet per organ (its index, then one 単票 per page) and
    一覧, one row per file with every statutory item (working data, printed A4 landscape)."""
    workbook = new_workbook()
    taken: set[str] = set()
    first = True
    for agency in book.agencies:
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        sheet.title = _unique_title(sheet_name(agency.name), taken)
        write_book_agency(sheet, book, agency)
    listing = workbook.active if first else workbook.create_sheet()
    table = book.table()
    write_table(listing, replace(table, sheet=_unique_title(table.sheet, taken)))
    return save(workbook)
