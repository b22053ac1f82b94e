"""Shared fixtures: real registers in tmp_path and the real ``todokede`` command."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.samples import MINIMAL_CONFIG, PROJECT_ROOT, TODOKEDE, VALID_ENTRY, CliRunner


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's register or git identity by accident."""
    monkeypatch.delenv("TODOKEDE_REGISTRY", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))  # the entry cache
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the project's sample register (files only, no git)."""
    root = tmp_path / "sample"
    root.mkdir()
    shutil.copy(PROJECT_ROOT / "registry.toml", root / "registry.toml")
    shutil.copytree(PROJECT_ROOT / "entries", root / "entries")
    return root


@pytest.fixture
def minimal_register(tmp_path: Path) -> Path:
    """A register with three departments and one valid entry."""
    root = tmp_path / "reg"
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "entries" / "kazei-kojin-juminzei.toml").write_text(VALID_ENTRY, encoding="utf-8")
    return root


@pytest.fixture
def todokede() -> CliRunner:
    """Run the installed ``todokede`` console script; never raises on exit codes."""

    def runner(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [str(TODOKEDE), *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return runner


@pytest.fixture
def git_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A git identity in the (isolated) global config."""
    subprocess.run(["git", "config", "--global", "user.name", "総務 太郎"], check=True)
    subprocess.run(["git", "config", "--global", "user.email", "soumu@example.jp"], check=True)
    yield
