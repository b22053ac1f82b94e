"""Named points where a test may kill the process, to prove that writes survive a crash.

A filing or a save must leave every file whole-old or whole-new whatever moment
the process dies at. Timed kills hit the interesting moments (between the
rename of a file and the update of a ref) only by luck, so the steps of a write
call :func:`crash_point` with a label, and a test sets ``TODOKEDE_CRASH_AT`` to
one label (``write:renamed``), or to a label and the how-many-th time it is
reached (``write:renamed#2``: the second file written), to have the process
killed there (SIGKILL: no ``finally``, no flush, as ``kill -9`` would).
Without the variable the call is one dictionary lookup and nothing else; no
user sets it.

``TODOKEDE_FAIL_WRITE`` names a file whose writes fail as on a full disk
(:func:`fail_point`): a disk filling up between a filing's commit and the
rewrite of its entry file, which the tests cannot cause otherwise (temp files
have random names, and permissions do not stop root).
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path
from typing import Final

ENV_VAR: Final = "TODOKEDE_CRASH_AT"
FAIL_VAR: Final = "TODOKEDE_FAIL_WRITE"
_reached: dict[str, int] = {}


def crash_point(label: str) -> None:
    """Die here, as by ``kill -9``, when ``TODOKEDE_CRASH_AT`` names this point."""
    if (wanted := os.environ.get(ENV_VAR)) is not None:
        _maybe_die(label, wanted)


def _maybe_die(label: str, wanted: str) -> None:
    name, _, nth = wanted.partition("#")
    if name != label:
        return
    _reached[label] = _reached.get(label, 0) + 1
    if _reached[label] == (int(nth) if nth.isdigit() else 1):
        os.kill(os.getpid(), signal.SIGKILL)


def fail_point(path: Path) -> None:
    """Raise a full disk's error when ``TODOKEDE_FAIL_WRITE`` names ``path``."""
    if (named := os.environ.get(FAIL_VAR)) is not None and (
        Path(named).resolve() == path.resolve()
    ):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
