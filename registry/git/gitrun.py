"""How ``todokede sync`` runs git: never waiting for a person, never outliving its lock.

Every git command of a sync runs here, with:

- no prompt of any kind: ``GIT_TERMINAL_PROMPT=0``; ``GIT_ASKPASS`` set empty,
  which makes git skip ``core.askPass`` and ``SSH_ASKPASS`` as well (and
  ``SSH_ASKPASS`` is removed for ssh itself); ``GCM_INTERACTIVE=never`` for Git
  Credential Manager. A command that talks to the remote also runs in a session
  of its own, without a controlling terminal, so that nothing it starts (ssh
  asking for a password or a passphrase, a host key question) can open
  ``/dev/tty`` and wait there: it fails, and the sync says why. Credential
  helpers that answer without asking (``store``, ``cache``, an agent) still work.
- git's English (``LC_ALL=C``, as GitPython runs it), so that a failure can be
  told apart (todokede.registry.git.gitfailure);
- the repository's todokede lock handed down (``pass_fds``): an ``flock`` belongs
  to the open file, which the child then shares, so the lock stays held until
  the sync *and every git it started* are gone. A sync killed while its ``git
  rebase`` runs on leaves that git holding the lock: the next sync waits for it
  instead of recovering under its feet. ``gc.autoDetach=false`` keeps a
  background ``gc --auto`` from holding the lock after the command returns.

The rest of the environment passes on (a local remote's hook reads
``REMOTE_USER`` from it, as a server would set it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

#: Set for every git command of a sync.
QUIET_ENV: Final[Mapping[str, str]] = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS_REQUIRE": "never",
    "GCM_INTERACTIVE": "never",
    "GIT_MERGE_AUTOEDIT": "no",
    "LC_ALL": "C",
    "LANGUAGE": "C",
}
#: Removed from the environment of every git command of a sync.
DROPPED_ENV: Final = ("SSH_ASKPASS",)
_CONFIG: Final = ("-c", "gc.autoDetach=false", "-c", "maintenance.autoDetach=false")
#: How long a git command interrupted (Ctrl+C) gets to clean up its lock files.
_GRACE: Final = 5.0


class GitFailed(Exception):
    """A git command exited with an error: its arguments, status and output."""

    def __init__(self, args: list[str], status: int, stdout: str, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)}: {status}")
        self.command = args
        self.status = status
        self.stdout = stdout
        self.stderr = stderr

    @property
    def output(self) -> str:
        return f"{self.stderr}\n{self.stdout}"


def quiet_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
    env.update(QUIET_ENV)
    return env


class GitRunner:
    """Runs git in one work tree, handing down the repository's lock to each command."""

    def __init__(self, work_tree: Path, git_dir: Path, lock_fd: int | None = None) -> None:
        self.work_tree = work_tree
        self.git_dir = git_dir
        self.lock_fd = lock_fd

    def __call__(self, *args: str, network: bool = False, input: str | None = None) -> str:
        """git's output (one final newline removed); GitFailed when it exits non-zero.

        ``network``: the command talks to a remote (fetch, push, ls-remote): it
        runs without a controlling terminal (see the module's note).
        """
        command = ["git", *_CONFIG, *args]
        keep = (self.lock_fd,) if self.lock_fd is not None and sys.platform != "win32" else ()
        process = subprocess.Popen(
            command,
            cwd=self.work_tree,
            env=quiet_env(),
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=network,
            pass_fds=keep,
        )
        try:
            out, err = process.communicate(input.encode("utf-8") if input is not None else None)
        except BaseException:  # Ctrl+C: let git remove its lock files, then go
            _stop(process, network)
            raise
        stdout = out.decode("utf-8", "surrogateescape")
        stderr = err.decode("utf-8", "replace")
        if process.returncode:
            raise GitFailed(list(args), process.returncode, stdout, stderr)
        return stdout.removesuffix("\n")


def _stop(process: subprocess.Popen[bytes], own_session: bool) -> None:
    """Interrupt git as Ctrl+C would (it cleans up on SIGINT), kill it if it lingers."""
    if process.poll() is None and own_session and sys.platform != "win32":
        # the terminal's Ctrl+C did not reach it: it has a session of its own
        process.send_signal(signal.SIGINT)
    try:
        process.wait(_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
