"""和暦 (Japanese era) dates: parse every form clerks write, format as councils do.

Written here rather than taken from a library: the one maintained Python
library (japanera) covers every historical era, returns lists of candidates,
needs a format string per input form and does not reject 明治 dates before the
Gregorian calendar (明治6年) — while a register needs five eras, a handful of
forms (``平成28年9月13日``, ``H28.9.13``, ``令和元年5月1日``, ``R1.5.1``, ISO,
full-width digits) and strict errors for impossible dates (平成32年, 2月30日,
昭和64年1月8日). That is one table and two regular expressions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final


class WarekiError(ValueError):
    """A date that cannot be read or does not exist."""


@dataclass(frozen=True)
class Era:
    """A Japanese era: its name, letter, first and last Gregorian day."""

    name: str
    letter: str
    first: date
    last: date | None


#: 明治 dates are Gregorian only from 明治6年1月1日; earlier ones were lunar.
GREGORIAN_START: Final = date(1873, 1, 1)

ERAS: Final[tuple[Era, ...]] = (
    Era("明治", "M", date(1868, 1, 25), date(1912, 7, 30)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 25)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), None),
)
_BY_KEY: Final[dict[str, Era]] = {key: era for era in ERAS for key in (era.name, era.letter)}
_WEEKDAYS: Final = "月火水木金土日"

_JAPANESE = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和)\s*(?P<year>元|\d{1,4})\s*年"
    r"\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
)
_LETTER = re.compile(
    r"(?P<era>[MTSHR])\s*(?P<year>元|\d{1,4})\s*(?P<sep>[./-])"
    r"\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})"
)
_WESTERN = re.compile(
    r"(?P<year>\d{4})(?:(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    r"|年(?P<kmonth>\d{1,2})月(?P<kday>\d{1,2})日)"
)
_WEEKDAY = re.compile(r"\s*[(（](?P<weekday>[月火水木金土日])(?:曜日?)?[)）]\s*$")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


def parse_date(text: str) -> date:
    """Read a date written as ISO, 和暦 or an era letter; raise WarekiError.

    Accepted: ``2016-09-13``, ``2016/9/13``, ``2016年9月13日``,
    ``平成28年9月13日``, ``令和元年5月1日``, ``H28.9.13``, ``R1.5.1``
    (``/`` or ``-`` as separators too), full-width digits and letters, and an
    optional weekday such as ``(火)``, which must then be right.
    """
    if not isinstance(text, str):
        raise WarekiError(f"日付ではありません: {text!r}")
    normal = _normalise(text)
    weekday: str | None = None
    if found := _WEEKDAY.search(normal):
        weekday = found["weekday"]
        normal = normal[: found.start()].strip()
    if match := _JAPANESE.fullmatch(normal) or _LETTER.fullmatch(normal):
        result = _from_era(text, match["era"], match["year"], match["month"], match["day"])
    elif match := _WESTERN.fullmatch(normal):
        month = match["month"] or match["kmonth"]
        day = match["day"] or match["kday"]
        result = _make_date(text, int(match["year"]), int(month), int(day))
    else:
        raise WarekiError(
            f"日付として読めません: 「{text}」"
            "（例: 2016-09-13、平成28年9月13日、H28.9.13、令和元年5月1日）"
        )
    if weekday is not None and _WEEKDAYS[result.weekday()] != weekday:
        raise WarekiError(f"曜日が合いません: 「{text}」は{_WEEKDAYS[result.weekday()]}曜日です")
    return result


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise WarekiError(f"存在しない日付です: 「{text}」") from None
    if result < GREGORIAN_START:
        raise WarekiError(f"明治6年（1873年）より前の日付は扱えません（旧暦のため）: 「{text}」")
    return result


def _from_era(text: str, key: str, year_text: str, month: str, day: str) -> date:
    era = _BY_KEY[key]
    year = 1 if year_text == "元" else int(year_text)
    if year < 1:
        raise WarekiError(f"{era.name}0年はありません: 「{text}」")
    result = _make_date(text, era.first.year + year - 1, int(month), int(day))
    if result < era.first or (era.last is not None and result > era.last):
        last = f"{format_wareki(era.last)}まで" if era.last else ""
        raise WarekiError(
            f"{era.name}にない日付です: 「{text}」"
            f"（{era.name}は{format_wareki(max(era.first, GREGORIAN_START))}から{last}）"
        )
    return result


def era_of(day: date) -> Era:
    """The era a day is written in; on a day of 改元 the new era."""
    if day < GREGORIAN_START:
        raise WarekiError(f"明治6年（1873年）より前の日付は和暦で書けません: {day}")
    for era in reversed(ERAS):
        if day >= era.first:
            return era
    raise AssertionError("unreachable: 明治 covers every day from 1873")


def _era_year(day: date) -> tuple[Era, int]:
    era = era_of(day)
    return era, day.year - era.first.year + 1


def format_wareki(day: date) -> str:
    """``平成28年9月13日``, ``令和元年5月1日``: the form of council documents."""
    era, year = _era_year(day)
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{day.month}月{day.day}日"


def format_short(day: date) -> str:
    """``H28.9.13``, ``R1.5.1``: the short form used in tables."""
    era, year = _era_year(day)
    return f"{era.letter}{year}.{day.month}.{day.day}"


def format_period(start: date, end: date) -> str:
    """A period as council reports write it: ``平成28年1月1日～平成28年9月13日``."""
    return f"{format_wareki(start)}～{format_wareki(end)}"
