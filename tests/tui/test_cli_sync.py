"""``todokede sync`` with a real bare repository as the remote and two clones.

Two departments file on two machines (clones) into one register (the bare
repository): filings on different entries all reach the remote; the same
entry changed on both is a conflict that keeps the local commit and leaves
the remote alone; a push race (the remote moves between fetch and push, made
real by a pre-push hook that lets the other clone push first) is retried.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.support.gitrepos import (
    ENTRY_ID,
    committed_register,
    git,
    head,
    resolve_by_merge,
    trailers,
)
from tests.support.samples import VALID_ENTRY, CliRunner

OTHER_ID = "kenko-gan-kenshin"
OTHER = (
    VALID_ENTRY.replace("課税課", "健康増進課")
    .replace("個人住民税賦課事務", "がん検診事務")
    .replace('"地方税法に基づき個人住民税を賦課するため"', '"がん検診を実施するため"')
)


@pytest.fixture
def machines(tmp_path: Path, git_identity: None) -> tuple[Path, Path, Path]:
    """The shared bare repository and two clones of the register in it."""
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    first = committed_register(tmp_path / "kazei-pc", (ENTRY_ID, VALID_ENTRY), (OTHER_ID, OTHER))
    git(first, "remote", "add", "origin", str(remote))
    git(first, "push", "-q", "-u", "origin", "main")
    second = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(remote), str(second))
    return remote, first, second


def remote_head(remote: Path) -> str:
    return git(remote, "rev-parse", "refs/heads/main").strip()


def add_item(root: Path, entry_id: str, item: str) -> None:
    path = root / "entries" / f"{entry_id}.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"生年月日"]', f'"生年月日", "{item}"]'), "utf-8")


def file_change(todokede: CliRunner, root: Path, entry_id: str, item: str, day: str) -> str:
    add_item(root, entry_id, item)
    result = todokede("file", entry_id, "--kind", "change", "--date", day, cwd=root)
    assert result.returncode == 0, result.stderr
    return head(root)


def same_entry_on_both(todokede: CliRunner, first: Path, second: Path) -> str:
    """The first machine files and syncs a change; the second files another change of
    the same entry without syncing (a conflict waiting). The second's new commit."""
    file_change(todokede, first, ENTRY_ID, "個人番号", "2016-03-22")
    assert todokede("sync", cwd=first).returncode == 0
    return file_change(todokede, second, ENTRY_ID, "電話番号", "2016-04-01")


