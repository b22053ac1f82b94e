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

from todokede.registry.access.table import (
    OVERSIZED,
    UNREADABLE,
    CommitChanges,
    PathChange,
    Version,
    read_version,
)
from todokede.registry.git.repository import ObjectReader
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.limits import MAX_FILE_BYTES

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
class RawChange:
    path: str
    before: tuple[tuple[str, str], ...]  # (mode, sha) per parent
    after: tuple[str, str]


def _parse_diff_tree(out: bytes) -> dict[str, list[RawChange]]:
    """``git diff-tree --stdin -r -c -z --root`` output: commit → its raw changes."""
    tokens = out.split(b"\0")
    found: dict[str, list[RawChange]] = {}
    current: list[RawChange] | None = None
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
        current.append(RawChange(path, before, (modes[parents], shas[parents])))
    return found


@dataclass(frozen=True)
class Blobs:
    """Entry versions read for judging: small blobs' bytes, and the ids refused by size."""

    data: dict[str, bytes]
    oversized: frozenset[str] = frozenset()

    @classmethod
    def read(cls, reader: ObjectReader, shas: Sequence[str]) -> Blobs:
        """Read the blobs of at most :data:`MAX_FILE_BYTES`; larger ones are never loaded."""
        data, large = reader.read_small(shas, MAX_FILE_BYTES)
        return cls(data, frozenset(large))


def _version(mode: str, sha: str, blobs: Blobs) -> Version | None:
    if mode == _ABSENT:
        return None
    if mode in _REGULAR and sha in blobs.oversized:
        return OVERSIZED
    if mode not in _REGULAR or sha not in blobs.data:
        return UNREADABLE  # a symbolic link, a submodule, an object that is not there
    return read_version(blobs.data[sha])


def entry_blobs(changes: Sequence[RawChange], prefix: str = "") -> list[str]:
    """The blob ids of every regular entry-file version among ``changes``."""
    wanted: list[str] = []
    for change in changes:
        if PathChange(change.path[len(prefix) :]).entry is not None:
            wanted += [sha for mode, sha in (*change.before, change.after) if mode in _REGULAR]
    return wanted


def path_change(change: RawChange, blobs: Blobs, prefix: str = "") -> PathChange:
    """A raw change as the rules read it: entry files with their versions."""
    path = change.path[len(prefix) :]
    if PathChange(path).entry is None:
        return PathChange(path)
    return PathChange(
        path,
        tuple(_version(mode, blob, blobs) for mode, blob in change.before),
        _version(*change.after, blobs),
    )


def diff_pairs(git_dir: Path, pairs: Sequence[tuple[str, str | None]]) -> list[list[RawChange]]:
    """What changed from ``parent`` to ``child``, for each pair, in one ``git diff-tree``.

    A pair ``(child, None)`` compares a root commit with the empty tree. Unlike
    ``-c``, every path that differs from the parent is listed, so a merge is
    judged against each of its parents, one pair each.
    """
    if not pairs:
        return []
    request = "".join(f"{child} {parent}\n" if parent else f"{child}\n" for child, parent in pairs)
    out = git_output(
        git_dir,
        "diff-tree",
        "--stdin",
        "--always",
        "-r",
        "-z",
        "--root",
        "--no-renames",
        stdin=request.encode("ascii"),
    )
    blocks: list[list[RawChange]] = []
    tokens = out.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.startswith(b":") and blocks and index < len(tokens):
            fields = token[1:].decode("ascii").split()
            path = tokens[index].decode("utf-8", "surrogateescape")
            index += 1
            blocks[-1].append(RawChange(path, ((fields[0], fields[2]),), (fields[1], fields[3])))
        elif token.strip():
            blocks.append([])
    if len(blocks) != len(pairs):
        raise RegisterError("git diff-tree の出力を読めません")
    return blocks


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
    kept: dict[str, list[RawChange]] = {
        sha: [c for c in raw.get(sha, []) if c.path.startswith(prefix)] for sha in commits
    }
    wanted = entry_blobs([c for raw_changes in kept.values() for c in raw_changes], prefix)
    own = reader is None
    objects = reader or ObjectReader(git_dir)
    try:
        blobs = Blobs.read(objects, wanted)
        heads = objects.read(commits) if authors else {}
    finally:
        if own:
            objects.close()
    result: list[CommitChanges] = []
    for sha in commits:
        changes = tuple(path_change(change, blobs, prefix) for change in kept[sha])
        name, email, day = _author(heads.get(sha)) if authors else ("", "", "")
        result.append(CommitChanges(sha, changes, name, email, day))
    return result
