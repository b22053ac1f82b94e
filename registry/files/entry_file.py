"""An entry of the register as a load gives it: its file, its entry (decoded when
first asked for, when it came from the entry cache) and the facts and summary that
the rules across entries and the lists of processes need without decoding it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NamedTuple

from todokede.registry.schema.model import Entry


class EntryFacts(NamedTuple):
    """What the rules across entries need of an entry (kept beside its check in the
    entry cache, so a load answered from it need not decode every entry)."""

    file_names: tuple[str, ...]
    council: bool
    """Whether it records council business (an item, or a filing naming a consultation)."""


def facts_of(entry: Entry) -> EntryFacts:
    """An entry's :class:`EntryFacts`."""
    return EntryFacts(
        tuple(file.name for file in entry.files),
        bool(entry.council) or any(filing.consultation for filing in entry.filings),
    )


class FilingMark(NamedTuple):
    """What the review clock needs of a filing (:func:`~todokede.registry.views.review.review_state`)."""

    date: date
    kind: str
    review: bool


class EntrySummary(NamedTuple):
    """What a list of processes shows of an entry (the TUI's tree, its marks and
    counts), kept in the entry cache beside the entry so that the list needs no
    entry decoded."""

    name: str
    department: str
    abolished: bool
    record_items: tuple[str, ...]
    filings: tuple[FilingMark, ...]


def summary_of(entry: Entry) -> EntrySummary:
    """An entry's :class:`EntrySummary`."""
    return EntrySummary(
        entry.name,
        entry.department,
        entry.is_abolished,
        tuple(entry.record_items),
        tuple(FilingMark(f.date, f.kind, f.review) for f in entry.filings),
    )


class EntryFile:
    """An entry of the register with its id and file.

    An entry answered from the entry cache is decoded when first asked for
    (``check`` of an unchanged register never needs most of them), and so is its
    summary (:class:`EntrySummary`).
    """

    __slots__ = ("_decode", "_decode_summary", "_entry", "_facts", "_path", "_summary", "id")

    def __init__(
        self,
        id: str,
        path: Path | str,
        entry: Entry | None = None,
        *,
        decode: Callable[[], Entry] | None = None,
        facts: EntryFacts | None = None,
        summary: Callable[[], EntrySummary | None] | None = None,
    ) -> None:
        if entry is None and decode is None:
            raise TypeError("EntryFile needs an entry or a way to decode it")
        self.id = id
        self._path = path
        self._entry = entry
        self._decode = decode
        self._facts = facts
        self._summary: EntrySummary | None = None
        self._decode_summary = summary

    @property
    def path(self) -> Path:
        if isinstance(self._path, str):
            self._path = Path(self._path)
        return self._path

    @property
    def summary(self) -> EntrySummary:
        if self._summary is None:
            decoded = self._decode_summary() if self._decode_summary is not None else None
            self._summary = decoded if decoded is not None else summary_of(self.entry)
            self._decode_summary = None
        return self._summary

    @property
    def entry(self) -> Entry:
        if self._entry is None:
            assert self._decode is not None
            self._entry = self._decode()
            self._decode = None
        return self._entry

    @property
    def facts(self) -> EntryFacts:
        if self._facts is None:
            self._facts = facts_of(self.entry)
        return self._facts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntryFile):
            return NotImplemented
        return (self.id, self.path, self.entry) == (other.id, other.path, other.entry)

    __hash__ = None  # type: ignore[assignment]  # equal by value, as the entry is

    def __repr__(self) -> str:
        return f"EntryFile(id={self.id!r}, path={self.path!r})"
