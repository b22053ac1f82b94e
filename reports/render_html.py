"""HTML: one self-contained page per document, printable on A4.

Jinja2 with autoescape on for every template, so every field is text whatever
it contains. The CSS is inlined; nothing is fetched from anywhere. Printed
pages are numbered (CSS ``@page`` margin boxes, which Chromium prints). Dates,
課 and other ``nowrap`` columns are never broken inside a cell: their widths
are set from their longest cell, and the wrapping columns share the rest.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from todokede.registry.schema.personal_files import WITHHELD_TEXT
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.council import CouncilReport
from todokede.reports.council_meeting import (
    PART_ANSWERS,
    PART_CONSULTATIONS,
    PART_FILINGS,
    PART_REPORTS,
    Meeting,
)
from todokede.reports.filebook import FileBook, FileBookRow
from todokede.reports.reminders import (
    ASSESSMENTS_LABEL,
    DUE_SOON_LABEL,
    OVERDUE_LABEL,
    RemindersReport,
    basis_label,
    distance_words,
)
from todokede.reports.statutory_book import INDEX_COLUMNS, SHEET_TITLE, StatutoryBook
from todokede.reports.table import Table, column_units, display_units

TEMPLATES: Final = Path(__file__).with_name("templates")
#: A cell's left and right padding (1.6 mm each) in em of the tables' 9 pt text.
CELL_PADDING_EM: Final = 1.2


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
    book_css = (TEMPLATES / "book.css").read_text(encoding="utf-8").strip()
    env.globals["book_css"] = Markup(book_css)
    env.globals["basis_label"] = basis_label
    env.globals["distance_words"] = distance_words
    return env


def column_widths(table: Table, shares: dict[str, float]) -> list[str]:
    """CSS widths of a table's printed columns: ``nowrap`` ones in em, as wide as their
    longest cell; the others a share (percent) from ``shares`` or, when absent, none
    (they take what is left)."""
    widths = []
    for index, column in enumerate(table.columns):
        if not column.printed:
            continue
        if column.nowrap:
            units = column_units(column, [row[index] for row in table.rows])
            widths.append(f"{units / 2 + CELL_PADDING_EM:.1f}em")
        elif column.label in shares:
            widths.append(f"{shares[column.label]:g}%")
        else:
            widths.append("")
    return widths


def sheet(row: FileBookRow) -> list[tuple[str, str]]:
    """A process's 単票: the printed columns as (label, text) pairs."""
    return row.sheet_items()


def render_council(report: CouncilReport) -> str:
    widths = column_widths(report.table(), {"業務の名称": 22})
    return environment().get_template("council.html.j2").render(report=report, widths=widths)


def render_meeting(meeting: Meeting) -> str:
    """The meeting's agenda and papers, the filings' report on pages of its own."""
    report = meeting.filings
    widths = column_widths(report.table(), {"業務の名称": 22})
    parts = {
        "consultations": PART_CONSULTATIONS,
        "reports": PART_REPORTS,
        "answers": PART_ANSWERS,
        "filings": PART_FILINGS,
    }
    return (
        environment()
        .get_template("meeting.html.j2")
        .render(meeting=meeting, widths=widths, parts=parts)
    )


def render_filebook(book: FileBook) -> str:
    return environment().get_template("filebook.html.j2").render(book=book, sheet=sheet)


def render_book(book: StatutoryBook) -> str:
    """The statutory book: per organ an index page, then one 単票 per page."""
    return (
        environment()
        .get_template("book.html.j2")
        .render(
            book=book,
            index_columns=INDEX_COLUMNS,
            sheet_title=SHEET_TITLE,
            withheld=WITHHELD_TEXT,
        )
    )


def nowrap_width(label: str, texts: list[str]) -> str:
    """The CSS width of a column whose cells must stay on one line."""
    units = max(display_units(text) for text in [label, *texts])
    return f"{units / 2 + CELL_PADDING_EM:.1f}em"


def render_reminders(report: RemindersReport) -> str:
    every = report.all
    overview = [
        nowrap_width("番号", [str(len(every))]),
        nowrap_width("担当課", [r.department for r in every]),
        "",
        "30%",
        nowrap_width("見直し期限", [format_wareki(r.due) for r in every]),
        nowrap_width("超過・残り", [distance_words(r) for r in every]),
    ]
    requests = {
        group.department: column_widths(report.request_table(group), {"基準の届出": 34})
        for group in report.groups
    }
    lists = ((OVERDUE_LABEL, report.overdue), (DUE_SOON_LABEL, report.due_soon))
    assessments = report.assessments
    assessment_widths = [
        nowrap_width("番号", [str(len(assessments))]),
        nowrap_width("担当課", [r.department for r in assessments]),
        "16%",
        nowrap_width("前回の評価", [format_wareki(r.evaluated) for r in assessments]),
        nowrap_width("期限", [format_wareki(r.due) for r in assessments]),
        nowrap_width("超過・残り", [distance_words(r) for r in assessments]),
        "",
    ]
    return (
        environment()
        .get_template("reminders.html.j2")
        .render(
            report=report,
            lists=lists,
            widths=overview,
            request_widths=requests,
            assessments_label=ASSESSMENTS_LABEL,
            assessment_widths=assessment_widths,
        )
    )
