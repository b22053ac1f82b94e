"""Text from outside shown harmlessly: control characters and bidi controls made visible.

An entry's fields are checked by the model (:data:`todokede.registry.schema.model.TEXT_PATTERN`),
but other text reaches a screen or a report unchecked: commit authors and
messages (git takes almost anything), old versions of files in history, file
names, values echoed in error messages. A bidi override (U+202E) there can make
a line read backwards; an escape sequence can move a terminal's cursor. Before
such text is shown, :func:`visible` replaces each such character with a visible
mark ``⟨U+202E⟩``. The result holds no markup: a TUI or rich console must still
show it as plain text (``rich.text.Text``, ``markup=False``), never as markup.
:func:`one_line` puts text that may hold line breaks (a summary) on one line: a
commit's subject, a cell of a table, a line of a plain-text list.
"""

from __future__ import annotations

import re
from typing import Final

#: C0 and C1 controls (tab and newline are decided by the caller), DEL, the bidi
#: embeddings, overrides and isolates, the directional marks, the line and
#: paragraph separators (which break a line where a reader sees none) and the
#: characters of no width (U+180E, U+200B-U+200D, U+2060-U+2064, U+FEFF), which
#: make one name look like another.
_HIDDEN: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\u180e\u200b-\u200d\u2060-\u2064\ufeff]"
)
_HIDDEN_OR_BREAK: Final = re.compile(f"[\t\n{_HIDDEN.pattern[1:-1]}]")
_BREAKS: Final = re.compile(r"\s*[\r\n]+\s*")
_BREAKS_AND_TABS: Final = re.compile(r"\s*[\t\r\n]+\s*")


def _mark(found: re.Match[str]) -> str:
    return f"⟨U+{ord(found.group()):04X}⟩"


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every hidden or direction-changing character shown as ``⟨U+XXXX⟩``.

    Tab and newline are kept when ``multiline`` (a raw diff, a message body) and
    shown as marks otherwise (one cell of a table, one line of output).
    """
    pattern = _HIDDEN if multiline else _HIDDEN_OR_BREAK
    if pattern.search(text) is None:  # the common case: no copy
        return text
    return pattern.sub(_mark, text)


def has_hidden(text: str) -> bool:
    """Whether :func:`visible` would change ``text`` (newlines and tabs allowed)."""
    return _HIDDEN.search(text) is not None


def one_line(text: str, *, tabs: bool = False) -> str:
    """``text`` on one line: each line break, with the spaces around it, becomes one
    space, and the ends are stripped. With ``tabs``, tabs too (a column of plain
    text, where a tab would break the alignment)."""
    if "\n" not in text and "\r" not in text and not (tabs and "\t" in text):
        return text.strip()  # the common case: no regex
    return (_BREAKS_AND_TABS if tabs else _BREAKS).sub(" ", text).strip()
