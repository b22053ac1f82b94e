"""Revisions and dates: a date means the last commit on or before it, in its own timezone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, git, write_register
from todokede.registry.git.repository import (
    ObjectReader,
    blob_sha,
    open_repo,
    parse_tree,
    write_object,
)
from todokede.registry.git.revisions import RegisterRepo, RevisionError


def commit_at(root: Path, when: str, text: str) -> str:
    (root / "entries" / f"{ENTRY_ID}.toml").write_text(text, encoding="utf-8")
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    git(root, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-am", when, env=env)
    return git(root, "rev-parse", "HEAD").strip()


def test_a_date_means_the_last_commit_on_or_before_it_in_the_commits_timezone(
    tmp_path: Path,
) -> None:
    root = committed_register(tmp_path / "reg")
    created = git(root, "rev-parse", "HEAD").strip()
    base = (root / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8")
    # 23:30 in Tokyo on the 22nd is 14:30 UTC; 01:00 on the 23rd is still the 22nd in UTC.
    late = commit_at(root, "2016-03-22T23:30:00+09:00", base + "# 1\n")
    next_day = commit_at(root, "2016-03-23T01:00:00+09:00", base + "# 2\n")
    with RegisterRepo(root) as history:
        assert history.resolve("2016-03-22").commit == late
        assert history.resolve("平成28年3月22日").commit == late
        assert history.resolve("H28.3.23").commit == next_day
        assert history.resolve("２０１６－０３－２１").commit == created
        assert history.resolve("1999-12-31").commit is None
        resolved = history.resolve("2016-03-22")
        assert (resolved.label, resolved.day) == ("2016-03-22", date(2016, 3, 22))
        assert history.resolve("HEAD~1").commit == late
        assert history.resolve(late[:8]).label == late
        with pytest.raises(RevisionError, match="日付としてもリビジョンとしても読めません"):
            history.resolve("平成32年1月1日")
        with pytest.raises(RevisionError, match="no-such-branch"):
            history.resolve("no-such-branch")


def test_a_register_in_a_subfolder_reads_its_own_files(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    root = write_register(outer / "sub" / "reg")
    (outer / "README.md").write_text("other files\n", encoding="utf-8")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", ".")
    git(outer, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "add")
    with RegisterRepo(root) as history:
        assert history.prefix == "sub/reg/"
        assert history.register_paths() == ["sub/reg/registry.toml", "sub/reg/entries/"]
        snapshot = history.snapshot(history.head_revision())
        assert list(snapshot.entries) == [ENTRY_ID]
        assert snapshot.config is not None
        assert history.entry_id_of(f"sub/reg/entries/{ENTRY_ID}.toml") == ENTRY_ID
        assert history.entry_id_of(f"entries/{ENTRY_ID}.toml") is None


def test_objects_written_in_python_are_what_git_writes(tmp_path: Path) -> None:
    root = committed_register(tmp_path / "reg")
    repo = open_repo(root)
    data = "氏名\n".encode()
    sha = write_object(repo, "blob", data)
    (tmp_path / "item.txt").write_bytes(data)
    assert sha == blob_sha(data) == git(root, "hash-object", str(tmp_path / "item.txt")).strip()
    assert git(root, "cat-file", "-p", sha).encode() == data
    with ObjectReader(repo) as reader:
        found = reader.read([sha, "0" * 40, sha])
        assert found == {sha: data}
        tree = git(root, "rev-parse", "HEAD^{tree}").strip()
        names = [item.name for item in parse_tree(reader.read([tree])[tree])]
        assert names == ["entries", "registry.toml"]
    git(root, "fsck", "--strict")
