"""The form's draft: typed text to checked data, violations where the user typed."""

from __future__ import annotations

import time
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, git, lock_held
from tests.support.samples import COUNCIL_AND_ASSESSMENT, VALID_ENTRY
from todokede.registry.files.pending import common_git_dir, git_dir_of
from todokede.registry.files.store import RegisterError, load_config_or_raise, load_entry
from todokede.registry.git.filing import file_entry
from todokede.registry.schema.model import Entry
from todokede.registry.schema.wareki import WarekiError
from todokede.registry.views.draft import (
    ChangedOnDisk,
    ConnectionRow,
    EntryDraft,
    FileRow,
    OutsourcingRow,
    ProvisionRow,
    check_draft,
    date_reading,
    new_id_problem,
    reread,
    save_draft,
    split_lines,
)


def draft(**changes: object) -> EntryDraft:
    base = EntryDraft(
        name="個人住民税賦課事務",
        department="課税課",
        purpose="賦課するため",
        subjects=["納税義務者"],
        record_items=["氏名", "住所"],
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_an_entry_round_trips_through_its_draft(minimal_register: Path) -> None:
    config = load_config_or_raise(minimal_register)
    loaded = load_entry(minimal_register, "kazei-kojin-juminzei", config)
    checked = check_draft(EntryDraft.from_entry(loaded.entry), loaded.entry, config)
    assert checked.ok
    assert checked.entry == loaded.entry


def test_blank_lines_are_dropped_but_violations_point_at_the_typed_line(
    minimal_register: Path,
) -> None:
    config = load_config_or_raise(minimal_register)
    result = check_draft(draft(record_items=["氏名", "", "  ", "謎の項目"]), None, config)
    assert result.ok  # an unknown item is a warning only
    assert result.entry is not None
    assert result.entry.record_items == ["氏名", "謎の項目"]
    item_warnings = [v for v in result.warnings if v.loc[0] == "record_items"]
    assert [v.loc for v in item_warnings] == [("record_items", 3)]
    assert "項目一覧にありません" in item_warnings[0].message


def test_errors_block_and_are_located(minimal_register: Path) -> None:
    config = load_config_or_raise(minimal_register)
    result = check_draft(draft(name="  ", department="存在しない課", subjects=[""]), None, config)
    assert not result.ok
    assert result.entry is None
    locs = {v.loc: v.message for v in result.errors}
    assert locs[("name",)] == "空にはできません"
    assert "空にはできません" in locs[("subjects",)]
    # the department rule needs valid fields first: it comes once they are
    fixed = check_draft(draft(department="存在しない課"), None, config)
    assert [v.loc for v in fixed.errors] == [("department",)]


def test_row_dates_accept_wareki_and_report_unreadable_ones(minimal_register: Path) -> None:
    config = load_config_or_raise(minimal_register)
    good = check_draft(
        draft(
            outsourcing=[OutsourcingRow("株式会社○○", "入力", "平成22年4月1日"), OutsourcingRow()],
            connections=[ConnectionRow("地方税ポータル", "電子受付", "R1.5.1")],
            provisions=[ProvisionRow("国保担当", "")],
        ),
        None,
        config,
    )
    assert good.ok and good.entry is not None
    assert good.entry.outsourcing[0].since == date(2010, 4, 1)
    assert len(good.entry.outsourcing) == 1
    assert good.entry.connections[0].since == date(2019, 5, 1)
    assert good.entry.provisions[0].basis == ""

    bad = check_draft(
        draft(
            outsourcing=[
                OutsourcingRow(),
                OutsourcingRow("", "入力", ""),
                OutsourcingRow("株式会社○○", "", "平成32年1月1日"),
            ]
        ),
        None,
        config,
    )
    assert not bad.ok
    locs = {v.loc: v.message for v in bad.errors}
    assert ("outsourcing", 2, "since") in locs
    assert "平成にない日付" in locs[("outsourcing", 2, "since")]
    assert locs[("outsourcing", 1, "contractor")] == "空にはできません"


def test_filings_and_status_are_kept_from_disk(minimal_register: Path) -> None:
    config = load_config_or_raise(minimal_register)
    loaded = load_entry(minimal_register, "kazei-kojin-juminzei", config)
    edited = EntryDraft.from_entry(loaded.entry)
    edited.purpose = "新しい目的"
    result = check_draft(edited, loaded.entry, config)
    assert result.entry is not None
    assert result.entry.filings == loaded.entry.filings
    assert result.entry.status == loaded.entry.status


def test_a_new_entry_without_filings_or_files_is_a_warning(minimal_register: Path) -> None:
    config = load_config_or_raise(minimal_register)
    result = check_draft(draft(), None, config)
    assert result.ok
    assert [v.loc for v in result.warnings] == [("files",), ("filings",)]
    with_file = draft(
        files=[FileRow(name="課税台帳ファイル", record_items="氏名", persons="5,000")]
    )
    checked = check_draft(with_file, None, config)
    assert [v.loc for v in checked.warnings] == [("filings",)]
    assert checked.entry is not None and checked.entry.files[0].persons == 5000


def test_a_files_persons_that_are_not_a_number_are_an_error_at_the_row() -> None:
    result = check_draft(
        draft(files=[FileRow(name="台帳", record_items="氏名", persons="約5千")]), None, None
    )
    assert not result.ok
    assert ("files", 0, "persons") in [v.loc for v in result.errors]


def test_normalized_ignores_blank_lines_rows_and_spaces() -> None:
    a = draft(legal_basis=["地方税法", ""], outsourcing=[OutsourcingRow()])
    b = draft(legal_basis=["地方税法 "])
    assert a != b
    assert a.normalized() == b.normalized()
    assert draft(name="別名").normalized() != b.normalized()


def test_split_lines() -> None:
    assert split_lines("") == []
    assert split_lines("a\n\nb\n\n") == ["a", "", "b"]


def test_date_reading() -> None:
    assert date_reading("2010-04-01") == "平成22年4月1日（2010-04-01）"
    assert date_reading("Ｈ２２．４．１") == "平成22年4月1日（2010-04-01）"
    assert date_reading(" ") == ""
    with pytest.raises(WarekiError):
        date_reading("きのう")


def test_new_id_problem(minimal_register: Path) -> None:
    assert new_id_problem(minimal_register, "kenko-new") is None
    assert "既に使われています" in (new_id_problem(minimal_register, "kazei-kojin-juminzei") or "")
    assert "使えません" in (new_id_problem(minimal_register, "Bad_ID") or "")
    assert "入力してください" in (new_id_problem(minimal_register, "") or "")


def test_save_draft_writes_new_and_refuses_to_overwrite(minimal_register: Path) -> None:
    config = load_config_or_raise(minimal_register)
    result = check_draft(draft(name="新しい事務"), None, config)
    assert result.entry is not None
    assert save_draft(minimal_register, "kazei-new", result.entry, new=True)
    text = (minimal_register / "entries" / "kazei-new.toml").read_text(encoding="utf-8")
    assert text.startswith("# 課税課 新しい事務\n")
    assert tomllib.loads(text)["name"] == "新しい事務"
    with pytest.raises(RegisterError, match="既に使われています"):
        save_draft(minimal_register, "kazei-new", result.entry, new=True)
    with pytest.raises(RegisterError, match="ファイルがありません"):
        save_draft(minimal_register, "missing", result.entry, new=False)


def test_save_draft_keeps_comments(minimal_register: Path) -> None:
    config = load_config_or_raise(minimal_register)
    loaded = load_entry(minimal_register, "kazei-kojin-juminzei", config)
    edited = EntryDraft.from_entry(loaded.entry)
    edited.section = "市民税係"
    result = check_draft(edited, loaded.entry, config)
    assert result.entry is not None
    assert save_draft(minimal_register, "kazei-kojin-juminzei", result.entry, new=False)
    text = loaded.path.read_text(encoding="utf-8")
    assert text.startswith("# 課税課 個人住民税賦課事務\n")
    assert 'section = "市民税係"' in text
    assert not save_draft(minimal_register, "kazei-kojin-juminzei", result.entry, new=False)


def _edited(root: Path, section: str) -> tuple[Path, Entry]:
    """The sample entry of ``root`` with its 係 changed, checked."""
    config = load_config_or_raise(root)
    loaded = load_entry(root, "kazei-kojin-juminzei", config)
    edited = EntryDraft.from_entry(loaded.entry)
    edited.section = section
    result = check_draft(edited, loaded.entry, config)
    assert result.entry is not None
    return loaded.path, result.entry


def test_a_save_waits_for_a_filing_and_gives_up_with_the_file_untouched(
    minimal_register: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(minimal_register, "init", "-q")
    path, entry = _edited(minimal_register, "市民税係")
    before = path.read_bytes()

    with lock_held(minimal_register / ".git", 0.5):  # a filing that ends soon
        began = time.monotonic()
        assert save_draft(minimal_register, "kazei-kojin-juminzei", entry, new=False)
        assert time.monotonic() - began > 0.3  # it waited for the filing to end
    assert 'section = "市民税係"' in path.read_text(encoding="utf-8")

    path.write_bytes(before)
    monkeypatch.setenv("TODOKEDE_LOCK_TIMEOUT", "0.2")
    with lock_held(minimal_register / ".git"):  # a sync that does not end
        with pytest.raises(RegisterError, match="別の todokede"):
            save_draft(minimal_register, "kazei-kojin-juminzei", entry, new=False)
        with pytest.raises(RegisterError, match="別の todokede"):
            save_draft(minimal_register, "kazei-new", entry, new=True)
    assert path.read_bytes() == before
    assert not (minimal_register / "entries" / "kazei-new.toml").exists()


def test_a_save_refuses_a_file_changed_since_it_was_read(minimal_register: Path) -> None:
    path, entry = _edited(minimal_register, "市民税係")
    read = path.read_text(encoding="utf-8")
    outside = read.replace("個人住民税の納税義務者", "エディタで直した対象者")
    path.write_text(outside, encoding="utf-8")
    with pytest.raises(ChangedOnDisk):
        save_draft(minimal_register, "kazei-kojin-juminzei", entry, new=False, expected_text=read)
    assert path.read_text(encoding="utf-8") == outside
    assert save_draft(
        minimal_register, "kazei-kojin-juminzei", entry, new=False, expected_text=outside
    )
    assert 'section = "市民税係"' in path.read_text(encoding="utf-8")


def test_a_worktree_shares_the_lock_of_its_repository(git_identity: None, tmp_path: Path) -> None:
    main = tmp_path / "main"
    main.mkdir()
    git(main, "init", "-q", "-b", "main")
    git(main, "commit", "-q", "--allow-empty", "-m", "最初")
    git(main, "worktree", "add", "-q", str(tmp_path / "other"))
    worktree_git = git_dir_of(tmp_path / "other")
    assert worktree_git is not None and worktree_git != main / ".git"
    assert common_git_dir(worktree_git) == (main / ".git").resolve()
    assert common_git_dir(main / ".git") == main / ".git"
    # the lock a save takes is the one filings and syncs take (GitPython's common_dir)
    from git import Repo

    for checkout in (main, tmp_path / "other", tmp_path / "other" / "sub"):
        checkout.mkdir(exist_ok=True)
        found = git_dir_of(checkout)
        assert found is not None
        with Repo(checkout, search_parent_directories=True) as repo:
            assert common_git_dir(found).resolve() == Path(repo.common_dir).resolve()


def test_a_save_keeps_a_filing_made_since_the_form_read_the_entry(
    tmp_path: Path, git_identity: None
) -> None:
    """Another terminal files a review while the form is open: the record stays."""
    root = committed_register(tmp_path / "reg", (ENTRY_ID, VALID_ENTRY))
    path, stale = _edited(root, "市民税係")  # read before the filing
    file_entry(root, ENTRY_ID, "change", date(2025, 3, 1), review=True)
    filed = path.read_text(encoding="utf-8")
    assert len(tomllib.loads(filed)["filings"]) == 2

    assert save_draft(root, ENTRY_ID, stale, new=False, expected_text=filed)
    saved = load_entry(root, ENTRY_ID)
    assert saved.entry.section == "市民税係"
    assert [f.date for f in saved.entry.filings] == [date(2005, 4, 1), date(2025, 3, 1)]
    assert saved.entry.filings[-1].review


def test_a_form_starts_from_the_file_as_it_is_now(tmp_path: Path, git_identity: None) -> None:
    root = committed_register(tmp_path / "reg", (ENTRY_ID, VALID_ENTRY))
    config = load_config_or_raise(root)
    loaded = load_entry(root, ENTRY_ID, config)
    file_entry(root, ENTRY_ID, "change", date(2025, 3, 1), review=True)
    start = reread(loaded, config, config.build_catalog())
    assert start.text == loaded.path.read_text(encoding="utf-8")
    assert len(start.item.entry.filings) == 2
    loaded.path.write_text("broken = [", encoding="utf-8")  # no longer an entry
    start = reread(loaded, config, config.build_catalog())
    assert start.item is loaded and start.text == "broken = ["


def test_a_draft_keeps_the_council_items_and_the_assessment_the_file_holds() -> None:
    base = Entry.model_validate(tomllib.loads(VALID_ENTRY + COUNCIL_AND_ASSESSMENT))
    edited = replace(EntryDraft.from_entry(base), section="市民税係")
    result = check_draft(edited, base, None)
    assert result.entry is not None
    assert result.entry.council == base.council
    assert result.entry.my_number_assessment == base.my_number_assessment
    assert result.entry.section == "市民税係"
