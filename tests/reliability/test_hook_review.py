"""Attacks on the pre-receive hook by a department user, from a security review.

Each ran against the hook through a real ``git push``; the holes it found
(replace refs, lookalike entry ids, revoked rights on side refs, old refs under
``--allow-unconfigured``, a nested register) and one false refusal (two local
merges of the shared branch) are fixed, and every attack here stays refused.
"""

from __future__ import annotations

import os
import subprocess
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
    remote_lines,
    tree_with,
    write,
)
from tests.support.samples import VALID_ENTRY, CliRunner

KENKO_PATH = f"entries/{KENKO_ID}.toml"


def kenko_blob(shared: Shared) -> str:
    return plumbing(shared.bare, "rev-parse", f"main:{KENKO_PATH}")


def forged_kenko(root: Path) -> str:
    """A blob of 健康増進課's entry with its purpose forged."""
    text = KENKO_ENTRY.replace("がん検診を実施するため", "偽の目的")
    return plumbing(root, "hash-object", "-w", "--stdin", stdin=text.encode())


def accepted(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr


def raw_tree(items: list[tuple[bytes, bytes, str]]) -> bytes:
    return b"".join(mode + b" " + name + b"\0" + bytes.fromhex(sha) for mode, name, sha in items)


def literal(root: Path, kind: str, data: bytes) -> str:
    return plumbing(root, "hash-object", "-w", "--literally", "-t", kind, "--stdin", stdin=data)


def edit_tree(root: Path, rev: str, *edits: tuple[str | None, str | None, str]) -> str:
    """The tree of ``rev`` with each ``(mode, sha, path)`` set (mode None: path removed)."""
    index = root / ".git" / "review-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}

    def indexed(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=True, env=env, text=True
        ).stdout.strip()

    indexed("read-tree", rev)
    for mode, sha, path in edits:
        if mode is None:
            indexed("rm", "-r", "-q", "--cached", path)
        else:
            indexed("update-index", "--add", "--replace", "--cacheinfo", f"{mode},{sha},{path}")
    tree = indexed("write-tree")
    index.unlink()
    return tree


def blob(root: Path, data: bytes) -> str:
    return plumbing(root, "hash-object", "-w", "--stdin", stdin=data)


def attempt(
    shared: Shared, rev: str, ref: str = "refs/heads/main", *extra: str
) -> tuple[subprocess.CompletedProcess[str], bool]:
    """Push ``rev`` as kazei-tanaka; (result, whether the bare repository's refs moved)."""
    before = refs(shared.bare)
    result = push(shared.kazei, KAZEI, *extra, "origin", f"{rev}:{ref}")
    return result, refs(shared.bare) != before


# -- refs/replace: the hook's own git honours replace refs -------------------------------


def replace_attack(shared: Shared, goal: str) -> tuple[str, str]:
    """Push refs/replace/X -> Y (harmless), then X (forbidden) to main; (X, clone's main)."""
    root = shared.kazei
    main = head(root)
    if goal == "entry":
        tree = tree_with(root, "HEAD", KENKO_PATH, forged_kenko(root))
        forbidden = commit_tree(root, tree, main, message="健康増進課の業務を書き換える")
    elif goal == "table":
        config = CONFIG_WITH_ACCESS.replace('"soumu-yamada",', '"soumu-yamada", "kazei-tanaka",')
        tree = tree_with(root, "HEAD", "registry.toml", blob(root, config.encode()))
        forbidden = commit_tree(root, tree, main, message="自分を総務担当にする")
    else:  # a history rewrite: an orphan commit holding 健康増進課's entry forged
        tree = tree_with(root, "HEAD", KENKO_PATH, forged_kenko(root))
        forbidden = commit_tree(root, tree, message="履歴を消す")
    harmless = commit_tree(root, plumbing(root, "rev-parse", "HEAD^{tree}"), main, message="空")
    first = push(root, KAZEI, "origin", f"{harmless}:refs/replace/{forbidden}")
    second = push(root, KAZEI, "origin", f"+{forbidden}:refs/heads/main")
    print(first.returncode, remote_lines(first), second.returncode, remote_lines(second))
    # What every clone gets (clones do not fetch refs/replace):
    clone = shared.bare.parent / "fresh"
    git(shared.bare.parent, "clone", "-q", str(shared.bare), str(clone))
    return forbidden, head(clone)


@pytest.mark.parametrize("goal", ["entry", "table", "rewrite"])
def test_replace_ref_attacks(shared: Shared, goal: str) -> None:
    forbidden, clone_main = replace_attack(shared, goal)
    assert clone_main != forbidden, f"{goal}: the forbidden commit is main's tip on the server"


@pytest.mark.parametrize("goal", ["entry", "table", "rewrite"])
def test_replace_ref_attacks_fail_when_the_server_ignores_replace_refs(
    shared: Shared, goal: str
) -> None:
    """The fix, shown with config: git of the hook reading no replace refs."""
    git(shared.bare, "config", "core.useReplaceRefs", "false")
    forbidden, clone_main = replace_attack(shared, goal)
    assert clone_main != forbidden


# -- entry ids the hook takes but check refuses: case and Unicode lookalikes -------------


@pytest.mark.parametrize(
    "name",
    [
        "KENKO-GAN-KENSHIN.toml",  # NTFS / APFS (case-insensitive): the same file as kenko's
        "\u212aenko-gan-kenshin.toml",  # KELVIN SIGN: NFD is K, APFS folds it to kenko's file
        ".toml",
        "kenko gan.toml",
    ],
)
def test_an_entry_id_that_check_refuses_is_refused(shared: Shared, name: str) -> None:
    root = shared.kazei
    forged = VALID_ENTRY.replace("個人住民税を賦課するため", "偽の目的")  # department 課税課
    tree = tree_with(root, "HEAD", f"entries/{name}", blob(root, forged.encode()))
    result, moved = attempt(shared, commit_tree(root, tree, "HEAD"))
    print(result.returncode, remote_lines(result))
    assert not moved, f"entries/{name} landed"


# -- false refusals of legitimate department pushes --------------------------------------


def test_a_department_entry_with_a_bom_is_accepted(shared: Shared) -> None:
    """Fixed meanwhile by 5bbe395 (kept as a regression test). check and every reader skip a BOM (a warning only); tomledit keeps it on rewrite."""
    root = shared.kazei
    path = entry_file(root, KAZEI_ID)
    path.write_text("\ufeff" + path.read_text("utf-8"), encoding="utf-8")
    commit_all(root, "Notepad で保存")
    result = push(root, KAZEI)
    print(remote_lines(result))
    assert result.returncode == 0


def test_two_merges_of_main_before_a_push_are_accepted(shared: Shared, tmp_path: Path) -> None:
    """sync's merging mode (local history with a merge) retried after a push race:
    健康増進課 changed its entry twice while 課税課 merged main twice."""
    kenko_pc = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(shared.bare), str(kenko_pc))
    root = shared.kazei
    add_item(root, KAZEI_ID, "個人番号")
    commit_all(root, "課税課の変更")
    for item in ("電話番号", "メール"):
        add_item(kenko_pc, KENKO_ID, item)
        commit_all(kenko_pc, f"健康増進課の変更 {item}")
        accepted(push(kenko_pc, KENKO))
        git(root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    result = push(root, KAZEI)
    print(remote_lines(result))
    assert result.returncode == 0


def test_one_merge_of_main_is_accepted(shared: Shared, tmp_path: Path) -> None:
    kenko_pc = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(shared.bare), str(kenko_pc))
    add_item(shared.kazei, KAZEI_ID, "個人番号")
    commit_all(shared.kazei, "課税課の変更")
    add_item(kenko_pc, KENKO_ID, "電話番号")
    commit_all(kenko_pc, "健康増進課の変更")
    accepted(push(kenko_pc, KENKO))
    git(shared.kazei, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    accepted(push(shared.kazei, KAZEI))


def test_a_shallow_clone_can_push(shared: Shared, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{shared.bare}", str(shallow))
    add_item(shallow, KAZEI_ID, "個人番号")
    commit_all(shallow, "課税課の変更")
    accepted(push(shallow, KAZEI))


def test_a_shallow_clone_cannot_push_another_departments_change(
    shared: Shared, tmp_path: Path
) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{shared.bare}", str(shallow))
    add_item(shallow, KENKO_ID, "電話番号")
    commit_all(shallow, "健康増進課の変更")
    before = refs(shared.bare)
    result = push(shallow, KAZEI)
    assert result.returncode != 0 and refs(shared.bare) == before


def test_sync_after_a_manual_merge_is_accepted(
    shared: Shared, tmp_path: Path, todokede: CliRunner
) -> None:
    """The clerk resolved a conflict with git pull (a merge); the next todokede sync
    merges again (its documented merging mode), and that push is accepted."""
    kenko_pc = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(shared.bare), str(kenko_pc))
    root = shared.kazei
    add_item(root, KAZEI_ID, "個人番号")
    commit_all(root, "課税課の変更")
    add_item(kenko_pc, KENKO_ID, "電話番号")
    commit_all(kenko_pc, "健康増進課の変更 1")
    accepted(push(kenko_pc, KENKO))
    git(root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    add_item(kenko_pc, KENKO_ID, "メール")
    commit_all(kenko_pc, "健康増進課の変更 2")
    accepted(push(kenko_pc, KENKO))
    result = todokede("sync", cwd=root, env={"REMOTE_USER": KAZEI})
    print(result.stdout, result.stderr)
    assert result.returncode == 0


# -- merges and history ---------------------------------------------------------------


def raw_commit(root: Path, tree: str, parents: list[str], message: str = "攻撃") -> str:
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
    lines += [
        "author A <a@example.jp> 1700000000 +0900",
        "committer A <a@example.jp> 1700000000 +0900",
    ]
    return literal(root, "commit", ("\n".join(lines) + f"\n\n{message}\n").encode())


def old_kenko_setup(shared: Shared, tmp_path: Path) -> tuple[str, str]:
    """健康増進課 changes its entry; (the old blob, the first commit of the register)."""
    kenko_pc = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(shared.bare), str(kenko_pc))
    old = plumbing(kenko_pc, "rev-parse", f"HEAD:{KENKO_PATH}")
    add_item(kenko_pc, KENKO_ID, "電話番号")
    commit_all(kenko_pc, "健康増進課の変更")
    accepted(push(kenko_pc, KENKO))
    git(shared.kazei, "pull", "-q", "--ff-only", "origin", "main")
    first = plumbing(shared.kazei, "rev-list", "--max-parents=0", "HEAD")
    return old, first


@pytest.mark.parametrize("shape", ["tip-twice", "octopus-3", "octopus-4-dup", "tip-and-first-dup"])
def test_merges_with_odd_parents_cannot_revert_kenko(
    shared: Shared, tmp_path: Path, shape: str
) -> None:
    old, first = old_kenko_setup(shared, tmp_path)
    root = shared.kazei
    tip = head(root)
    mid = plumbing(root, "rev-parse", "HEAD~1")
    parents = {
        "tip-twice": [tip, tip],
        "octopus-3": [tip, mid, first],
        "octopus-4-dup": [tip, first, mid, first],
        "tip-and-first-dup": [tip, tip, first],
    }[shape]
    tree = tree_with(root, "HEAD", KENKO_PATH, old)
    commit = raw_commit(root, tree, parents)
    for fsck in ("true", "false"):
        git(shared.bare, "config", "receive.fsckObjects", fsck)
        result, moved = attempt(shared, commit)
        print(shape, fsck, result.returncode, remote_lines(result)[-1:], result.stderr[-300:])
        assert result.returncode != 0 and not moved


def test_change_then_restore_is_refused_naming_the_change(shared: Shared) -> None:
    root = shared.kazei
    add_item(root, KENKO_ID, "電話番号")
    change = commit_all(root, "健康増進課を変える")
    git(root, "revert", "--no-edit", "HEAD")
    result, moved = attempt(shared, "HEAD")
    lines = remote_lines(result)
    assert not moved and any(line.startswith(f"コミット {change[:7]}: ") for line in lines), lines


def test_a_merge_side_changed_then_merged_back(shared: Shared) -> None:
    """A side commit forges kenko; the merge takes main's version back (net nothing)."""
    root = shared.kazei
    main = head(root)
    side = commit_tree(root, tree_with(root, main, KENKO_PATH, forged_kenko(root)), main)
    merge = commit_tree(root, plumbing(root, "rev-parse", f"{main}^{{tree}}"), main, side)
    result, moved = attempt(shared, merge)
    assert not moved and any(side[:7] in line for line in remote_lines(result))


def test_an_old_branch_then_fast_forward(shared: Shared, tmp_path: Path) -> None:
    _, first = old_kenko_setup(shared, tmp_path)
    root = shared.kazei
    # a branch at the first commit: the tree differs from main in kenko's entry
    result, moved = attempt(shared, first, "refs/heads/old")
    assert not moved, remote_lines(result)
    result, moved = attempt(shared, first, "refs/tags/old")
    assert not moved, remote_lines(result)
    # a branch from the first commit that forges kenko, then main fast-forwarded to a merge
    side = commit_tree(root, tree_with(root, first, KENKO_PATH, forged_kenko(root)), first)
    result, moved = attempt(shared, side, "refs/heads/side")
    assert not moved
    merge = commit_tree(root, plumbing(root, "rev-parse", "HEAD^{tree}"), "HEAD", side)
    result, moved = attempt(shared, merge)
    assert not moved and any(side[:7] in line for line in remote_lines(result))


def test_several_refs_in_one_push(shared: Shared) -> None:
    root = shared.kazei
    add_item(root, KENKO_ID, "電話番号")
    bad = commit_all(root, "健康増進課を変える")
    git(root, "reset", "-q", "--hard", "HEAD~1")
    add_item(root, KAZEI_ID, "個人番号")
    good = commit_all(root, "課税課の変更")
    merge = commit_tree(root, plumbing(root, "rev-parse", "HEAD^{tree}"), good, bad)
    before = refs(shared.bare)
    for atomic in ((), ("--atomic",)):
        for specs in (
            [f"{bad}:refs/heads/kenko", f"{merge}:refs/heads/main"],
            [f"{merge}:refs/heads/main", f"{bad}:refs/heads/kenko"],
            [f"{good}:refs/heads/main", f"{bad}:refs/tags/x"],
            [f"{merge}:refs/heads/main", f"{merge}:refs/heads/other"],
        ):
            result = push(root, KAZEI, *atomic, "origin", *specs)
            assert result.returncode != 0 and refs(shared.bare) == before, specs


def test_main_twice_in_one_push(shared: Shared) -> None:
    root = shared.kazei
    add_item(root, KAZEI_ID, "個人番号")
    good = commit_all(root, "課税課の変更")
    add_item(root, KENKO_ID, "電話番号")
    bad = commit_all(root, "健康増進課を変える")
    before = refs(shared.bare)
    result = push(root, KAZEI, "origin", f"{good}:refs/heads/main", f"{bad}:refs/heads/main")
    print(result.returncode, result.stderr[-400:])
    assert result.returncode != 0 and refs(shared.bare) == before
    result = push(root, KAZEI, "origin", f"{good}:main", f"{bad}:refs/heads/main")
    print(result.returncode, result.stderr[-400:])
    assert refs(shared.bare) == before or shared.tip() == good


# -- refs outside refs/heads and refs/tags ------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["refs/notes/commits", "refs/original/refs/heads/main", "refs/remotes/origin/main",
            "refs/stash", "refs/heads/HEAD", "refs/tags/main"],
)  # fmt: skip
def test_other_namespaces_judge_the_change(shared: Shared, ref: str) -> None:
    root = shared.kazei
    add_item(root, KENKO_ID, "電話番号")
    commit_all(root, "健康増進課を変える")
    result, moved = attempt(shared, "HEAD", ref)
    assert result.returncode != 0 and not moved, ref


