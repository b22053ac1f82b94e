"""Who changed what, when: the register's commits read back as filings.

One ``git log`` process lists the commits with their trailers (parsed by git
itself, read as filings by :mod:`todokede.registry.git.message`) and the entry
files each touched; one ``git cat-file --batch`` process reads the files'
versions. Nothing here prints: the CLI and the TUI show it.
"""

from __future__ import annotations

import difflib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from todokede.registry.files.tomlread import parse_data
from todokede.registry.git.gitlog import changed_files
from todokede.registry.git.message import ANSWER_WORD, LOG_FIELDS, CommitMessage, read_logged
from todokede.registry.git.message import KIND_WORDS as KIND_WORDS  # re-exported
from todokede.registry.git.revisions import RegisterRepo, Revision, UnknownEntry
from todokede.registry.views.diff import EntryDiff, catalog_from_config, diff_entry_bytes

LOG_KIND_LABELS: Final[dict[str | None, str]] = {
    "start": "開始",
    "change": "変更",
    "abolish": "廃止",
    None: "その他",
}
_FIELDS: Final = ("%H", "%P", "%an", "%ae", "%cI", *LOG_FIELDS)


def _log_format(nonce: str) -> str:
    """Records and fields marked by a control character and a nonce: an author or a
    subject may hold any control character, never the nonce of this one run."""
    return f"%x1e{nonce}" + f"%x1f{nonce}".join(_FIELDS) + f"%x1f{nonce}"


@dataclass(frozen=True)
class FileChange:
    """One entry file a commit touched: its blob before and after (None: absent)."""

    entry: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LogItem:
    """A commit of the register; a filing when it carries the filing trailers.

    ``date`` is the filing date (``Filing-Date``) of a filing and the commit's
    day in its own timezone otherwise; ``entry`` is the entry of a filing, or
    the one entry file a commit touched.
    """

    commit: str
    parents: tuple[str, ...]
    date: date
    committed: datetime
    kind: str | None
    review: bool
    entry: str | None
    department: str
    name: str
    author: str
    author_email: str
    summary: str
    subject: str
    changes: tuple[FileChange, ...] = ()
    council_number: str = ""
    """The consultation a council's answer (答申) commit records; empty otherwise."""
    council_result: str = ""

    @property
    def kind_label(self) -> str:
        if self.kind is None and self.council_number:
            return ANSWER_WORD
        return LOG_KIND_LABELS.get(self.kind, "その他")

    @property
    def is_filing(self) -> bool:
        return self.kind is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "date": self.date.isoformat(),
            "committed": self.committed.isoformat(),
            "kind": self.kind or "other",
            "review": self.review,
            "entry": self.entry,
            "entries": [c.entry for c in self.changes],
            "department": self.department,
            "name": self.name,
            "author": self.author,
            "summary": self.summary,
            # after the contract's keys: the 答申 an answer commit records, else null
            "answer": (
                {"number": self.council_number, "result": self.council_result}
                if self.council_number
                else None
            ),
        }


@dataclass(frozen=True)
class HistoryItem:
    """One commit of an entry: the log line, the semantic diff and the raw diff."""

    log: LogItem
    diff: EntryDiff | None
    raw_diff: str
    before: bytes | None = field(default=None, repr=False)
    after: bytes | None = field(default=None, repr=False)

    @property
    def commit(self) -> str:
        return self.log.commit


@dataclass(frozen=True)
class _Raw:
    commit: str
    parents: tuple[str, ...]
    author: str
    email: str
    committed: datetime
    message: CommitMessage
    files: list[tuple[str, str | None, str | None]]


def _parse_log(out: bytes, nonce: str) -> Iterator[_Raw]:
    """Records of ``git log -z --raw`` in :func:`_log_format`."""
    for record in out.split(b"\x1e" + nonce.encode("ascii"))[1:]:
        parts = record.split(b"\x1f" + nonce.encode("ascii"))
        head = [p.decode("utf-8", "replace") for p in parts[: len(_FIELDS)]]
        raw = parts[len(_FIELDS)] if len(parts) > len(_FIELDS) else b""
        files = changed_files(raw)
        yield _Raw(
            commit=head[0],
            parents=tuple(head[1].split()),
            author=head[2],
            email=head[3],
            committed=datetime.fromisoformat(head[4]),
            message=read_logged(head[5 : len(_FIELDS)]),
            files=files,
        )


def _log(
    history: RegisterRepo, paths: list[str], revisions: tuple[str, ...] = ("HEAD",)
) -> list[_Raw]:
    if history.head() is None:
        return []
    nonce = secrets.token_hex(8)
    out = history.repo.git.log(
        "-z",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        f"--format={_log_format(nonce)}",
        *revisions,
        "--",
        *paths,
        stdout_as_string=False,
    )
    return list(_parse_log(out, nonce))


