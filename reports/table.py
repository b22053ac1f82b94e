"""A plain table shared by the tabular renderers (Markdown, CSV, XLSX).

A document turns itself into a :class:`Table` once; each renderer then only
decides how a cell looks. Cells are text, numbers or dates: every format prints
a date in 和暦; XLSX adds a real date beside it, for sorting.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from todokede.registry.schema.wareki import format_wareki

Cell = str | int | date | None


@dataclass(frozen=True)
class Column:
    """A column: its label, its width in full-width characters, where it shows.

    ``printed`` is False for columns that only belong in working data (CSV and
    XLSX), such as the entry id, and not in a printed handout. A ``nowrap``
    column (a date, a 課) is never broken inside a cell: printed formats widen it
    to its longest cell instead.
    """

    label: str
    width: float
    printed: bool = True
    nowrap: bool = False


@dataclass(frozen=True)
class Table:
    """A titled table: heading lines, columns and rows of cells."""

    title: str
    lines: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    sheet: str
    landscape: bool = False
    label: str = ""
    """資料番号 (``資料3``): printed at the top right of a handout."""
    byline: tuple[str, ...] = ()
    """作成日 and 作成課, printed right-aligned under the title."""


#: How wide a character that is not full width prints, in half-width units: the
#: digits and Latin letters of the fonts used (Noto Sans CJK JP, DejaVu Sans) are
#: proportional and a little wider than half an em.
NARROW_UNITS: Final = 1.3


def display_units(text: str) -> float:
    """Printed width of one line of ``text`` in half-width units (full width = 2)."""
    return sum(2.0 if unicodedata.east_asian_width(char) in "WF" else NARROW_UNITS for char in text)


def column_units(column: Column, cells: list[Cell]) -> float:
    """A column's width in half-width units: its own, or for a ``nowrap`` column
    as wide as its longest cell (and its label), so that nothing breaks inside."""
    units = column.width * 2
    if column.nowrap:
        texts = [column.label, *(cell_text(cell) for cell in cells)]
        units = max(units, *(display_units(text) for text in texts))
    return units


def cell_text(cell: Cell) -> str:
    """A cell as text: dates in 和暦, nothing as an empty string."""
    if cell is None:
        return ""
    if isinstance(cell, date):
        return format_wareki(cell)
    return str(cell)
