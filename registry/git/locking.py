"""One todokede at a time changes a repository: filings and syncs take a lock.

Two ``todokede file`` runs at once would both build their commit on the same
HEAD; the compare-and-swap ``update-ref`` keeps the branch whole, but the loser
would fail. With the lock the second waits for the first and then files on top
of it. The lock is an OS file lock (``flock``; ``msvcrt.locking`` on Windows)
on ``<git dir>/todokede.lock``: the kernel releases it when its process dies,
even by ``kill -9``, so a crash never leaves a stale lock behind. The file
itself stays (removing a lock file races with the next taker). A sync hands the
lock down to the git commands it runs, so that a git left running by a killed
sync still holds it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from todokede.registry.schema.errors import RegisterError

LOCK_NAME: Final = "todokede.lock"
TIMEOUT_ENV: Final = "TODOKEDE_LOCK_TIMEOUT"
DEFAULT_TIMEOUT: Final = 60.0
_POLL: Final = 0.02


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_timeout() -> float:
    """How long a taker waits for the lock (``TODOKEDE_LOCK_TIMEOUT``, else 60 s)."""
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


@contextmanager
def repository_lock(git_dir: str | os.PathLike[str], timeout: float | None = None) -> Iterator[int]:
    """Hold the repository's todokede lock; wait up to ``timeout`` seconds for it.

    Yields the lock file's descriptor: a child process given it (``pass_fds``)
    shares the lock, which then lasts until the child is gone too (todokede.registry.git.gitrun).
    """
    path = Path(git_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise RegisterError(
            f"ロックファイルを作れません: {path}（{error.strerror or error}）"
        ) from None
    try:
        deadline = time.monotonic() + (lock_timeout() if timeout is None else timeout)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise RegisterError(
                    "同じ登録簿で別の todokede（届出か同期）が実行中です。"
                    "終わってからもう一度実行してください"
                )
            time.sleep(_POLL)
        yield fd  # closing the file below releases the lock (once no child shares it)
    finally:
        os.close(fd)