def _item(history: RegisterRepo, raw: _Raw, names: dict[str, tuple[str, str]]) -> LogItem:
    changes = tuple(
        FileChange(entry_id, before, after)
        for path, before, after in raw.files
        if (entry_id := history.entry_id_of(path)) is not None
    )
    message = raw.message
    entry = message.entry_id or (changes[0].entry if len(changes) == 1 else None)
    change = next((c for c in changes if c.entry == entry), None)
    department, name = names.get((change.after or change.before or "") if change else "", ("", ""))
    if entry and not change:
        department, name = "", ""
    if not entry and len(changes) > 1:
        name = f"エントリ {len(changes)}件"
    return LogItem(
        commit=raw.commit,
        parents=raw.parents,
        date=message.day or message.council_date or raw.committed.date(),
        committed=raw.committed,
        kind=message.kind,
        review=message.review,
        entry=entry,
        department=department,
        name=name,
        author=raw.author,
        author_email=raw.email,
        summary=message.summary,
        subject=message.subject,
        changes=changes,
        council_number=message.council_number,
        council_result=message.council_result,
    )


_FIRST_TABLE: Final = re.compile(rb"^[ \t]*\[", re.MULTILINE)


_NAME_LINES: Final = re.compile(rb'^(?:name|department)[ \t]*=[ \t]*"[^"\\\n]*"', re.MULTILINE)


def _head(data: bytes) -> dict[str, Any]:
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


def _names(blobs: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """Department and name of each entry version (top-level keys only: fast)."""
    found: dict[str, tuple[str, str]] = {}
    for sha, data in blobs.items():
        parsed = _head(data)
        department, name = parsed.get("department"), parsed.get("name")
        found[sha] = (
            department if isinstance(department, str) else "",
            name if isinstance(name, str) else "",
        )
    return found


def _in_period(item: LogItem, since: date | None, until: date | None) -> bool:
    return (since is None or item.date >= since) and (until is None or item.date <= until)


def register_log(
    root: Path,
    entry_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[LogItem]:
    """The register's commits, newest first: of one entry, in a period (inclusive).

    UnknownEntry for an id that no commit touched and that is not on disk either.
    """
    with RegisterRepo(root) as history:
        paths = [history.entry_path(entry_id)] if entry_id else history.register_paths()
        raws = _log(history, paths)
        if entry_id and not raws and not history.on_disk(entry_id):
            raise UnknownEntry(entry_id)
        wanted: set[str] = set()
        for raw in raws:
            ids = [history.entry_id_of(p) for p, _, _ in raw.files]
            named = [(b, a) for (p, b, a), i in zip(raw.files, ids, strict=True) if i is not None]
            if raw.message.entry_id or len(named) == 1:
                for before, after in named:
                    wanted.add(after or before or "")
        names = _names(history.reader.read(sorted(wanted - {""})))
        items = [_item(history, raw, names) for raw in raws]
    return [i for i in items if _in_period(i, since, until)]


def commits_between(
    history: RegisterRepo, source: Revision, target: Revision, paths: list[str]
) -> list[LogItem]:
    """The commits after ``source`` up to ``target`` that touched ``paths``, oldest
    first, each with the entry files it changed (names left empty: not read)."""
    if target.commit is None or not paths:
        return []
    revisions = (
        (target.commit,) if source.commit is None else (f"{source.commit}..{target.commit}",)
    )
    raws = _log(history, paths, revisions)
    return [_item(history, raw, {}) for raw in reversed(raws)]


def unified_diff(entry_path: str, before: bytes | None, after: bytes | None) -> str:
    """The raw diff of two versions of a file, as ``git diff`` shows it."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True) if before else []
    new = after.decode("utf-8", "replace").splitlines(keepends=True) if after else []
    lines = difflib.unified_diff(
        old,
        new,
        fromfile=f"a/{entry_path}" if before is not None else "/dev/null",
        tofile=f"b/{entry_path}" if after is not None else "/dev/null",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def entry_history(root: Path, entry_id: str) -> list[HistoryItem]:
    """The commits of one entry, newest first, each with its semantic and raw diff."""
    with RegisterRepo(root) as history:
        path = history.entry_path(entry_id)
        raws = _log(history, [path])
        changes = {
            raw.commit: next((c for c in raw.files if c[0] == path), (path, None, None))
            for raw in raws
        }
        blobs = history.reader.read(
            sha for _, before, after in changes.values() for sha in (before, after) if sha
        )
        head_config = history.config_bytes(history.snapshot(history.head_revision()))
        catalog, _ = catalog_from_config(head_config)
        names = _names(blobs)
        items: list[HistoryItem] = []
        for raw in raws:
            _, before_sha, after_sha = changes[raw.commit]
            before = blobs.get(before_sha) if before_sha else None
            after = blobs.get(after_sha) if after_sha else None
            items.append(
                HistoryItem(
                    log=_item(history, raw, names),
                    diff=diff_entry_bytes(entry_id, before, after, catalog),
                    raw_diff=unified_diff(path, before, after),
                    before=before,
                    after=after,
                )
            )
    return items
