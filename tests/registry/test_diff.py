"""The semantic diff of entries and of the register between revisions."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, git
from tests.support.samples import PROJECT_ROOT, VALID_ENTRY
from todokede.registry.files.store import ENTRIES_DIR as STORE_ENTRIES_DIR
from todokede.registry.files.store import REGISTRY_FILE as STORE_REGISTRY_FILE
from todokede.registry.git.revision_diff import diff_register
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.limits import ENTRIES_DIR, REGISTRY_FILE
from todokede.registry.schema.model import Entry
from todokede.registry.views.diff import (
    DEFAULTS,
    FIELD_LABELS,
    diff_entry,
    diff_entry_bytes,
)

SAMPLE = tomllib.loads((PROJECT_ROOT / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8"))
CONTRACT_KEYS = ["entry", "status", "changed_fields", "items_added", "items_removed"]


def changed(**updates: Any) -> dict[str, Any]:
    return {**SAMPLE, **updates}


def test_field_table_matches_the_model() -> None:
    assert list(FIELD_LABELS) == list(Entry.model_fields)
    for name, field in Entry.model_fields.items():
        expected = None if field.is_required() else field.get_default(call_default_factory=True)
        assert DEFAULTS[name] == expected, name
    assert (ENTRIES_DIR, REGISTRY_FILE) == (STORE_ENTRIES_DIR, STORE_REGISTRY_FILE)


def test_same_data_is_no_change_and_defaults_equal_absent_fields() -> None:
    assert diff_entry(ENTRY_ID, SAMPLE, dict(SAMPLE)) is None
    spelled_out = changed(status="active", computer_processing=True)
    spelled_out["outsourcing"] = [
        {**SAMPLE["outsourcing"][0], "scope": SAMPLE["outsourcing"][0]["scope"]}
    ]
    assert (
        diff_entry(ENTRY_ID, {k: v for k, v in SAMPLE.items() if k != "status"}, spelled_out)
        is None
    )


def test_comments_and_layout_are_no_change() -> None:
    text = (PROJECT_ROOT / "entries" / f"{ENTRY_ID}.toml").read_bytes()
    reformatted = b"# another comment\n" + text.replace(b" = ", b"=")
    assert diff_entry_bytes(ENTRY_ID, text, reformatted) is None


def test_record_items_added_and_removed_by_canonical_name() -> None:
    items = [i for i in SAMPLE["record_items"] if i not in ("個人番号", "電話番号")]
    before = changed(record_items=items)
    after = changed(record_items=[*items, "マイナンバー", "メールアドレス"])
    diff = diff_entry(ENTRY_ID, before, after)
    assert diff is not None
    assert diff.status == "modified"
    assert diff.changed_fields == ("record_items",)
    assert diff.items_added == ("マイナンバー", "メールアドレス")
    assert diff.items_removed == ()
    # An alias of an item already there adds nothing; a reorder changes only the field.
    alias = diff_entry(
        ENTRY_ID, SAMPLE, changed(record_items=[*SAMPLE["record_items"], "マイナンバー"])
    )
    assert (
        alias is not None and alias.items_added == () and alias.changed_fields == ("record_items",)
    )
    reordered = diff_entry(ENTRY_ID, SAMPLE, changed(record_items=SAMPLE["record_items"][::-1]))
    assert reordered is not None and (reordered.items_added, reordered.items_removed) == ((), ())


def test_contractors_connections_and_provisions() -> None:
    contractor = {"contractor": "株式会社新規", "scope": "入力", "since": date(2020, 4, 1)}
    after = changed(
        outsourcing=[*SAMPLE["outsourcing"], contractor],
        connections=[],
        provisions=[
            {**SAMPLE["provisions"][0], "basis": "別の根拠"},
            *SAMPLE["provisions"][1:],
            {"recipient": "監査委員"},
        ],
    )
    diff = diff_entry(ENTRY_ID, SAMPLE, after)
    assert diff is not None
    assert diff.changed_fields == ("outsourcing", "connections", "provisions")
    assert diff.outsourcing.added == ("株式会社新規",) and diff.contractors_added == (
        "株式会社新規",
    )
    assert diff.connections.removed == ("地方税ポータルシステム（eLTAX）",)
    assert diff.provisions.added == ("監査委員",)
    assert diff.provisions.changed == ("国民健康保険担当（保険年金課）",)
    data = diff.as_json()
    assert list(data)[:5] == CONTRACT_KEYS
    assert data["contractors_added"] == ["株式会社新規"]
    assert data["connections_removed"] == ["地方税ポータルシステム（eLTAX）"]


VALID = tomllib.loads(VALID_ENTRY)
TAX_FILE = VALID["files"][0]  # 個人住民税賦課事務ファイル, 5,000 persons, 氏名
RETURNS = {
    "name": "個人住民税申告書綴",
    "kind": "manual",
    "record_items": ["氏名"],
    "persons": 3000,
}


def with_files(*files: dict[str, Any]) -> dict[str, Any]:
    return {**VALID, "files": list(files)}


def test_files_added_removed_and_changed_by_name() -> None:
    grown = {**TAX_FILE, "record_items": ["氏名", "住所"], "persons": 6000}
    diff = diff_entry(ENTRY_ID, VALID, with_files(grown, RETURNS))
    assert diff is not None
    assert diff.changed_fields == ("files",)
    assert diff.files.added == ("個人住民税申告書綴",) and diff.files.removed == ()
    assert diff.files.changed == ("個人住民税賦課事務ファイル",)
    assert diff.files.columns_of("個人住民税賦課事務ファイル") == ("record_items", "persons")
    # a file's record items are not the process's record items
    assert diff.items_added == () and diff.items_removed == ()
    data = diff.as_json()
    assert list(data)[:5] == CONTRACT_KEYS
    keys = list(data)
    assert keys.index("files_added") > keys.index("items_removed")
    assert keys[keys.index("files_added") :][:3] == [
        "files_added",
        "files_removed",
        "files_changed",
    ]
    assert (data["files_added"], data["files_removed"], data["files_changed"]) == (
        ["個人住民税申告書綴"],
        [],
        ["個人住民税賦課事務ファイル"],
    )
    assert data["changed_fields"] == ["files"] and data["items_added"] == []


def test_a_renamed_file_is_removed_and_added_and_defaults_are_no_change() -> None:
    renamed = {**TAX_FILE, "name": "個人住民税課税台帳ファイル"}
    diff = diff_entry(ENTRY_ID, VALID, with_files(renamed))
    assert diff is not None
    assert diff.files.added == ("個人住民税課税台帳ファイル",)
    assert diff.files.removed == ("個人住民税賦課事務ファイル",)
    assert diff.files.changed == ()
    spelled_out = {**TAX_FILE, "scope": "", "withheld": [], "unlisted": False, "proposals": False}
    assert diff_entry(ENTRY_ID, VALID, with_files(spelled_out)) is None
    moved = diff_entry(ENTRY_ID, with_files(TAX_FILE, RETURNS), with_files(RETURNS, TAX_FILE))
    assert moved is not None and not moved.files  # the same files in another order
    removed = diff_entry(ENTRY_ID, VALID, with_files())
    assert removed is not None and removed.as_json()["files_removed"] == [
        "個人住民税賦課事務ファイル"
    ]


def test_scalar_fields_and_filings() -> None:
    filing = {"date": date(2024, 4, 1), "kind": "change", "summary": "目的を変更"}
    after = changed(purpose="新しい目的", retention="10年", filings=[*SAMPLE["filings"], filing])
    diff = diff_entry(ENTRY_ID, SAMPLE, after)
    assert diff is not None
    assert diff.changed_fields == ("purpose", "retention", "filings")
    assert [(c.field, c.label, c.after) for c in diff.field_changes][:2] == [
        ("purpose", "業務の目的", "新しい目的"),
        ("retention", "保存期間", "10年"),
    ]
    assert [(f.date, f.kind, f.summary) for f in diff.filings_added] == [
        ("2024-04-01", "change", "目的を変更")
    ]


def test_added_and_removed_entries_list_what_they_hold() -> None:
    added = diff_entry(ENTRY_ID, None, SAMPLE)
    assert added is not None and added.status == "added"
    assert added.items_added == tuple(SAMPLE["record_items"])
    assert added.contractors_added == ("株式会社武蔵野情報サービス",)
    assert "name" in added.changed_fields and "status" not in added.changed_fields
    removed = diff_entry(ENTRY_ID, SAMPLE, None)
    assert removed is not None and removed.status == "removed"
    assert removed.items_removed == tuple(SAMPLE["record_items"])
    assert removed.name == "個人住民税賦課事務" and removed.department == "課税課"
    assert diff_entry(ENTRY_ID, None, None) is None


def test_an_unreadable_version_is_reported_not_raised() -> None:
    diff = diff_entry_bytes(ENTRY_ID, VALID_ENTRY.encode(), b"name = ")
    assert diff is not None and diff.unreadable and diff.status == "modified"


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return committed_register(tmp_path / "reg")


def test_register_diff_head_to_working_tree(register: Path) -> None:
    path = register / "entries" / f"{ENTRY_ID}.toml"
    path.write_text(VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]'), "utf-8")
    (register / "entries" / "kenko-new.toml").write_text(
        VALID_ENTRY.replace("課税課", "健康増進課"), "utf-8"
    )
    result = diff_register(register)
    data = result.as_json()
    assert data["from"] == git(register, "rev-parse", "HEAD").strip()
    assert data["to"] == "working-tree"
    assert [(e["entry"], e["status"]) for e in data["entries"]] == [
        (ENTRY_ID, "modified"),  # 課税課 before 健康増進課 in registry.toml
        ("kenko-new", "added"),
    ]
    assert data["entries"][0]["items_added"] == ["個人番号"]
    only = diff_register(register, entry_id="kenko-new")
    assert [e.entry for e in only.entries] == ["kenko-new"]
    with pytest.raises(RegisterError, match="nothing-here"):
        diff_register(register, entry_id="nothing-here")


def test_register_diff_between_revisions_and_before_the_first_commit(register: Path) -> None:
    first = git(register, "rev-parse", "HEAD").strip()
    (register / "entries" / f"{ENTRY_ID}.toml").unlink()
    git(register, "rm", "-q", "--cached", f"entries/{ENTRY_ID}.toml")
    git(register, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "削除")
    second = git(register, "rev-parse", "HEAD").strip()
    removed = diff_register(register, first, second).as_json()
    assert (removed["from"], removed["to"]) == (first, second)
    assert [(e["entry"], e["status"]) for e in removed["entries"]] == [(ENTRY_ID, "removed")]
    # --to alone: what that commit changed (from its parent)
    assert diff_register(register, to_spec="HEAD").as_json() == removed
    # a date before any commit is the empty register: everything is added
    from_nothing = diff_register(register, "1999-12-31", first).as_json()
    assert from_nothing["from"] == "1999-12-31"
    assert [e["status"] for e in from_nothing["entries"]] == ["added"]
    root_change = diff_register(register, to_spec=first).as_json()
    assert root_change["from"] == "empty"
