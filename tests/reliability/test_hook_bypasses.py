"""The eight ways round the pre-receive hook that an attacker found, each refused.

Every push is a real ``git push`` into a real bare repository with the hook of
``todokede hook install``; each refusal names the commit, the process and the
rule, and the remote's refs do not move. Objects an ordinary client would never
write (merges with chosen parents, trees with a name twice) are made with git's
own plumbing, as an attacker would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.gitrepos import git, head
from tests.support.hook import (
    CONFIG_WITH_ACCESS,
    KAZEI,
    KAZEI_ID,
    KENKO,
    KENKO_ENTRY,
    KENKO_ID,
    SECRETARIAT,
    Shared,
    add_item,
    commit_all,
    commit_tree,
    entry_file,
    plumbing,
    push,
    refs,
    refused,
    tree_with,
    write,
)
from tests.support.samples import VALID_ENTRY
from todokede.registry.access.hook import install_hook

DEPARTMENT_RULE = "健康増進課の業務を編集する権限がありません（利用者: kazei-tanaka。"


def kenko_changed(shared: Shared, tmp_path: Path) -> tuple[str, str]:
    """健康増進課 files a change from its own machine: (the blob before, the commit)."""
    before = plumbing(shared.kazei, "rev-parse", f"HEAD:entries/{KENKO_ID}.toml")
    kenko_pc = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(shared.bare), str(kenko_pc))
    add_item(kenko_pc, KENKO_ID, "電話番号")
    commit_all(kenko_pc, "健康増進課の変更")
    assert push(kenko_pc, KENKO).returncode == 0
    git(shared.kazei, "pull", "-q", "--ff-only", "origin", "main")
    return before, head(kenko_pc)


# -- 1. a merge whose extra parent is an existing commit --------------------------------


def test_a_merge_with_an_existing_parent_cannot_revert_another_departments_entry(
    shared: Shared, tmp_path: Path
) -> None:
    old_blob, _ = kenko_changed(shared, tmp_path)
    first = plumbing(shared.kazei, "rev-list", "--max-parents=0", "HEAD")
    before = refs(shared.bare)
    path = f"entries/{KENKO_ID}.toml"
    for blob in (old_blob, None):  # reverted to its older version, or deleted
        tree = tree_with(shared.kazei, "HEAD", path, blob)
        merge = commit_tree(shared.kazei, tree, "HEAD", first)
        lines = refused(push(shared.kazei, KAZEI, "origin", f"{merge}:refs/heads/main"))
        assert any(
            line.startswith(f"コミット {merge[:7]}（親 ")
            and f"{path}（がん検診事務）" in line
            and DEPARTMENT_RULE in line
            for line in lines
        ), lines
        assert refs(shared.bare) == before


def test_a_merge_cannot_bring_back_an_older_registry_toml(shared: Shared) -> None:
    """Revoking a user, then a merge that takes the table from before the revocation."""
    granted = CONFIG_WITH_ACCESS.replace('"kenko-suzuki"]', '"kenko-suzuki", "kazei-tanaka"]')
    write(shared.soumu / "registry.toml", granted)
    commit_all(shared.soumu, "課税課に健康増進課の権限を与える")
    assert push(shared.soumu, SECRETARIAT).returncode == 0
    with_grant = head(shared.soumu)
    write(shared.soumu / "registry.toml", CONFIG_WITH_ACCESS)
    commit_all(shared.soumu, "権限を取り消す")
    assert push(shared.soumu, SECRETARIAT).returncode == 0
    git(shared.kazei, "pull", "-q", "--ff-only", "origin", "main")
    old_config = plumbing(shared.kazei, "rev-parse", f"{with_grant}:registry.toml")
    tree = tree_with(shared.kazei, "HEAD", "registry.toml", old_config)
    merge = commit_tree(shared.kazei, tree, "HEAD", with_grant)
    before = refs(shared.bare)
    lines = refused(push(shared.kazei, KAZEI, "origin", f"{merge}:refs/heads/main"))
    assert lines[0].startswith(f"コミット {merge[:7]}（親 ")
    assert "registry.toml: registry.toml を変更する権限がありません" in lines[0]
    assert refs(shared.bare) == before


# -- 2. a bare repository whose HEAD names a branch that does not exist -------------------


def test_a_dangling_head_never_lets_the_pushed_table_apply(
    tmp_path: Path, git_identity: None
) -> None:
    bare = tmp_path / "plain.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))  # HEAD stays on master
    git(bare, "symbolic-ref", "HEAD", "refs/heads/master")
    install_hook(bare)
    soumu = tmp_path / "soumu-pc"
    git(tmp_path, "clone", "-q", str(bare), str(soumu))
    write(soumu / "registry.toml", CONFIG_WITH_ACCESS)
    write(soumu / "entries" / f"{KAZEI_ID}.toml", VALID_ENTRY)
    commit_all(soumu, "登録簿")
    assert push(soumu, SECRETARIAT, "origin", "HEAD:refs/heads/main").returncode == 0
    kazei = tmp_path / "kazei-pc"
    git(tmp_path, "clone", "-q", "-b", "main", str(bare), str(kazei))
    config = CONFIG_WITH_ACCESS.replace('"soumu-yamada",', '"soumu-yamada", "kazei-tanaka",')
    write(kazei / "registry.toml", config)
    commit_all(kazei, "自分を総務担当にする")
    before = refs(bare)
    lines = refused(push(kazei, KAZEI, "origin", "HEAD:refs/heads/takeover"))
    assert lines == [
        "refs/heads/takeover: 共有先の既定のブランチ（refs/heads/master）がないため、新しい参照の"
        "権限を確かめられません。総務担当が共有先で git symbolic-ref HEAD refs/heads/<登録簿の"
        "ブランチ> を実行してください（利用者: kazei-tanaka）"
    ]
    assert refused(push(kazei, KAZEI, "origin", "HEAD:refs/heads/main"))[0].startswith(
        f"コミット {head(kazei)[:7]}: registry.toml: registry.toml を変更する権限がありません"
    )
    assert refs(bare) == before
    # Once HEAD names the register's branch, a new branch is judged by main's table.
    git(bare, "symbolic-ref", "HEAD", "refs/heads/main")
    assert (
        "registry.toml を変更する権限"
        in refused(push(kazei, KAZEI, "origin", "HEAD:refs/heads/takeover"))[0]
    )


# -- 3. moving a branch to commits already in the repository ---------------------------


def test_fast_forwarding_main_to_another_users_branch_is_judged(
    shared: Shared, tmp_path: Path
) -> None:
    kenko_pc = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(shared.bare), str(kenko_pc))
    add_item(kenko_pc, KENKO_ID, "電話番号")
    work = commit_all(kenko_pc, "健康増進課の下書き")
    assert push(kenko_pc, KENKO, "origin", "HEAD:refs/heads/kenko-work").returncode == 0
    before = refs(shared.bare)
    git(shared.kazei, "fetch", "-q", "origin")
    lines = refused(push(shared.kazei, KAZEI, "origin", "origin/kenko-work:refs/heads/main"))
    assert lines[0].startswith(f"コミット {work[:7]}: entries/{KENKO_ID}.toml（がん検診事務）: ")
    assert DEPARTMENT_RULE in lines[0]
    assert refs(shared.bare) == before
    # The department that made it may move main there.
    assert push(kenko_pc, KENKO, "origin", "HEAD:refs/heads/main").returncode == 0


# -- 4. a tree holding the same name twice ---------------------------------------------


def _raw_tree(items: list[tuple[bytes, bytes, str]]) -> bytes:
    return b"".join(mode + b" " + name + b"\0" + bytes.fromhex(sha) for mode, name, sha in items)


def duplicate_entry_commit(shared: Shared) -> str:
    """A commit whose entries/ holds 健康増進課's file twice: the original and a forgery."""
    root = shared.kazei
    forged = KENKO_ENTRY.replace("がん検診を実施するため", "偽の目的")
    blob = plumbing(root, "hash-object", "-w", "--stdin", stdin=forged.encode())
    items = []
    for line in plumbing(root, "ls-tree", "HEAD:entries").splitlines():
        meta, name = line.split("\t")
        mode, _, sha = meta.split()
        items.append((mode.encode(), name.encode(), sha))
        if name == f"{KENKO_ID}.toml":
            items.append((b"100644", name.encode(), blob))
    entries = plumbing(
        root, "hash-object", "-w", "--literally", "-t", "tree", "--stdin", stdin=_raw_tree(items)
    )
    top = []
    for line in plumbing(root, "ls-tree", "HEAD").splitlines():
        meta, name = line.split("\t")
        mode, _, sha = meta.split()
        top.append(
            (mode.lstrip("0").encode(), name.encode(), entries if name == "entries" else sha)
        )
    tree = plumbing(
        root, "hash-object", "-w", "--literally", "-t", "tree", "--stdin", stdin=_raw_tree(top)
    )
    return commit_tree(root, tree, "HEAD")


