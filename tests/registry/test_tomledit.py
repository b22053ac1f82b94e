"""Writing entries back: unchanged bytes stay, comments survive, round trips hold."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.samples import COUNCIL_AND_ASSESSMENT, PROJECT_ROOT, VALID_ENTRY
from todokede.registry.files.tomledit import render_new, save_entry, update_text
from todokede.registry.schema.model import Entry, Filing, Outsourcing

COMMENTED = """\
# 課税課 個人住民税賦課事務（見本）
name = "個人住民税賦課事務"   # 業務の名称
department = "課税課"
purpose = "地方税法に基づき個人住民税を賦課するため"
subjects = ["個人住民税の納税義務者"]
record_items = [
  "氏名",     # 基本的事項
  "住所",
  "生年月日", # 年齢の確認に使う
]
retention = "5年"   # 文書規程による
status = "active"

# 委託先
[[outsourcing]]
contractor = "株式会社武蔵野情報サービス"   # 平成22年から
scope = "課税資料の入力"
since = 2010-04-01

[[filings]]
date = 2005-04-01   # 開始届
kind = "start"
summary = "業務開始"
"""


def parse(text: str) -> Entry:
    return Entry.model_validate(tomllib.loads(text))


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def test_every_sample_entry_saves_back_byte_for_byte(tmp_path: Path) -> None:
    files = sorted((PROJECT_ROOT / "entries").glob("*.toml"))
    assert files
    for source in files:
        copy = tmp_path / source.name
        copy.write_bytes(source.read_bytes())
        before = copy.stat().st_mtime_ns
        assert save_entry(copy, parse(source.read_text(encoding="utf-8"))) is False
        assert copy.read_bytes() == source.read_bytes()
        assert copy.stat().st_mtime_ns == before


def test_changing_one_field_keeps_every_comment() -> None:
    entry = parse(COMMENTED)
    entry.retention = "10年"
    new = update_text(COMMENTED, entry)
    assert comments(new) == comments(COMMENTED)
    assert 'retention = "10年"   # 文書規程による' in new
    assert new.replace('"10年"', '"5年"') == COMMENTED


def test_adding_an_item_and_a_filing_keeps_comments_and_layout() -> None:
    entry = parse(COMMENTED)
    entry.record_items.insert(2, "個人番号")
    entry.record_items.remove("住所")
    entry.filings.append(
        Filing(date=date(2016, 3, 22), kind="change", review=True, items_added=["個人番号"])
    )
    entry.outsourcing[0].scope = "課税資料の入力及び照合"
    new = update_text(COMMENTED, entry)
    assert comments(new) == comments(COMMENTED)
    assert parse(new) == entry
    assert '  "個人番号",\n  "生年月日", # 年齢の確認に使う\n' in new
    assert new.endswith(
        'summary = "業務開始"\n\n[[filings]]\ndate = 2016-03-22\nkind = "change"\n'
        'review = true\nitems_added = ["個人番号"]\n'
    )


def test_new_table_in_the_middle_keeps_blank_lines() -> None:
    entry = parse(COMMENTED)
    entry.outsourcing.append(Outsourcing(contractor="株式会社ムサシ", since=date(2011, 4, 1)))
    new = update_text(COMMENTED, entry)
    assert (
        '\n\n[[outsourcing]]\ncontractor = "株式会社ムサシ"\nsince = 2011-04-01\n\n[[filings]]'
        in new
    )


def test_removing_a_table_and_resetting_a_field() -> None:
    entry = parse(COMMENTED)
    entry.outsourcing = []
    entry.retention = ""
    new = update_text(COMMENTED, entry)
    assert "[[outsourcing]]" not in new
    assert parse(new) == entry


text_values = st.text(
    # Zl/Zp: U+2028 and U+2029 are refused in every field, like the controls.
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"), blacklist_characters="\x7f"
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")
dates = st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    filing_dates = sorted(draw(st.lists(dates, min_size=1, max_size=4)))
    kinds = ["start", *(draw(st.sampled_from(["change"])) for _ in filing_dates[1:])]
    if draw(st.booleans()) and len(filing_dates) > 1:
        kinds[-1] = "abolish"
    filings = [
        Filing(
            date=d,
            kind=k,  # type: ignore[arg-type]
            summary=draw(st.one_of(st.just(""), text_values)),
            review=draw(st.booleans()),
            items_added=draw(st.lists(text_values, max_size=3)),
        )
        for d, k in zip(filing_dates, kinds, strict=True)
    ]
    return Entry(
        name=draw(text_values),
        department=draw(text_values),
        section=draw(st.one_of(st.just(""), text_values)),
        purpose=draw(text_values),
        subjects=draw(st.lists(text_values, min_size=1, max_size=3)),
        record_items=draw(st.lists(text_values, min_size=1, max_size=6)),
        computer_processing=draw(st.booleans()),
        outsourcing=[
            Outsourcing(contractor=c, since=draw(st.one_of(st.none(), dates)))
            for c in draw(st.lists(text_values, max_size=2))
        ],
        status="abolished" if kinds[-1] == "abolish" else "active",
        filings=filings,
    )


@settings(max_examples=150, deadline=None)
@given(entries())
def test_round_trip_of_new_files(entry: Entry) -> None:
    text = render_new(entry, ["見本"])
    assert parse(text) == entry
    assert update_text(text, entry) == text


@settings(max_examples=100, deadline=None)
@given(entries(), entries())
def test_round_trip_of_edits(first: Entry, second: Entry) -> None:
    text = render_new(first)
    edited = update_text(text, second)
    assert parse(edited) == second


def test_council_items_their_opinions_and_the_assessment_are_edited_in_place() -> None:
    text = VALID_ENTRY + COUNCIL_AND_ASSESSMENT
    entry = parse(text)
    assert update_text(text, entry) == text
    entry.council[0].answered = date(2016, 10, 25)
    entry.council[0].result = "approved"
    entry.council[0].opinions[0].answer = "確認した"
    assert entry.my_number_assessment is not None
    entry.my_number_assessment.handlers = 130
    new = update_text(text, entry)
    assert parse(new) == entry
    assert "# 諮問" in new and "# 基礎項目評価" in new
    assert 'date = 2016-10-25\nanswered = 2016-10-25\nresult = "approved"\n' in new
    assert 'answer = "確認した"' in new and "handlers = 130" in new and "incident" not in new
    entry.my_number_assessment = None
    entry.council = []
    removed = update_text(new, entry)
    assert "[my_number_assessment]" not in removed and "[[council" not in removed
    assert parse(removed) == entry


def test_a_new_council_item_is_written_with_its_opinions_as_tables() -> None:
    entry = parse(VALID_ENTRY + COUNCIL_AND_ASSESSMENT)
    fresh = render_new(entry)
    assert "[[council.opinions]]" in fresh and "[my_number_assessment]" in fresh
    assert parse(fresh) == entry
