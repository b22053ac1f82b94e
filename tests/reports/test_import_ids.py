"""Readable entry ids for imported entries: romanized 課 and 事務 names, always valid."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from todokede.registry.schema.limits import ENTRY_ID
from todokede.reports.imports.ids import make_id


@pytest.mark.parametrize(
    ("department", "name", "expected"),
    [
        ("課税課", "個人住民税賦課事務", "kazei-kojin-juminzei-fuka"),
        ("子ども・教育支援課", "児童手当支給事務", "kodomo-kyoiku-shien-jidoteate-shikyu"),
        ("市民課", "住民基本台帳事務", "shimin-juminkihondaicho"),
        ("課税課", "eLTAX申告業務", "kazei-eltax-shinkoku"),
        ("税務課", "ｅＬＴＡＸ申告業務", "zeimu-eltax-shinkoku"),
        ("保健センター", "健康診査事務", "hoken-kenko-shinsa"),
        ("総務部", "職員台帳", "somu-shokuin-daicho"),
        ("市民係", "第1号被保険者", "shimin-dai-1-go-hihokensha"),
        ("福祉事務所", "生活保護", "fukushi-jimu-seikatsu-hogo"),
        ("秘書室", "", "hisho"),
        ("", "東京都", "tokyoto"),
        ("課", "事務", "ka-jimu"),
        ("", "", "entry"),
        ("！？", "・、。", "entry"),
    ],
)
def test_ids_are_romanized_names(department: str, name: str, expected: str) -> None:
    assert make_id(department, name) == expected


def test_a_taken_id_gets_a_number() -> None:
    taken = {"kazei-kojin-juminzei-fuka", "kazei-kojin-juminzei-fuka-2"}
    assert make_id("課税課", "個人住民税賦課事務", taken) == "kazei-kojin-juminzei-fuka-3"
    assert make_id("", "", frozenset({"entry"})) == "entry-2"


def test_a_long_id_is_cut_at_a_word() -> None:
    name = "個人情報保護条例に基づく開示請求及び訂正請求並びに利用停止請求の受付と決定に関する事務"
    entry_id = make_id("総務課", name)
    # the next word, seikyu, would make 70 characters
    assert entry_id == "somu-kojinjoho-hogo-jorei-ni-motozu-ku-kaiji-seikyu-oyobi-teisei"
    assert len(entry_id) == 64


def test_a_long_taken_id_keeps_its_number_within_64_characters() -> None:
    first = make_id("あ" * 70, "")
    assert first == "a" * 64
    second = make_id("あ" * 70, "", {first})
    assert second == "a" * 62 + "-2"
    assert ENTRY_ID.fullmatch(second)


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=80),
    st.text(max_size=80),
    st.sets(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=20), max_size=5),
)
def test_an_id_is_always_valid_and_never_taken(department: str, name: str, taken: set[str]) -> None:
    taken.add(make_id(department, name))
    entry_id = make_id(department, name, taken)
    assert ENTRY_ID.fullmatch(entry_id)
    assert entry_id not in taken


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=30))
def test_many_taken_ids_give_the_next_number(count: int) -> None:
    taken: set[str] = set()
    for _ in range(count):
        taken.add(make_id("市民課", "住民票", taken))
    assert len(taken) == count
    assert make_id("市民課", "住民票", taken) == f"shimin-juminhyo-{count + 1}"
