"""One entry point for every document and format, and safe output files.

``render(document, fmt)`` gives text (``str``) or, for XLSX, ``bytes``. Each
renderer module is imported only when its format is asked for, so JSON or CSV
never load Jinja2 or openpyxl. What an export refuses before it writes (formats,
targets, an existing file) is checked by :mod:`todokede.reports.target`.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from todokede.registry.files.store import atomic_write
from todokede.reports.council import CouncilReport
from todokede.reports.council_meeting import Meeting
from todokede.reports.filebook import FileBook
from todokede.reports.reminders import RemindersReport
from todokede.reports.statutory_book import StatutoryBook
from todokede.reports.target import output_problem, streamed, target_mode

Document = CouncilReport | RemindersReport | FileBook | StatutoryBook | Meeting


class FormatError(ValueError):
    """A format this document cannot be written in (:func:`todokede.reports.target.check_export`
    refuses it before)."""


def render(document: Document, fmt: str) -> str | bytes:
    """The document in a format: ``str`` for text formats, ``bytes`` for XLSX."""
    if isinstance(document, StatutoryBook):
        return render_book(document, fmt)
    if isinstance(document, Meeting):
        return render_meeting(document, fmt)
    if fmt == "json":
        from todokede.reports import render_json

        if isinstance(document, CouncilReport):
            return render_json.dumps(render_json.council_json(document))
        if isinstance(document, RemindersReport):
            return render_json.dumps(render_json.reminders_json(document))
        return render_json.dumps(render_json.filebook_json(document))
    if fmt == "md":
        from todokede.reports.render_markdown import render_table

        return render_table(document.table())
    if fmt == "csv":
        from todokede.reports.render_csv import render_table as render_csv

        return render_csv(document.table())
    if fmt == "text" and isinstance(document, RemindersReport):
        from todokede.reports.render_text import render_reminders

        return render_reminders(document)
    if fmt == "html":
        from todokede.reports import render_html

        if isinstance(document, CouncilReport):
            return render_html.render_council(document)
        if isinstance(document, RemindersReport):
            return render_html.render_reminders(document)
        return render_html.render_filebook(document)
    if fmt == "xlsx":
        from todokede.reports import render_xlsx

        if isinstance(document, FileBook):
            return render_xlsx.render_filebook(document)
        if isinstance(document, RemindersReport):
            return render_xlsx.render_reminders(document)
        return render_xlsx.render_table(document.table())
    raise FormatError(f"この文書は {fmt} 形式では出力できません")


def render_meeting(meeting: Meeting, fmt: str) -> str:
    """The meeting's agenda and papers: Markdown, HTML or the contract's JSON."""
    if fmt == "json":
        from todokede.reports.render_meeting import render_meeting_json

        return render_meeting_json(meeting)
    if fmt == "md":
        from todokede.reports.render_meeting import render_meeting_markdown

        return render_meeting_markdown(meeting)
    if fmt == "html":
        from todokede.reports.render_html import render_meeting as html

        return html(meeting)
    raise FormatError(f"会議次第は {fmt} 形式では出力できません")


def render_book(book: StatutoryBook, fmt: str) -> str | bytes:
    """The statutory book in a format: each renderer has its own layout of it
    (an index and a 単票 per file; one row per file in CSV)."""
    if fmt == "json":
        from todokede.reports.render_json import book_dumps

        return book_dumps(book)
    if fmt == "md":
        from todokede.reports.render_markdown import render_book as markdown

        return markdown(book)
    if fmt == "csv":
        from todokede.reports.render_csv import render_table as render_csv

        return render_csv(book.table())
    if fmt == "html":
        from todokede.reports.render_html import render_book as html

        return html(book)
    if fmt == "xlsx":
        from todokede.reports.render_xlsx import render_book as xlsx

        return xlsx(book)
    raise FormatError(f"この文書は {fmt} 形式では出力できません")


class OutputRefused(OSError):
    """An output path todokede will not write to; ``strerror`` says why in Japanese."""


def write_output(path: Path, data: str | bytes) -> None:
    """Write a report to ``path``: a file whole or not at all (a temp file beside it,
    then a rename); a FIFO or a character device (``/dev/null``, a terminal) written
    through, never replaced. Refuses (:class:`OutputRefused`) what
    :func:`output_problem` names."""
    if problem := output_problem(path):
        raise OutputRefused(errno.EINVAL, problem, str(path))
    mode = target_mode(path)
    if mode is not None and streamed(mode):
        _write_through(path, data.encode("utf-8") if isinstance(data, str) else data)
    else:
        atomic_write(path, data)


def _write_through(path: Path, data: bytes) -> None:
    """Open an existing FIFO or device and write to it (no create, no truncate);
    what was opened is checked again, in case a regular file took its place."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if not path.is_symlink():
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "wb") as handle:
        if not streamed(os.fstat(handle.fileno()).st_mode):
            raise OutputRefused(
                errno.EINVAL, "書き出す直前に別のファイルに置き換えられました", str(path)
            )
        handle.write(data)
