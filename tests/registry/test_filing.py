"""Filings as registry functions: summaries, drafts, the commit and its failure."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, git, head, trailers, write_register
from tests.support.samples import VALID_ENTRY
from todokede.registry.files.crashpoints import FAIL_VAR
from todokede.registry.git.filing import (
    draft_filing,
    file_entry,
    filing_message,
    finish_interrupted,
    summarize,
)
from todokede.registry.schema.errors import FilingRefused, RegisterError
from todokede.registry.views.diff import EntryDiff, TableChanges

WITH_MY_NUMBER = VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]')
MY_NUMBER_ALIAS = VALID_ENTRY.replace('"生年月日"]', '"生年月日", "マイナンバー"]')
FILE_NAME = "個人住民税賦課事務ファイル"  # VALID_ENTRY's one file
RETURNS_FILE = """
[[files]]
name = "個人住民税申告書綴"
kind = "manual"
record_items = ["氏名", "住所"]
persons = 3000
"""


def finish_pending(root: Path) -> list[str]:
    """What the next ``file`` or ``sync`` does first: finish an interrupted filing."""
    from todokede.registry.git.locking import repository_lock
    from todokede.registry.git.revisions import RegisterRepo

    with RegisterRepo(root) as history, repository_lock(history.repo.common_dir):
        return finish_interrupted(history)


def modified(**changes: Any) -> EntryDiff:
    return EntryDiff(ENTRY_ID, "modified", "個人住民税賦課事務", "課税課", **changes)


def test_summaries_written_from_the_diff() -> None:
    assert summarize(None, "start") == "業務開始"
    assert summarize(None, "abolish") == "業務を廃止"
    assert summarize(None, "change", review=True) == "見直し（変更なし）"
    items = modified(
        changed_fields=("record_items",), items_added=("個人番号",), items_removed=("本籍", "職業")
    )
    assert (
        summarize(items, "change")
        == "記録項目に「個人番号」を追加。記録項目から「本籍」「職業」を削除"
    )
    assert summarize(items, "change", review=True).endswith("を削除。見直し")
    tables = modified(
        changed_fields=("purpose", "outsourcing", "connections", "provisions", "sources"),
        outsourcing=TableChanges(added=("株式会社○○",), changed=("株式会社△△",)),
        connections=TableChanges(removed=("eLTAX",)),
        provisions=TableChanges(added=("監査委員",)),
    )
    assert summarize(tables, "change") == (
        "委託先を追加: 株式会社○○。委託先の内容を変更: 株式会社△△。"
        "外部結合を削除: eLTAX。提供先を追加: 監査委員。業務の目的・収集先を変更"
    )
    assert summarize(modified(changed_fields=("record_items",)), "change") == "記録項目の並びを変更"
    assert summarize(modified(changed_fields=("status",)), "abolish") == "業務を廃止"


def test_summaries_name_the_personal_information_files() -> None:
    added = modified(
        changed_fields=("files",), files=TableChanges(added=("個人住民税課税台帳ファイル",))
    )
    assert summarize(added, "change") == "個人情報ファイル「個人住民税課税台帳ファイル」を追加"
    several = modified(
        changed_fields=("files",),
        files=TableChanges(added=("課税台帳ファイル", "申告書綴"), removed=("旧台帳",)),
    )
    assert summarize(several, "change") == (
        "個人情報ファイル「課税台帳ファイル」「申告書綴」を追加。個人情報ファイル「旧台帳」を削除"
    )
    changed = modified(
        changed_fields=("files",),
        files=TableChanges(
            changed=("A", "B", "C", "D"),
            columns=(
                ("A", ("record_items", "persons")),
                ("B", ("unlisted",)),
                ("C", ("record_items", "persons")),
                ("D", ("kind", "scope", "persons", "notes")),
            ),
        ),
    )
    assert summarize(changed, "change") == (
        "個人情報ファイル「A」「C」の記録項目・本人の数を変更。"
        "個人情報ファイル「B」のファイル全体の記載の有無を変更。"
        "個人情報ファイル「D」の記載事項を変更"
    )
    # A hand-built diff without the fields: the file's 記載事項 as a whole.
    unknown = modified(changed_fields=("files",), files=TableChanges(changed=("A",)))
    assert summarize(unknown, "change") == "個人情報ファイル「A」の記載事項を変更"
    # Files beside other changes: the files are no field named again at the end.
    mixed = modified(
        changed_fields=("retention", "files"),
        items_added=("個人番号",),
        files=TableChanges(added=("A",)),
    )
    assert summarize(mixed, "change") == (
        "記録項目に「個人番号」を追加。個人情報ファイル「A」を追加。保存期間を変更"
    )
    assert summarize(added, "change", review=True).endswith("を追加。見直し")


def test_message_has_a_subject_and_the_trailers() -> None:
    message = filing_message(
        "change",
        "課税課",
        "個人住民税賦課事務",
        "一行目\n二行目",
        date(2016, 3, 22),
        ENTRY_ID,
        True,
    )
    assert message == (
        "変更届: 課税課 個人住民税賦課事務 — 一行目 二行目\n\n"
        "Filing-Kind: change\nFiling-Date: 2016-03-22\nEntry: kazei-kojin-juminzei\n"
        "Filing-Review: true\n"
    )


def test_a_draft_says_what_would_be_filed_and_writes_nothing(tmp_path: Path) -> None:
    root = committed_register(tmp_path / "reg")
    path = root / "entries" / f"{ENTRY_ID}.toml"
    path.write_text(WITH_MY_NUMBER, encoding="utf-8")
    draft = draft_filing(root, ENTRY_ID, "change", date(2016, 3, 22))
    assert draft.summary == "記録項目に「個人番号」を追加"
    assert draft.filing.items_added == ["個人番号"]
    assert draft.diff is not None and draft.diff.items_added == ("個人番号",)
    # the filing follows the last one, before [[files]]; the rest is kept as written
    filed_part, files_part = WITH_MY_NUMBER.split("\n[[files]]")
    assert draft.text.startswith(filed_part) and draft.text.endswith(f"\n[[files]]{files_part}")
    assert path.read_text("utf-8") == WITH_MY_NUMBER
    with pytest.raises(FilingRefused) as refused:
        draft_filing(root, ENTRY_ID, "start", date(2016, 3, 22))
    assert (refused.value.reason, refused.value.fields) == ("already-filed", {"entry_id": ENTRY_ID})


@pytest.mark.parametrize(
    ("committed", "edited", "summary"),
    [
        (VALID_ENTRY, VALID_ENTRY + RETURNS_FILE, "個人情報ファイル「個人住民税申告書綴」を追加"),
        (VALID_ENTRY + RETURNS_FILE, VALID_ENTRY, "個人情報ファイル「個人住民税申告書綴」を削除"),
        (
            VALID_ENTRY,
            VALID_ENTRY.replace(
                'record_items = ["氏名"]', 'record_items = ["氏名", "住所"]'
            ).replace("persons = 5000", "persons = 6000"),
            f"個人情報ファイル「{FILE_NAME}」の記録項目・本人の数を変更",
        ),
        (
            VALID_ENTRY,
            VALID_ENTRY.replace(FILE_NAME, "個人住民税課税台帳ファイル"),
            f"個人情報ファイル「個人住民税課税台帳ファイル」を追加。個人情報ファイル「{FILE_NAME}」を削除",
        ),
        (
            VALID_ENTRY + RETURNS_FILE,
            VALID_ENTRY.replace("\n[[files]]", RETURNS_FILE + "\n[[files]]"),
            "個人情報ファイルの並びを変更",
        ),
    ],
    ids=["added", "removed", "changed", "renamed", "moved"],
)
def test_a_change_of_files_alone_is_a_change_filing_of_no_record_item(
    tmp_path: Path, committed: str, edited: str, summary: str
) -> None:
    root = committed_register(tmp_path / "reg", (ENTRY_ID, committed))
    (root / "entries" / f"{ENTRY_ID}.toml").write_text(edited, encoding="utf-8")
    draft = draft_filing(root, ENTRY_ID, "change", date(2024, 4, 1))
    assert draft.summary == summary
    assert draft.diff is not None and draft.diff.changed_fields == ("files",)
    # a file's record items are not the process's: 住所 is the entry's already
    assert draft.filing.items_added == [] and draft.filing.items_removed == []
    assert draft.message.splitlines()[0] == f"変更届: 課税課 個人住民税賦課事務 — {summary}"


def test_filing_a_register_in_a_subfolder_of_a_bigger_repository(
    tmp_path: Path, git_identity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    outer = tmp_path / "outer"
    root = write_register(outer / "docs" / "register")
    (outer / "README.md").write_text("readme\n", encoding="utf-8")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", ".")
    git(outer, "commit", "-q", "-m", "project")
    (root / "entries" / f"{ENTRY_ID}.toml").write_text(WITH_MY_NUMBER, encoding="utf-8")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2016-03-22T10:00:00+09:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2016-03-22T10:05:00+09:00")
    filed = file_entry(root, ENTRY_ID, "change", date(2016, 3, 22))
    assert head(outer) == filed.commit
    assert git(outer, "show", "--format=", "--name-only", "HEAD").split() == [
        f"docs/register/entries/{ENTRY_ID}.toml"
    ]
    assert git(outer, "log", "-1", "--format=%aI %cI").split() == [
        "2016-03-22T10:00:00+09:00",
        "2016-03-22T10:05:00+09:00",
    ]
    assert git(outer, "ls-files", "README.md").strip() == "README.md"  # the tree kept the rest
    git(outer, "fsck", "--strict")


def test_on_an_unborn_branch_registry_toml_is_committed_first(
    tmp_path: Path, git_identity: None
) -> None:
    # A filing commits only its entry: as the first commit it would leave HEAD a
    # register without registry.toml (a clone of it is no register at all).
    unfiled = VALID_ENTRY.split("\n[[filings]]")[0]
    root = write_register(tmp_path / "reg", (ENTRY_ID, unfiled))
    git(root, "init", "-q", "-b", "main")
    with pytest.raises(FilingRefused) as refused:
        file_entry(root, ENTRY_ID, "start", date(2005, 4, 1))
    assert refused.value.reason == "registry-not-committed"
    assert git(root, "rev-list", "--all").strip() == ""
    assert (root / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8") == unfiled

    git(root, "add", "registry.toml")
    git(root, "commit", "-q", "-m", "登録簿を作成")
    filed = file_entry(root, ENTRY_ID, "start", date(2005, 4, 1))
    assert git(root, "rev-list", "--count", "HEAD").strip() == "2"
    assert git(root, "ls-tree", "-r", "--name-only", "HEAD").split() == [
        f"entries/{ENTRY_ID}.toml",
        "registry.toml",
    ]
    assert trailers(root)["Filing-Kind"] == "start"
    assert filed.author == "総務 太郎 <soumu@example.jp>"
    assert git(root, "status", "--porcelain", "--", "entries").strip() == ""


def test_a_commit_that_cannot_be_published_restores_the_file(
    tmp_path: Path, git_identity: None
) -> None:
    root = committed_register(tmp_path / "reg")
    path = root / "entries" / f"{ENTRY_ID}.toml"
    path.write_text(WITH_MY_NUMBER, encoding="utf-8")
    before = head(root)
    lock = root / ".git" / "refs" / "heads" / "main.lock"
    lock.write_text("another git process holds the branch\n")  # as a concurrent git would
    with pytest.raises(RegisterError, match="コミットできませんでした"):
        file_entry(root, ENTRY_ID, "change", date(2016, 3, 22))
    assert path.read_text("utf-8") == WITH_MY_NUMBER
    assert head(root) == before
    lock.unlink()
    file_entry(root, ENTRY_ID, "change", date(2016, 3, 22))
    assert git(root, "rev-parse", "HEAD~1").strip() == before


def test_an_alias_is_a_change_of_spelling_not_of_order(tmp_path: Path, git_identity: None) -> None:
    root = committed_register(tmp_path / "reg", (ENTRY_ID, MY_NUMBER_ALIAS))
    path = root / "entries" / f"{ENTRY_ID}.toml"
    path.write_text(MY_NUMBER_ALIAS.replace("マイナンバー", "個人番号"), encoding="utf-8")
    respelled = file_entry(root, ENTRY_ID, "change", date(2016, 3, 22))
    assert respelled.draft.summary == "記録項目の表記を変更"
    assert respelled.draft.filing.items_added == [] and respelled.draft.filing.items_removed == []

    text = path.read_text("utf-8")
    path.write_text(text.replace('"氏名", "住所"', '"住所", "氏名"'), encoding="utf-8")
    assert (
        file_entry(root, ENTRY_ID, "change", date(2016, 3, 23)).draft.summary
        == "記録項目の並びを変更"
    )

    text = path.read_text("utf-8")
    both = text.replace(
        '["住所", "氏名", "生年月日", "個人番号"]', '["マイナンバー", "住所", "氏名", "生年月日"]'
    )
    path.write_text(both, encoding="utf-8")
    assert file_entry(root, ENTRY_ID, "change", date(2016, 3, 24)).draft.summary == (
        "記録項目の並びと表記を変更"
    )


def test_a_file_that_cannot_be_written_after_the_commit_is_said_and_finished_later(
    tmp_path: Path, git_identity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = committed_register(tmp_path / "reg")
    path = root / "entries" / f"{ENTRY_ID}.toml"
    path.write_text(WITH_MY_NUMBER, encoding="utf-8")
    # The entry file's write fails as on a full disk, after the commit is published.
    monkeypatch.setenv(FAIL_VAR, str(path))
    before = head(root)
    with pytest.raises(RegisterError) as refused:
        file_entry(root, ENTRY_ID, "change", date(2016, 3, 22))
    message = str(refused.value)
    assert "届出はコミットしました" in message and "\n" not in message
    assert f"entries/{ENTRY_ID}.toml を書き換えられませんでした" in message
    assert "todokede sync か todokede file を実行すると" in message
    assert git(root, "rev-parse", "HEAD~1").strip() == before  # committed
    assert path.read_text("utf-8") == WITH_MY_NUMBER  # the file as it was
    assert (root / ".git" / "todokede-filing.json").exists()  # the note for the next run

    monkeypatch.delenv(FAIL_VAR)
    sync_notes = finish_pending(root)
    assert any("仕上げました" in note for note in sync_notes)
    assert git(root, "show", f"HEAD:entries/{ENTRY_ID}.toml") == path.read_text("utf-8")
    assert git(root, "status", "--porcelain") == ""
    assert not (root / ".git" / "todokede-filing.json").exists()
