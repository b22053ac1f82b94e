"""Line numbers of keys, tables and array elements in a TOML text.

Neither ``tomllib`` nor ``tomlkit`` reports where a key stands, and an error
must name its line, so this small scanner walks the text once and records the
line of every path it meets: ``("name",)``, ``("filings", 2)`` (the header of
the third ``[[filings]]``), ``("filings", 2, "date")``, ``("record_items", 3)``.
It runs only for files that have problems, on text that ``tomllib`` accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, NamedTuple

Path = tuple[str | int, ...]

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t]+)
  | (?P<comment>\#[^\n]*)
  | (?P<newline>\r?\n)
  | (?P<mlbasic>\"\"\"(?:[^\\]|\\.)*?\"\"\"\"{0,2})
  | (?P<mlliteral>'''.*?'''(?:'{0,2}))
  | (?P<basic>"[^"\\\n]*(?:\\.[^"\\\n]*)*")
  | (?P<literal>'[^'\n]*')
  | (?P<punct>[\[\]{}=,])
  | (?P<bare>[A-Za-z0-9_\-:+.]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class _Token(NamedTuple):
    kind: str
    text: str
    line: int


def _tokens(text: str) -> list[_Token]:
    """The tokens of a text with their lines (a tuple each: this runs for every
    file with a problem, and a frozen dataclass costs three times as much)."""
    tokens: list[_Token] = []
    append = tokens.append
    line = 1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind == "newline":
            append(_Token(kind, value, line))
            line += 1
        elif kind != "space" and kind != "comment":
            append(_Token(kind, value, line))
            if kind in _MULTILINE:
                line += value.count("\n")
    return tokens


#: Tokens that may hold a line break (a basic string only by an escaped one).
_MULTILINE: Final = frozenset({"mlbasic", "mlliteral", "basic"})


def _key_part(token: _Token) -> list[str]:
    if token.kind == "basic":
        return [token.text[1:-1]]
    if token.kind == "literal":
        return [token.text[1:-1]]
    return [part for part in token.text.split(".") if part]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.found: dict[Path, int] = {}
        self.aot_counts: dict[Path, int] = {}

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def next(self) -> _Token | None:
        token = self.peek()
        self.pos += 1
        return token

    def skip_newlines(self) -> None:
        while (token := self.peek()) is not None and token.kind == "newline":
            self.pos += 1

    def record(self, path: Path, line: int) -> None:
        self.found.setdefault(path, line)

    def read_key(self, stop: str) -> list[str]:
        parts: list[str] = []
        while (token := self.peek()) is not None and token.text != stop:
            if token.kind == "newline":
                break
            parts.extend(_key_part(token))
            self.pos += 1
        return parts

    def scan(self) -> dict[Path, int]:
        table: Path = ()
        while (token := self.peek()) is not None:
            if token.kind == "newline":
                self.pos += 1
            elif token.text == "[":
                table = self.header()
            else:
                self.key_value(table)
                while (rest := self.peek()) is not None and rest.kind != "newline":
                    self.pos += 1
        return self.found

    def header(self) -> Path:
        first = self.next()
        assert first is not None
        is_array = (nxt := self.peek()) is not None and nxt.text == "["
        if is_array:
            self.pos += 1
        parts = tuple(self.read_key("]"))
        self.pos += 2 if is_array else 1
        # A prefix naming an array of tables is its latest element: the header
        # ``[[council.opinions]]`` is ``("council", 1, "opinions", 0)`` under the
        # second ``[[council]]``, each element counting its own opinions.
        path: Path = ()
        for part in parts[:-1]:
            path = (*path, part)
            if path in self.aot_counts:
                path = (*path, self.aot_counts[path] - 1)
        path = (*path, *parts[-1:])
        if is_array:
            index = self.aot_counts.get(path, 0)
            self.aot_counts[path] = index + 1
            path = (*path, index)
        self.record(path, first.line)
        return path

    def key_value(self, table: Path) -> None:
        start = self.peek()
        assert start is not None
        path: Path = (*table, *self.read_key("="))
        self.record(path, start.line)
        if (eq := self.peek()) is not None and eq.text == "=":
            self.pos += 1
            self.value(path)

    def value(self, path: Path) -> None:
        token = self.next()
        if token is None:
            return
        if token.text == "[":
            self.array(path)
        elif token.text == "{":
            self.inline_table(path)

    def array(self, path: Path) -> None:
        index = 0
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None:
                return
            if token.text == "]":
                self.pos += 1
                return
            if token.text == ",":
                self.pos += 1
                index += 1
                continue
            self.record((*path, index), token.line)
            self.value((*path, index))

    def inline_table(self, path: Path) -> None:
        while (token := self.peek()) is not None:
            if token.text == "}":
                self.pos += 1
                return
            if token.text == "," or token.kind == "newline":
                self.pos += 1
                continue
            self.key_value(path)


def locate(text: str) -> dict[Path, int]:
    """Map every key, table header and array element path to its line (a byte
    order mark at the start, which the readers skip, is skipped here too)."""
    return _Scanner(text.removeprefix("\ufeff")).scan()


def line_of(found: dict[Path, int], loc: Sequence[str | int]) -> int | None:
    """The line of ``loc`` or of its nearest enclosing path, if any."""
    path = tuple(loc)
    while path:
        if path in found:
            return found[path]
        path = path[:-1]
    return None
