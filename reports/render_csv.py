"""CSV for Excel: UTF-8 with a BOM, CRLF line ends, no runnable formulas.

Excel opens a UTF-8 file as Shift_JIS unless it starts with a BOM. A cell that
begins with ``=``, ``+``, ``-``, ``@`` (after blanks too, or in full width: see
:func:`todokede.reports.formula.formula_like`) would be read as a formula (CSV
injection); such cells get a leading apostrophe, which Excel shows as text and
does not evaluate.
"""

from __future__ import annotations

import csv
import io
from typing import Final

from todokede.reports.formula import formula_like
from todokede.reports.table import Table, cell_text

BOM: Final = "\ufeff"


def defuse(text: str) -> str:
    """A cell Excel cannot run as a formula."""
    return "'" + text if formula_like(text) else text


def render_table(table: Table) -> str:
    """The table's header and rows (every column, dates in 和暦), BOM first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel")
    writer.writerow([defuse(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([defuse(cell_text(cell)) for cell in row])
    return BOM + buffer.getvalue()