def test_a_note_is_refused(shared: Shared) -> None:
    root = shared.kazei
    git(root, "notes", "add", "-m", "メモ", "HEAD")
    result, moved = attempt(shared, "refs/notes/commits", "refs/notes/commits")
    print(remote_lines(result))
    assert not moved


# -- paths and trees ----------------------------------------------------------------------


def kazei_new(root: Path) -> str:
    return blob(root, VALID_ENTRY.replace("個人住民税賦課事務", "新しい事務").encode())


@pytest.mark.parametrize(
    "edit",
    [
        ("100644", "KAZEI", "Entries/kazei-new.toml"),
        ("100644", "KAZEI", "entries/kazei-new.TOML"),
        ("100644", "KAZEI", "entries/sub/kazei-new.toml"),
        ("100644", "KAZEI", "sub/registry.toml"),
        ("100644", "KAZEI", "entries/.gitattributes"),
        ("100644", "KAZEI", ".gitattributes"),
        ("100644", "KAZEI", ".gitmodules"),
        ("120000", "LINK", "entries/kazei-new.toml"),
        ("160000", "HEAD", "entries/kazei-new.toml"),
        ("100755", "KENKO", KENKO_PATH),  # a mode change of kenko's file only
        ("120000", "LINKKENKO", KENKO_PATH),
    ],
)
def test_odd_paths_and_modes_are_refused(shared: Shared, edit: tuple[str, str, str]) -> None:
    root = shared.kazei
    mode, what, path = edit
    sha = {
        "KAZEI": kazei_new(root),
        "LINK": blob(root, f"{KENKO_ID}.toml".encode()),
        "LINKKENKO": blob(root, b"../registry.toml"),
        "HEAD": head(root),
        "KENKO": kenko_blob(shared),
    }[what]
    tree = edit_tree(root, "HEAD", (mode, sha, path))
    result, moved = attempt(shared, commit_tree(root, tree, "HEAD"))
    print(edit, remote_lines(result))
    assert result.returncode != 0 and not moved