def test_filings_on_different_entries_from_both_clones_all_reach_the_remote(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    remote, first, second = machines
    file_change(todokede, first, ENTRY_ID, "個人番号", "2016-03-22")
    file_change(todokede, second, OTHER_ID, "電話番号", "2016-04-01")

    sent = todokede("sync", cwd=first)
    assert sent.returncode == 0, sent.stderr
    assert "同期しました（origin/main）: 受け取り 0件・送り出し 1件" in sent.stdout
    both = todokede("sync", cwd=second)
    assert both.returncode == 0, both.stderr
    assert "受け取り 1件・送り出し 1件" in both.stdout
    back = todokede("sync", cwd=first)
    assert "受け取り 1件・送り出し 0件" in back.stdout

    assert head(first) == head(second) == remote_head(remote)
    entries = git(remote, "log", "--format=%(trailers:key=Entry,valueonly,separator=%x2C)", "main")
    assert entries.split() == [OTHER_ID, ENTRY_ID]
    # The rebased filing keeps its message, trailers and author.
    assert trailers(second) == {
        "Filing-Kind": "change",
        "Filing-Date": "2016-04-01",
        "Entry": OTHER_ID,
    }
    assert git(second, "log", "-1", "--format=%an").strip() == "総務 太郎"
    for root in (first, second):
        assert git(root, "status", "--porcelain") == ""
        assert "個人番号" in (root / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8")
        assert "電話番号" in (root / "entries" / f"{OTHER_ID}.toml").read_text("utf-8")


def test_the_same_entry_changed_on_both_is_a_conflict_that_keeps_everything(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    remote, first, second = machines
    local = same_entry_on_both(todokede, first, second)
    pushed = remote_head(remote)
    local_text = (second / "entries" / f"{ENTRY_ID}.toml").read_bytes()

    result = todokede("sync", cwd=second)

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "kazei-kojin-juminzei（個人住民税賦課事務）" in result.stderr
    assert "手元の届出はそのまま残しています" in result.stderr
    assert head(second) == local
    assert (second / "entries" / f"{ENTRY_ID}.toml").read_bytes() == local_text
    assert not (second / ".git" / "rebase-merge").exists()
    assert not (second / ".git" / "rebase-apply").exists()
    assert git(second, "status", "--porcelain") == ""
    assert remote_head(remote) == pushed


def test_a_push_race_is_retried(
    machines: tuple[Path, Path, Path], todokede: CliRunner, tmp_path: Path
) -> None:
    remote, first, second = machines
    early = file_change(todokede, first, ENTRY_ID, "個人番号", "2016-03-22")
    late = file_change(todokede, second, OTHER_ID, "電話番号", "2016-04-01")
    marker = tmp_path / "raced"
    hook = second / ".git" / "hooks" / "pre-push"
    # After sync has fetched and rebased, just before its push goes out, the
    # other machine pushes first (once): the remote moves under the push.
    hook.write_text(
        "#!/bin/sh\n"
        f'if [ ! -e "{marker}" ]; then\n'
        f'  touch "{marker}"\n'
        "  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f'  git -C "{first}" push -q origin main >/dev/null 2>&1 || exit 1\n'
        "fi\n"
        "exit 0\n"
    )
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)

    result = todokede("sync", cwd=second)

    assert result.returncode == 0, result.stderr
    assert marker.exists()
    assert "取り込み直して送り直しました（2回目で完了）" in result.stdout
    assert "受け取り 1件・送り出し 1件" in result.stdout
    assert remote_head(remote) == head(second) != late
    assert git(remote, "rev-parse", "main~1").strip() == early
    assert trailers(remote, "main")["Entry"] == OTHER_ID


def test_uncommitted_entry_changes_refuse_the_sync(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    remote, first, second = machines
    file_change(todokede, first, ENTRY_ID, "個人番号", "2016-03-22")
    add_item(second, ENTRY_ID, "電話番号")  # typed, not filed
    path = second / "entries" / f"{ENTRY_ID}.toml"
    typed, before = path.read_bytes(), head(second)
    result = todokede("sync", cwd=second)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert f"届出していない変更があります: entries/{ENTRY_ID}.toml" in result.stderr
    assert path.read_bytes() == typed and head(second) == before

    # A new entry not yet filed is untracked: it does not stop a sync.
    git(second, "checkout", "--", f"entries/{ENTRY_ID}.toml")
    draft = second / "entries" / "kenko-new.toml"
    draft.write_text(OTHER, encoding="utf-8")
    assert todokede("sync", cwd=first).returncode == 0
    synced = todokede("sync", cwd=second)
    assert synced.returncode == 0, synced.stderr
    assert draft.read_text("utf-8") == OTHER
    assert head(second) == remote_head(remote)

    # ... unless the other machine filed an entry under the same id meanwhile.
    unfiled = OTHER.split("\n[[filings]]")[0]
    (first / "entries" / "kenko-new.toml").write_text(unfiled, encoding="utf-8")
    started = todokede("file", "kenko-new", "--kind", "start", "--date", "2016-05-01", cwd=first)
    assert started.returncode == 0, started.stderr
    assert todokede("sync", cwd=first).returncode == 0
    draft.write_text(OTHER + "# my own draft\n", encoding="utf-8")
    clash = todokede("sync", cwd=second)
    assert clash.returncode == 1
    assert (
        "他の端末で同じ名前のファイルが届け出られています: entries/kenko-new.toml" in clash.stderr
    )
    assert draft.read_text("utf-8") == OTHER + "# my own draft\n"
    assert head(second) != remote_head(remote)


def test_refused_in_the_middle_of_a_rebase(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    _, first, second = machines
    same_entry_on_both(todokede, first, second)
    git(second, "fetch", "-q")
    import subprocess

    stopped = subprocess.run(
        ["git", "-C", str(second), "rebase", "origin/main"], capture_output=True
    )
    assert stopped.returncode != 0
    result = todokede("sync", cwd=second)
    assert result.returncode == 1
    assert "git のリベースの途中です" in result.stderr
    assert (second / ".git" / "rebase-merge").exists()  # the user's rebase is left to finish


def test_remotes_upstream_and_refusals(
    tmp_path: Path, git_identity: None, todokede: CliRunner
) -> None:
    root = committed_register(tmp_path / "alone")
    lonely = todokede("sync", cwd=root)
    assert lonely.returncode == 1 and "リモートが設定されていません" in lonely.stderr

    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(root, "remote", "add", "shared", str(remote))
    unknown = todokede("sync", "--remote", "origin", cwd=root)
    assert (
        unknown.returncode == 1
        and "リモート「origin」がありません（設定済み: shared）" in unknown.stderr
    )

    first = todokede("sync", cwd=root)  # the only remote; the branch has no upstream yet
    assert first.returncode == 0, first.stderr
    assert "送り出し 1件" in first.stdout
    assert "このブランチは今後 shared/main と同期します" in first.stdout
    assert git(root, "rev-parse", "--abbrev-ref", "@{upstream}").strip() == "shared/main"
    assert remote_head(remote) == head(root)
    quiet = todokede("sync", cwd=root)
    assert "受け取り 0件・送り出し 0件" in quiet.stdout

    git(root, "switch", "-q", "--detach")
    detached = todokede("sync", cwd=root)
    assert detached.returncode == 1 and "detached HEAD" in detached.stderr


def test_a_refusal_after_finishing_an_interrupted_filing_says_both(
    tmp_path: Path, git_identity: None, todokede: CliRunner
) -> None:
    from tests.support.tui import interrupted_filing

    root = committed_register(tmp_path / "alone", (ENTRY_ID, VALID_ENTRY))
    path = interrupted_filing(root, "電子メールアドレス")
    refused = todokede("sync", cwd=root)
    assert refused.returncode == 1
    (done,) = refused.stdout.splitlines()  # what was done, as file says it
    assert "中断した" in done and "仕上げました" in done
    (refusal,) = refused.stderr.splitlines()
    assert refusal.startswith("エラー: リモートが設定されていません")
    assert "電子メールアドレス" in path.read_text(encoding="utf-8")  # finished all the same
    assert git(root, "status", "--porcelain").strip() == ""


# -- review fixes ------------------------------------------------------------------------


def test_a_conflict_resolved_with_a_merge_syncs_afterwards(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    remote, first, second = machines
    same_entry_on_both(todokede, first, second)
    assert todokede("sync", cwd=second).returncode == 1  # the conflict
    resolve_by_merge(second)
    checked = todokede("check", cwd=second)
    assert checked.returncode == 0, checked.stdout
    merge = head(second)
    # Meanwhile the other machine files again and shares it.
    file_change(todokede, first, OTHER_ID, "電話番号", "2016-05-01")
    assert todokede("sync", cwd=first).returncode == 0

    result = todokede("sync", cwd=second)

    assert result.returncode == 0, result.stderr
    assert "受け取り 1件" in result.stdout
    assert remote_head(remote) == head(second)
    assert git(second, "merge-base", "--is-ancestor", merge, "HEAD") == ""  # the merge kept
    assert git(second, "status", "--porcelain") == ""
    again = todokede("sync", cwd=first)
    assert again.returncode == 0, again.stderr
    assert head(first) == head(second)
    for root in (first, second):
        text = (root / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8")
        assert "個人番号" in text and "電話番号" in text
        assert "電話番号" in (root / "entries" / f"{OTHER_ID}.toml").read_text("utf-8")
        checked = todokede("check", cwd=root)
        assert checked.returncode == 0, checked.stdout
    log = todokede("log", "--format", "json", cwd=first).stdout
    assert log.count('"kind": "change"') == 3  # every filing once, none replayed twice


def test_a_conflict_with_local_merges_keeps_everything(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    remote, first, second = machines
    same_entry_on_both(todokede, first, second)
    assert todokede("sync", cwd=second).returncode == 1
    resolve_by_merge(second)
    merge = head(second)
    # The other machine changes the same entry again: a real conflict with the merge.
    path = first / "entries" / f"{ENTRY_ID}.toml"
    path.write_text(
        path.read_text("utf-8").replace('"個人番号"]', '"個人番号", "電子メールアドレス"]', 1),
        encoding="utf-8",
    )
    filed = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2016-05-01", cwd=first)
    assert filed.returncode == 0, filed.stderr
    assert todokede("sync", cwd=first).returncode == 0
    pushed = remote_head(remote)

    result = todokede("sync", cwd=second)

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "kazei-kojin-juminzei（個人住民税賦課事務）" in result.stderr
    assert "手元の届出はそのまま残しています" in result.stderr
    assert head(second) == merge and remote_head(remote) == pushed
    assert not (second / ".git" / "MERGE_HEAD").exists()
    assert git(second, "status", "--porcelain") == ""


def test_both_machines_started_the_same_new_id_is_a_conflict_naming_it(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    remote, first, second = machines
    unfiled = OTHER.split("\n[[filings]]")[0]
    for root, name in ((first, "がん検診事務"), (second, "胃がん検診事務")):
        (root / "entries" / "kenko-new.toml").write_text(
            unfiled.replace("がん検診事務", name), encoding="utf-8"
        )
        started = todokede("file", "kenko-new", "--kind", "start", "--date", "2016-05-01",
                           cwd=root)  # fmt: skip
        assert started.returncode == 0, started.stderr
    assert todokede("sync", cwd=first).returncode == 0
    pushed, local = remote_head(remote), head(second)

    result = todokede("sync", cwd=second)

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "kenko-new（胃がん検診事務）" in result.stderr
    assert "手元の届出はそのまま残しています" in result.stderr
    assert "まだ届け出ていない" not in result.stderr  # it is filed (committed) here
    assert head(second) == local and remote_head(remote) == pushed
    assert git(second, "status", "--porcelain") == ""


def test_uncommitted_registry_toml_names_git_commit_not_file(
    machines: tuple[Path, Path, Path], todokede: CliRunner
) -> None:
    _, _, second = machines
    config = second / "registry.toml"
    config.write_text(config.read_text("utf-8") + "# note\n", "utf-8")
    result = todokede("sync", cwd=second)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "registry.toml" in result.stderr and "git commit" in result.stderr
    assert "todokede file" not in result.stderr

    add_item(second, ENTRY_ID, "電話番号")  # an entry too: each is told its way
    both = todokede("sync", cwd=second)
    assert both.returncode == 1 and both.stderr.count("\n") == 1
    assert f"entries/{ENTRY_ID}.toml" in both.stderr and "registry.toml" in both.stderr
    assert "todokede file" in both.stderr and "git commit" in both.stderr
