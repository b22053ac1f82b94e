"""One entry point for every document and format, and safe output files.

``render(document, fmt)`` gives text (``str``) or, for XLSX, ``bytes``. Each
renderer module is imported only when its format is asked for, so JSON or CSV
never load Jinja2 or openpyxl.
"""

from __future__ import annotations

import errno
import os
import stat
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
    if fmt == "html":
        from reports import render_html

        if isinstance(document, CouncilReport):
            return render_html.render_council(document)
        if isinstance(document, RemindersReport):
            return render_html.render_reminders(document)
        return render_html.render_filebook(document)
    if fmt == "xlsx":
        from reports import render_xlsx

        if isinstance(document, FileBook):
            return render_xlsx.render_filebook(document)
        if isinstance(document, RemindersReport):
            return render_xlsx.render_reminders(document)
        return render_xlsx.render_table(document.table())
    raise FormatError(f"この文書は {fmt} 形式では出力できません")


class OutputRefused(OSError):
    """An output path todokede will not write to; ``strerror`` says why in Japanese."""


def output_problem(path: Path) -> str | None:
    """Why a report cannot be written to ``path``, or None when it can.

    A symbolic link is refused rather than followed: one planted in a shared
    folder (the TUI writes there under a name anyone can guess) would send the
    report, after an overwrite question naming only the link, onto whatever file
    it points at, and as root onto any file; a report written to the link's
    target by its own name costs the user nothing. A link to a FIFO or a device
    (``/dev/stdout``, ``/dev/stderr``) is written through like the FIFO or device
    itself; a block device (a disk) or a socket never is.
    """
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISLNK(mode):
        target = _target_mode(path)
        if target is None or not _streamed(target):
            return "シンボリックリンクには書き出しません（リンク先のファイル名を指定してください）"
        return None
    if stat.S_ISDIR(mode):
        return "フォルダです。ファイル名を指定してください"
    if stat.S_ISBLK(mode):
        return "ディスクなどのブロックデバイスには書き出しません"
    if not (stat.S_ISREG(mode) or _streamed(mode)):
        return "通常のファイル・FIFO・端末などの文字デバイスではないため書き出しません"
    return None


def _target_mode(path: Path) -> int | None:
    """The mode of what a link leads to, None when it leads nowhere."""
    try:
        return path.stat().st_mode
    except OSError:
        return None


def _streamed(mode: int) -> bool:
    """Whether a file of this mode is written through, not replaced (a FIFO, a
    terminal, ``/dev/null``, a socket's path)."""
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def write_output(path: Path, data: str | bytes) -> None:
    """Write a report to ``path``: a file whole or not at all (a temp file beside it,
    then a rename); a FIFO or a character device (``/dev/null``, a terminal) written
    through, never replaced. Refuses (:class:`OutputRefused`) what
    :func:`output_problem` names."""
    if problem := output_problem(path):
        raise OutputRefused(errno.EINVAL, problem, str(path))
    mode = _target_mode(path)
    if mode is not None and _streamed(mode):
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
        if not _streamed(os.fstat(handle.fileno()).st_mode):
            raise OutputRefused(
                errno.EINVAL, "書き出す直前に別のファイルに置き換えられました", str(path)
            )
        handle.write(data)