@pytest.mark.parametrize("kind", ["blob", "submodule", "symlink"])
@pytest.mark.parametrize("name", ["entries", "registry.toml"])
def test_entries_or_registry_replaced_by_another_kind(shared: Shared, kind: str, name: str) -> None:
    root = shared.kazei
    mode, sha = {
        "blob": ("100644", blob(root, b"x")),
        "submodule": ("160000", head(root)),
        "symlink": ("120000", blob(root, b"entries" if name == "registry.toml" else b".")),
    }[kind]
    tree = edit_tree(root, "HEAD", (None, None, name), (mode, sha, name))
    result, moved = attempt(shared, commit_tree(root, tree, "HEAD"))
    print(kind, name, remote_lines(result))
    assert result.returncode != 0 and not moved


def top_items(root: Path, rev: str) -> list[tuple[bytes, bytes, str]]:
    items = []
    for line in plumbing(root, "ls-tree", rev).splitlines():
        meta, name = line.split("\t")
        mode, _, sha = meta.split()
        items.append((mode.lstrip("0").encode(), name.encode(), sha))
    return items


@pytest.mark.parametrize(
    "trick", ["dotdot-registry", "trailing-nul", "trailing-garbage", "entries-040000",
              "slash-name", "tree-is-blob", "unsorted", "dotgit"],
)  # fmt: skip
@pytest.mark.parametrize("fsck", ["true", "false"])
def test_malformed_objects_are_refused(shared: Shared, trick: str, fsck: str) -> None:
    root = shared.kazei
    git(shared.bare, "config", "receive.fsckObjects", fsck)
    top = top_items(root, "HEAD")
    entries_sha = next(s for m, n, s in top if n == b"entries")
    entries = top_items(root, "HEAD:entries")
    config = CONFIG_WITH_ACCESS.replace('"soumu-yamada",', '"soumu-yamada", "kazei-tanaka",')
    config_blob = blob(root, config.encode())
    if trick == "dotdot-registry":
        sub = literal(root, "tree", raw_tree([(b"100644", b"registry.toml", config_blob)]))
        new_entries = literal(root, "tree", raw_tree([(b"40000", b"..", sub), *entries]))
        data = raw_tree([(m, n, new_entries if n == b"entries" else s) for m, n, s in top])
    elif trick == "trailing-nul":
        data = raw_tree(top) + b"\0"
    elif trick == "trailing-garbage":
        data = raw_tree(top) + b"100644 registry.toml\0" + bytes.fromhex(config_blob)[:7]
    elif trick == "entries-040000":
        data = raw_tree([(b"040000" if n == b"entries" else m, n, s) for m, n, s in top])
    elif trick == "slash-name":
        data = raw_tree([*top, (b"100644", b"entries/x.toml", kazei_new(root))])
    elif trick == "unsorted":
        data = raw_tree(list(reversed(top)))
    elif trick == "dotgit":
        data = raw_tree([(b"40000", b".GIT", entries_sha), *top])
    else:  # a commit whose tree line names a blob
        commit = raw_commit(root, config_blob, [head(root)])
        result, moved = attempt(shared, commit)
        print(trick, fsck, result.returncode, result.stderr[-300:])
        assert result.returncode != 0 and not moved
        return
    tree = literal(root, "tree", data)
    commit = raw_commit(root, tree, [head(root)])
    result, moved = attempt(shared, commit)
    print(trick, fsck, result.returncode, remote_lines(result)[-2:], result.stderr[-200:])
    assert result.returncode != 0 and not moved


