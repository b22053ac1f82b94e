"""An entry's semantic diff as Japanese lines (shared by ``todokede diff`` and the TUI)."""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

from tests.support.gitrepos import ENTRY_ID
from tests.support.samples import PROJECT_ROOT, VALID_ENTRY
from todokede.registry.views.diff import diff_entry
from todokede.registry.views.diff_lines import (
    DiffLine,
    changed_labels,
    diff_lines,
    grouped,
    show_value,
)

SAMPLE = tomllib.loads((PROJECT_ROOT / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8"))


def changed(**updates: Any) -> dict[str, Any]:
    return {**SAMPLE, **updates}


def test_record_items_tables_filings_and_fields_in_order() -> None:
    items = [i for i in SAMPLE["record_items"] if i != "個人番号"]
    before = changed(record_items=items, retention="7年", legal_basis=["地方税法"])
    after = changed(
        record_items=[*SAMPLE["record_items"], "電子メールアドレス"],
        retention="10年",
        outsourcing=[{"contractor": "株式会社テスト", "scope": "入力"}],
        filings=[
            *SAMPLE["filings"],
            {"date": date(2016, 3, 22), "kind": "change", "summary": "見直し", "review": True},
        ],
    )
    diff = diff_entry(ENTRY_ID, before, after)
    assert diff is not None
    lines = diff_lines(diff)
    texts = [line.text for line in lines]
    assert texts[:2] == ["+ 記録項目: 個人番号", "+ 記録項目: 電子メールアドレス"]
    assert "+ 委託先: 株式会社テスト" in texts
    for contractor in (o["contractor"] for o in SAMPLE.get("outsourcing", [])):
        assert f"- 委託先: {contractor}" in texts
    assert "+ 届出: 2016-03-22 変更（見直し） 見直し" in texts
    assert "~ 保存期間: 7年 → 10年" in texts
    added_laws = [law for law in SAMPLE["legal_basis"] if law != "地方税法"]
    assert [t for t in texts if "根拠法令" in t] == [f"+ 根拠法令: {law}" for law in added_laws]
    # record items first, then tables, then filings, then the other fields
    order = [line.label for line in lines]
    assert order.index("記録項目") < order.index("委託先") < order.index("届出")
    assert order.index("届出") < order.index("保存期間")
    # filing dates in 和暦 for the TUI
    wareki = [line.value for line in diff_lines(diff, wareki=True) if line.label == "届出"]
    assert wareki == ["平成28年3月22日 変更（見直し） 見直し"]
    assert changed_labels(diff)[0] == "根拠法令"
    assert "記録項目" in changed_labels(diff) and "届出" in changed_labels(diff)


def test_headings_and_groups() -> None:
    lines = [
        DiffLine("+", "記録項目", "個人番号"),
        DiffLine("+", "記録項目", "電話番号"),
        DiffLine("-", "記録項目", "本籍"),
        DiffLine("~", "委託先", "株式会社A（内容を変更）"),
        DiffLine("~", "委託先", "株式会社B（内容を変更）"),
        DiffLine("+", "外部結合", "地方税ポータル"),
    ]
    assert [line.heading for line in lines] == [
        "記録項目の追加",
        "記録項目の追加",
        "記録項目の削除",
        "委託先",
        "委託先",
        "外部結合の追加",
    ]
    groups = grouped(lines)
    assert [(g.heading, g.values) for g in groups] == [
        ("記録項目の追加", ("個人番号", "電話番号")),
        ("記録項目の削除", ("本籍",)),
        ("委託先", ("株式会社A（内容を変更）",)),
        ("委託先", ("株式会社B（内容を変更）",)),
        ("外部結合の追加", ("地方税ポータル",)),
    ]


def test_reordered_items_and_single_values() -> None:
    diff = diff_entry(
        ENTRY_ID,
        SAMPLE,
        changed(record_items=list(reversed(SAMPLE["record_items"])), computer_processing=False),
    )
    assert diff is not None
    texts = [line.text for line in diff_lines(diff)]
    assert "~ 記録項目: 並びを変更" in texts
    assert "~ 電子計算機処理: あり → なし" in texts
    assert show_value(None) == "（なし）"
    assert show_value(True) == "あり"


def test_a_new_file_lists_its_items_and_first_filing_but_no_field_changes() -> None:
    diff = diff_entry(ENTRY_ID, None, SAMPLE)
    assert diff is not None and diff.status == "added"
    lines = diff_lines(diff)
    assert {line.label for line in lines} <= {
        "記録項目",
        "委託先",
        "外部結合",
        "提供先",
        "個人情報ファイル",
        "届出",
    }
    assert sum(line.label == "記録項目" for line in lines) == len(SAMPLE["record_items"])
    assert sum(line.label == "届出" for line in lines) == len(SAMPLE["filings"])


def test_an_alias_written_instead_is_a_change_of_spelling() -> None:
    items = SAMPLE["record_items"]
    assert "個人番号" in items
    alias = [("マイナンバー" if i == "個人番号" else i) for i in items]
    diff = diff_entry(ENTRY_ID, changed(record_items=alias), SAMPLE)
    assert diff is not None
    assert (diff.items_added, diff.items_removed) == ((), ())
    assert diff.items_respelled == (("マイナンバー", "個人番号"),)
    assert [line.text for line in diff_lines(diff)] == [
        "~ 記録項目: マイナンバー → 個人番号（表記を変更）"
    ]
    moved = diff_entry(ENTRY_ID, changed(record_items=alias[::-1]), SAMPLE)
    assert moved is not None
    assert [line.text for line in diff_lines(moved)] == [
        "~ 記録項目: マイナンバー → 個人番号（表記を変更）",
        "~ 記録項目: 並びを変更",
    ]


VALID = tomllib.loads(VALID_ENTRY)
TAX_FILE = VALID["files"][0]  # 個人住民税賦課事務ファイル: computer, 氏名, 5,000 persons
RETURNS = {
    "name": "個人住民税申告書綴",
    "kind": "manual",
    "record_items": ["氏名"],
    "persons": 3000,
}


def test_files_added_removed_and_changed_with_the_fields_that_changed() -> None:
    old_book = {"name": "旧課税台帳", "kind": "manual", "record_items": ["氏名"], "persons": 2000}
    grown = {**TAX_FILE, "record_items": ["氏名", "住所"], "persons": 6000, "unlisted": True}
    before = {**VALID, "files": [TAX_FILE, old_book]}
    after = {**VALID, "files": [grown, RETURNS], "retention": "5年"}
    diff = diff_entry(ENTRY_ID, before, after)
    assert diff is not None
    texts = [line.text for line in diff_lines(diff)]
    assert texts == [
        "+ 個人情報ファイル: 個人住民税申告書綴",
        "- 個人情報ファイル: 旧課税台帳",
        "~ 個人情報ファイル: 個人住民税賦課事務ファイル"
        "（記録項目・本人の数・ファイル全体の記載の有無を変更）",
        "~ 保存期間: （なし） → 5年",  # the files are no field line of their own
    ]
    assert [(g.heading, g.values) for g in grouped(diff_lines(diff))][:2] == [
        ("個人情報ファイルの追加", ("個人住民税申告書綴",)),
        ("個人情報ファイルの削除", ("旧課税台帳",)),
    ]
    assert changed_labels(diff) == ["保存期間", "個人情報ファイル"]


def test_a_renamed_file_is_a_removal_and_an_addition_and_a_move_is_a_move() -> None:
    renamed = {**TAX_FILE, "name": "個人住民税課税台帳ファイル"}
    diff = diff_entry(ENTRY_ID, VALID, {**VALID, "files": [renamed]})
    assert diff is not None
    assert [line.text for line in diff_lines(diff)] == [
        "+ 個人情報ファイル: 個人住民税課税台帳ファイル",
        "- 個人情報ファイル: 個人住民税賦課事務ファイル",
    ]
    moved = diff_entry(
        ENTRY_ID, {**VALID, "files": [TAX_FILE, RETURNS]}, {**VALID, "files": [RETURNS, TAX_FILE]}
    )
    assert moved is not None
    assert [line.text for line in diff_lines(moved)] == ["~ 個人情報ファイル: 並びを変更"]
