"""The record-item catalog: categories, flags, aliases, NFKC folding, additions."""

from __future__ import annotations

from todokede.registry.schema.catalog import BUILTIN_ITEMS, CATEGORIES, CatalogItem, builtin_catalog

SENSITIVE_KINDS = [
    "人種",
    "信条",
    "社会的身分",
    "病歴",
    "犯罪の経歴",
    "犯罪により害を被った事実",
    "障害の状況",
    "健康診断等の結果",
    "診療・調剤情報",
    "刑事・少年事件の手続",
]


def test_catalog_has_the_seven_categories_and_enough_items() -> None:
    assert CATEGORIES == (
        "基本的事項",
        "思想・信条等",
        "家庭生活",
        "心身の状況",
        "社会生活",
        "資産・収入等",
        "その他",
    )
    assert len(BUILTIN_ITEMS) >= 40
    assert {item.category for item in BUILTIN_ITEMS} == set(CATEGORIES)
    names = [item.name for item in BUILTIN_ITEMS]
    assert len(names) == len(set(names))


def test_basic_items_exist() -> None:
    catalog = builtin_catalog()
    for name in ["氏名", "住所", "生年月日", "性別", "電話番号"]:
        item = catalog.lookup(name)
        assert item is not None and item.category == "基本的事項"


def test_my_number_flag_and_alias() -> None:
    catalog = builtin_catalog()
    assert catalog.canonical("マイナンバー") == "個人番号"
    assert catalog.is_my_number("個人番号")
    assert catalog.is_my_number("マイナンバー")
    assert not catalog.is_my_number("氏名")
    assert [i.name for i in BUILTIN_ITEMS if i.my_number] == ["個人番号"]


def test_sensitive_kinds_are_flagged() -> None:
    catalog = builtin_catalog()
    for name in SENSITIVE_KINDS:
        assert catalog.is_sensitive(name), name
    assert catalog.is_sensitive("犯罪被害")
    assert catalog.is_sensitive("診療情報")
    assert not catalog.is_sensitive("所得の状況")


def test_family_social_and_assets_items() -> None:
    catalog = builtin_catalog()
    assert {i.category for i in map(catalog.lookup, ["家族構成", "続柄"]) if i} == {"家庭生活"}
    assert {i.category for i in map(catalog.lookup, ["学歴", "職業・職歴"]) if i} == {"社会生活"}
    assert {i.category for i in map(catalog.lookup, ["所得の状況", "資産の状況"]) if i} == {
        "資産・収入等"
    }


def test_nfkc_folding_matches_full_width_and_spaces() -> None:
    catalog = builtin_catalog()
    assert catalog.canonical("　氏名　") == "氏名"
    assert catalog.canonical("Ｅメールアドレス") == "電子メールアドレス"
    assert catalog.lookup("ﾏｲﾅﾝﾊﾞｰ") is not None  # half-width katakana folds too


def test_register_may_add_and_override_items() -> None:
    extra = CatalogItem("図書館利用者番号", "その他", aliases=("図書館カード番号",))
    override = CatalogItem("年齢", "基本的事項", sensitive=True)
    catalog = builtin_catalog([extra, override])
    assert catalog.canonical("図書館カード番号") == "図書館利用者番号"
    assert catalog.is_sensitive("年齢")
    assert sum(1 for i in catalog.items if i.name == "年齢") == 1
    grouped = dict(catalog.by_category())
    assert list(grouped) == list(CATEGORIES)