# -- tags -------------------------------------------------------------------------------


def test_an_annotated_tag_of_a_forbidden_commit_is_refused(shared: Shared) -> None:
    root = shared.kazei
    add_item(root, KENKO_ID, "電話番号")
    commit_all(root, "健康増進課を変える")
    git(root, "tag", "-a", "-m", "タグ", "t1")
    result, moved = attempt(shared, "refs/tags/t1", "refs/tags/t1")
    assert not moved and "コミット以外のオブジェクト（tag）" in "".join(remote_lines(result))
    result, moved = attempt(shared, "refs/tags/t1^{commit}", "refs/tags/t2")
    assert not moved and "健康増進課の業務を編集する権限がありません" in "".join(
        remote_lines(result)
    )


def test_an_annotated_tag_of_own_commit_is_refused_too(shared: Shared) -> None:
    """Noted: a department cannot push an annotated tag even of its own commit."""
    root = shared.kazei
    add_item(root, KAZEI_ID, "個人番号")
    commit_all(root, "課税課の変更")
    git(root, "tag", "-a", "-m", "タグ", "t1")
    result, moved = attempt(shared, "refs/tags/t1", "refs/tags/t1")
    assert not moved and "コミット以外のオブジェクト（tag）" in "".join(remote_lines(result))


# -- TOML the checker and tomllib might read differently ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        KENKO_ENTRY + '\ndepartment = "課税課"\n',  # department twice
        KENKO_ENTRY.replace('department = "健康増進課"', '[x]\ndepartment = "課税課"'),
        KENKO_ENTRY.replace('department = "健康増進課"', 'department.x = "課税課"'),
        KENKO_ENTRY.replace('department = "健康増進課"', 'department = "課税課"'),  # a move
        KENKO_ENTRY.replace('department = "健康増進課"', '"department" = "課税課"').replace(
            'name = "がん検診事務"', 'name = "がん検診事務"\n"depart\\u006dent" = "x"'
        ),
        '"""\ndepartment = "課税課"\n"""\n' + KENKO_ENTRY,
        KENKO_ENTRY.replace("\n", "\r\n").replace(
            'department = "健康増進課"', 'department = "課税課"'
        ),
    ],
)
def test_toml_tricks_on_kenkos_entry_are_refused(shared: Shared, text: str) -> None:
    root = shared.kazei
    tree = tree_with(root, "HEAD", KENKO_PATH, blob(root, text.encode()))
    result, moved = attempt(shared, commit_tree(root, tree, "HEAD"))
    assert result.returncode != 0 and not moved


