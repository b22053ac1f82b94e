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


def readback(data: bytes) -> str:
    """Sheet settings, column widths, the header's style and every cell."""
    book = load_workbook(io.BytesIO(data))
    out: list[str] = []
    for sheet in book.worksheets:
        header = next(
            row[0].row
            for row in sheet.iter_rows()
            if row[0].font
            and row[0].font.bold
            and row[0].fill.fgColor.rgb not in (None, "00000000")
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
                    "header_fill": sheet.cell(row=header, column=1).fill.fgColor.rgb,
                    "widths": {
                        key: dim.width for key, dim in sorted(sheet.column_dimensions.items())
                    },
                    "auto_filter": sheet.auto_filter.ref,
                    "print_area": sheet.print_area,
                    "fit_to_width": sheet.page_setup.fitToWidth,
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
            out.append(json.dumps(cells, ensure_ascii=False))
    return "\n".join(out) + "\n"
