"""HTML: one self-contained page per document, printable on A4.

Jinja2 with autoescape on for every template, so every field is text whatever
it contains. The CSS is inlined; nothing is fetched from anywhere.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from todokede.registry.schema.wareki import format_wareki
from todokede.reports.council import CouncilReport
from todokede.reports.filebook import COLUMNS as FILEBOOK_COLUMNS
from todokede.reports.filebook import FileBook, FileBookRow
from todokede.reports.table import cell_text

TEMPLATES: Final = Path(__file__).with_name("templates")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["wareki"] = format_wareki
    # The style sheet is the project's own file, not user data: marked safe so
    # autoescape leaves its quotes alone inside <style>.
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8").strip()
    env.globals["css"] = Markup(css)
    return env


def sheet(row: FileBookRow) -> list[tuple[str, str]]:
    """A process's 単票: the printed columns as (label, text) pairs."""
    return [
        (column.label, cell_text(cell))
        for column, cell in zip(FILEBOOK_COLUMNS, row.cells(), strict=True)
        if column.printed
    ]


def render_council(report: CouncilReport) -> str:
    return environment().get_template("council.html.j2").render(report=report)


def render_filebook(book: FileBook) -> str:
    return environment().get_template("filebook.html.j2").render(book=book, sheet=sheet)