def test_a_crlf_entry_of_ones_own_is_accepted(shared: Shared) -> None:
    path = entry_file(shared.kazei, KAZEI_ID)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    commit_all(shared.kazei, "CRLF")
    accepted(push(shared.kazei, KAZEI))


@pytest.mark.parametrize(("size", "ok"), [(1024 * 1024, True), (1024 * 1024 + 1, False)])
def test_the_size_limit_is_exact(shared: Shared, size: int, ok: bool) -> None:
    root = shared.kazei
    data = VALID_ENTRY.encode() + b"#"
    data += b"x" * (size - len(data) - 1) + b"\n"
    assert len(data) == size
    entry_file(root, KAZEI_ID).write_bytes(data)
    commit_all(root, "大きい")
    result = push(root, KAZEI)
    assert (result.returncode == 0) is ok, remote_lines(result)


# -- tables that stay on other refs -------------------------------------------------------


@pytest.mark.parametrize("ref", ["refs/heads/kazei-work", "refs/tags/kazei-snapshot"])
def test_a_revoked_right_is_revoked_on_every_ref(shared: Shared, ref: str) -> None:
    granted = CONFIG_WITH_ACCESS.replace('"kenko-suzuki"]', '"kenko-suzuki", "kazei-tanaka"]')
    write(shared.soumu / "registry.toml", granted)
    commit_all(shared.soumu, "課税課に健康増進課の権限を与える")
    accepted(push(shared.soumu, SECRETARIAT))
    git(shared.kazei, "pull", "-q", "--ff-only", "origin", "main")
    accepted(push(shared.kazei, KAZEI, "origin", f"HEAD:{ref}"))
    write(shared.soumu / "registry.toml", CONFIG_WITH_ACCESS)
    commit_all(shared.soumu, "権限を取り消す")
    accepted(push(shared.soumu, SECRETARIAT))
    add_item(shared.kazei, KENKO_ID, "電話番号")
    commit_all(shared.kazei, "取り消された権限で健康増進課を変える")
    result, moved = attempt(shared, "HEAD", ref, "--force")  # git asks it for any tag update
    print(remote_lines(result))
    assert not moved, f"{ref}: 健康増進課's entry changed with a revoked right"


