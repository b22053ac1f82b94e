"""Golden files and small registers for the report tests.

Golden files live in ``tests/reports/golden/`` and are compared byte for byte;
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/reports`` rewrites them from the
current output (review the diff before committing). Without it, any
difference fails with a unified diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.reports import (
    Golden,
    MakeRegister,
    compare_golden,
    write_register,
)
from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import Register, load_register


@pytest.fixture
def golden() -> Golden:
    return compare_golden


@pytest.fixture(scope="session")
def sample() -> Register:
    """The project's sample register, loaded once (read only)."""
    register = load_register(PROJECT_ROOT)
    assert not register.errors
    return register


@pytest.fixture
def make_register(tmp_path: Path) -> MakeRegister:
    """``make_register({"id": entry_text(...)}, departments=(...))`` in tmp_path."""

    def make(
        entries: dict[str, str],
        departments: tuple[str, ...] = ("総務課", "課税課", "健康増進課"),
        municipality: str = "東村山市",
    ) -> Path:
        return write_register(tmp_path / "reg", entries, departments, municipality)

    return make
