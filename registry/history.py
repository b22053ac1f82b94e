"""Who changed what, when: the register's commits read back as filings.

One ``git log`` process lists the commits with their trailers (parsed by git
itself) and the entry files each touched; one ``git cat-file --batch`` process
reads the files' versions. Nothing here prints: the CLI and the TUI show it.
"""

from __future__ import annotations

import difflib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from registry.diff import EntryDiff, catalog_from_config, diff_entry_bytes
from registry.gitlog import KIND_WORDS as KIND_WORDS
from registry.gitlog import LOG_OPTIONS, RawCommit, date_or_none, entry_names, log_format, parse_log
from registry.gitlog import SUBJECT_SEPARATOR as SUBJECT_SEPARATOR
from registry.revisions import RegisterRepo, UnknownEntry

LOG_KIND_LABELS: Final[dict[str | None, str]] = {
    "start": "開始",
    "change": "変更",
    "abolish": "廃止",
    None: "その他",
}


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

    @property
    def kind_label(self) -> str:
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


def _log(history: RegisterRepo, paths: list[str]) -> list[RawCommit]:
    if history.head() is None:
        return []
    nonce = secrets.token_hex(8)
    out = history.repo.git.log(
        *LOG_OPTIONS,
        f"--format={log_format(nonce)}",
        "HEAD",
        "--",
        *paths,
        stdout_as_string=False,
    )
    return list(parse_log(out, nonce))


def _summary(raw: RawCommit, filing: bool) -> str:
    if filing and SUBJECT_SEPARATOR in raw.subject:
        return raw.subject.split(SUBJECT_SEPARATOR, 1)[1].strip()
    return raw.subject.strip()


def _item(history: RegisterRepo, raw: RawCommit, names: dict[str, tuple[str, str]]) -> LogItem:
    changes = tuple(
        FileChange(entry_id, before, after)
        for path, before, after in raw.files
        if (entry_id := history.entry_id_of(path)) is not None
    )
    kind = raw.kind if raw.kind in KIND_WORDS else None
    entry = raw.entry or (changes[0].entry if len(changes) == 1 else None)
    change = next((c for c in changes if c.entry == entry), None)
    department, name = names.get((change.after or change.before or "") if change else "", ("", ""))
    if entry and not change:
        department, name = "", ""
    if not entry and len(changes) > 1:
        name = f"エントリ {len(changes)}件"
    filing_day = date_or_none(raw.filing_date) if kind else None
    return LogItem(
        commit=raw.commit,
        parents=raw.parents,
        date=filing_day or raw.committed.date(),
        committed=raw.committed,
        kind=kind,
        review=raw.review.lower() == "true",
        entry=entry,
        department=department,
        name=name,
        author=raw.author,
        author_email=raw.email,
        summary=_summary(raw, kind is not None),
        subject=raw.subject,
        changes=changes,
    )


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
            if raw.entry or len(named) == 1:
                for before, after in named:
                    wanted.add(after or before or "")
        names = entry_names(history.reader.read(sorted(wanted - {""})))
        items = [_item(history, raw, names) for raw in raws]
    return [i for i in items if _in_period(i, since, until)]


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
        names = entry_names(blobs)
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
