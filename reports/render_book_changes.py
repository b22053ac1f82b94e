"""The book's changes (``export --book files --changes``) in md, html, csv and json.

Markdown for git and the terminal, HTML printable on A4 (self-contained, Jinja2
with autoescape like every template), CSV for Excel (BOM, CRLF, no runnable
formula: one row per changed item, with the full texts before and after), JSON
in the shape of issue 14 (every date ISO). Each renderer only prints what
:mod:`todokede.reports.book_changes` decided.
"""

from __future__ import annotations

from typing import Final

from todokede.reports.book_changes import BookChanges, FileChange
from todokede.reports.table import Cell, Column, Table

FORMATS: Final = ("md", "html", "csv", "json")
#: Between the lines of one cell where a cell holds one line (Markdown).
CELL_JOIN: Final = "；"
CSV_COLUMNS: Final = (
    Column("区分", 4),
    Column("行政機関等の名称", 12),
    Column("個人情報ファイルの名称", 20),
    Column("変更した事項", 20),
    Column("変更前", 30),
    Column("変更後", 30),
    Column("事由", 24),
    Column("届出", 30),
    Column("ファイル番号", 20),
)


def render_changes(changes: BookChanges, fmt: str) -> str:
    """The page in one of :data:`FORMATS` (ValueError for another)."""
    if fmt == "md":
        return render_markdown(changes)
    if fmt == "html":
        return render_html(changes)
    if fmt == "csv":
        return render_csv(changes)
    if fmt == "json":
        from todokede.reports.render_json import dumps

        return dumps(changes.as_json())
    raise ValueError(f"この文書は {fmt} 形式では出力できません")


def render_markdown(changes: BookChanges) -> str:
    from todokede.reports.render_markdown import EMPTY, escape

    out = [f"# {escape(changes.full_title)}", "", escape(changes.municipality), ""]
    out += [escape(changes.lead), "", f"- {escape(changes.counts)}", ""]
    for _, heading, rows in changes.sections:
        out += [f"## {escape(heading)}", ""]
        if not rows:
            out += [EMPTY, ""]
            continue
        out.append("| 番号 | 行政機関等の名称 | 個人情報ファイルの名称 | 内容 | 届出 |")
        out.append("| --- | --- | --- | --- | --- |")
        for number, change in enumerate(rows, 1):
            cells = (
                str(number),
                change.agency,
                change.name,
                CELL_JOIN.join(change.content),
                CELL_JOIN.join(change.filings),
            )
            out.append("| " + " | ".join(escape(cell) for cell in cells) + " |")
        out.append("")
    out += ["## 注記", ""]
    out += [f"- {escape(note)}" for note in changes.notes]
    return "\n".join(out) + "\n"


def _csv_rows(change: FileChange) -> list[tuple[Cell, ...]]:
    filings = "\n".join(change.filings)
    head = (change.status_label, change.agency, change.name)
    if change.status != "corrected":
        return [(*head, "", "", "", change.reason, filings, change.file)]
    return [
        (*head, item.label, item.before, item.after, "", filings, change.file)
        for item in change.items
    ]


def changes_table(changes: BookChanges) -> Table:
    """The page as one table: a row per file added or removed, per item corrected."""
    rows = [row for change in changes.all for row in _csv_rows(change)]
    return Table(
        changes.full_title,
        (changes.lead, changes.counts),
        CSV_COLUMNS,
        tuple(rows),
        sheet="変更",
    )


def render_csv(changes: BookChanges) -> str:
    from todokede.reports.render_csv import render_table

    return render_table(changes_table(changes))


def render_html(changes: BookChanges) -> str:
    from todokede.reports.render_html import environment

    template = environment().get_template("book_changes.html.j2")
    return template.render(changes=changes)