def test_a_tree_with_a_name_twice_is_refused(shared: Shared) -> None:
    commit = duplicate_entry_commit(shared)
    before = refs(shared.bare)
    # git itself refuses it first (receive.fsckObjects, turned on by hook install) ...
    result = push(shared.kazei, KAZEI, "origin", f"{commit}:refs/heads/main")
    assert result.returncode != 0 and "duplicateEntries" in result.stderr
    assert refs(shared.bare) == before
    # ... and the hook refuses it on its own where that setting was turned off.
    git(shared.bare, "config", "receive.fsckObjects", "false")
    lines = refused(push(shared.kazei, KAZEI, "origin", f"{commit}:refs/heads/main"))
    assert lines[0] == (
        f"コミット {commit[:7]}: entries/ の形式が不正です: 同じ名前「{KENKO_ID}.toml」の項目が"
        "2つ以上あります（利用者: kazei-tanaka）"
    )
    assert refs(shared.bare) == before


# -- 5. identities folded -----------------------------------------------------------------


@pytest.mark.parametrize(
    "user", ["ſoumu@example.jp", "SOUMU@example.jp", "soumu@example.jp ", "ｓｏｕｍｕ@example.jp"]
)
def test_an_identity_that_only_looks_like_the_secretariats_is_not(
    shared: Shared, user: str
) -> None:
    write(shared.kazei / "registry.toml", CONFIG_WITH_ACCESS + "# 総務担当を装う\n")
    commit_all(shared.kazei, "設定を変える")
    before = refs(shared.bare)
    lines = refused(push(shared.kazei, user))
    assert "registry.toml を変更する権限がありません" in lines[0]
    assert refs(shared.bare) == before
    assert push(shared.kazei, "soumu@example.JP").returncode == 0  # the domain's case only


