"""Which filing an entry takes next: 開始 when it was never filed, else 変更.

Decided here for every front end (the command line's ``file`` without
``--kind``, the TUI's ``f``); after an abolition nothing more can be filed.
"""

from __future__ import annotations

from todokede.registry.schema.errors import FilingRefused
from todokede.registry.schema.model import Entry, FilingKind


def next_filing_kind(entry_id: str, entry: Entry) -> FilingKind:
    """``start`` for an entry never filed, else ``change``; FilingRefused
    (``abolished``) once its last filing is an abolition."""
    last = entry.last_filing
    if last is not None and last.kind == "abolish":
        raise FilingRefused("abolished", entry_id=entry_id, name=entry.name, day=last.date)
    return "change" if entry.filings else "start"
