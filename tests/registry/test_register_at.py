"""The register at a date, read back from real git (registry/git/register_at.py)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from tests.support.bookhistory import BookHistory, a_file, an_entry
from tests.support.gitrepos import git
from todokede.registry.git.register_at import VersionUnreadable, read_period, read_version
from todokede.registry.git.revisions import RegisterRepo, RevisionError


def history(tmp_path: Path) -> BookHistory:
    book = BookHistory(tmp_path / "reg")
    book.entries["kazei"] = an_entry(
        "個人住民税賦課事務",
        "課税課",
        [a_file("課税台帳ファイル", 85000)],
        [("2005-04-01", "start", "業務開始")],
    )
    book.entries["gakumu"] = an_entry(
        "就学援助事務", "学務課", [a_file("就学援助ファイル", 3000)], [("2010-04-01", "start", "")]
    )
    book.commit("2023-01-10", "登録簿を作成")
    return book


def test_each_date_reads_its_own_config_and_entries(tmp_path: Path) -> None:
    book = history(tmp_path)
    book.config = copy.deepcopy(book.config)
    book.config["agencies"][0]["departments"].append("学務課")
    book.config["agencies"][1]["departments"] = []
    book.commit("2023-06-01", "学務課を市長部局へ")
    book.entries["kazei"]["files"][0]["persons"] = 86000
    book.file("kazei", "change", "2023-07-01", "本人の数を更新")

    period = read_period(book.root, date(2023, 3, 31), date(2023, 12, 31))
    assert period.before.config.agencies[0].departments == ["総務課", "課税課"]
    assert "学務課" in period.after.config.agencies[0].departments
    # registry.toml changed: every entry is read on both sides
    assert set(period.before.entries) == set(period.after.entries) == {"kazei", "gakumu"}
    assert period.after.entries["kazei"].files[0].persons == 86000
    assert [c.summary for c in period.config_commits] == ["学務課を市長部局へ"]
    assert [c.summary for c in period.commits] == ["本人の数を更新"]
    assert all(v is not None for v in period.versions.values())


def test_only_the_changed_entries_are_read_when_the_config_stayed(tmp_path: Path) -> None:
    book = history(tmp_path)
    book.entries["kazei"]["files"][0]["persons"] = 86000
    book.file("kazei", "change", "2023-07-01", "本人の数を更新")
    period = read_period(book.root, date(2023, 3, 31), date(2023, 12, 31))
    assert set(period.after.entries) == {"kazei"}
    assert set(period.after.blobs) == {"kazei", "gakumu"}
    assert period.config_commits == []
    [commit] = period.commits
    assert commit.kind == "change" and commit.date == date(2023, 7, 1)


def test_an_entry_that_does_not_load_is_named_not_refused(tmp_path: Path) -> None:
    book = history(tmp_path)
    book.entries["kazei"]["files"][0]["persons"] = "たくさん"
    book.commit("2023-05-01", "誤った版")
    period = read_period(book.root, date(2023, 3, 31), date(2023, 12, 31))
    assert period.after.unreadable == {"kazei"}
    assert "kazei" in period.before.entries


def test_a_date_before_the_first_commit_is_refused(tmp_path: Path) -> None:
    book = history(tmp_path)
    with pytest.raises(RevisionError, match="最初のコミット（令和5年1月10日）より前"):
        read_period(book.root, date(2022, 12, 31), date(2023, 12, 31))


def test_a_revision_without_registry_toml_is_refused(tmp_path: Path) -> None:
    book = history(tmp_path)
    git(book.root, "rm", "-q", "registry.toml")
    git(book.root, "-c", "user.name=a", "-c", "user.email=a@example.jp",
        "commit", "-q", "-m", "registry.toml を削除")  # fmt: skip
    sha = git(book.root, "rev-parse", "HEAD").strip()
    with RegisterRepo(book.root) as repo, pytest.raises(VersionUnreadable, match=r"registry\.toml"):
        read_version(repo, repo.resolve(sha), "令和5年2月1日時点")
