"""Fixtures of the TUI tests: a steady cursor, a fixed day, real git registers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.support.gitrepos import demo_template, git


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor: screenshots do not depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


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
