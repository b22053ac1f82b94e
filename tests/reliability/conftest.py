"""Shared pieces of the reliability tests: registers with access tables, real git, kills."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import MINIMAL_CONFIG, VALID_ENTRY
from tests.githelpers import git

KAZEI_ID = "kazei-kojin-juminzei"
KENKO_ID = "kenko-gan-kenshin"
KENKO_ENTRY = (
    VALID_ENTRY.replace("課税課", "健康増進課")
    .replace("個人住民税賦課事務", "がん検診事務")
    .replace("地方税法に基づき個人住民税を賦課するため", "がん検診を実施するため")
)
ACCESS = """
[access]
secretariat = ["soumu-yamada", "soumu@Example.JP"]
"課税課" = ["kazei-tanaka", "kazei-sato"]
"健康増進課" = ["kenko-suzuki"]
"""
CONFIG_WITH_ACCESS = MINIMAL_CONFIG + ACCESS
SECRETARIAT = "soumu-yamada"
KAZEI = "kazei-tanaka"
KENKO = "kenko-suzuki"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit_all(root: Path, message: str, author: str = "職員 <staff@example.jp>") -> str:
    """Stage everything and commit with ``author``; the new HEAD."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "--author", author, "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def push(
    root: Path, user: str | None, *args: str, var: str = "REMOTE_USER"
) -> subprocess.CompletedProcess[str]:
    """``git push`` to origin with the server's identity variable set to ``user``.

    The remote is a local bare repository: git runs its receive-pack, and so its
    pre-receive hook, with this environment, as a server would with its own.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("REMOTE_USER", "GL_USER")}
    if user is not None:
        env[var] = user
    return subprocess.run(
        ["git", "-C", str(root), "push", *(args or ("origin", "HEAD:refs/heads/main"))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def remote_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the hook said, as the pusher sees it (``remote: …``)."""
    return [
        line.removeprefix("remote:").strip()
        for line in result.stderr.splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]
