"""The notes a new entry file starts with until it is filed, and dropping them.

A file made by the TUI's form or by ``todokede new`` starts with a comment that
says it is not filed yet (and how to file it). Once filed, that would be
false, even for an abolished process: the filing drops those lines (only
comment lines of exactly these words, at the top of the file, before the first
key), keeping every other comment and the layout.
"""

from __future__ import annotations

from typing import Final

#: Written at the top of an entry the TUI's form creates.
NOT_FILED_NOTE: Final = "`todokede file` で開始届を出すまでは届出されていません。"
#: Written at the top of the skeleton ``todokede new`` makes.
FILL_IN_NOTE: Final = (
    "記入したら `todokede check` で確かめ、`todokede file` で開始届を出してください。"
)
UNTIL_FILED: Final = (NOT_FILED_NOTE, FILL_IN_NOTE)


def without_notes_until_filed(text: str) -> str:
    """``text`` without the comment lines :data:`UNTIL_FILED` in its leading comments."""
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            kept.extend(lines[index:])  # the first key: the leading comments end here
            break
        if stripped.removeprefix("#").strip() not in UNTIL_FILED:
            kept.append(line)
    return "".join(kept)
