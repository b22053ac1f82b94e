"""What commits changed, read in bulk for the permission rules (hook and audit).

One ``git diff-tree --stdin`` process lists the paths every commit changed (a
merge through ``-c``: only the paths that differ from every parent, the ones the
merge itself decided), one ``git cat-file --batch`` process reads the entry
versions and the commits' authors. No process per commit or per file. The
environment passes on, so inside a pre-receive hook the objects of the push,
still in quarantine, are read too.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from registry.access import UNREADABLE, CommitChanges, PathChange, Version, read_version
from registry.errors import RegisterError
from registry.gitrepo import ObjectReader

_REGULAR: Final = frozenset({"100644", "100755"})
_ABSENT: Final = "000000"


def git_output(git_dir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git on ``git_dir`` (environment kept); its stdout, RegisterError on failure."""
    result = subprocess.run(
        ["git", *args],
        cwd=git_dir,
        env={**os.environ, "GIT_DIR": str(git_dir)},
        input=stdin,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RegisterError(f"git {args[0]} に失敗しました: {detail[-1] if detail else ''}")
    return result.stdout


def rev_list(git_dir: Path, *args: str) -> list[str]:
    """``git rev-list`` shas (no process per commit)."""
    return git_output(git_dir, "rev-list", *args).decode("ascii").split()


@dataclass(frozen=True)
class _RawChange:
    path: str
    before: tuple[tuple[str, str], ...]  # (mode, sha) per parent
    after: tuple[str, str]


def _parse_diff_tree(out: bytes) -> dict[str, list[_RawChange]]:
    """``git diff-tree --stdin -r -c -z --root`` output: commit → its raw changes."""
    tokens = out.split(b"\0")
    found: dict[str, list[_RawChange]] = {}
    current: list[_RawChange] | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if not token.startswith(b":"):
            if token.strip():
                current = found.setdefault(token.strip().decode("ascii"), [])
            continue
        if index >= len(tokens) or current is None:
            break
        path = tokens[index].decode("utf-8", "surrogateescape")
        index += 1
        parents = len(token) - len(token.lstrip(b":"))
        fields = token.lstrip(b":").decode("ascii").split()
        modes, shas = fields[: parents + 1], fields[parents + 1 : 2 * parents + 2]
        before = tuple(zip(modes[:parents], shas[:parents], strict=True))
        current.append(_RawChange(path, before, (modes[parents], shas[parents])))
    return found


def _version(mode: str, sha: str, blobs: dict[str, bytes]) -> Version | None:
    if mode == _ABSENT:
        return None
    if mode not in _REGULAR or sha not in blobs:
        return UNREADABLE  # a symbolic link, a submodule, an object that is not there
    return read_version(blobs[sha])


def _author(data: bytes | None) -> tuple[str, str, str]:
    """Name, email and ISO day of a raw commit's author line (empty when unreadable)."""
    for line in (data or b"").split(b"\n"):
        if not line:
            break
        if line.startswith(b"author "):
            text = line[7:].decode("utf-8", "replace")
            close = text.rfind(">")
            open_ = text.rfind("<", 0, close)
            if close < 0 or open_ < 0:
                return text.strip(), "", ""
            stamp = text[close + 1 :].split()
            day = ""
            if stamp and stamp[0].lstrip("-").isdigit():
                try:
                    day = datetime.fromtimestamp(int(stamp[0]), UTC).date().isoformat()
                except (OverflowError, OSError, ValueError):
                    day = ""
            return text[:open_].strip(), text[open_ + 1 : close].strip(), day
    return "", "", ""


def read_changes(
    git_dir: Path,
    commits: Sequence[str],
    prefix: str = "",
    reader: ObjectReader | None = None,
    authors: bool = False,
) -> list[CommitChanges]:
    """The changes of each commit to the register at ``prefix`` (``""`` or ``"sub/"``).

    Paths outside the register's folder are left out; entry versions are read.
    """
    if not commits:
        return []
    out = git_output(
        git_dir,
        "diff-tree",
        "--stdin",
        "-r",
        "-c",
        "-z",
        "--root",
        "--no-renames",
        stdin="".join(f"{sha}\n" for sha in commits).encode("ascii"),
    )
    raw = _parse_diff_tree(out)
    kept: dict[str, list[_RawChange]] = {
        sha: [c for c in raw.get(sha, []) if c.path.startswith(prefix)] for sha in commits
    }
    wanted: list[str] = []
    for raw_changes in kept.values():
        for change in raw_changes:
            if PathChange(change.path[len(prefix) :]).entry is not None:
                wanted += [sha for mode, sha in (*change.before, change.after) if mode in _REGULAR]
    own = reader is None
    objects = reader or ObjectReader(git_dir)
    try:
        blobs = objects.read(wanted)
        heads = objects.read(commits) if authors else {}
    finally:
        if own:
            objects.close()
    result: list[CommitChanges] = []
    for sha in commits:
        changes: list[PathChange] = []
        for change in kept[sha]:
            path = change.path[len(prefix) :]
            if PathChange(path).entry is None:
                changes.append(PathChange(path))
                continue
            changes.append(
                PathChange(
                    path,
                    tuple(_version(mode, blob, blobs) for mode, blob in change.before),
                    _version(*change.after, blobs),
                )
            )
        name, email, day = _author(heads.get(sha)) if authors else ("", "", "")
        result.append(CommitChanges(sha, tuple(changes), name, email, day))
    return result
