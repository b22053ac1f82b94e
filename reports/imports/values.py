"""The values of spreadsheet cells, read as dates, yes/no marks, lists, text and counts.

Cells come from python-calamine as ``str``, ``int``, ``float``, ``bool``, ``date``,
``datetime``, ``time``, ``timedelta`` or ``None`` (an empty cell is ``None`` or
``""``). Every reader here is pure; a value that cannot be read raises
:class:`ValueProblem`, whose text is one line for the clerk.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

from todokede.registry.schema.wareki import WarekiError, parse_date

#: What python-calamine gives for one cell.
Cell = str | int | float | bool | date | datetime | time | timedelta | None

#: The last Excel serial number, 9999-12-31.
MAX_SERIAL: Final = 2958465
#: Excel's 1900 date system counts a 1900-02-29 that never was.
_LEAP_BUG_SERIAL: Final = 60
#: Longest cell text quoted in a message; the rest is shown as "…".
_QUOTE_LIMIT: Final = 40


class ValueProblem(ValueError):
    """A cell whose value cannot be read; str() is one line in Japanese."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.splitlines()))


def _shown(value: Cell) -> str:
    """A cell's text as quoted in a message: one line, not too long."""
    text = " ".join(read_text(value).splitlines())
    if len(text) > _QUOTE_LIMIT:
        text = text[:_QUOTE_LIMIT] + "…"
    return text


def _is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _serial_date(value: int | float) -> date:
    """The day of an Excel serial number in the 1900 date system."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueProblem(f"「{_shown(value)}」は日付として読めません")
    serial = math.floor(value)
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueProblem(
            f"「{_shown(value)}」は日付の通し番号として範囲外です（1から{MAX_SERIAL}まで）"
        )
    if serial == _LEAP_BUG_SERIAL:
        raise ValueProblem(f"「{_shown(value)}」は存在しない日付（1900年2月29日）の通し番号です")
    start = date(1899, 12, 30) if serial > _LEAP_BUG_SERIAL else date(1899, 12, 31)
    return start + timedelta(days=serial)


def read_date(value: Cell) -> date | None:
    """A date cell, an Excel serial number or a date written as text; None if empty.

    Text is read by :func:`~todokede.registry.schema.wareki.parse_date`: 和暦
    (``平成28年4月1日``, ``H28.4.1``, ``令和元年5月1日``), ``2016-04-01``,
    ``2016/4/1``, ``2016.4.1``, ``2016年4月1日``, full-width digits. A number
    written as text is not taken for a serial number.
    """
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"「{_shown(value)}」は日付として読めません")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return _serial_date(value)
    if isinstance(value, time):
        raise ValueProblem(f"「{_shown(value)}」は時刻で、日付ではありません")
    if isinstance(value, timedelta):
        raise ValueProblem(f"「{_shown(value)}」は時間の長さで、日付ではありません")
    if isinstance(value, str):
        try:
            return parse_date(value.strip())
        except WarekiError as error:
            raise ValueProblem(str(error)) from None
    raise ValueProblem(f"「{_shown(value)}」は日付として読めません")


_YES: Final = frozenset(
    [
        "○",
        "〇",
        "◯",
        "●",
        "◎",
        "レ",
        "✓",
        "✔",
        "■",
        "☑",
        "有",
        "あり",
        "有り",
        "する",
        "はい",
        "yes",
        "y",
        "true",
        "1",
    ]
)
#: NFKC folds the full-width minus － into "-".
_NO: Final = frozenset(
    [
        "×",
        "✕",
        "✗",
        "無",
        "なし",
        "無し",
        "しない",
        "いいえ",
        "no",
        "n",
        "false",
        "0",
        "-",
        "―",
        "ー",
        "□",
        "☐",
    ]
)


def read_yes(value: Cell) -> bool | None:
    """A yes/no mark (○, 有, レ … or ×, 無, - …); None for an empty cell, "not given"."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        folded = unicodedata.normalize("NFKC", value).strip().casefold()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
    raise ValueProblem(
        f"「{_shown(value)}」は有無として読めません（○・有・レ 又は ×・無 で記入してください）"
    )