@pytest.mark.parametrize("action", ["forge", "rewrite", "delete"])
def test_refs_older_than_the_table_stay_closed_when_unconfigured_is_allowed(
    tmp_path: Path, git_identity: None, action: str
) -> None:
    """main has [access]; a tag the secretariat made before it was configured has none."""
    from tests.support.hook import make_shared

    shared = make_shared(tmp_path, allow_unconfigured=True)
    first = plumbing(shared.soumu, "rev-list", "--max-parents=0", "HEAD")
    accepted(push(shared.soumu, SECRETARIAT, "origin", f"{first}:refs/tags/v0"))
    root = shared.kazei
    tree = tree_with(root, first, KENKO_PATH, forged_kenko(root))
    if action == "forge":
        result, moved = attempt(shared, commit_tree(root, tree, first), "refs/tags/v0", "--force")
    elif action == "rewrite":
        result, moved = attempt(shared, commit_tree(root, tree), "refs/tags/v0", "--force")
    else:
        before = refs(shared.bare)
        result = push(root, KAZEI, "origin", ":refs/tags/v0")
        moved = refs(shared.bare) != before
    print(action, remote_lines(result))
    assert not moved, f"{action}: refs/tags/v0 changed by a department"


def test_replace_refs_are_refused_to_everyone(shared: Shared) -> None:
    """A replace ref of registry.toml's blob would make the table unreadable for all."""
    root = shared.kazei
    table_blob = plumbing(root, "rev-parse", "HEAD:registry.toml")
    harmless = commit_tree(root, plumbing(root, "rev-parse", "HEAD^{tree}"), "HEAD", message="空")
    before = refs(shared.bare)
    for user in (KAZEI, SECRETARIAT):
        result = push(root, user, "origin", f"{harmless}:refs/replace/{table_blob}")
        assert result.returncode != 0
        assert any("refs/replace/ の参照は受け付けません" in line for line in remote_lines(result))
    assert refs(shared.bare) == before
    assert git(shared.bare, "config", "core.useReplaceRefs").strip() == "false"
    add_item(shared.soumu, KAZEI_ID, "個人番号")
    commit_all(shared.soumu, "総務の変更")
    assert push(shared.soumu, SECRETARIAT).returncode == 0


