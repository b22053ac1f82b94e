"""Fixtures of the TUI tests: a steady cursor, a fixed day, real git registers."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.githelpers import demo_template
from todokede.tui.app import TodokedeApp

#: The day the review clock reads in every TUI test (marks are deterministic).
AS_OF = date(2025, 4, 1)


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor: screenshots do not depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def git_register(sample_copy: Path, git_identity: None) -> Iterator[Path]:
    """The sample register in a real git repository, everything committed."""
    git(sample_copy, "init", "-q", "-b", "main")
    git(sample_copy, "add", "registry.toml", "entries")
    git(sample_copy, "commit", "-q", "-m", "見本の登録簿")
    yield sample_copy


@pytest.fixture
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo register, built once per test process: only for tests that just read it."""
    return demo_template(tmp_path_factory)


def make_app(root: Path) -> TodokedeApp:
    return TodokedeApp(root, as_of=AS_OF)


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 20) -> None:
    """Pause until ``condition()`` holds (a screen pushed, its worker done), else fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)
    await pilot.pause()


async def ready(pilot: Pilot[None]) -> None:
    """Wait until the register is loaded and every message is handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
