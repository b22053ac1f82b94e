"""Cells a spreadsheet could run as a formula (CSV and formula injection).

Excel and LibreOffice start a formula at ``=``, ``+``, ``-`` or ``@``, and read
past blanks before it (`` =1+1``, a tab, a line break); Japanese input gives
full-width ``＝＋－＠``, which Excel folds to the same characters, as NFKC does
(so do the small and super-/subscript forms ﹦﹢﹣﹫ ⁼⁺ ₌₊). The CSV writer puts
an apostrophe before such a cell, the XLSX writer stores it as text with
Excel's quote prefix (:mod:`todokede.reports.render_csv`, :mod:`todokede.reports.render_xlsx`).
"""

from __future__ import annotations

import unicodedata
from typing import Final

#: What a formula starts with, after NFKC.
FORMULA_CHARS: Final = frozenset("=+-@")
#: A cell starting with one of these is defused whatever follows (a spreadsheet
#: may drop it and read what comes after as the cell).
BREAK_STARTS: Final = ("\t", "\r", "\n")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: it starts with a tab
    or a line break, or its first character after blanks (spaces, U+3000) and
    invisible format characters is, after NFKC, one of ``= + - @``."""
    if text.startswith(BREAK_STARTS):
        return True
    for char in text:
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        return unicodedata.normalize("NFKC", char)[:1] in FORMULA_CHARS
    return False
