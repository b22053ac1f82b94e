"""The review clock (見直し): when a process's review falls due, and who to remind.

A review falls due ``review_interval_years`` after the process's basis: the
date of its latest ``start`` filing or filing with ``review = true``. On a day
``as_of`` it is overdue when ``as_of >= due`` and due soon when ``as_of`` is on or
after ``due`` minus ``review_warning_months`` and not yet overdue. Abolished
processes never remind; processes not yet filed have no basis and no clock.
Everything here is a pure function of the config, the entries and ``as_of``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol, TypeVar

from todokede.registry.files.entry_file import EntryFile, FilingMark
from todokede.registry.schema.model import Entry, Filing, RegistryConfig

ReviewState = Literal["overdue", "due_soon", "ok"]

STATE_LABELS: dict[str, str] = {"overdue": "期限経過", "due_soon": "期限間近", "ok": "期限内"}


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative goes back), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February."""
    return add_months(day, 12 * years)


@dataclass(frozen=True)
class Review:
    """The review clock of one process on a given day."""

    basis: Filing
    due: date
    warn_from: date
    as_of: date

    @property
    def state(self) -> ReviewState:
        return _state(self.due, self.warn_from, self.as_of)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def days_left(self) -> int:
        """Days until the due date (0 on the day, negative once past)."""
        return (self.due - self.as_of).days


def review_of(entry: Entry, config: RegistryConfig, as_of: date) -> Review | None:
    """The review clock of an entry on ``as_of``, or None when it does not remind.

    Only filings dated on or before ``as_of`` count: on a past day the basis is
    the review in force then, and a process abolished later still reminded.
    None for processes abolished by then and for those not started by then.
    """
    basis = _basis(entry.filings, as_of)
    if basis is None:
        return None
    due, warn_from = _clock(basis.date, config)
    return Review(basis, due, warn_from, as_of)


def review_state(
    filings: Iterable[FilingMark], config: RegistryConfig, as_of: date
) -> ReviewState | None:
    """What ``review_of(...).state`` says, from the marks of an entry's filings
    (its :class:`~todokede.registry.files.entry_file.EntrySummary`)."""
    basis = _basis(filings, as_of)
    if basis is None:
        return None
    return _state(*_clock(basis.date, config), as_of)


class _Dated(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def kind(self) -> str: ...
    @property
    def review(self) -> bool: ...


_Filed = TypeVar("_Filed", bound=_Dated)


def _basis(filings: Iterable[_Filed], as_of: date) -> _Filed | None:
    """The filing a review clock runs from on ``as_of`` (see :func:`review_of`)."""
    basis: _Filed | None = None
    for filing in filings:
        if filing.date > as_of:
            break
        if filing.kind == "abolish":
            return None
        if filing.kind == "start" or filing.review:
            basis = filing
    return basis


def _clock(basis: date, config: RegistryConfig) -> tuple[date, date]:
    """The due day of a review from ``basis``, and the day its warning starts."""
    due = add_years(basis, config.review_interval_years)
    return due, add_months(due, -config.review_warning_months)


def _state(due: date, warn_from: date, as_of: date) -> ReviewState:
    if as_of >= due:
        return "overdue"
    if as_of >= warn_from:
        return "due_soon"
    return "ok"


@dataclass(frozen=True)
class Reminder:
    """A process whose review is overdue or due soon."""

    entry: str
    name: str
    department: str
    review: Review

    @property
    def basis(self) -> date:
        return self.review.basis.date

    @property
    def due(self) -> date:
        return self.review.due

    @property
    def state(self) -> ReviewState:
        return self.review.state


@dataclass(frozen=True)
class Reminders:
    """Overdue and due-soon reviews on one day, each soonest due first."""

    as_of: date
    overdue: tuple[Reminder, ...]
    due_soon: tuple[Reminder, ...]


def reminders(entries: Iterable[EntryFile], config: RegistryConfig, as_of: date) -> Reminders:
    """Every process to remind on ``as_of``: overdue, then due soon.

    Each list is ordered by due date (the longest overdue first), then by the
    department order of ``registry.toml``, the name and the id.
    """
    overdue: list[Reminder] = []
    due_soon: list[Reminder] = []
    for item in entries:
        review = review_of(item.entry, config, as_of)
        if review is None or review.state == "ok":
            continue
        reminder = Reminder(item.id, item.entry.name, item.entry.department, review)
        (overdue if review.state == "overdue" else due_soon).append(reminder)

    def key(reminder: Reminder) -> tuple[date, int, str, str]:
        return (
            reminder.due,
            config.department_index(reminder.department),
            reminder.name,
            reminder.entry,
        )

    return Reminders(as_of, tuple(sorted(overdue, key=key)), tuple(sorted(due_soon, key=key)))
