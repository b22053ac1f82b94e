"""The register's ``git log`` read in one process: the format, its parser, names.

Light on purpose (no GitPython): :mod:`todokede.registry.git.history` runs it through
GitPython's repository, :mod:`todokede.registry.git.asfiled` through a plain subprocess, so
that a report reads its history without loading GitPython.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from todokede.registry.files.tomlread import parse_data

#: How a filing's subject names its kind: ``変更届: 課税課 個人住民税賦課事務 — <summary>``.
KIND_WORDS: Final[dict[str, str]] = {"start": "開始届", "change": "変更届", "abolish": "廃止届"}
#: Between the process and the summary in a filing's subject.
SUBJECT_SEPARATOR: Final = " — "

#: ``git log`` options every reader passes with :func:`log_format`: the files each
#: commit changed, NUL-separated, with full blob ids and no rename detection.
LOG_OPTIONS: Final = ("-z", "--raw", "--no-abbrev", "--no-renames")

LOG_FIELDS: Final = (
    "%H",
    "%P",
    "%an",
    "%ae",
    "%cI",
    "%(trailers:key=Filing-Kind,valueonly,separator=%x2C)",
    "%(trailers:key=Filing-Date,valueonly,separator=%x2C)",
    "%(trailers:key=Entry,valueonly,separator=%x2C)",
    "%(trailers:key=Filing-Review,valueonly,separator=%x2C)",
    "%s",
)


def log_format(nonce: str) -> str:
    """Records and fields marked by a control character and a nonce: an author or a
    subject may hold any control character, never the nonce of this one run."""
    return f"%x1e{nonce}" + f"%x1f{nonce}".join(LOG_FIELDS) + f"%x1f{nonce}"


def date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class RawCommit:
    """One record of the log: the commit, its trailers and the files it changed
    as ``(path, blob before, blob after)`` (None: absent on that side)."""

    commit: str
    parents: tuple[str, ...]
    author: str
    email: str
    committed: datetime
    kind: str
    filing_date: str
    entry: str
    review: str
    subject: str
    files: list[tuple[str, str | None, str | None]]


def changed_files(raw: bytes) -> list[tuple[str, str | None, str | None]]:
    """The ``--raw -z`` part of a log record: ``(path, blob before, blob after)`` each."""
    tokens = raw.lstrip(b"\0\n").split(b"\0")
    files: list[tuple[str, str | None, str | None]] = []
    index = 0
    while index + 1 < len(tokens):
        meta, path = tokens[index], tokens[index + 1].decode("utf-8", "surrogateescape")
        index += 2
        fields = meta.lstrip(b":").split()
        if len(fields) < 5:
            continue
        if fields[4][:1] in (b"R", b"C"):  # a rename or copy names two paths
            path = tokens[index].decode("utf-8", "surrogateescape") if index < len(tokens) else path
            index += 1
        old, new = fields[2].decode(), fields[3].decode()
        files.append((path, None if set(old) == {"0"} else old, None if set(new) == {"0"} else new))
    return files


def parse_log(out: bytes, nonce: str) -> Iterator[RawCommit]:
    """Records of ``git log`` with :data:`LOG_OPTIONS` in :func:`log_format`."""
    for record in out.split(b"\x1e" + nonce.encode("ascii"))[1:]:
        parts = record.split(b"\x1f" + nonce.encode("ascii"))
        head = [p.decode("utf-8", "replace") for p in parts[: len(LOG_FIELDS)]]
        raw = parts[len(LOG_FIELDS)] if len(parts) > len(LOG_FIELDS) else b""
        files = changed_files(raw)
        yield RawCommit(
            commit=head[0],
            parents=tuple(head[1].split()),
            author=head[2],
            email=head[3],
            committed=datetime.fromisoformat(head[4]),
            kind=head[5].strip(),
            filing_date=head[6].strip(),
            entry=head[7].strip(),
            review=head[8].strip(),
            subject=head[9],
            files=files,
        )


_FIRST_TABLE: Final = re.compile(rb"^[ \t]*\[", re.MULTILINE)
_NAME_LINES: Final = re.compile(rb'^(?:name|department)[ \t]*=[ \t]*"[^"\\\n]*"', re.MULTILINE)


def entry_head(data: bytes) -> dict[str, Any]:
    """``name`` and ``department`` of an entry file, reading as little as needed.

    Their two lines when both are plain one-line strings (the common case), else
    the part before the first table, else the whole file.
    """
    lines = _NAME_LINES.findall(data)
    if len(lines) == 2:
        parsed, bad = parse_data(b"\n".join(lines))
        if not bad and parsed is not None and len(parsed) == 2:
            return parsed
    found = _FIRST_TABLE.search(data)
    if found is not None:
        parsed, bad = parse_data(data[: found.start()])
        if not bad and parsed is not None and "name" in parsed and "department" in parsed:
            return parsed
    return parse_data(data)[0] or {}


def entry_names(blobs: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """Department and name of each entry version (top-level keys only: fast)."""
    found: dict[str, tuple[str, str]] = {}
    for sha, data in blobs.items():
        parsed = entry_head(data)
        department, name = parsed.get("department"), parsed.get("name")
        found[sha] = (
            department if isinstance(department, str) else "",
            name if isinstance(name, str) else "",
        )
    return found
