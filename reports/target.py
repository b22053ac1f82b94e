"""What an export refuses before it writes anything, checked once for every front end.

``todokede report``/``export`` (``-o``, ``--format``, ``--force``) and the TUI's
report screen (its path, its format, its overwrite question) call
:func:`check_export` before building the document: a format the document does
not have, a suffix naming another format, a folder or a missing folder, a
target that is not a regular file (:func:`output_problem`), an existing file
nobody said to overwrite. Each refusal is an :class:`ExportRefused` with a
reason and its fields; each front end words it from its own table.

Only the standard library is imported here: the command line checks before it
loads the register.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Final, Literal

DocumentKind = Literal["council", "filebook", "book", "reminders", "book-changes", "meeting"]

#: The formats each document can be written in, the first its default.
DOCUMENT_FORMATS: Final[dict[DocumentKind, tuple[str, ...]]] = {
    "council": ("md", "html", "csv", "xlsx", "json"),
    "filebook": ("md", "html", "csv", "xlsx", "json"),
    "book": ("md", "html", "csv", "xlsx", "json"),
    "reminders": ("text", "md", "csv", "json", "html", "xlsx"),
    "book-changes": ("md", "html", "csv", "json"),
    "meeting": ("md", "html", "json"),
}
#: Formats that are bytes, never shown on a terminal.
FILE_ONLY_FORMATS: Final = frozenset({"xlsx"})

SUFFIX_FORMATS: Final[dict[str, str]] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
}

ExportReason = Literal[
    "folder",  # path: the target is a folder
    "no-folder",  # path, folder: the target's folder does not exist
    "not-writable",  # path, problem: a link, a block device, a socket… (output_problem)
    "suffix-mismatch",  # path, name, named, fmt: the suffix names another format
    "suffix-unknown",  # path, name: no format given and the suffix names none
    "no-such-format",  # fmt: the document has no such format
    "needs-file",  # fmt: a format of bytes asked for the terminal
    "exists",  # path, name: a regular file is there and overwriting was not asked
]


class ExportRefused(ValueError):
    """An export refused before anything is written; ``fields`` say about what."""

    def __init__(self, reason: ExportReason, **fields: str) -> None:
        super().__init__(reason, fields)
        self.reason: ExportReason = reason
        self.fields: dict[str, str] = fields

    def __str__(self) -> str:
        shown = ", ".join(f"{key}={value}" for key, value in self.fields.items())
        return f"export refused: {self.reason}" + (f" ({shown})" if shown else "")


def format_for(path: Path | None, fmt: str | None, default: str = "md") -> str:
    """The format to write: ``fmt``, else the one the output file's suffix names.

    Refuses (ExportRefused) a suffix that names another format than ``fmt`` —
    a CSV written into ``報告書.xlsx`` would not open — and, without ``fmt``, a
    suffix that names no format at all.
    """
    named = SUFFIX_FORMATS.get(path.suffix.lower()) if path is not None else None
    if fmt:
        if named is not None and named != fmt and path is not None:
            raise ExportRefused(
                "suffix-mismatch", path=str(path), name=path.name, named=named, fmt=fmt
            )
        return fmt
    if path is None:
        return default
    if named is None:
        raise ExportRefused("suffix-unknown", path=str(path), name=path.name)
    return named


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
        target = target_mode(path)
        if target is None or not streamed(target):
            return "シンボリックリンクには書き出しません（リンク先のファイル名を指定してください）"
        return None
    if stat.S_ISDIR(mode):
        return "フォルダです。ファイル名を指定してください"
    if stat.S_ISBLK(mode):
        return "ディスクなどのブロックデバイスには書き出しません"
    if not (stat.S_ISREG(mode) or streamed(mode)):
        return "通常のファイル・FIFO・端末などの文字デバイスではないため書き出しません"
    return None


def target_mode(path: Path) -> int | None:
    """The mode of what a link leads to, None when it leads nowhere."""
    try:
        return path.stat().st_mode
    except OSError:
        return None


def streamed(mode: int) -> bool:
    """Whether a file of this mode is written through, not replaced (a FIFO, a
    terminal, ``/dev/null``, a socket's path)."""
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _replaced_file(path: Path) -> bool:
    """Whether writing to ``path`` would replace a regular file that is there."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _target_refusal(path: Path) -> ExportRefused | None:
    """Why nothing can be written to ``path`` (a folder, no folder, not a regular file)."""
    try:
        if path.is_dir():
            return ExportRefused("folder", path=str(path))
        if not path.parent.is_dir():
            return ExportRefused("no-folder", path=str(path), folder=str(path.parent))
        problem = output_problem(path)
    except ValueError as error:  # a NUL in the name: the system cannot even be asked
        problem = str(error)
    return ExportRefused("not-writable", path=str(path), problem=problem) if problem else None


def check_export(
    document: DocumentKind, path: Path | None, fmt: str | None, *, overwrite: bool
) -> str:
    """The format ``document`` is written in to ``path`` (None: the terminal), or
    ExportRefused before anything is built or written.

    ``fmt`` None takes the format ``path``'s suffix names (the document's default
    without a path). ``overwrite`` says a regular file already there may be
    replaced; a FIFO or a character device is written through, never replaced,
    and needs no such word. A path that cannot even be asked about (a NUL in it)
    is refused as ``not-writable``.
    """
    formats = DOCUMENT_FORMATS[document]
    if path is not None and (refused := _target_refusal(path)) is not None:
        raise refused
    chosen = format_for(path, fmt, formats[0])
    if chosen not in formats:
        raise ExportRefused("no-such-format", fmt=chosen)
    if path is None and chosen in FILE_ONLY_FORMATS:
        raise ExportRefused("needs-file", fmt=chosen)
    if path is not None and not overwrite and _replaced_file(path):
        raise ExportRefused("exists", path=str(path), name=path.name)
    return chosen
