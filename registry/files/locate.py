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


def _header_path(parts: tuple[str, ...], is_array: bool, aot_counts: dict[Path, int]) -> Path:
    """The path a table header names, counting arrays of tables in ``aot_counts``.

    A prefix naming an array of tables is its latest element: the header
    ``[[council.opinions]]`` is ``("council", 1, "opinions", 0)`` under the
    second ``[[council]]``, each element counting its own opinions.
    """
    path: Path = ()
    for part in parts[:-1]:
        path = (*path, part)
        if path in aot_counts:
            path = (*path, aot_counts[path] - 1)
    path = (*path, *parts[-1:])
    if is_array:
        index = aot_counts.get(path, 0)
        aot_counts[path] = index + 1
        path = (*path, index)
    return path


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
        path = _header_path(parts, is_array, self.aot_counts)
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


# -- the cheap scan ------------------------------------------------------------------
#
# Most entry files are plain lines: a header, ``key = value`` with the value on its
# line, comments. For such a file every path inside a one-line value is on the line
# of its key, which :func:`line_of` falls back to, so recording the keys and headers
# is enough; only a value spanning lines is tokenized (that slice alone). Anything
# else (a multi-line string, a line of another shape) and the whole text is scanned
# by :class:`_Scanner`. Hand-written, like the scanner: no TOML library says where a
# key stands.

_BARE_KEY: Final = r"[A-Za-z0-9_\-]+"
_QUOTED_KEY: Final = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\''
_KEY_PART: Final = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_DOTTED_KEY: Final = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_HEADER_LINE: Final = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_DOTTED_KEY})[ \t]*(\]\]?)[ \t]*(?:#.*)?")
_KEY_LINE: Final = re.compile(rf"[ \t]*({_DOTTED_KEY})[ \t]*=[ \t]*(.*)")
_KEY_PARTS: Final = re.compile(_KEY_PART)
_STRING: Final = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\'')
_WITHOUT_OPENING: Final = str.maketrans("", "", "[{")
_WITHOUT_CLOSING: Final = str.maketrans("", "", "]}")


def _dotted_parts(key: str) -> list[str]:
    """The parts of a dotted key as the scanner reads them (quotes dropped, escapes kept)."""
    if "." not in key and '"' not in key and "'" not in key:
        return [key]
    parts: list[str] = []
    for part in _KEY_PARTS.findall(key):
        parts.append(part[1:-1] if part[0] in "\"'" else part)
    return parts


def _depth(value: str) -> int | None:
    """Brackets a value's text opens and does not close (strings and a comment left
    out); None when it holds a multi-line string's quotes."""
    if '"""' in value or "'''" in value:
        return None
    bare = _STRING.sub("", value) if ('"' in value or "'" in value) else value
    bare = bare.split("#", 1)[0]
    if not bare:
        return 0
    return len(bare.translate(_WITHOUT_CLOSING)) - len(bare.translate(_WITHOUT_OPENING))


def _quick_lines(text: str) -> dict[Path, int] | None:
    """The keys and headers of a text of plain lines with their lines, or None when
    a line is of another shape (the full scan then runs)."""
    lines = text.split("\n")
    found: dict[Path, int] = {}
    aot_counts: dict[Path, int] = {}
    table: Path = ()
    number = 0
    count = len(lines)
    while number < count:
        line = lines[number]
        number += 1
        stripped = line.strip(" \t\r")
        if not stripped or stripped[0] == "#":
            continue
        if stripped[0] == "[":
            header = _HEADER_LINE.fullmatch(stripped)
            if header is None or len(header[1]) != len(header[3]):
                return None
            table = _header_path(tuple(_dotted_parts(header[2])), len(header[1]) == 2, aot_counts)
            found.setdefault(table, number)
            continue
        pair = _KEY_LINE.fullmatch(stripped)
        if pair is None:
            return None
        path = (*table, *_dotted_parts(pair[1]))
        found.setdefault(path, number)
        value = pair[2]
        if value[:1] not in ("[", "{"):
            if value.startswith(('"""', "'''")):
                return None
            continue
        depth = _depth(value)
        if depth is None:
            return None
        if depth == 0:
            continue
        first = number
        while depth > 0 and number < count:  # a value spanning lines: read to its end
            more = _depth(lines[number])
            if more is None:
                return None
            depth += more
            number += 1
        if depth != 0:
            return None
        _value_lines("\n".join([value, *lines[first:number]]), path, first, found)
    return found


def _value_lines(value: str, path: Path, first: int, found: dict[Path, int]) -> None:
    """Record the paths inside a value spanning lines, starting on line ``first``."""
    scanner = _Scanner(value)
    scanner.value(path)
    for inner, line in scanner.found.items():
        found.setdefault(inner, line + first - 1)


def line_map(text: str) -> dict[Path, int]:
    """A map of paths to lines from which :func:`line_of` gives every path the line
    that :func:`locate`'s map gives it (a cheaper scan when the text allows)."""
    text = text.removeprefix("\ufeff")
    quick = _quick_lines(text)
    return quick if quick is not None else _Scanner(text).scan()