@pytest.mark.parametrize(
    ("table_user", "user"),
    [("strasse@example.jp", "straße@example.jp"), ("kensho@example.jp", "\u212aensho@example.jp")],
)
def test_nothing_else_is_folded(
    tmp_path: Path, git_identity: None, table_user: str, user: str
) -> None:
    from tests.support.hook import make_shared

    config = CONFIG_WITH_ACCESS.replace('"kenko-suzuki"]', f'"{table_user}"]')
    shared = make_shared(tmp_path, config=config)
    add_item(shared.kazei, KENKO_ID, "電話番号")
    commit_all(shared.kazei, "健康増進課の変更")
    assert "健康増進課の業務を編集する権限がありません" in refused(push(shared.kazei, user))[0]
    assert push(shared.kazei, table_user).returncode == 0


# -- 6. blobs and trees under any ref ---------------------------------------------------


def test_objects_that_are_not_commits_are_refused_for_departments(shared: Shared) -> None:
    root = shared.kazei
    blob = plumbing(root, "hash-object", "-w", "--stdin", stdin=b"x" * (2 * 1024 * 1024))
    tree = plumbing(root, "rev-parse", "HEAD^{tree}")
    before = refs(shared.bare)
    for sha, kind in ((blob, "blob"), (tree, "tree")):
        for ref in ("refs/tags/stash", "refs/heads/stash"):
            lines = refused(push(root, KAZEI, "origin", f"{sha}:{ref}"))
            assert lines == [
                f"{ref}: コミット以外のオブジェクト（{kind}）を送れるのは secretariat の利用者"
                "だけです（利用者: kazei-tanaka）"
            ]
        # Other namespaces are the secretariat's, whatever the object.
        assert refused(push(root, KAZEI, "origin", f"{sha}:refs/notes/x")) == [
            "refs/notes/x: refs/heads/ と refs/tags/ 以外の参照を変更できるのは secretariat の"
            "利用者だけです（利用者: kazei-tanaka）"
        ]
    assert refs(shared.bare) == before
    # A department's own commit under a tag is judged like a branch.
    add_item(root, KAZEI_ID, "個人番号")
    commit_all(root, "課税課の変更")
    assert push(root, KAZEI, "origin", "HEAD:refs/tags/kazei-2020").returncode == 0


