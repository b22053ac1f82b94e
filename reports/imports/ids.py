"""Readable entry ids for imported entries, romanized from the 課 and the 事務's name.

課税課 and 個人住民税賦課事務 give ``kazei-kojin-juminzei-fuka``: Hepburn by
pykakasi, long vowels shortened, lowercase ASCII words joined by ``-`` — always
an id that :data:`~todokede.registry.schema.limits.ENTRY_ID` accepts.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Final, Protocol, cast

from todokede.registry.schema.limits import ENTRY_ID

#: The longest id ENTRY_ID accepts.
MAX_LENGTH: Final = 64
#: The id of an entry whose names have nothing to romanize.
FALLBACK: Final = "entry"

_DEPARTMENT_SUFFIXES: Final = ("センター", "課", "係", "室", "部", "局", "所")
_NAME_SUFFIXES: Final = ("事務", "業務")
_LONG_VOWELS: Final = re.compile(r"ou|oo|uu")
_WORD: Final = re.compile(r"[a-z0-9]+")
#: A run of kanji, kana and their marks: romanized as one (okurigana stay with
#: their kanji); what lies between runs (latin, digits, punctuation) is read as it is.
_JAPANESE_RUN: Final = re.compile(r"([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶー]+)")


class _Kakasi(Protocol):
    def convert(self, text: str) -> list[dict[str, str]]: ...


@cache
def _kakasi() -> _Kakasi:
    """The one converter, built on first use (building it takes a while)."""
    import pykakasi

    return cast(_Kakasi, pykakasi.kakasi())  # type: ignore[no-untyped-call]


def _without_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    """Text without one of the suffixes at its end, unless nothing would be left."""
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _words(text: str) -> list[str]:
    """The romanized words of a text: lowercase ASCII letters and digits.

    Each run of Japanese script is romanized on its own and remembered: pykakasi
    takes about a millisecond a name, and the names of a register share their runs
    (…事務, 第1号 and 第2号 around the same words)."""
    text = unicodedata.normalize("NFKC", text).strip()
    words: list[str] = []
    for run in _JAPANESE_RUN.split(text):
        if not run:
            continue
        if _JAPANESE_RUN.fullmatch(run):
            words += _run_words(run)
        else:
            words += [_shortened(w) for w in _WORD.findall(run.lower())]
    return words


@lru_cache(maxsize=65_536)
def _run_words(run: str) -> tuple[str, ...]:
    """The words of one run of kanji and kana."""
    words: list[str] = []
    for item in _kakasi().convert(run):
        roman = unicodedata.normalize("NFKC", item["hepburn"]).lower().replace("'", "")
        words += [_shortened(word) for word in _WORD.findall(roman)]
    return tuple(words)


def _shortened(word: str) -> str:
    return _LONG_VOWELS.sub(lambda found: found[0][0], word)


def _joined(words: list[str], limit: int) -> str:
    """Words joined by "-" within limit characters, cut at a word if one can be."""
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > limit:
            break
        result = candidate
    if not result and words:
        result = words[0][:limit]
    return result


def make_id(department: str, name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A new entry id from the 課 and the 事務's name, not in taken.

    The 課 loses a trailing 課, 係, 室, 部, 局, 所 or センター, the name a trailing
    事務 or 業務; an id already taken gets ``-2``, ``-3`` … and one with nothing
    to romanize is ``entry``.
    """
    department = unicodedata.normalize("NFKC", department).strip()
    name = unicodedata.normalize("NFKC", name).strip()
    words = _words(_without_suffix(department, _DEPARTMENT_SUFFIXES))
    words += _words(_without_suffix(name, _NAME_SUFFIXES))
    words = words or [FALLBACK]
    entry_id = _joined(words, MAX_LENGTH)
    number = 1
    while entry_id in taken:
        number += 1
        suffix = f"-{number}"
        entry_id = _joined(words, MAX_LENGTH - len(suffix)) + suffix
    assert ENTRY_ID.fullmatch(entry_id), entry_id
    return entry_id


def _unique(candidate: str, taken: set[str] | frozenset[str]) -> str:
    """``candidate``, or it with -2, -3 … (cut to fit) when taken."""
    if candidate not in taken:
        return candidate
    number = 2
    while True:
        suffix = f"-{number}"
        again = candidate[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if again not in taken:
            return again
        number += 1


def column_id(value: str, prefix: str, taken: set[str] | frozenset[str]) -> str | None:
    """The id a cell gives (業務ID, or a 整理番号 mapped to it), after ``prefix``;
    None when it gives none the id rule accepts (then the names give one)."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    words = _WORD.findall(text) if text.isascii() else _words(text)
    if not words:
        return None
    candidate = "-".join([*([prefix] if prefix else []), *words])[:MAX_LENGTH].rstrip("-")
    return _unique(candidate, taken) if ENTRY_ID.fullmatch(candidate) else None


def prefixed(entry_id: str, prefix: str, taken: set[str] | frozenset[str]) -> str:
    """``entry_id`` after the mapping's prefix (``hino-kazei-…``), still within the rule."""
    if not prefix:
        return entry_id
    candidate = f"{prefix}-{entry_id}"[:MAX_LENGTH].rstrip("-")
    return _unique(candidate, taken)