_OPENERS: Final = {"（": "）", "(": ")", "「": "」", "『": "』", "【": "】", "[": "]"}
#: Separators, with the half-width forms ､ and ･ of 、 and ・.
_SEPARATORS: Final = frozenset("、・,，;；\n\r､･")
_ANY_OPENER: Final = re.compile("[" + re.escape("".join(_OPENERS)) + "]")
_TO_ONE_SEPARATOR: Final = str.maketrans(dict.fromkeys(_SEPARATORS, "\x00"))
#: What may start an item written as a bulleted line, stripped with spaces.
_BULLETS: Final = "・•●○◦-*･ \t\u3000"


def _parts(text: str) -> list[str]:
    """Text cut at the separators outside brackets (nested brackets allowed)."""
    if not _ANY_OPENER.search(text):
        return text.translate(_TO_ONE_SEPARATOR).split("\x00")  # no brackets to look inside
    parts: list[str] = []
    current: list[str] = []
    closers: list[str] = []
    for char in text:
        if char in _OPENERS:
            closers.append(_OPENERS[char])
        elif closers and char == closers[-1]:
            closers.pop()
        elif not closers and char in _SEPARATORS:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def split_list(value: Cell) -> list[str]:
    """Several values in one cell, in order, without empties or repeats.

    Split on 、 ・ , ， ; ； and line breaks, but not inside brackets （） () 「」
    『』 【】 []; a bracket left open keeps the rest of the cell in one item. Each
    item loses its spaces and a leading bullet (・ • ● ○ ◦ - *). A cell that is
    not text is one item, written as :func:`read_text` writes it.
    """
    if not isinstance(value, str):
        text = read_text(value)
        return [text] if text else []
    items: list[str] = []
    for part in _parts(value):
        item = part.strip().lstrip(_BULLETS).strip()
        if item and item not in items:
            items.append(item)
    return items


def read_text(value: Cell) -> str:
    """A cell as text: "" if empty, text stripped (inner line breaks kept).

    An integral float is written without ``.0``, a date (or a datetime at
    midnight) in ISO form, other values as ``str()`` gives them (``True``).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


_COUNT: Final = re.compile(r"(?P<number>\d+)|(?P<man>\d+(?:\.\d+)?)万(?P<rest>\d*)")


def read_int(value: Cell) -> int | None:
    """A count of persons or records; None if empty.

    Text may have commas, full-width digits, 約 before and 人, 名 or 件 after,
    and 万 (``約1.2万人`` is 12000).
    """
    if _is_empty(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str):
        text = re.sub(r"[\s,、]", "", unicodedata.normalize("NFKC", value))
        text = text.removeprefix("約")
        text = re.sub(r"[人名件]$", "", text)
        if match := _COUNT.fullmatch(text):
            if match["number"] is not None:
                return int(match["number"])
            count = Decimal(match["man"]) * 10_000 + int(match["rest"] or 0)
            if count == count.to_integral_value():
                return int(count)
    raise ValueProblem(f"「{_shown(value)}」は人数・件数として読めません（例: 12000、約12,000人）")


#: A parenthesised note at the end of a label: （注1）, (※).
_TRAILING_NOTE: Final = re.compile(r"\([^()]*\)$")


def fold_label(text: str) -> str:
    """A column label folded for matching: "事務の\\n名称", "担 当 課" → "事務の名称", "担当課".

    NFKC, casefolded, without spaces, ※, colons at either end or a parenthesised
    note at the end — unless that note is the whole label.
    """
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("※", "")
    while True:
        before = folded
        folded = folded.strip(":")
        without_note = _TRAILING_NOTE.sub("", folded)
        if without_note.strip(":"):
            folded = without_note
        if folded == before:
            # once more: casefolding, or a combining mark left by a removed space,
            # can leave text that NFKC would change
            return unicodedata.normalize("NFKC", folded.casefold())
