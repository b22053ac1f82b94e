"""Markdown: for git and for the terminal (rich renders it).

Every document becomes a title, its 資料番号, 作成日 and 作成課 when it has them,
its heading lines and one table of its printed columns; the statutory book
(:func:`render_book`) an index per organ and a label | text table per file. Text is escaped so that
a name can never become markup or break the table.
"""

from __future__ import annotations

import re
from typing import Final

from todokede.registry.views.display import one_line
from todokede.reports.statutory_book import INDEX_COLUMNS, StatutoryBook
from todokede.reports.table import Table, cell_text

#: Markdown's punctuation that could start markup, each escaped with a backslash.
_ESCAPES: Final = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|#~&"})
#: What would start a list, a heading or a rule at the beginning of a line.
_LEADING: Final = re.compile(r"^(\d*)([-+=.)])")
_LEADING_CHARS: Final = frozenset("-+=.)0123456789")
EMPTY: Final = "（該当なし）"


def escape(text: str) -> str:
    """Text safe in a Markdown paragraph or table cell, on one line."""
    text = one_line(text).translate(_ESCAPES)
    if text and text[0] in _LEADING_CHARS:
        text = _LEADING.sub(r"\1\\\2", text)
    return text


def render_table(table: Table) -> str:
    """A document as Markdown: ``# title``, its lines, its table."""
    out = [f"# {escape(table.title)}", ""]
    if furniture := [part for part in (table.label, *table.byline) if part]:
        out += ["　".join(escape(part) for part in furniture), ""]
    first, *rest = table.lines
    out += [escape(first), ""]
    if rest:
        out += [f"- {escape(line)}" for line in rest]
        out.append("")
    columns = [i for i, column in enumerate(table.columns) if column.printed]
    if table.rows:
        out.append("| " + " | ".join(escape(table.columns[i].label) for i in columns) + " |")
        out.append("|" + "|".join(" --- " for _ in columns) + "|")
        for row in table.rows:
            out.append("| " + " | ".join(escape(cell_text(row[i])) for i in columns) + " |")
    else:
        out.append(EMPTY)
    return "\n".join(out) + "\n"


def render_book(book: StatutoryBook) -> str:
    """The statutory book: per organ its index, then one section (単票) per file with
    a two-column table of label and text."""
    out = [f"# {escape(book.title)}", ""]
    out += [f"{escape(book.municipality)}　{escape(book.created)}", ""]
    out += [f"- {escape(line)}" for line in book.lines]
    out.append("")
    for agency in book.agencies:
        out += [f"## {escape(agency.name)}", ""]
        if not agency.files:
            out += [EMPTY, ""]
            continue
        labels = [label for label, _ in INDEX_COLUMNS]
        out.append("| " + " | ".join(labels) + " |")
        out.append("|" + "|".join(" --- " for _ in labels) + "|")
        for number, file in enumerate(agency.files, start=1):
            out.append("| " + " | ".join(escape(c) for c in file.index_cells(number)) + " |")
        out.append("")
        for number, file in enumerate(agency.files, start=1):
            out += [f"### {escape(file.heading(number))}", ""]
            out += ["| 項目 | 内容 |", "| --- | --- |"]
            out += [f"| {escape(label)} | {escape(text)} |" for label, text in file.rows()]
            out.append("")
    return "\n".join(out)
