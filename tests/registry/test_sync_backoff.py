"""The wait between sync tries grows with how long a try takes, within its bounds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from todokede.registry.git.sync import BACKOFF_BASE, BACKOFF_CAP, BACKOFF_LONGEST, backoff_window


def test_the_window_doubles_in_units_of_a_try() -> None:
    assert backoff_window(1, 0.0) == BACKOFF_BASE  # a local remote: the fixed base
    assert [backoff_window(n, 0.5) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff_window(12, 0.01) == BACKOFF_CAP
    assert backoff_window(12, 5.0) == BACKOFF_LONGEST


@given(st.integers(1, 64), st.floats(0, 3600, allow_nan=False))
def test_the_window_is_bounded_and_never_shrinks(attempt: int, seconds: float) -> None:
    window = backoff_window(attempt, seconds)
    assert 0 < window <= BACKOFF_LONGEST
    assert backoff_window(attempt + 1, seconds) >= window
