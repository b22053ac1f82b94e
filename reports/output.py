"""One entry point for every document and format, and atomic output files.

``render(document, fmt)`` gives text (``str``) or, for XLSX, ``bytes``. Each
renderer module is imported only when its format is asked for, so JSON or CSV
never load Jinja2 or openpyxl.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from registry.store import atomic_write
from reports.council import CouncilReport
from reports.filebook import FileBook
from reports.reminders import RemindersReport

Document = CouncilReport | RemindersReport | FileBook

SUFFIX_FORMATS: Final[dict[str, str]] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
}


class FormatError(ValueError):
    """A format this document cannot be written in."""


def format_for(path: Path | None, fmt: str | None, default: str = "md") -> str:
    """The format to write: ``fmt``, else the one the output file's suffix names.

    Refuses (FormatError) a suffix that names another format than ``fmt`` —
    a CSV written into ``報告書.xlsx`` would not open — and, without ``fmt``, a
    suffix that names no format at all.
    """
    named = SUFFIX_FORMATS.get(path.suffix.lower()) if path is not None else None
    if fmt:
        if named is not None and named != fmt and path is not None:
            raise FormatError(
                f"出力先 {path.name} の拡張子は {named} 形式ですが、--format は {fmt} です"
            )
        return fmt
    if path is None:
        return default
    if named is None:
        raise FormatError(
            f"出力先 {path.name} の拡張子から形式が分かりません（--format で指定してください）"
        )
    return named


def render(document: Document, fmt: str) -> str | bytes:
    """The document in a format: ``str`` for text formats, ``bytes`` for XLSX."""
    if fmt == "json":
        from reports import render_json

        if isinstance(document, CouncilReport):
            return render_json.dumps(render_json.council_json(document))
        if isinstance(document, RemindersReport):
            return render_json.dumps(render_json.reminders_json(document))
        return render_json.dumps(render_json.filebook_json(document))
    if fmt == "md":
        from reports.render_markdown import render_table

        return render_table(document.table())
    if fmt == "csv":
        from reports.render_csv import render_table as render_csv

        return render_csv(document.table())
    if fmt == "text" and isinstance(document, RemindersReport):
        from reports.render_text import render_reminders

        return render_reminders(document)
    if fmt == "html" and not isinstance(document, RemindersReport):
        from reports import render_html

        if isinstance(document, CouncilReport):
            return render_html.render_council(document)
        return render_html.render_filebook(document)
    if fmt == "xlsx":
        from reports.render_xlsx import render_table as render_xlsx

        return render_xlsx(document.table())
    raise FormatError(f"この文書は {fmt} 形式では出力できません")


def write_output(path: Path, data: str | bytes) -> None:
    """Write a report file whole or not at all (temp file in the folder, then rename)."""
    atomic_write(path, data)
