"""A plain table shared by the tabular renderers (Markdown, CSV, XLSX).

A document turns itself into a :class:`Table` once; each renderer then only
decides how a cell looks. Cells are text, numbers or dates: text formats write
a date in 和暦, XLSX keeps it a real date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from todokede.registry.schema.wareki import format_wareki

Cell = str | int | date | None


@dataclass(frozen=True)
class Column:
    """A column: its label, its width in full-width characters, where it shows.

    ``printed`` is False for columns that only belong in working data (CSV and
    XLSX), such as the entry id, and not in a printed handout.
    """

    label: str
    width: int
    printed: bool = True


@dataclass(frozen=True)
class Table:
    """A titled table: heading lines, columns and rows of cells."""

    title: str
    lines: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    sheet: str
    landscape: bool = False


def cell_text(cell: Cell) -> str:
    """A cell as text: dates in 和暦, nothing as an empty string."""
    if cell is None:
        return ""
    if isinstance(cell, date):
        return format_wareki(cell)
    return str(cell)
