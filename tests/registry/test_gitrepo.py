"""The git layer: identities, dates, signatures and in-progress operations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.gitrepos import committed_register, git
from todokede.registry.git.repository import (
    Signature,
    identities,
    identity,
    open_repo,
    operation_in_progress,
    parse_author,
    parse_git_date,
)
from todokede.registry.schema.errors import FilingRefused, RegisterError


def test_author_strings() -> None:
    actor = parse_author(" 課税 花子 <kazei@example.jp> ")
    assert (actor.name, actor.email) == ("課税 花子", "kazei@example.jp")
    for bad in ("課税 花子", "<kazei@example.jp>", "課税 <>", "課税 <a@b> x", "a\n <b@c>"):
        with pytest.raises(RegisterError):
            parse_author(bad)


def test_identity_comes_from_the_environment_or_config_never_from_the_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = committed_register(tmp_path / "reg")
    repo = open_repo(root)
    with pytest.raises(RegisterError, match="git の利用者が設定されていません"):
        identity(repo)
    with pytest.raises(FilingRefused) as refused:
        identities(repo)
    assert refused.value.reason == "no-identity"
    # --author alone: author and committer both
    author, committer = identities(repo, "課税 花子 <kazei@example.jp>")
    assert (author.name, committer.name) == ("課税 花子", "課税 花子")
    git(root, "config", "user.name", "総務 太郎")
    git(root, "config", "user.email", "soumu@example.jp")
    author, committer = identities(repo, "課税 花子 <kazei@example.jp>")
    assert (author.name, committer.name) == ("課税 花子", "総務 太郎")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "委員会 事務局")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "iinkai@example.jp")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "監査 三郎")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "kansa@example.jp")
    author, committer = identities(repo)
    assert (author.email, committer.email) == ("kansa@example.jp", "iinkai@example.jp")


def test_dates_as_git_takes_them() -> None:
    assert parse_git_date("1458604800 +0900") == (1458604800, 540)
    assert parse_git_date("@1458604800") == (1458604800, 0)
    assert parse_git_date("1458604800 -0130") == (1458604800, -90)
    assert parse_git_date("2016-03-22T09:00:00+09:00") == (1458604800, 540)
    assert parse_git_date("Tue, 22 Mar 2016 09:00:00 +0900") == (1458604800, 540)
    with pytest.raises(RegisterError, match="GIT_AUTHOR_DATE の日時を読めません"):
        parse_git_date("平成28年", "GIT_AUTHOR_DATE")


def test_signatures_are_written_as_git_writes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Signature("課税課 担当者", "kazei@example.lg.jp", 1458604800, 540).encode() == (
        "課税課 担当者 <kazei@example.lg.jp> 1458604800 +0900".encode()
    )
    assert Signature("a", "b", 0, -90).encode() == b"a <b> 0 -0130"
    actor = parse_author("a <b@c>")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2016-03-22T09:00:00+09:00")
    assert Signature.now(actor, "GIT_AUTHOR_DATE").when == 1458604800
    monkeypatch.delenv("GIT_AUTHOR_DATE")
    assert Signature.now(actor, "GIT_AUTHOR_DATE").when > 1458604800


def test_operations_in_progress_are_seen(tmp_path: Path) -> None:
    root = committed_register(tmp_path / "reg")
    repo = open_repo(root)
    assert operation_in_progress(repo) is None
    (root / ".git" / "MERGE_HEAD").write_text(git(root, "rev-parse", "HEAD"))
    assert operation_in_progress(repo) == "マージ"
    (root / ".git" / "MERGE_HEAD").unlink()
    (root / ".git" / "rebase-merge").mkdir()
    assert operation_in_progress(repo) == "リベース"
