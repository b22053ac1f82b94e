"""XLSX (openpyxl): title rows, a styled and frozen header, real dates.

Dates are date cells shown in 和暦 by Excel's own number format; text is always
stored as text (never as a formula, whatever it starts with; with Excel's quote
prefix when it looks like one); widths are set in
characters with Japanese counted double; the sheet prints on A4, fitted to the
page width, with the header repeated on every page and working-data columns
(the entry id) left out of the print area.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from todokede.reports.formula import formula_like
from todokede.reports.table import Table

#: Excel's 和暦 format (locale 0x411 = ja-JP): 平成28年9月13日.
WAREKI_FORMAT: Final = '[$-411]ggge"年"m"月"d"日"'
HEADER_FILL: Final = PatternFill("solid", fgColor="D9E1F2")
HEADER_FONT: Final = Font(bold=True)
TITLE_FONT: Final = Font(bold=True, size=14)
THIN: Final = Side(style="thin", color="808080")
BORDER: Final = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP: Final = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN: Final = Alignment(wrap_text=True, vertical="center", horizontal="center")


def header_row(table: Table) -> int:
    """The sheet row of the table's header: after the title, its lines and a gap."""
    return len(table.lines) + 3


def render_table(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.sheet
    sheet.cell(row=1, column=1, value=table.title).font = TITLE_FONT
    for offset, line in enumerate(table.lines, start=2):
        _text(sheet.cell(row=offset, column=1), line)
    header = header_row(table)
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header, column=index)
        _text(cell, column.label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = HEADER_ALIGN
        # Widths are in characters of the default font: a Japanese one is two.
        sheet.column_dimensions[get_column_letter(index)].width = column.width * 2 + 2
    for number, row in enumerate(table.rows, start=header + 1):
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=index)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = WAREKI_FORMAT
            elif isinstance(value, int):
                cell.value = value
            elif value is not None:
                _text(cell, value)
            cell.border = BORDER
            cell.alignment = WRAP
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.print_title_rows = f"{header}:{header}"
    printed = [i for i, column in enumerate(table.columns, start=1) if column.printed]
    sheet.print_area = f"A1:{get_column_letter(max(printed))}{header + len(table.rows)}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if table.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if table.rows:
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A{header}:{last}{header + len(table.rows)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(cell: Any, text: str) -> None:
    """Store text as text: openpyxl would turn ``=…`` into a formula. Text a
    spreadsheet could read as one also gets Excel's quote prefix (shown as typed,
    and kept text when someone edits the cell)."""
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True
