"""A process's name and department as they were when each filing was made.

A report of a past period must print what was filed then, not what the process
is called today: the filing's commit holds the entry file as filed. One ``git
log`` lists HEAD's commits with their trailers (``Entry``, ``Filing-Kind``,
``Filing-Date``) and subjects; a filing whose subject already names it with
today's 課 and name needs nothing more. For the others one ``git cat-file
--batch-check`` finds the entry's file in the commit and in its parent (the
commit counts only if it changed that file), one ``git cat-file --batch`` reads
those files' heads. Three git processes whatever the number of filings, and no
GitPython (a report's JSON stays light). A register that is not a git
repository, has no commit yet, or whose history cannot be read is answered
with nothing: the caller keeps today's names.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Final, NamedTuple

from todokede.registry.git.gitlog import KIND_WORDS, SUBJECT_SEPARATOR, date_or_none, entry_names
from todokede.registry.schema.limits import ENTRIES_DIR, MAX_FILE_BYTES
from todokede.registry.views.display import one_line

#: What the log gives of each commit: its id, subject and filing trailers.
_FIELDS: Final = (
    "%H",
    "%s",
    "%(trailers:key=Filing-Kind,valueonly,separator=%x2C)",
    "%(trailers:key=Filing-Date,valueonly,separator=%x2C)",
    "%(trailers:key=Entry,valueonly,separator=%x2C)",
)
#: How long before the period's first day the log is read: a filing's commit is
#: made on or after its filing date, or (a date typed ahead) up to this much before.
LOOK_BEHIND: Final = timedelta(days=400)

FilingKey = tuple[str, date, str]
"""A filing as its commit names it: entry id, filing date, kind."""


@dataclass(frozen=True)
class FiledNames:
    """Department and name per filing, in the order the filings were committed."""

    found: dict[FilingKey, list[tuple[str, str]]] = field(default_factory=dict)

    def lookup(self, key: FilingKey, occurrence: int = 0) -> tuple[str, str] | None:
        """``(department, name)`` of the ``occurrence``-th filing (from 0, oldest
        first) with this entry, date and kind; None when no commit filed it."""
        versions = self.found.get(key, [])
        if occurrence < len(versions):
            department, name = versions[occurrence]
            if department and name:
                return department, name
        return None


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """git's stdout in ``root``, or None when git fails or is not there."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            env=env,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def filed_as(subject: str, kind: str, department: str, name: str) -> bool:
    """Whether a filing's subject names it as ``department`` and ``name``: todokede
    writes it from the entry file as filed (``変更届: 課税課 個人住民税賦課事務 — …``)."""
    named = f"{KIND_WORDS[kind]}: {one_line(department)} {one_line(name)}{SUBJECT_SEPARATOR}"
    return subject.startswith(named)


class _Version(NamedTuple):
    """An entry's file in a filing commit: its blob and size, and its parent's blob."""

    blob: str | None
    size: int
    parent: str | None


def _check_line(line: str) -> tuple[str | None, int]:
    """The blob id and size of a ``cat-file --batch-check`` line (None: missing)."""
    parts = line.split()
    if len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit():
        return parts[0], int(parts[2])
    return None, 0


def _versions(root: Path, commits: list[tuple[str, str]]) -> dict[tuple[str, str], _Version]:
    """Each entry's file in each commit and in its first parent, in one batch-check.

    ``<commit>:./entries/ID.toml`` is taken from the register's folder, wherever it
    sits in the repository; a root commit has no parent (missing)."""
    if not commits:
        return {}
    names = [
        f"{sha}{side}:./{ENTRIES_DIR}/{entry_id}.toml"
        for entry_id, sha in commits
        for side in ("", "^")
    ]
    out = _git(root, "cat-file", "--batch-check", stdin="".join(f"{n}\n" for n in names).encode())
    if out is None:
        return {}
    lines = out.decode("utf-8", "replace").splitlines()
    if len(lines) != len(names):
        return {}
    found: dict[tuple[str, str], _Version] = {}
    for index, commit in enumerate(commits):
        (blob, size), (parent, _) = (_check_line(line) for line in lines[2 * index : 2 * index + 2])
        found[commit] = _Version(blob, size, parent)
    return found


