"""Shared pieces of the reliability tests: registers with access tables, real git, kills."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hook import (
    Shared,
    make_shared,
)


@pytest.fixture
def shared(tmp_path: Path, git_identity: None) -> Shared:
    return make_shared(tmp_path)
