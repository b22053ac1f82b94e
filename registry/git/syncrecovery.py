"""Undo what a sync killed in the middle left behind, keeping every local filing.

A sync notes each step in its record (todokede.registry.files.pending.SyncRecord) before it
runs it. Killed (``kill -9``, a power cut, a closed terminal) in the middle of
its rebase, it leaves git's half-done rebase, HEAD detached on commits half
replayed, and perhaps the lock files of the git it ran (``index.lock``,
``HEAD.lock``). The next sync, holding the repository's lock (which the killed
sync's git commands shared: none of them still runs), finds the record and:

1. refuses while the recorded process still runs (a pid reused by another
   process is told apart by its start time);
2. leaves everything as it is when git's half-done operation is not the one
   the record names (a rebase the user started by hand is refused as ever);
3. removes the git lock files made while the recorded sync ran and held open
   by no running process; a lock older than the sync (another tool's) or one
   held open stays;
4. aborts the recorded rebase or merge back to the commit the sync started
   from (which holds every local filing); when git cannot abort (its notes
   half written: the disk was full), forgets it and puts the branch back;
   a file of the work tree that differs from every version the sync's commits
   hold (typed in after the crash) is written back afterwards, so that nothing
   typed is lost;
5. drops the record; the sync then runs again from the start, as any sync.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from todokede.registry.files.pending import (
    SyncRecord,
    git_lock_files,
    held_open,
    operation_at,
    process_alive,
    read_sync_record,
    remove_sync_record,
    sync_left,
    sync_owns_operation,
    sync_record_exists,
)
from todokede.registry.git.gitrun import GitFailed, GitRunner
from todokede.registry.schema.errors import RegisterError

#: Where the system cannot say which files are open (no /proc), a lock file
#: younger than this may belong to a git running now and is left alone.
_UNSEEN_LOCK_AGE: Final = 10.0
#: Status codes of a path git holds in conflict (its worktree file is git's).
_UNMERGED: Final = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


@dataclass
class _Recovered:
    operation: str = ""  # "リベース" or "マージ", when one was undone
    locks: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def recover_interrupted_sync(run: GitRunner) -> list[str]:
    """Put right what an interrupted sync left in ``run.git_dir``; notes for the user.

    Call with the repository's lock held and the lock handed to ``run``.
    """
    git_dir = run.git_dir
    if not sync_record_exists(git_dir):
        return []
    record = read_sync_record(git_dir)
    if record is None:  # not a record todokede wrote whole: nothing to go by
        remove_sync_record(git_dir)
        return []
    if record.pid != os.getpid() and process_alive(record.pid, record.pid_started):
        raise RegisterError(
            f"前回の同期（プロセス {record.pid}）がまだ動いています。"
            "終わってからもう一度実行してください"
        )
    operation = operation_at(git_dir)
    if operation is not None and not sync_owns_operation(git_dir, record):
        return []  # someone's own rebase or merge: refused as ever, nothing touched
    done = _Recovered(locks=_remove_stale_locks(git_dir, run.work_tree, record))
    if operation is not None:
        kept = _edits_to_keep(run, record)
        _undo(run, operation[0])
        done.operation = operation[1]
        done.kept = tuple(sorted(kept))
        _settle(run, record, kept)
    elif (
        record.step == "merge" and run("rev-parse", "HEAD") == record.head and tracked_changes(run)
    ):
        # A merge that merges cleanly writes the work tree with no MERGE_HEAD: killed
        # before its commit, HEAD is where it was and the files half merged.
        kept = _edits_to_keep(run, record)
        done.operation = "マージ"
        done.kept = tuple(sorted(kept))
        _settle(run, record, kept)
    remove_sync_record(git_dir)
    return [note] if (note := _note(run, record, done)) else []


def _remove_stale_locks(git_dir: Path, work_tree: Path, record: SyncRecord) -> tuple[str, ...]:
    """The lock files the recorded sync left, removed: made while it ran, held by nobody."""
    locks = [lock for lock in git_lock_files(git_dir) if sync_left(lock, record)]
    if not locks:
        return ()
    held = held_open(locks)
    if held is None:
        now = time.time()
        held = {lock for lock in locks if now - _mtime(lock) < _UNSEEN_LOCK_AGE}
    if busy := [lock for lock in locks if lock in held]:
        raise RegisterError(
            f"git が実行中です（{'、'.join(_shown(lock, work_tree) for lock in busy)} を"
            "使っています）。終わってからもう一度実行してください"
        )
    for lock in locks:
        lock.unlink(missing_ok=True)
    return tuple(_shown(lock, work_tree) for lock in locks)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _shown(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _undo(run: GitRunner, marker: str) -> None:
    """Abort the rebase or merge; when git cannot (its notes are half written),
    forget it, leaving HEAD and the files for :func:`_settle`."""
    command = "merge" if marker == "MERGE_HEAD" else "rebase"
    try:
        run(command, "--abort")
    except GitFailed:
        run(command, "--quit")


def tracked_changes(run: GitRunner) -> list[tuple[str, str]]:
    """(status, path) of each tracked path that differs from HEAD or the index."""
    tokens = run("status", "--porcelain", "-z", "--untracked-files=no").split("\0")
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if len(token) < 4:
            continue
        found.append((token[:2], token[3:]))
        if token[0] in "RC":  # a rename names its source next
            index += 1
    return found


def _edits_to_keep(run: GitRunner, record: SyncRecord) -> dict[str, bytes]:
    """Files of the work tree (path: content) that no commit of the sync holds as
    they are now: typed in since, not left by git's half-done replay."""
    paths = [
        path
        for status, path in tracked_changes(run)
        if status not in _UNMERGED and "\n" not in path and (run.work_tree / path).is_file()
    ]
    if not paths:
        return {}
    now = run("hash-object", "--", *paths).splitlines()
    commits = {"HEAD", record.head}
    if record.upstream:
        commits.add(record.upstream)
        commits.update(run("rev-list", f"{record.upstream}...{record.head}").split())
    asked = [(path, commit) for path in paths for commit in sorted(commits)]
    answers = run(
        "cat-file", "--batch-check=%(objectname)", input="".join(f"{c}:{p}\n" for p, c in asked)
    ).splitlines()
    known: dict[str, set[str]] = {path: set() for path in paths}
    for (path, _), answer in zip(asked, answers, strict=False):
        if not answer.endswith(" missing"):
            known[path].add(answer.strip())
    return {
        path: (run.work_tree / path).read_bytes()
        for path, sha in zip(paths, now, strict=True)
        if sha not in known[path]
    }


