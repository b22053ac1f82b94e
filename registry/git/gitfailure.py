"""What a failing git command means, in one Japanese line: a full disk, a failed login.

Git says why it failed in English (todokede runs it with ``LC_ALL=C``), over
several lines, the telling one seldom the last: ``error: unable to write file
…: No space left on device`` comes before ``fatal: unpack-objects failed``.
:func:`no_space` and :func:`auth_failed` read every line. Git does not always
give the reason (``couldn't write '.git/refs/heads/main.lock'``): a failed
write is then taken for a full disk only when a small file cannot be written
in the same folder either (a real probe, on the failure path only). A
remote's URL may hold a password (``https://user:secret@host/…``):
:func:`redacted` takes it out of any text before it is shown, whatever
printed it.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path
from typing import Final

#: git's words (and the C library's, which git quotes) when a write found no room.
_NO_SPACE: Final = ("no space left on device", "out of diskspace", "disk quota exceeded")
#: git's words when the remote wanted a login it did not get (HTTP and SSH).
_AUTH: Final = (
    "authentication failed",
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "the requested url returned error: 401",
    "the requested url returned error: 403",
    "http basic: access denied",
    "invalid username or password",
    "permission denied (publickey",
)
#: The userinfo of a URL: ``scheme://`` then ``user:password@`` (the password is
#: anything up to the ``@`` that ends the userinfo; it may hold ``:`` too).
_USERINFO: Final = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#@\s:]*):[^/?#\s]*@")


#: git's words when it could not write a file, without saying why (a lock file's
#: write: ``couldn't write '.git/refs/heads/main.lock'``).
_WRITE_FAILED: Final = (
    "couldn't write",
    "could not write",
    "unable to write",
    "unable to append",
    "unable to create",
    "failed to write",
    "write error",
    "short write",
    "unpack-objects failed",
    "index-pack failed",
)
#: The probe written when git could not write without saying why.
_PROBE_BYTES: Final = 64 * 1024


def no_space(text: str, folder: Path | None = None) -> bool:
    """Whether git's output says that a disk was full; or, with ``folder``, that git
    could not write and ``folder`` has no room for a small file now (git does not
    always say why a write failed)."""
    lowered = text.lower()
    if any(words in lowered for words in _NO_SPACE):
        return True
    if folder is None or not any(words in lowered for words in _WRITE_FAILED):
        return False
    return not _room_for_probe(folder)


def _room_for_probe(folder: Path) -> bool:
    """Whether a 64 KiB file can be written (and synced) in ``folder`` now."""
    probe = folder / f".todokede-space-probe.{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        return not is_no_space(error)
    try:
        left = memoryview(bytes(_PROBE_BYTES))
        while left:  # a nearly full disk takes part of a write, then refuses the rest
            left = left[os.write(fd, left) :]
        os.fsync(fd)
    except OSError as error:
        return not is_no_space(error)
    finally:
        os.close(fd)
        probe.unlink(missing_ok=True)
    return True


def is_no_space(error: OSError) -> bool:
    """Whether Python's error is a full disk (or a full quota)."""
    return error.errno in (errno.ENOSPC, errno.EDQUOT)


def disk_full_message(folder: Path, outcome: str) -> str:
    """「ディスクの空き容量が足りません」 naming the folder whose disk is full."""
    return (
        f"ディスクの空き容量が足りません: {folder}（{outcome}。"
        "このフォルダのあるディスクに空きを作ってから、もう一度実行してください）"
    )


def auth_failed(text: str) -> bool:
    """Whether git's output says that the remote refused who we are (or could not ask)."""
    lowered = text.lower()
    return any(words in lowered for words in _AUTH)


def auth_message(url: str) -> str:
    return (
        f"共有先の認証に失敗しました（利用者名またはパスワードを確かめてください）: {redacted(url)}"
    )


def redacted(text: str) -> str:
    """``text`` with the password of every URL in it left out (the user name kept)."""
    return _USERINFO.sub(r"\1\2@", text)
