"""An XLSX workbook read back with openpyxl, as text a golden file can hold."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"date": value.isoformat()}
    return value


def _header(sheet: Any) -> int | None:
    """The row of a table's header: bold cells on the header fill."""
    for row in sheet.iter_rows():
        first = row[0]
        if first.font and first.font.bold and first.fill.fgColor.rgb == "00D9E1F2":
            return int(first.row)
    return None


def readback(data: bytes) -> str:
    """Sheet and print settings, column widths, row heights, fonts and every cell."""
    book = load_workbook(io.BytesIO(data))
    out: list[str] = []
    for sheet in book.worksheets:
        header = _header(sheet)
        fonts = sorted(
            {
                (cell.font.name, cell.font.sz, bool(cell.font.b))
                for row in sheet.iter_rows()
                for cell in row
                if cell.value is not None
            }
        )
        out.append(
            json.dumps(
                {
                    "sheet": sheet.title,
                    "freeze_panes": sheet.freeze_panes,
                    "print_title_rows": sheet.print_title_rows,
                    "orientation": sheet.page_setup.orientation,
                    "paper_size": sheet.page_setup.paperSize,
                    "header_row": header,
                    "widths": {
                        key: dim.width for key, dim in sorted(sheet.column_dimensions.items())
                    },
                    "auto_filter": sheet.auto_filter.ref,
                    "print_area": sheet.print_area,
                    "fit_to_width": sheet.page_setup.fitToWidth,
                    "footer": sheet.oddFooter.center.text,
                    "row_breaks": [b.id for b in sheet.row_breaks.brk],
                    "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
                    "fonts": fonts,
                },
                ensure_ascii=False,
            )
        )
        for row in sheet.iter_rows():
            cells: list[Any] = []
            for cell in row:
                if cell.value is None:
                    cells.append(None)
                elif cell.is_date:
                    cells.append({**_value(cell.value), "format": cell.number_format})
                else:
                    cells.append(_value(cell.value))
            while cells and cells[-1] is None:
                cells.pop()
            height = sheet.row_dimensions[row[0].row].height if row else None
            out.append(json.dumps({"height": height, "cells": cells}, ensure_ascii=False))
    return "\n".join(out) + "\n"