def _blobs(out: bytes) -> dict[str, bytes]:
    """The objects of ``cat-file --batch``: ``<sha> <type> <size>\\n<data>\\n`` each."""
    found: dict[str, bytes] = {}
    index = 0
    while index < len(out):
        end = out.find(b"\n", index)
        if end < 0:
            break
        parts = out[index:end].split()
        index = end + 1
        if len(parts) != 3 or not parts[2].isdigit():
            continue  # "<sha> missing"
        size = int(parts[2])
        found[parts[0].decode("ascii")] = out[index : index + size]
        index += size + 1
    return found


def _read(root: Path, shas: set[str]) -> dict[str, bytes]:
    if not shas:
        return {}
    request = "".join(f"{sha}\n" for sha in sorted(shas)).encode("ascii")
    out = _git(root, "cat-file", "--batch", stdin=request)
    return _blobs(out) if out is not None else {}


def _filing_commits(out: bytes, nonce: str) -> list[tuple[str, str, str, str, str]]:
    """``(commit, subject, kind, date, entry)`` of each commit carrying ``Filing-Kind``."""
    found = []
    field = b"\x1f" + nonce.encode("ascii")
    for record in out.split(b"\x1e" + nonce.encode("ascii"))[1:]:
        parts = record.split(field)
        if len(parts) < len(_FIELDS) or not parts[2].strip():
            continue
        commit, subject, kind, day, entry = (p.decode("utf-8", "replace") for p in parts[:5])
        found.append((commit, subject, kind.strip(), day.strip(), entry.strip()))
    return found


def names_as_filed(
    root: Path, filings: Mapping[FilingKey, tuple[str, str]], since: date | None = None
) -> FiledNames:
    """The department and name each of these filings was committed with.

    ``filings`` maps each filing wanted to its process's ``(department, name)``
    today; ``since``, the earliest filing date among them, bounds the log (from
    :data:`LOOK_BEHIND` before it). HEAD's log is read without a path limit (with
    one, git compares the ``entries/`` tree of every commit: seconds on a large
    register).
    """
    if not filings:
        return FiledNames()
    nonce = secrets.token_hex(8)
    fields = f"%x1f{nonce}".join(_FIELDS)
    bound = [f"--since={(since - LOOK_BEHIND).isoformat()}"] if since is not None else []
    out = _git(root, "log", f"--format=%x1e{nonce}{fields}", *bound, "HEAD")
    if out is None:
        return FiledNames()
    commits: list[tuple[FilingKey, str | None]] = []  # None: filed under today's names
    for commit, subject, kind, filing_date, entry in _filing_commits(out, nonce):
        day = date_or_none(filing_date)
        if kind not in KIND_WORDS or day is None:
            continue
        key = (entry, day, kind)
        today = filings.get(key)
        if today is not None:
            commits.append((key, None if filed_as(subject, kind, *today) else commit))
    versions = _versions(root, [(key[0], sha) for key, sha in commits if sha is not None])
    heads = entry_names(
        _read(
            root,
            {v.blob for v in versions.values() if v.blob and v.size <= MAX_FILE_BYTES},
        )
    )
    found: dict[FilingKey, list[tuple[str, str]]] = {}
    for key, sha in reversed(commits):  # the log is newest first
        if sha is None:
            found.setdefault(key, []).append(filings[key])
            continue
        version = versions.get((key[0], sha))
        if version is not None and (version.blob is None or version.blob == version.parent):
            continue  # the commit did not change this entry's file: not its filing
        # unread (None): a place kept, so that later filings of the key stay in step
        blob = version.blob if version is not None else None
        found.setdefault(key, []).append(heads.get(blob or "", ("", "")))
    return FiledNames(found)
