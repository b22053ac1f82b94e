"""Filings at the same moment: two in one repository, twenty clones into one remote.

In one repository the filings take the repository's lock in turn: two
``todokede file`` runs started together both succeed one after the other (two
entries), or the second is refused with one clear line (the same entry, already
filed); the index and history stay whole. Twenty clones each file and sync
into one bare repository at once: every filing lands on the remote exactly once.
"""

from __future__ import annotations

import os
import subprocess
import time
import tomllib
from pathlib import Path

from tests.support.gitrepos import ENTRY_ID, committed_register, git, head
from tests.support.hook import KENKO_ENTRY, KENKO_ID
from tests.support.samples import TODOKEDE, VALID_ENTRY

CLONES = 20
#: The bound of the twenty-clone run (it takes a few seconds on two cores).
TIME_BOUND = 90.0


def add_item(root: Path, entry_id: str, item: str) -> None:
    path = root / "entries" / f"{entry_id}.toml"
    text = path.read_text("utf-8").replace('"氏名",', f'"氏名", "{item}",', 1)
    path.write_text(text, encoding="utf-8")


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(TODOKEDE), *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def assert_whole(root: Path) -> None:
    fsck = subprocess.run(
        ["git", "-C", str(root), "fsck", "--strict"], capture_output=True, text=True
    )
    assert fsck.returncode == 0, fsck.stderr
    assert git(root, "status", "--porcelain").strip() == ""
    assert git(root, "diff", "--cached", "--name-only").strip() == ""  # the index is HEAD


def filings(root: Path, entry_id: str) -> list[tuple[str, str]]:
    text = git(root, "show", f"HEAD:entries/{entry_id}.toml")
    return [(f["kind"], f["date"].isoformat()) for f in tomllib.loads(text)["filings"]]


def test_two_filings_at_once_on_two_entries_both_land(tmp_path: Path, git_identity: None) -> None:
    root = committed_register(tmp_path / "reg", (ENTRY_ID, VALID_ENTRY), (KENKO_ID, KENKO_ENTRY))
    for round_ in range(3):
        before = head(root)
        add_item(root, ENTRY_ID, f"項目{round_}")
        add_item(root, KENKO_ID, f"項目{round_}")
        day = f"2016-0{round_ + 3}-01"
        first = start(root, "file", ENTRY_ID, "--kind", "change", "--date", day)
        second = start(root, "file", KENKO_ID, "--kind", "change", "--date", day)
        results = [finish(first), finish(second)]
        assert [code for code, _, _ in results] == [0, 0], results
        assert git(root, "rev-list", "--count", f"{before}..HEAD").strip() == "2"
        touched = git(root, "log", "--format=", "--name-only", f"{before}..HEAD").split()
        assert sorted(touched) == sorted([f"entries/{ENTRY_ID}.toml", f"entries/{KENKO_ID}.toml"])
        for entry_id in (ENTRY_ID, KENKO_ID):
            assert filings(root, entry_id).count(("change", day)) == 1
        assert_whole(root)


def test_the_same_filing_twice_at_once_lands_once(tmp_path: Path, git_identity: None) -> None:
    root = committed_register(tmp_path / "reg")
    add_item(root, ENTRY_ID, "個人番号")
    args = ("file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22")
    results = sorted([finish(p) for p in [start(root, *args), start(root, *args)]])
    (ok, ok_out, _), (refused, _, error) = results
    assert (ok, refused) == (0, 1), results
    assert "変更届を記録しました" in ok_out
    assert error == (
        f"エラー: 「{ENTRY_ID}」は前回の届出から変わっていません（内容を直してから届け出るか、"
        "見直しだけなら --review を付けてください）\n"
    )
    assert filings(root, ENTRY_ID).count(("change", "2016-03-22")) == 1
    assert git(root, "rev-list", "--count", "HEAD").strip() == "2"
    assert_whole(root)


NEW_ENTRY = """\
name = "業務{n}"
department = "課税課"
purpose = "第{n}業務のため"
subjects = ["対象者"]
record_items = ["氏名", "住所"]
status = "active"
"""


def test_twenty_clones_file_and_sync_at_once(tmp_path: Path, git_identity: None) -> None:
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = committed_register(tmp_path / "seed")
    git(seed, "remote", "add", "origin", str(remote))
    git(seed, "push", "-q", "-u", "origin", "main")
    clones = []
    for n in range(CLONES):
        clone = tmp_path / f"pc{n:02d}"
        git(tmp_path, "clone", "-q", str(remote), str(clone))
        (clone / "entries" / f"entry-{n:02d}.toml").write_text(NEW_ENTRY.format(n=n), "utf-8")
        clones.append(clone)
    began = time.monotonic()
    runs = [
        subprocess.Popen(
            ["sh", "-c", f'"$1" file entry-{n:02d} --kind start --date 2020-04-01 && "$1" sync',
             "sh", str(TODOKEDE)],
            cwd=clone,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for n, clone in enumerate(clones)
    ]  # fmt: skip
    results = [finish(run) for run in runs]
    elapsed = time.monotonic() - began
    assert [code for code, _, _ in results] == [0] * CLONES, [err for _, _, err in results if err]
    assert elapsed < TIME_BOUND
    trailers = "%(trailers:key=Entry,valueonly,separator=%x2C) %(trailers:key=Filing-Kind,valueonly,separator=%x2C)"
    filed = [
        line.split() for line in git(remote, "log", f"--format={trailers}", "main").splitlines()
    ]
    landed = [entry for entry, kind in (f for f in filed if len(f) == 2)]
    assert sorted(landed) == [f"entry-{n:02d}" for n in range(CLONES)]  # each once, none lost
    assert {f[1] for f in filed if len(f) == 2} == {"start"}
    assert git(remote, "rev-list", "--count", "main").strip() == str(CLONES + 1)
    tree = git(remote, "ls-tree", "--name-only", "main", "entries/").split()
    assert len(tree) == CLONES + 1
    subprocess.run(["git", "-C", str(remote), "fsck", "--strict"], check=True, capture_output=True)
    retried = sum("回目で完了" in out for _, out, _ in results)
    print(f"{CLONES} clones, {len(landed)} filings in {elapsed:.1f} s; {retried} syncs retried")
