"""``todokede answer`` killed (SIGKILL) before and after it publishes its commit: the
entry file stays whole, and the next run records the answer exactly once (before)
or finishes the one already committed (after)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.council import MEETING_DAY, committed_meeting_register
from tests.support.gitrepos import commit_count, git, head
from tests.support.samples import TODOKEDE
from todokede.registry.files.crashpoints import ENV_VAR

NUMBER = "平成28年度諮問第7号"
SODAN = Path("entries") / "kodomo-sodan.toml"


def answer(root: Path, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    if crash_at:
        env[ENV_VAR] = crash_at
    return subprocess.run(
        [str(TODOKEDE), "answer", NUMBER, "--date", MEETING_DAY, "--result", "approved"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("point", ["file:objects", "write:half#1", "file:journal"])
def test_killed_before_publishing_the_next_run_answers_once(tmp_path: Path, point: str) -> None:
    root = committed_meeting_register(tmp_path / "reg")
    original, before = (root / SODAN).read_bytes(), head(root)
    killed = answer(root, point)
    assert killed.returncode == -9, killed.stderr
    assert head(root) == before and (root / SODAN).read_bytes() == original
    again = answer(root)
    assert again.returncode == 0, again.stderr
    assert commit_count(root) == 2
    assert git(root, "status", "--porcelain").strip() == ""
    git(root, "fsck", "--no-progress")


@pytest.mark.parametrize(
    "point", ["file:published", "write:half#2", "write:renamed#2", "file:written"]
)
def test_killed_after_publishing_the_next_run_finishes_it(tmp_path: Path, point: str) -> None:
    root = committed_meeting_register(tmp_path / "reg")
    killed = answer(root, point)
    assert killed.returncode == -9, killed.stderr
    assert commit_count(root) == 2
    again = answer(root)  # finishes the file, then finds the consultation answered
    assert again.returncode == 1
    assert "答申済み" in again.stderr
    assert (root / SODAN).read_bytes() == git(root, "show", f"HEAD:{SODAN.as_posix()}").encode()
    assert git(root, "status", "--porcelain").strip() == ""
    assert commit_count(root) == 2
    git(root, "fsck", "--no-progress")
