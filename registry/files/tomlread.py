"""Read one register file and parse its TOML, with every refusal as a TomlProblem.

Light on purpose (no pydantic): the store uses it, and so do the helper
processes that parse a large register's files in parallel
(:mod:`todokede.registry.files.parse_pool`), which must start in a few milliseconds.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, Final

from todokede.registry.schema.limits import MAX_FILE_BYTES

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


_TOML_MESSAGES: Final = {
    "Invalid date or datetime": "日付が正しくありません（存在しない日付かもしれません）",
    "Illegal character": "使えない文字があります（引用符の閉じ忘れかもしれません）",
    "Cannot overwrite a value": "同じ項目が2回書かれています",
    "Cannot declare": "同じ表が2回書かれています",
    "Invalid value": "値の書き方が正しくありません",
    "Expected '=' after a key": "項目名の後に = がありません",
    "Unclosed array": "配列の ] がありません",
    "Unclosed inline table": "{ } の閉じ忘れがあります",
    "Invalid statement": "この行は TOML として読めません",
}


#: The deepest nesting of tables and arrays a register file may have (an entry
#: needs four levels). A fixed limit, not Python's recursion limit, which
#: depends on how deep the reading stack already is: every process reading a
#: file (:mod:`todokede.registry.files.parse_pool`) must refuse the same files, and nothing
#: that checks the data later can recurse too deep.
MAX_NESTING: Final = 32

_TOO_DEEP: Final = f"入れ子が深すぎて読めません（{MAX_NESTING}段まで）"


#: The byte order mark Windows Notepad (before 2019) and some editors write at the
#: start of a UTF-8 file. ``tomllib`` refuses it (「Invalid statement」); every
#: reader of a register file skips it, a rewrite keeps it (:mod:`todokede.registry.files.tomledit`)
#: and ``check`` warns about it (other tools may not skip it).
BOM: Final = "\ufeff"
BOM_WARNING: Final = (
    "ファイルの先頭に BOM があります（読み込みましたが、読めない道具もあるため、"
    "BOM なしの UTF-8 で保存し直してください）"
)


def without_bom(text: str) -> str:
    """``text`` without a byte order mark at its start."""
    return text[1:] if text.startswith(BOM) else text


class TomlProblem(Exception):
    """A file that cannot be read as TOML; carries the line when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


#: Opening never follows a symbolic link nor waits on a FIFO (O_NONBLOCK); the entry
#: cache reads the same way (:mod:`todokede.registry.files.entry_cache`).
OPEN_FLAGS: Final = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
) | getattr(os, "O_BINARY", 0)


def read_text(path: Path) -> str:
    """The text of a register file, refusing huge, binary or non-UTF-8 files, symbolic
    links and anything that is not a regular file (a FIFO would block forever)."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP or path.is_symlink():  # O_NOFOLLOW refused a link
            raise TomlProblem("シンボリックリンクは登録簿のファイルにできません") from None
        raise TomlProblem(f"読めません: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise TomlProblem("通常のファイルではありません")
            if info.st_size > MAX_FILE_BYTES:
                raise TomlProblem(
                    f"ファイルが大きすぎます（{info.st_size:,} バイト、"
                    f"上限 {MAX_FILE_BYTES:,} バイト）"
                )
            raw = handle.read(info.st_size + 1)  # sized by stat: no 1 MiB buffer per file
            if len(raw) > info.st_size:  # grew while being read
                raw += handle.read(MAX_FILE_BYTES + 1 - len(raw))
    except OSError as error:
        raise TomlProblem(f"読めません: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:  # grew while being read
        raise TomlProblem(f"ファイルが大きすぎます（上限 {MAX_FILE_BYTES:,} バイト）")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise TomlProblem(
            "UTF-8 の文字として読めません（UTF-8 で保存してください）", line
        ) from None


def _too_deep(data: dict[str, Any]) -> bool:
    """Whether tables and arrays nest deeper than MAX_NESTING (no recursion)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if type(value) is dict else value
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                if depth == MAX_NESTING:
                    return True
                pending.append((child, depth + 1))
    return False


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML text (a byte order mark at its start skipped); errors become a
    TomlProblem naming the line."""
    try:
        data = tomllib.loads(without_bom(text))
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        line = int(found.group(1)) if found and found.group(1) else None
        if found and line is None:
            line = text.count("\n") + 1
        detail = _TOML_POSITION.sub("", message)
        for english, japanese in _TOML_MESSAGES.items():
            if detail.startswith(english):
                detail = f"{japanese}（{detail}）"
                break
        raise TomlProblem(f"TOML の書き方に誤りがあります: {detail}", line) from None
    except RecursionError:
        raise TomlProblem(_TOO_DEEP) from None
    if _too_deep(data):
        raise TomlProblem(_TOO_DEEP)
    return data


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """A TOML file's text and data."""
    text = read_text(path)
    return text, parse_toml(text)


def parse_data(raw: bytes | None) -> tuple[dict[str, Any] | None, bool]:
    """A file's TOML data (None when absent) and whether it could not be read."""
    if raw is None:
        return None, False
    if len(raw) > MAX_FILE_BYTES:  # a version in history can be anything: not parsed
        return {}, True
    try:
        return tomllib.loads(without_bom(raw.decode("utf-8"))), False
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return {}, True