# -- 7. SHA-256 repositories ------------------------------------------------------------


@pytest.mark.parametrize("allow_unconfigured", [False, True])
def test_a_sha256_repository_is_judged_like_any_other(
    tmp_path: Path, git_identity: None, allow_unconfigured: bool
) -> None:
    bare = tmp_path / "sha256.git"
    git(tmp_path, "init", "-q", "--bare", "--object-format=sha256", "-b", "main", str(bare))
    install_hook(bare, allow_unconfigured=allow_unconfigured)
    soumu = tmp_path / "soumu-pc"
    git(tmp_path, "init", "-q", "--object-format=sha256", "-b", "main", str(soumu))
    write(soumu / "registry.toml", CONFIG_WITH_ACCESS)
    write(soumu / "entries" / f"{KAZEI_ID}.toml", VALID_ENTRY)
    write(soumu / "entries" / f"{KENKO_ID}.toml", KENKO_ENTRY)
    commit_all(soumu, "登録簿")
    git(soumu, "remote", "add", "origin", str(bare))
    first = refused(push(soumu, KAZEI))
    assert first == [
        "refs/heads/main: 空の共有先への最初の送信は [access] の secretariat の利用者だけが"
        "できます（利用者: kazei-tanaka）"
    ]
    assert push(soumu, SECRETARIAT).returncode == 0
    assert len(git(bare, "rev-parse", "main").strip()) == 64
    kazei = tmp_path / "kazei-pc"
    git(tmp_path, "clone", "-q", str(bare), str(kazei))
    add_item(kazei, KENKO_ID, "電話番号")
    other = commit_all(kazei, "健康増進課の変更")
    lines = refused(push(kazei, KAZEI))
    assert lines[0].startswith(f"コミット {other[:7]}: entries/{KENKO_ID}.toml（がん検診事務）: ")
    git(kazei, "reset", "-q", "--hard", "origin/main")
    add_item(kazei, KAZEI_ID, "個人番号")
    commit_all(kazei, "課税課の変更")
    assert push(kazei, KAZEI).returncode == 0
    assert push(kazei, KAZEI, "origin", ":refs/heads/main").returncode != 0


# -- 8. oversized entries refused by their size, in little memory ----------------------

BIG = 150 * 1024 * 1024
WRAPPER = """#!{python}
import resource, subprocess, sys
code = subprocess.run({command!r}, stdin=sys.stdin).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open({report!r}, "w").write(str(peak))
sys.exit(code)
"""


def test_oversized_entries_are_refused_without_being_read(shared: Shared) -> None:
    hook = shared.bare / "hooks" / "pre-receive"
    command = hook.read_text().splitlines()[-1].removeprefix("exec ")
    report = shared.bare / "peak-kib"
    hook.write_text(
        WRAPPER.format(
            python=sys.executable, command=["/bin/sh", "-c", command], report=str(report)
        )
    )
    root = shared.kazei
    shas = []
    for n in range(4):
        with entry_file(root, KAZEI_ID).open("w", encoding="utf-8") as handle:
            handle.write(VALID_ENTRY)
            handle.write(f"# {n}\n")
            handle.truncate(BIG)
        shas.append(commit_all(root, f"巨大な業務ファイル {n}"))
    before = refs(shared.bare)
    # Big blobs are not deltified or recompressed much: the push itself stays quick.
    result = subprocess.run(
        ["git", "-c", "core.bigFileThreshold=1m", "-c", "pack.compression=1", "-C", str(root),
         "push", "origin", "HEAD:refs/heads/main"],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "REMOTE_USER": KAZEI},
    )  # fmt: skip
    lines = refused(result)
    assert [line[: len("コミット 1234567: ")] for line in lines] == [
        f"コミット {sha[:7]}: " for sha in shas
    ]
    assert all("業務ファイルが大きすぎます（上限 1 MiB。" in line for line in lines)
    assert refs(shared.bare) == before
    peak_mib = int(report.read_text()) / 1024
    print(f"hook peak memory with 4 x 150 MiB entries: {peak_mib:.1f} MiB")
    assert peak_mib < 100, f"the hook peaked at {peak_mib:.0f} MiB"
