"""Helpers for the DataTables of the phase-2 screens: a column that takes what is left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from rich.text import Text

#: A DataTable's cell padding on each side, and its vertical scrollbar.
CELL_PADDING: Final = 1
SCROLLBAR: Final = 2


def rest_width(total: int, fixed: Sequence[int], minimum: int = 8) -> int:
    """The width left for one flexible column beside columns of ``fixed`` widths."""
    padding = 2 * CELL_PADDING * (len(fixed) + 1)
    return max(minimum, total - sum(fixed) - padding - SCROLLBAR)


def one_line(text: str, style: str = "") -> Text:
    """A cell cut with an ellipsis rather than wrapped."""
    return Text(" ".join(text.split()), style=style, no_wrap=True, overflow="ellipsis")


def folded(text: str, style: str = "") -> Text:
    """A cell that folds onto as many lines as it needs (rows of auto height)."""
    return Text(text, style=style, overflow="fold")
