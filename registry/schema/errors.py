"""The errors a user sees as a single line: a register that cannot be used, a refused filing.

Kept free of heavy imports so the command line can catch them cheaply.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

#: Why a filing (or the identity it is committed as) was refused. Each front end
#: words every reason from its own table: the command line with its options
#: (``--kind change``), the TUI with its fields (区分「変更」).
FilingReason = Literal[
    "no-entry",  # entry_id, path: the entry's file is not there
    "already-filed",  # entry_id: a start for an entry filed before
    "filings-before-start",  # entry_id: [[filings]] in an entry never filed
    "not-started",  # entry_id: a change or an abolition before the start
    "abolished",  # entry_id, name, day: any filing after the abolition
    "filings-rewritten",  # entry_id: [[filings]] edited since the last filing
    "unchanged",  # entry_id: a change with nothing changed and no review
    "before-last-filing",  # day, last: the date is before the last filing's
    "abolish-with-review",  # an abolition cannot also be a review
    "registry-not-committed",  # file, shown: registry.toml was never committed
    "registry-uncommitted",  # file, shown: registry.toml differs from HEAD's
    "no-identity",  # git has no user.name/user.email and no author was given
    "no-author",  # the author given is empty
    "author-malformed",  # author: not ``氏名 <メール>``
]

#: What a refusal's fields hold: text, or a day each front end writes its own way.
RefusalField = str | date


class RegisterError(Exception):
    """The register cannot be found, read or changed as asked (one clear line)."""


class FilingRefused(RegisterError):
    """A filing refused for ``reason``; ``fields`` say what about (the entry, days).

    The message is for developers (reason and fields); the command line and the
    TUI each word the refusal from their own table.
    """

    def __init__(self, reason: FilingReason, **fields: RefusalField) -> None:
        super().__init__(reason, fields)
        self.reason: FilingReason = reason
        self.fields: dict[str, RefusalField] = fields

    def __str__(self) -> str:
        shown = ", ".join(f"{key}={value}" for key, value in self.fields.items())
        return f"filing refused: {self.reason}" + (f" ({shown})" if shown else "")
