"""和暦: every form clerks write, every day 1873–2100, the era boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from todokede.registry.schema.wareki import (
    WarekiError,
    era_of,
    format_period,
    format_short,
    format_wareki,
    parse_date,
)


def every_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_format_then_parse_is_identity_for_every_day_1873_to_2100() -> None:
    days = every_day(date(1873, 1, 1), date(2100, 12, 31))
    assert len(days) == (date(2101, 1, 1) - date(1873, 1, 1)).days
    for day in days:
        assert parse_date(format_wareki(day)) == day, day
        assert parse_date(format_short(day)) == day, day
        assert parse_date(day.isoformat()) == day, day


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31)))
def test_full_width_forms_parse_to_the_same_day(day: date) -> None:
    full_width = format_wareki(day).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_date(full_width) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成28年9月13日", date(2016, 9, 13)),
        ("H28.9.13", date(2016, 9, 13)),
        ("h28.9.13", date(2016, 9, 13)),
        ("H28/9/13", date(2016, 9, 13)),
        ("H28-09-13", date(2016, 9, 13)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("平成２８年９月１３日", date(2016, 9, 13)),
        ("Ｈ２８．９．１３", date(2016, 9, 13)),
        ("２０１６－０９－１３", date(2016, 9, 13)),
        ("2016-09-13", date(2016, 9, 13)),
        ("2016/9/13", date(2016, 9, 13)),
        ("2016年9月13日", date(2016, 9, 13)),
        ("平成 28 年 9 月 13 日", date(2016, 9, 13)),
        ("平成30年10月16日(火)", date(2018, 10, 16)),
        ("平成30年10月16日（火曜日）", date(2018, 10, 16)),
        ("  令和8年3月12日  ", date(2026, 3, 12)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # 明治 → 大正: the day of 改元 is both 明治45年7月30日 and 大正元年7月30日
        ("明治45年7月29日", date(1912, 7, 29)),
        ("明治45年7月30日", date(1912, 7, 30)),
        ("大正元年7月30日", date(1912, 7, 30)),
        # 大正 → 昭和
        ("大正15年12月25日", date(1926, 12, 25)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        # 昭和 → 平成: 昭和64年1月7日 is the last day, 平成 starts the next day
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        # 平成 → 令和
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        # the first Gregorian day
        ("明治6年1月1日", date(1873, 1, 1)),
    ],
)
def test_boundary_days(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2016, 9, 13), "平成28年9月13日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
    ],
)
def test_council_form(day: date, written: str) -> None:
    assert format_wareki(day) == written


def test_short_form_and_period() -> None:
    assert format_short(date(2019, 5, 1)) == "R1.5.1"
    assert format_short(date(1989, 1, 7)) == "S64.1.7"
    assert format_period(date(2016, 1, 1), date(2016, 9, 13)) == "平成28年1月1日～平成28年9月13日"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("平成32年1月1日", "平成にない日付"),
        ("平成31年5月1日", "平成にない日付"),
        ("令和元年4月30日", "令和にない日付"),
        ("昭和64年1月8日", "昭和にない日付"),
        ("大正元年7月29日", "大正にない日付"),
        ("明治46年1月1日", "明治にない日付"),
        ("平成28年2月30日", "存在しない日付"),
        ("2021-02-29", "存在しない日付"),
        ("平成28年13月1日", "存在しない日付"),
        ("令和0年5月1日", "令和0年はありません"),
        ("明治5年12月2日", "旧暦"),
        ("1872-12-31", "旧暦"),
        ("平成30年10月16日(水)", "曜日が合いません"),
        ("", "日付として読めません"),
        ("平成二十八年九月十三日", "日付として読めません"),
        ("X28.9.13", "日付として読めません"),
        ("H28.9/13", "日付として読めません"),
        ("2016-09-13T10:00", "日付として読めません"),
    ],
)
def test_impossible_dates_are_errors(text: str, reason: str) -> None:
    with pytest.raises(WarekiError, match=reason):
        parse_date(text)


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_wareki_error(text: str) -> None:
    try:
        result = parse_date(text)
    except WarekiError as error:
        assert str(error)
    else:
        assert date(1873, 1, 1) <= result


def test_era_of_picks_the_new_era_on_the_day_of_change() -> None:
    assert era_of(date(1926, 12, 25)).name == "昭和"
    assert era_of(date(1912, 7, 30)).name == "大正"
    with pytest.raises(WarekiError):
        era_of(date(1872, 12, 31))
