"""Find processes as the user types: names, departments, purposes, record items
and the names of their 個人情報ファイル (typing 課税台帳 finds the tax process).

Each entry gets one folded *haystack* when the register is loaded, so a
keystroke is a substring test per entry and nothing else. Folding is NFKC plus
case folding, so full-width and half-width letters and digits match, and a
record item contributes its catalog name and every alias: typing マイナンバー
finds every process that holds 個人番号, whatever spelling its file uses.
Several words separated by spaces must all match.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from todokede.registry.files.store import EntryFile
from todokede.registry.schema.catalog import Catalog, CatalogItem
from todokede.registry.schema.model import Entry

#: Separates fields in a haystack so that no word matches across two fields.
_SEPARATOR = "\x00"


def fold_text(text: str) -> str:
    """Text as compared by the filter: NFKC-normalised and case-folded."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def query_terms(query: str) -> tuple[str, ...]:
    """The folded words of a query; full-width spaces separate words too."""
    return tuple(term for term in fold_text(query).split() if term)


def _catalog_words(item: CatalogItem) -> str:
    return fold_text(_SEPARATOR.join((item.name, *item.aliases)))


def haystack(
    entry_id: str,
    entry: Entry,
    catalog: Catalog,
    catalog_words: dict[str, str] | None = None,
) -> str:
    """Everything the filter matches for one entry, folded once.

    ``catalog_words`` caches the folded names and aliases of catalog items across
    the entries of one index.
    """
    words = catalog_words if catalog_words is not None else {}
    parts = [entry_id, entry.name, entry.department, entry.section, entry.purpose]
    parts.extend(entry.record_items)
    parts.extend(file.name for file in entry.files)
    catalog_parts: list[str] = []
    for item in entry.record_items:
        known = catalog.lookup(item)
        if known is not None:
            folded = words.get(known.name)
            if folded is None:
                folded = words[known.name] = _catalog_words(known)
            catalog_parts.append(folded)
    return _SEPARATOR.join((fold_text(_SEPARATOR.join(parts)), *catalog_parts))


@dataclass(frozen=True)
class SearchResult:
    """The ids that match a query, in the index's order."""

    query: tuple[str, ...]
    ids: tuple[str, ...]
    members: frozenset[str] = field(default_factory=frozenset, compare=False, repr=False)

    @classmethod
    def of(cls, query: tuple[str, ...], ids: tuple[str, ...]) -> SearchResult:
        return cls(query, ids, frozenset(ids))

    @property
    def is_filtered(self) -> bool:
        return bool(self.query)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.members

    def __len__(self) -> int:
        return len(self.ids)


class SearchIndex:
    """Folded haystacks of a register's entries, in the register's order.

    The haystacks are folded when first searched (or by :meth:`prepare`, which a
    background thread may call once the register is shown): opening a register
    does not wait for them. Safe to use from two threads.
    """

    def __init__(
        self, catalog: Catalog, entries: Iterable[tuple[str, Entry | EntryFile]] = ()
    ) -> None:
        self.catalog = catalog
        # Each id's folded haystack, or its entry (or the file that decodes it, an
        # entry from the entry cache) while not folded yet.
        self._slots: dict[str, str | Entry | EntryFile] = dict(entries)
        self._unfolded = bool(self._slots)
        self._last: SearchResult | None = None
        self._words: dict[str, str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._slots)

    def ids(self) -> tuple[str, ...]:
        return tuple(self._slots)

    def prepare(self) -> None:
        """Fold every haystack not folded yet."""
        with self._lock:
            self._fold()

    def _fold(self) -> None:
        if not self._unfolded:
            return
        slots = self._slots
        for entry_id, slot in slots.items():
            if isinstance(slot, EntryFile):
                slot = slot.entry
            if not isinstance(slot, str):
                slots[entry_id] = haystack(entry_id, slot, self.catalog, self._words)
        self._unfolded = False

    def put(self, entry_id: str, entry: Entry) -> None:
        """Add or replace an entry (a new one goes last)."""
        with self._lock:
            self._slots[entry_id] = haystack(entry_id, entry, self.catalog, self._words)
            self._last = None

    def reorder(self, ids: list[str]) -> None:
        """Keep the entries in the order of ``ids`` (the register's, after a change):
        results come in this order."""
        with self._lock:
            slots = self._slots
            self._slots = {entry_id: slots[entry_id] for entry_id in ids if entry_id in slots}
            self._last = None

    def remove(self, entry_id: str) -> None:
        with self._lock:
            self._slots.pop(entry_id, None)
            self._last = None

    def search(self, query: str) -> SearchResult:
        """The entries whose haystack holds every word of ``query``.

        A query that extends the previous one (the usual case while typing)
        searches only the previous result.
        """
        terms = query_terms(query)
        with self._lock:
            if not terms:
                return SearchResult.of((), tuple(self._slots))
            self._fold()
            candidates: Iterable[str] = self._slots
            last = self._last
            if last is not None and last.query and _narrows(last.query, terms):
                candidates = last.ids
            haystacks = cast(dict[str, str], self._slots)  # all folded now
            found = candidates
            for term in terms:  # one word at a time: no generator per entry
                found = [entry_id for entry_id in found if term in haystacks[entry_id]]
            ids = tuple(found)
            result = SearchResult.of(terms, ids)
            self._last = result
            return result


def _narrows(previous: tuple[str, ...], terms: tuple[str, ...]) -> bool:
    """Whether every entry matching ``terms`` also matches ``previous``."""
    return all(any(old in new for new in terms) for old in previous)
