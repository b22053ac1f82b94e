"""Malformed git trees, found in the raw object before anything trusts its names.

A tree written with ``git mktree`` or ``hash-object --literally`` can hold one
name twice, a mode git never writes, or a name git's checkout refuses (``..``,
``.git``). Diff tools then disagree on what the tree holds, so the pre-receive
hook refuses such a tree outright. The checks follow ``git fsck``'s errors
(duplicateEntries, treeNotSorted, badFilemode, zeroPaddedFilemode, hasDot,
hasDotdot, hasDotgit, emptyName, fullPathname, badTree). Pure: bytes in,
Japanese reasons out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: The modes git itself writes into a tree.
VALID_MODES: Final = frozenset({b"100644", b"100755", b"120000", b"40000", b"160000"})
TREE_MODE: Final = b"40000"
#: Bytes of an object id in each object format.
HASH_BYTES: Final = {"sha1": 20, "sha256": 32}


@dataclass(frozen=True)
class RawItem:
    """One item of a tree as stored: mode and name as bytes, the id in hex."""

    mode: bytes
    name: bytes
    sha: str

    @property
    def is_tree(self) -> bool:
        return self.mode == TREE_MODE


class MalformedTree(ValueError):
    """A tree object whose bytes do not parse as git's tree format."""


def parse_raw_tree(data: bytes, hash_bytes: int) -> list[RawItem]:
    """Every item of a raw tree object, as stored; MalformedTree when it does not parse."""
    items: list[RawItem] = []
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        nul = data.find(b"\0", space + 1) if space >= 0 else -1
        end = nul + 1 + hash_bytes
        if space < 0 or nul < 0 or end > len(data):
            raise MalformedTree("ツリーのデータが途中で切れています")
        items.append(RawItem(data[pos:space], data[space + 1 : nul], data[nul + 1 : end].hex()))
        pos = end
    return items


def _sort_key(item: RawItem) -> bytes:
    """Git orders a tree by name, a subtree's name read as if it ended with ``/``."""
    return item.name + b"/" if item.is_tree else item.name


def _dotgit(name: bytes) -> bool:
    """``.git`` as any file system might read it (case, trailing dots or spaces, 8.3)."""
    folded = name.lower().rstrip(b". ")
    return folded in (b".git", b"git~1")


def _name_problem(name: bytes) -> str | None:
    shown = name.decode("utf-8", "backslashreplace")
    if not name:
        return "名前が空の項目があります"
    if b"/" in name:
        return f"名前に / を含む項目があります（{shown}）"
    if name in (b".", b".."):
        return f"名前が「{shown}」の項目があります"
    if _dotgit(name):
        return f"git が使う名前「{shown}」の項目があります"
    return None


def tree_problems(data: bytes, hash_bytes: int = 20) -> list[str]:
    """Why a raw tree object is malformed (empty when it is well formed), in Japanese."""
    try:
        items = parse_raw_tree(data, hash_bytes)
    except MalformedTree as error:
        return [str(error)]
    problems: list[str] = []
    seen: set[bytes] = set()
    previous: bytes | None = None
    for item in items:
        shown = item.name.decode("utf-8", "backslashreplace")
        if item.mode not in VALID_MODES:
            problems.append(
                f"「{shown}」の種類（mode {item.mode.decode('ascii', 'replace')}）が不正です"
            )
        if problem := _name_problem(item.name):
            problems.append(problem)
        key = _sort_key(item)
        if item.name in seen:
            problems.append(f"同じ名前「{shown}」の項目が2つ以上あります")
        elif previous is not None and key <= previous:
            problems.append(f"「{shown}」が git の順に並んでいません")
        seen.add(item.name)
        previous = key
    return list(dict.fromkeys(problems))