def _settle(run: GitRunner, record: SyncRecord, kept: dict[str, bytes]) -> None:
    """HEAD back on the recorded branch, the work tree as the branch holds it, the
    files typed in since written back, the remote's files a killed checkout left
    untracked removed (they are the remote's, byte for byte)."""
    branch = f"refs/heads/{record.branch}"
    try:
        current = run("symbolic-ref", "-q", "HEAD")
    except GitFailed:  # detached: the rebase was forgotten, not aborted
        run("rev-parse", "--verify", "--quiet", branch)
        run("symbolic-ref", "-m", "todokede sync: 中断した同期から戻す", "HEAD", branch)
        current = branch
    if current != branch:
        return  # another branch: not what the sync left
    if tracked_changes(run):
        run("reset", "-q", "--hard", "HEAD")
    if record.upstream:
        _drop_remote_leftovers(run, record.upstream)
    if kept:
        from todokede.registry.files.store import atomic_write  # pydantic: only when needed

        for path, data in kept.items():
            atomic_write(run.work_tree / path, data)


def _drop_remote_leftovers(run: GitRunner, upstream: str) -> None:
    added = [
        path
        for path in run("diff", "--name-only", "-z", "--diff-filter=A", "HEAD", upstream).split(
            "\0"
        )
        if path and (run.work_tree / path).is_file()
    ]
    if not added:
        return
    tracked = set(run("ls-files", "-z", "--", *added).split("\0"))
    untracked = [path for path in added if path not in tracked]
    if not untracked:
        return
    ours = run("hash-object", "--", *untracked).splitlines()
    theirs = run("rev-parse", *(f"{upstream}:{path}" for path in untracked)).splitlines()
    for path, mine, remote in zip(untracked, ours, theirs, strict=True):
        if mine == remote:
            (run.work_tree / path).unlink()


def _note(run: GitRunner, record: SyncRecord, done: _Recovered) -> str:
    """One line: what was recovered; empty when nothing was."""
    parts: list[str] = []
    if done.operation:
        now = run("rev-parse", "HEAD")
        if now == record.head:
            parts.append(
                f"途中の{done.operation}を取り消して {record.branch} を元のコミット "
                f"{record.head[:10]} に戻し"
            )
        else:  # the rebase had moved the branch already: its result is kept
            parts.append(
                f"途中の{done.operation}を片付けて {record.branch} を{done.operation}済みの"
                f"コミット {now[:10]} にそろえ"
            )
    if done.locks:
        parts.append(f"残っていたロックファイル（{'、'.join(done.locks)}）を削除し")
    if done.kept:
        parts.append(f"その後に書き換えられた {'、'.join(done.kept)} はその内容のまま残し")
    if not parts:
        return ""
    return (
        f"中断していた同期（プロセス {record.pid}）の後始末をしました: {'、'.join(parts)}"
        "ました。手元の届出はすべて残っています"
    )
