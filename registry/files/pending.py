"""What an interrupted write left behind, found without git: for ``todokede check``.

A filing publishes its commit before it rewrites the entry file, and notes
what it is doing in ``<git dir>/todokede-filing.json`` (the journal) until
both are done; a process killed in between leaves the journal, which the next
``file`` or ``sync`` reads to finish the filing. A git command killed while it
held a lock leaves ``index.lock`` or a ref's ``.lock``, which git then refuses
to touch. ``check`` names both; it reads no git objects, so it stays fast.

A sync notes itself the same way in ``<git dir>/todokede-sync.json`` (the sync
record): its process, the branch and HEAD it started from, and the step it is
at (a rebase or merge about to run). A sync killed in the middle leaves the
record, and the next sync reads it to undo what that sync left half done
(todokede.registry.git.syncrecovery); only what the record says was its own, and only once
its process is gone.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from todokede.registry.schema.problems import Problem

JOURNAL_NAME: Final = "todokede-filing.json"
SYNC_RECORD_NAME: Final = "todokede-sync.json"
#: todokede's own lock file (an flock on it, never a file to remove).
_TODOKEDE_LOCK: Final = "todokede.lock"
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


# -- the sync record ---------------------------------------------------------------------

#: The steps a sync records: started (fetching), a rebase or a merge about to run
#: (until it ends), pushing (the rebase or merge done).
SYNC_STEPS: Final = ("start", "rebase", "merge", "push")


@dataclass(frozen=True)
class SyncRecord:
    """A sync in progress, as noted before each of its steps."""

    step: str
    pid: int
    pid_started: str  # the process's start as /proc says it ("" where unknown)
    started: float  # seconds since the epoch, when the sync began
    branch: str  # "main": HEAD's branch when the sync began
    head: str  # the branch's commit then
    remote: str
    upstream: str = ""  # the remote commit a rebase or merge puts under HEAD

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"


def sync_record_exists(git_dir: Path) -> bool:
    return (git_dir / SYNC_RECORD_NAME).exists()


def read_sync_record(git_dir: Path) -> SyncRecord | None:
    """The sync noted in ``git_dir``, or None (none, or a note not of this shape)."""
    try:
        data = json.loads((git_dir / SYNC_RECORD_NAME).read_text(encoding="utf-8"))
        record = SyncRecord(**{k: data[k] for k in SyncRecord.__dataclass_fields__ if k in data})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    shapes = (
        isinstance(record.pid, int),
        isinstance(record.started, int | float),
        record.step in SYNC_STEPS,
        all(isinstance(v, str) for v in (record.pid_started, record.branch, record.head)),
        isinstance(record.remote, str) and isinstance(record.upstream, str),
    )
    return record if all(shapes) else None


def write_sync_record(git_dir: Path, record: SyncRecord) -> None:
    """Note the sync whole or not at all (temp file, fsync, rename, fsync folder)."""
    path = git_dir / SYNC_RECORD_NAME
    temp = git_dir / f".{SYNC_RECORD_NAME}.{os.getpid()}.tmp"
    try:
        with temp.open("w", encoding="utf-8") as handle:
            handle.write(record.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(git_dir)


def _state(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def sync_owns_operation(git_dir: Path, record: SyncRecord) -> bool:
    """Whether the half-done rebase or merge in ``git_dir`` is the one the recorded
    sync started: the record says it was running one, and what git noted of it
    (branch, original commit, the commit put under it) is the record's. What git
    did not get to write yet (a rebase killed as it began) does not count against it.
    """
    operation = operation_at(git_dir)
    if operation is None or record.step not in ("rebase", "merge"):
        return False
    marker = operation[0]
    if record.step == "merge":
        return marker == "MERGE_HEAD" and _state(git_dir / marker) == record.upstream
    if marker not in ("rebase-merge", "rebase-apply"):
        return False
    expected = {
        "head-name": f"refs/heads/{record.branch}",
        "orig-head": record.head,
        "onto": record.upstream,
    }
    return all(_state(git_dir / marker / name) in ("", value) for name, value in expected.items())


def interrupted_sync_operation(git_dir: Path) -> bool:
    """Whether git's half-done rebase or merge in ``git_dir`` is an interrupted
    sync's (its process gone): the next sync undoes it."""
    record = read_sync_record(git_dir) if sync_record_exists(git_dir) else None
    return (
        record is not None
        and not process_alive(record.pid, record.pid_started)
        and sync_owns_operation(git_dir, record)
    )


