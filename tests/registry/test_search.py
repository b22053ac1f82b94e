"""The filter: folded haystacks, aliases through the catalog, words that narrow."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import load_register
from todokede.registry.schema.catalog import builtin_catalog
from todokede.registry.schema.model import Entry
from todokede.registry.views.search import SearchIndex, fold_text, haystack, query_terms


def entry(name: str, items: list[str], **extra: str) -> Entry:
    return Entry(
        name=name,
        department=extra.get("department", "課税課"),
        section=extra.get("section", ""),
        purpose=extra.get("purpose", "事務を行うため"),
        subjects=["市民"],
        record_items=items,
    )


def make_index() -> SearchIndex:
    return SearchIndex(
        builtin_catalog(),
        [
            ("juminzei", entry("個人住民税賦課事務", ["氏名", "マイナンバー"], section="市民税係")),
            ("kenshin", entry("がん検診事務", ["氏名", "健診結果"], department="健康増進課")),
            (
                "card",
                entry("ＩＣカード交付事務", ["氏名", "住所"], purpose="個人番号カードを交付する"),
            ),
            ("kaigo", entry("介護保険事務", ["氏名", "個人番号"], department="高齢介護課")),
        ],
    )


@pytest.fixture
def index() -> SearchIndex:
    return make_index()


def test_folding_matches_full_and_half_width_and_case() -> None:
    assert fold_text("ＩＣカード") == fold_text("icカード")
    assert query_terms("  個人　番号 ") == ("個人", "番号")
    assert query_terms("") == ()


def test_empty_query_lists_everything_in_order(index: SearchIndex) -> None:
    result = index.search("   ")
    assert result.ids == ("juminzei", "kenshin", "card", "kaigo")
    assert not result.is_filtered


@pytest.mark.parametrize(
    "query", ["個人番号", "マイナンバー", "ﾏｲﾅﾝﾊﾞｰ", "個人番号（マイナンバー）"]
)
def test_my_number_finds_every_holder_whatever_the_spelling(index: SearchIndex, query: str) -> None:
    ids = index.search(query).ids
    assert "juminzei" in ids  # written マイナンバー in its file
    assert "kaigo" in ids  # written 個人番号
    assert "kenshin" not in ids


def test_purpose_and_name_and_department_and_section_match(index: SearchIndex) -> None:
    assert index.search("個人番号カード").ids == ("card",)
    assert index.search("ic").ids == ("card",)
    assert index.search("健康増進").ids == ("kenshin",)
    assert index.search("市民税係").ids == ("juminzei",)
    assert index.search("kaigo").ids == ("kaigo",)


def test_an_alias_of_a_held_item_matches(index: SearchIndex) -> None:
    # 健診結果 folds to 健康診断等の結果, whose aliases include 検診結果
    assert index.search("健康診断等").ids == ("kenshin",)
    assert index.search("検診結果").ids == ("kenshin",)


def test_all_words_must_match(index: SearchIndex) -> None:
    assert index.search("氏名 介護").ids == ("kaigo",)
    assert index.search("氏名 存在しない").ids == ()


def test_no_match_across_fields(index: SearchIndex) -> None:
    text = haystack("x", entry("甲", ["氏名"], purpose="乙"), builtin_catalog())
    assert "甲" in text and "乙" in text
    assert "甲乙" not in text


def test_narrowing_while_typing_gives_the_same_as_a_fresh_search(index: SearchIndex) -> None:
    for typed in [
        "個",
        "個人",
        "個人番",
        "個人番号",
        "個人番号 介",
        "個人番",
        "氏名",
        "氏名 カード",
    ]:
        assert index.search(typed).ids == make_index().search(typed).ids


def test_put_and_remove_update_the_index(index: SearchIndex) -> None:
    assert index.search("介護").ids == ("kaigo",)
    index.put("kaigo", entry("高齢者相談事務", ["氏名"]))
    assert index.search("介護").ids == ()
    assert index.search("高齢者相談").ids == ("kaigo",)
    index.put("new", entry("介護認定事務", ["氏名"]))
    assert index.search("介護").ids == ("new",)
    index.remove("new")
    assert index.search("介護").ids == ()
    assert len(index) == 4


def test_result_membership(index: SearchIndex) -> None:
    result = index.search("氏名 介護")
    assert "kaigo" in result and "card" not in result
    assert len(result) == 1


def test_the_sample_register_my_number_holders_are_all_found() -> None:
    register = load_register(PROJECT_ROOT)
    catalog = register.catalog
    index = SearchIndex(catalog, ((e.id, e.entry) for e in register.ordered()))
    holders = {
        e.id
        for e in register.ordered()
        if any(catalog.is_my_number(i) for i in e.entry.record_items)
    }
    assert len(holders) >= 5
    assert holders <= set(index.search("個人番号").ids)
    assert holders <= set(index.search("マイナンバー").ids)
    assert holders <= set(index.search("ﾏｲﾅﾝﾊﾞｰ").ids)


def test_a_register_extension_alias_is_searchable(tmp_path: Path) -> None:
    from todokede.registry.schema.catalog import CatalogItem

    catalog = builtin_catalog([CatalogItem("児童番号", "その他", aliases=("児童コード",))])
    index = SearchIndex(catalog, [("a", entry("児童手当事務", ["児童コード"]))])
    assert index.search("児童番号").ids == ("a",)


def test_a_file_name_finds_its_process() -> None:
    from todokede.registry.schema.model import PersonalFile

    with_file = entry("個人住民税賦課事務", ["氏名", "住所"]).model_copy(
        update={
            "files": [
                PersonalFile(
                    name="個人住民税課税台帳ファイル",
                    kind="computer",
                    record_items=["氏名"],
                    persons=85000,
                )
            ]
        }
    )
    index = SearchIndex(
        builtin_catalog(),
        [("juminzei", with_file), ("kaigo", entry("介護保険事務", ["氏名"]))],
    )
    assert index.search("課税台帳").ids == ("juminzei",)
    assert index.search("ｶｾﾞｲ台帳").ids == ()  # folding is NFKC, not a reading
    assert "課税台帳" not in haystack("kaigo", entry("介護保険事務", ["氏名"]), builtin_catalog())


def test_put_and_remove_before_the_haystacks_are_folded() -> None:
    """Changes made before the first query (the haystacks not folded yet) count."""
    index = make_index()
    index.put("kaigo", entry("高齢者相談事務", ["氏名"]))
    index.remove("card")
    assert index.ids() == ("juminzei", "kenshin", "kaigo")
    assert index.search("介護").ids == ()
    assert index.search("高齢者相談").ids == ("kaigo",)


def test_prepared_in_another_thread_while_searched() -> None:
    """The TUI folds the haystacks in a background thread while the filter may be
    typed in: both give the same results as an index folded before."""
    import threading

    expected = make_index()
    expected.prepare()
    for _ in range(20):
        index = make_index()
        folding = threading.Thread(target=index.prepare)
        folding.start()
        found = index.search("氏名").ids
        folding.join()
        assert found == expected.search("氏名").ids
        assert index.search("個人番号").ids == expected.search("個人番号").ids
