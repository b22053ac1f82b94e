"""What an interrupted write left behind, found without git: for ``todokede check``.

A filing publishes its commit before it rewrites the entry file, and notes
what it is doing in ``<git dir>/todokede-filing.json`` (the journal) until
both are done; a process killed in between leaves the journal, which the next
``file`` or ``sync`` reads to finish the filing. A git command killed while it
held a lock leaves ``index.lock`` or a ref's ``.lock``, which git then refuses
to touch. ``check`` names both; it reads no git objects, so it stays fast.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from registry.problems import Problem

JOURNAL_NAME: Final = "todokede-filing.json"
#: Lock files git leaves when killed while writing the index or a ref.
_GIT_LOCKS: Final = ("index.lock", "HEAD.lock", "packed-refs.lock", "config.lock")
#: git operations that stop half done on a conflict: the marker git leaves in its
#: directory, the operation in Japanese, and the git command that abandons it.
GIT_OPERATIONS: Final = (
    ("rebase-merge", "リベース", "rebase --abort"),
    ("rebase-apply", "リベース", "rebase --abort"),
    ("MERGE_HEAD", "マージ", "merge --abort"),
    ("CHERRY_PICK_HEAD", "チェリーピック", "cherry-pick --abort"),
    ("REVERT_HEAD", "リバート", "revert --abort"),
)


def operation_at(git_dir: Path) -> tuple[str, str, str] | None:
    """The git operation left half done in ``git_dir`` (marker, label, abort), or None."""
    for operation in GIT_OPERATIONS:
        if (git_dir / operation[0]).exists():
            return operation
    return None


@dataclass(frozen=True)
class PendingFiling:
    """A filing in progress: its commit, and the blobs of the file before and after."""

    entry: str
    path: str  # in the repository
    kind: str
    date: str
    commit: str
    head: str | None
    new_blob: str
    original_blob: str
    pid: int = 0  # of the filing process: names its temp file of the entry

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"


def git_dir_of(root: Path) -> Path | None:
    """The git directory of the repository holding ``root`` (``.git``, or what a
    ``.git`` file points to), or None."""
    root = root.resolve()
    for folder in (root, *root.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            if text.startswith("gitdir:"):
                return (folder / text[len("gitdir:") :].strip()).resolve()
            return None
    return None


def common_git_dir(git_dir: Path) -> Path:
    """What every worktree of ``git_dir``'s repository shares (objects, refs, the
    todokede lock): ``git_dir`` itself, or where its ``commondir`` file points."""
    try:
        shared = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return (git_dir / shared).resolve() if shared else git_dir


def read_journal(git_dir: Path) -> PendingFiling | None:
    """The interrupted filing noted in ``git_dir``, or None (an unreadable note too)."""
    try:
        data = json.loads((git_dir / JOURNAL_NAME).read_text(encoding="utf-8"))
        return PendingFiling(**{k: data.get(k) for k in PendingFiling.__dataclass_fields__})
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def journal_exists(git_dir: Path) -> bool:
    return (git_dir / JOURNAL_NAME).exists()


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def git_pending_problems(root: Path) -> list[Problem]:
    """An interrupted filing and git locks left behind, as warnings."""
    git_dir = git_dir_of(root)
    if git_dir is None:
        return []
    found: list[Problem] = []
    if journal_exists(git_dir):
        pending = read_journal(git_dir)
        where = f"entries/{pending.entry}.toml" if pending else _shown(git_dir / JOURNAL_NAME, root)
        what = f"{pending.date} の届出（{pending.kind}）" if pending else "届出"
        found.append(
            Problem(
                where,
                None,
                "",
                f"中断した{what}があります。次に todokede file か todokede sync を"
                "実行すると仕上げます（コミットとファイルを揃えます）",
                "warning",
            )
        )
    if operation := operation_at(git_dir):
        marker, label, abort = operation
        found.append(
            Problem(
                _shown(git_dir / marker, root),
                None,
                "",
                f"git の{label}の途中です（同期が中断したのかもしれません）。"
                f"終えるか git {abort} で中止してください",
                "warning",
            )
        )
    locks = [git_dir / name for name in _GIT_LOCKS]
    refs = git_dir / "refs"
    if refs.is_dir():
        locks += sorted(refs.rglob("*.lock"))
    for lock in locks:
        if lock.is_file():
            found.append(
                Problem(
                    _shown(lock, root),
                    None,
                    "",
                    "git の操作が中断した跡（ロックファイル）があります。ほかに git が"
                    "動いていなければ、このファイルを削除してください",
                    "warning",
                )
            )
    return found