def remove_sync_record(git_dir: Path) -> None:
    (git_dir / SYNC_RECORD_NAME).unlink(missing_ok=True)
    for temp in git_dir.glob(f".{SYNC_RECORD_NAME}.*.tmp"):  # a note never written whole
        temp.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    if sys.platform == "win32":  # folders cannot be opened there; NTFS journals renames
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- processes and the files they hold open ------------------------------------------------


def process_started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, from /proc), "" if unknown.

    With the pid it names one process: a pid the system gave again to a new
    process has another start.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def process_alive(pid: int, started: str = "") -> bool:
    """Whether process ``pid`` (started at ``started``, when known) still runs.

    A zombie (dead, not yet waited for) is gone: it holds no file and no lock.
    """
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would end it there; no cheap question to ask
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: it exists
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:  # gone just now, or a system without /proc: trust kill(0)
        return not Path("/proc/self/stat").exists()
    except OSError:
        return True
    fields = stat.rpartition(")")[2].split()
    if fields and fields[0] in ("Z", "X"):
        return False
    return not started or (len(fields) > 19 and fields[19] == started)


def held_open(paths: Iterable[Path]) -> set[Path] | None:
    """Which of ``paths`` a running process has open (from /proc), or None where the
    system cannot tell. Processes of other users whose files cannot be read are
    not seen (a git lock file is its own user's)."""
    wanted = {str(path.resolve()): path for path in paths}
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return None
    found: set[Path] = set()
    if not wanted:
        return found
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            fds = os.scandir(f"/proc/{entry.name}/fd")
        except OSError:
            continue
        with fds:
            for fd in fds:
                try:
                    target = str(Path(fd.path).readlink())
                except OSError:
                    continue
                if target in wanted:
                    found.add(wanted[target])
    return found


def git_lock_files(git_dir: Path) -> list[Path]:
    """Lock files git left in ``git_dir`` and in the repository's shared part: the
    index's, HEAD's and other top-level refs', packed-refs', config's and every ref's
    (todokede's own lock, an flock, is not one of them)."""
    folders = [git_dir]
    common = common_git_dir(git_dir)
    if common != git_dir:
        folders.append(common)
    found: list[Path] = []
    for folder in folders:
        found += sorted(
            path
            for path in folder.glob("*.lock")
            if path.name != _TODOKEDE_LOCK and path.is_file() and not path.is_symlink()
        )
        refs = folder / "refs"
        if refs.is_dir():
            found += sorted(path for path in refs.rglob("*.lock") if path.is_file())
    return found


def sync_left(lock: Path, record: SyncRecord) -> bool:
    """Whether ``lock`` was made while the recorded sync ran (not before it began)."""
    try:
        made = lock.stat().st_mtime
    except OSError:
        return False
    return record.started - 1.0 <= made <= time.time() + 1.0  # coarse clocks of some disks


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
    record = read_sync_record(git_dir) if sync_record_exists(git_dir) else None
    if record is not None and process_alive(record.pid, record.pid_started):
        record = None  # a sync running now: what it holds is not left behind
    if record is not None:
        found.append(
            Problem(
                _shown(git_dir / SYNC_RECORD_NAME, root),
                None,
                "",
                f"中断した同期（プロセス {record.pid}）の記録があります。次に todokede sync を"
                "実行すると、その同期が途中で残したものを片付けてから同期し直します",
                "warning",
            )
        )
    if operation := operation_at(git_dir):
        marker, label, abort = operation
        ours = record is not None and sync_owns_operation(git_dir, record)
        found.append(
            Problem(
                _shown(git_dir / marker, root),
                None,
                "",
                f"中断した同期の git の{label}が途中のままです。todokede sync を実行すると"
                "取り消して（手元の届出はそのまま）同期し直します"
                if ours
                else f"git の{label}の途中です（同期が中断したのかもしれません）。"
                f"終えるか git {abort} で中止してください",
                "warning",
            )
        )
    for lock in git_lock_files(git_dir):
        left = record is not None and sync_left(lock, record)
        found.append(
            Problem(
                _shown(lock, root),
                None,
                "",
                "中断した同期が残した git のロックファイルがあります。todokede sync を実行すると"
                "削除します"
                if left
                else "git の操作が中断した跡（ロックファイル）があります。ほかに git が"
                "動いていなければ、このファイルを削除してください",
                "warning",
            )
        )
    return found