def test_push_to_head_and_odd_names(shared: Shared) -> None:
    root = shared.kazei
    add_item(root, KENKO_ID, "電話番号")
    commit_all(root, "健康増進課を変える")
    before = refs(shared.bare)
    for dst in ("HEAD", "refs/heads/main.lock", "refs/heads/ma..in", "refs/heads/@"):
        result = push(root, KAZEI, "origin", f"HEAD:{dst}")
        print(dst, result.returncode, result.stderr[-200:])
        assert result.returncode != 0
    assert refs(shared.bare) == before


def test_the_secretariat_can_save_registry_toml_with_a_bom(shared: Shared) -> None:
    write(shared.soumu / "registry.toml", "\ufeff" + CONFIG_WITH_ACCESS)
    commit_all(shared.soumu, "Notepad で保存")
    result = push(shared.soumu, SECRETARIAT)
    print(remote_lines(result))
    assert result.returncode == 0


def test_a_register_in_a_subfolder_is_refused_even_unconfigured(
    tmp_path: Path, git_identity: None
) -> None:
    """todokede reads a register below the repository's root (register_prefix); the hook
    reads only the root's registry.toml, so even --allow-unconfigured refuses such a push."""
    from todokede.registry.access.hook import install_hook

    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    install_hook(bare, allow_unconfigured=True)
    soumu = tmp_path / "soumu-pc"
    git(tmp_path, "init", "-q", "-b", "main", str(soumu))
    write(soumu / "register" / "registry.toml", CONFIG_WITH_ACCESS)
    write(soumu / "register" / "entries" / f"{KAZEI_ID}.toml", VALID_ENTRY)
    write(soumu / "register" / "entries" / f"{KENKO_ID}.toml", KENKO_ENTRY)
    commit_all(soumu, "登録簿")
    git(soumu, "remote", "add", "origin", str(bare))
    result = push(soumu, SECRETARIAT)
    assert result.returncode != 0
    assert any("登録簿が共有先の最上位ではなく register/registry.toml にある" in line
               for line in remote_lines(result))  # fmt: skip
    assert refs(bare) == ""
