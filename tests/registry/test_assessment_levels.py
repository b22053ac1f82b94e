"""The threshold table of 特定個人情報保護評価, every cell and every boundary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from todokede.registry.schema.assessment_levels import LEVELS, covers, required_level

# (persons, handlers, incident) → required level; the boundaries of the table.
CELLS = [
    (0, 0, False, None),
    (999, 10_000, True, None),
    (1_000, 0, False, "basic"),
    (1_000, 500, True, "basic"),
    (9_999, 499, False, "basic"),
    (9_999, 500, False, "basic"),
    (9_999, 0, True, "basic"),
    (10_000, 499, False, "basic"),
    (10_000, 500, False, "priority"),
    (10_000, 0, True, "priority"),
    (99_999, 499, False, "basic"),
    (99_999, 500, False, "priority"),
    (100_000, 499, False, "priority"),
    (100_000, 500, False, "full"),
    (100_000, 0, True, "full"),
    (299_999, 499, False, "priority"),
    (299_999, 499, True, "full"),
    (300_000, 0, False, "full"),
    (300_000, 500, True, "full"),
]


@pytest.mark.parametrize(("persons", "handlers", "incident", "level"), CELLS)
def test_every_cell_and_boundary(
    persons: int, handlers: int, incident: bool, level: str | None
) -> None:
    assert required_level(persons, handlers, incident) == level


@given(
    st.integers(min_value=0, max_value=2_000_000),
    st.integers(min_value=0, max_value=100_000),
    st.booleans(),
)
def test_more_persons_handlers_or_an_incident_never_require_less(
    persons: int, handlers: int, incident: bool
) -> None:
    def rank(level: str | None) -> int:
        return -1 if level is None else [str(v) for v in LEVELS].index(level)

    base = rank(required_level(persons, handlers, incident))
    assert rank(required_level(persons + 1, handlers, incident)) >= base
    assert rank(required_level(persons, handlers + 1, incident)) >= base
    assert rank(required_level(persons, handlers, True)) >= base


def test_a_level_covers_itself_and_every_weaker_one() -> None:
    assert covers("basic", None) and covers("basic", "basic")
    assert not covers("basic", "priority") and not covers("priority", "full")
    assert covers("full", "priority") and covers("full", "basic")
