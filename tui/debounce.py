"""Work redone a short pause after the last change, in a thread worker: the latest answer counts.

The filing dialog drafts the filing again when the date is typed, the report
screen builds its preview again when a period's day is: each change restarts
the pause (:meth:`Debounce.later`), a choice (or enter) starts at once
(:meth:`Debounce.now`), and an answer that a newer run has overtaken is
dropped. ``busy`` says whether an answer is still to come: tests wait on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.timer import Timer

T = TypeVar("T")


class Debounce:
    """The pause, the runs and their answers of one piece of work of ``owner``.

    ``start`` reads what the work needs (the fields typed) and either calls
    :meth:`run` or, when there is nothing to do (a date that cannot be read),
    says so on screen and calls :meth:`settle`.
    """

    def __init__(self, owner: DOMNode, delay: float, start: Callable[[], None], group: str) -> None:
        self._owner = owner
        self._delay = delay
        self._start = start
        self._group = group
        self._timer: Timer | None = None
        self._generation = 1  # busy until the first run has answered
        self._answered = 0

    @property
    def waiting(self) -> bool:
        """Whether a pause is running (the work starts when it ends)."""
        return self._timer is not None

    @property
    def busy(self) -> bool:
        """Whether a pause is running or a run's answer is still to come."""
        return self._timer is not None or self._answered != self._generation

    def later(self) -> None:
        """Start the work after the pause; a change within it starts the pause again."""
        self._stop_timer()
        self._timer = self._owner.set_timer(self._delay, self.now)

    def now(self) -> None:
        """Start the work at once (what a pause was waiting for, too)."""
        self._stop_timer()
        self._generation += 1
        self._start()

    def flush(self) -> None:
        """Start now what a running pause would start (enter in the field does this)."""
        if self._timer is not None:
            self.now()

    def run(
        self,
        work: Callable[[], T],
        answer: Callable[[T | Exception], None],
    ) -> None:
        """``work()`` in a thread worker; ``answer`` gets its result (or what it
        raised) on the app's thread, unless a newer run or :meth:`drop` came since."""
        generation = self._generation

        def in_thread() -> None:
            result: T | Exception
            try:
                result = work()
            except Exception as error:  # the owner shows it (describe_failure), never a traceback
                result = error
            self._owner.app.call_from_thread(self._answer, generation, result, answer)

        self._owner.run_worker(
            in_thread, thread=True, exclusive=True, group=self._group, exit_on_error=False
        )

    def _answer(
        self, generation: int, result: T | Exception, answer: Callable[[T | Exception], None]
    ) -> None:
        if generation != self._generation:
            return  # overtaken by a newer run, or dropped
        self._answered = generation
        answer(result)

    def settle(self) -> None:
        """The latest change needs no run: nothing more is to come."""
        self._answered = self._generation

    def drop(self) -> None:
        """Answers on their way no longer count (the dialog commits instead); busy
        until :meth:`settle` or the next run's answer."""
        self._stop_timer()
        self._generation += 1

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
