"""``todokede sync`` killed in the middle, on a full disk, against a remote that wants a login.

Real git, real processes, real files. A sync is killed (SIGKILL, its whole
process group: todokede and the git it runs) inside its rebase, at moments git
itself marks: a ``reference-transaction`` hook of the test kills the group
while git holds ``HEAD.lock`` in the middle of the replay, and a watcher
freezes the group (SIGSTOP) the moment ``index.lock`` exists and kills it
only if git still holds it then. Between the steps of a sync, the crash points
(``TODOKEDE_CRASH_AT``) kill it as they kill a filing. The next ``todokede
sync`` must undo what was left, say so in one line, and sync: every local
filing on the remote exactly once, no lock, no rebase, nothing typed lost. A
rebase started by hand, a lock made by another tool or held by a running
process, and a recorded process still alive are left alone.

A full disk is a real one: a small tmpfs (``mount -t tmpfs``; skipped where
mounting is not permitted). A remote that wants a login is a real HTTP server
on 127.0.0.1 answering 401 (or 403), with the sync run under a real terminal
(a pty) so that a prompt, were there one, would wait there.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, git, head
from tests.support.samples import TODOKEDE, VALID_ENTRY
from todokede.registry.files.crashpoints import ENV_VAR
from todokede.registry.files.pending import SYNC_RECORD_NAME

OTHER_ID = "kenko-gan-kenshin"
OTHER = (
    VALID_ENTRY.replace("課税課", "健康増進課")
    .replace("個人住民税賦課事務", "がん検診事務")
    .replace('"地方税法に基づき個人住民税を賦課するため"', '"がん検診を実施するため"')
)
NEW_ID = "kenko-boshi-techo"
NEW_ENTRY = (
    # Not yet filed: OTHER without its filing, its file kept.
    (OTHER.split("\n[[filings]]")[0] + "\n[[files]]" + OTHER.split("\n[[files]]")[1])
    .replace("がん検診事務", "母子健康手帳交付事務")
    .replace("がん検診を実施するため", "母子健康手帳を交付するため")
)
ITEMS = ("電話番号", "電子メールアドレス", "性別", "職業")
STEPS = ("sync:recorded", "sync:fetched", "sync:integrating", "sync:integrated", "sync:pushed")


# -- machines, filings, runs ---------------------------------------------------------------


def run(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    return subprocess.run(
        [str(TODOKEDE), *args],
        cwd=root,
        env={**full, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def add_item(root: Path, entry_id: str, item: str) -> None:
    path = root / "entries" / f"{entry_id}.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("record_items = [", f'record_items = ["{item}", ', 1), "utf-8")


def file_change(root: Path, entry_id: str, item: str, day: str) -> None:
    add_item(root, entry_id, item)
    filed = run(root, "file", entry_id, "--kind", "change", "--date", day)
    assert filed.returncode == 0, filed.stderr


def file_start(root: Path) -> None:
    (root / "entries" / f"{NEW_ID}.toml").write_text(NEW_ENTRY, encoding="utf-8")
    filed = run(root, "file", NEW_ID, "--kind", "start", "--date", "2016-05-01")
    assert filed.returncode == 0, filed.stderr


Filing = tuple[str, str, str, str]


def filings(repo: Path, rev: str = "HEAD") -> list[Filing]:
    """(entry, kind, date, subject) of every filing commit of ``rev``'s history, oldest
    first."""
    out = git(
        repo,
        "log",
        "--reverse",
        "--format=%(trailers:key=Entry,valueonly,separator=)"
        "|%(trailers:key=Filing-Kind,valueonly,separator=)"
        "|%(trailers:key=Filing-Date,valueonly,separator=)|%s",
        rev,
    )
    found = []
    for line in out.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 4 and all(parts):
            found.append((parts[0], parts[1], parts[2], parts[3]))
    return found


@pytest.fixture
def machines(tmp_path: Path, git_identity: None) -> tuple[Path, Path, Path]:
    """The shared bare repository, and two clones of the register in it."""
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    first = committed_register(tmp_path / "kazei-pc", (ENTRY_ID, VALID_ENTRY), (OTHER_ID, OTHER))
    git(first, "remote", "add", "origin", str(remote))
    git(first, "push", "-q", "-u", "origin", "main")
    second = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(remote), str(second))
    return remote, first, second


def waiting_rebase(first: Path, second: Path) -> list[Filing]:
    """The first machine files and shares a change; the second files four changes of
    another entry and starts a new one, unshared: its next sync rebases five filings.
    The second's local filings."""
    file_change(first, ENTRY_ID, "個人番号", "2016-03-22")
    assert run(first, "sync").returncode == 0
    for day, item in enumerate(ITEMS, start=1):
        file_change(second, OTHER_ID, item, f"2016-04-0{day}")
    file_start(second)
    return filings(second)[-5:]


def assert_synced_once(remote: Path, root: Path, local: list[Filing]) -> None:
    """Every local filing on the remote exactly once, the clone equal to the remote,
    nothing left half done."""
    shared = filings(remote, "main")
    for filing in local:
        assert shared.count(filing) == 1, (filing, shared)
    assert len(shared) == len(set(shared))
    assert head(root) == git(remote, "rev-parse", "main").strip()
    assert_nothing_left(root)


def assert_nothing_left(root: Path) -> None:
    git_dir = root / ".git"
    assert not (git_dir / "rebase-merge").exists() and not (git_dir / "rebase-apply").exists()
    assert not (git_dir / "MERGE_HEAD").exists()
    assert not (git_dir / SYNC_RECORD_NAME).exists()
    assert [p.name for p in git_dir.rglob("*.lock") if p.name != "todokede.lock"] == []
    assert git(root, "status", "--porcelain", "--untracked-files=no") == ""
    assert git(root, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    fsck = subprocess.run(["git", "-C", str(root), "fsck", "--strict"], capture_output=True)
    assert fsck.returncode == 0, fsck.stderr
    checked = run(root, "check", "--format", "json")
    assert json.loads(checked.stdout)["warnings"] == [], checked.stdout


def start_sync(root: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``todokede sync`` as a process group of its own (it and the git it runs)."""
    full = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    return subprocess.Popen(
        [str(TODOKEDE), "sync"],
        cwd=root,
        env={**full, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def warnings_of(root: Path) -> dict[str, str]:
    checked = run(root, "check", "--format", "json")
    return {w["file"]: w["message"] for w in json.loads(checked.stdout)["warnings"]}


# -- killed inside the rebase -----------------------------------------------------------------

#: Kills the hook's process group (the sync, its git, the hook) at the third update
#: of HEAD inside the rebase (the checkout of the remote's commit, then one a filing
#: replayed): git holds HEAD.lock while the hook runs. Once only.
KILLING_HOOK = """#!/bin/sh
refs=$(cat)
[ "$1" = prepared ] || exit 0
[ -d "{git_dir}/rebase-merge" ] || exit 0
[ -e "{marker}" ] && exit 0
case "$refs" in *" HEAD") ;; *) exit 0;; esac
echo x >> "{count}"
[ "$(wc -l < "{count}")" -ge 3 ] || exit 0
touch "{marker}"
kill -KILL 0
"""


def kill_inside_rebase(root: Path, tmp_path: Path) -> int:
    """Run sync and have it killed in the middle of its rebase; its pid."""
    hook = root / ".git" / "hooks" / "reference-transaction"
    hook.write_text(
        KILLING_HOOK.format(
            git_dir=root / ".git", marker=tmp_path / "killed", count=tmp_path / "count"
        )
    )
    hook.chmod(0o755)
    process = start_sync(root)
    out, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, (out, err)
    assert (tmp_path / "killed").exists()
    return process.pid


def test_a_sync_killed_inside_its_rebase_is_undone_and_synced_again(
    machines: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    remote, first, second = machines
    local = waiting_rebase(first, second)
    before = head(second)

    pid = kill_inside_rebase(second, tmp_path)

    git_dir = second / ".git"
    assert (git_dir / "rebase-merge").is_dir()  # half replayed, HEAD detached
    assert (git_dir / "HEAD.lock").exists()  # git was killed holding it
    record = json.loads((git_dir / SYNC_RECORD_NAME).read_text("utf-8"))
    assert (record["step"], record["pid"], record["head"]) == ("rebase", pid, before)
    warned = warnings_of(second)
    assert "中断した同期（プロセス" in warned[f".git/{SYNC_RECORD_NAME}"]
    assert "todokede sync を実行すると取り消して" in warned[".git/rebase-merge"]
    assert "todokede sync を実行すると削除します" in warned[".git/HEAD.lock"]
    add_item(second, ENTRY_ID, "国籍")  # a filing meanwhile is sent to sync first
    filed = run(second, "file", ENTRY_ID, "--kind", "change", "--date", "2016-06-01")
    assert filed.returncode == 1
    assert (
        "中断した同期の git のリベースが途中のままです。todokede sync を実行すると" in filed.stderr
    )
    git(second, "checkout", "--", f"entries/{ENTRY_ID}.toml")

    again = run(second, "sync")

    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stderr == ""
    recovered = [line for line in again.stdout.splitlines() if "後始末" in line]
    assert recovered == [
        f"中断していた同期（プロセス {pid}）の後始末をしました: 途中のリベースを取り消して main を"
        f"元のコミット {before[:10]} に戻し、残っていたロックファイル（.git/HEAD.lock）を削除しました。"
        "手元の届出はすべて残っています"
    ]
    assert "受け取り 1件・送り出し 5件" in again.stdout
    assert_synced_once(remote, second, local)
    assert filings(second)[0] == filings(first)[0]  # the other machine's filing under ours


def test_a_sync_killed_while_git_writes_the_index_leaves_index_lock_which_the_next_removes(
    machines: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The group frozen (SIGSTOP) the moment ``index.lock`` exists, killed only if git
    still holds it then: a real kill in the middle of an index write."""
    remote, first, second = machines
    local = waiting_rebase(first, second)
    saved = tmp_path / "saved"
    shutil.copytree(second, saved, symlinks=True)
    lock = second / ".git" / "index.lock"
    rebase = second / ".git" / "rebase-merge"
    caught = False
    for _ in range(20):
        process = start_sync(second)
        while process.poll() is None:
            if lock.exists() and rebase.exists():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGSTOP)
                if lock.exists() and rebase.exists():
                    os.killpg(process.pid, signal.SIGKILL)
                    caught = True
                    break
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGCONT)
        process.communicate(timeout=60)
        if caught:
            break
        shutil.rmtree(second)  # finished before it was caught: the same start again
        shutil.copytree(saved, second, symlinks=True)
        git(remote, "update-ref", "refs/heads/main", git(first, "rev-parse", "HEAD").strip())
    assert caught, "no index write caught in 20 syncs"
    assert lock.exists() and rebase.exists()

    again = run(second, "sync")

    assert again.returncode == 0, again.stdout + again.stderr
    (recovered,) = [line for line in again.stdout.splitlines() if "後始末" in line]
    assert "途中のリベースを取り消して main を元のコミット" in recovered
    assert ".git/index.lock" in recovered
    assert_synced_once(remote, second, local)


@pytest.mark.parametrize("point", STEPS)
def test_a_sync_killed_between_its_steps_is_finished_by_the_next(
    machines: tuple[Path, Path, Path], point: str
) -> None:
    remote, first, second = machines
    local = waiting_rebase(first, second)
    killed = run(second, "sync", env={ENV_VAR: point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (second / ".git" / SYNC_RECORD_NAME).exists()

    again = run(second, "sync")

    assert again.returncode == 0, again.stdout + again.stderr
    assert "後始末" not in again.stdout  # nothing was left half done: nothing to say
    sent = "送り出し 0件" if point == "sync:pushed" else "送り出し 5件"
    assert sent in again.stdout
    assert_synced_once(remote, second, local)


#: Kills the sync's process group as git's merge commit is about to land on the
#: branch (HEAD.lock and the branch's lock held, the files merged, no MERGE_HEAD).
KILLING_MERGE_HOOK = """#!/bin/sh
refs=$(cat)
[ "$1" = prepared ] || exit 0
[ -e "{marker}" ] && exit 0
case "$refs" in *" refs/heads/main"*) ;; *) exit 0;; esac
touch "{marker}"
kill -KILL 0
"""


def test_a_sync_killed_inside_its_merge_is_undone_and_synced_again(
    machines: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A clone whose history holds a merge (a conflict resolved by hand) syncs by a
    merge; killed inside it, the next sync puts the branch and files back and merges."""
    from tests.support.gitrepos import resolve_by_merge

    remote, first, second = machines
    file_change(first, ENTRY_ID, "個人番号", "2016-03-22")
    assert run(first, "sync").returncode == 0
    file_change(second, ENTRY_ID, "電話番号", "2016-04-01")
    assert run(second, "sync").returncode == 1  # the conflict
    resolve_by_merge(second)
    file_change(first, OTHER_ID, "性別", "2016-05-01")  # the remote moves on
    assert run(first, "sync").returncode == 0
    before = head(second)
    local = filings(second)
    hook = second / ".git" / "hooks" / "reference-transaction"
    hook.write_text(KILLING_MERGE_HOOK.format(marker=tmp_path / "killed"))
    hook.chmod(0o755)

    process = start_sync(second)
    process.communicate(timeout=120)

    assert process.returncode == -signal.SIGKILL
    assert head(second) == before  # the merge commit never landed
    assert git(second, "status", "--porcelain", "--untracked-files=no") != ""  # half merged
    assert json.loads((second / ".git" / SYNC_RECORD_NAME).read_text("utf-8"))["step"] == "merge"
    again = run(second, "sync")

    assert again.returncode == 0, again.stdout + again.stderr
    (recovered,) = [line for line in again.stdout.splitlines() if "後始末" in line]
    assert f"途中のマージを取り消して main を元のコミット {before[:10]} に戻し" in recovered
    assert ".git/HEAD.lock" in recovered and ".git/refs/heads/main.lock" in recovered
    assert git(second, "merge-base", "--is-ancestor", before, "HEAD") == ""
    assert_synced_once(remote, second, local)
    assert filings(remote, "main").count(filings(first)[-1]) == 1


def test_typing_after_the_crash_is_kept(machines: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A file edited after the sync was killed (the TUI open meanwhile) is not reset by the
    recovery: it stays as typed, and the sync then asks for it to be filed."""
    remote, first, second = machines
    local = waiting_rebase(first, second)
    pid = kill_inside_rebase(second, tmp_path)
    typed = (second / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8") + "# 確認中\n"
    (second / "entries" / f"{ENTRY_ID}.toml").write_text(typed, encoding="utf-8")

    again = run(second, "sync")

    assert again.returncode == 1
    (recovered,) = again.stdout.splitlines()
    assert recovered.startswith(f"中断していた同期（プロセス {pid}）の後始末をしました")
    assert f"その後に書き換えられた entries/{ENTRY_ID}.toml はその内容のまま残し" in recovered
    (refusal,) = again.stderr.splitlines()
    assert f"届出していない変更があります: entries/{ENTRY_ID}.toml" in refusal
    assert (second / "entries" / f"{ENTRY_ID}.toml").read_text("utf-8") == typed
    assert filings(second)[-5:] == local  # back where it began: every filing there

    git(second, "checkout", "--", f"entries/{ENTRY_ID}.toml")  # the user drops the note
    synced = run(second, "sync")
    assert synced.returncode == 0, synced.stderr
    assert_synced_once(remote, second, local)


# -- what is not the sync's own is left alone ---------------------------------------------


def killed_after_fetching(first: Path, second: Path) -> dict[str, object]:
    """A sync killed after its fetch (its record left, step "start"); the record."""
    waiting_rebase(first, second)
    killed = run(second, "sync", env={ENV_VAR: "sync:fetched"})
    assert killed.returncode == -signal.SIGKILL
    data: dict[str, object] = json.loads(
        (second / ".git" / SYNC_RECORD_NAME).read_text(encoding="utf-8")
    )
    return data


def test_a_rebase_started_by_hand_after_a_crash_stays_refused(
    machines: tuple[Path, Path, Path],
) -> None:
    _, first, second = machines
    killed_after_fetching(first, second)
    add_item(first, OTHER_ID, "国籍")  # the same entry on the remote: a conflict by hand
    assert run(first, "file", OTHER_ID, "--kind", "change", "--date", "2016-06-01").returncode == 0
    assert run(first, "sync").returncode == 0
    git(second, "fetch", "-q")
    by_hand = subprocess.run(
        ["git", "-C", str(second), "rebase", "origin/main"], capture_output=True, text=True
    )
    assert by_hand.returncode != 0  # stopped on the conflict
    state = sorted(p.name for p in (second / ".git" / "rebase-merge").iterdir())

    result = run(second, "sync")

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "git のリベースの途中です" in result.stderr
    assert "後始末" not in result.stdout
    assert sorted(p.name for p in (second / ".git" / "rebase-merge").iterdir()) == state
    assert (second / ".git" / SYNC_RECORD_NAME).exists()  # judged again once it is over


def test_a_lock_older_than_the_sync_is_another_tools_and_stays(
    machines: tuple[Path, Path, Path],
) -> None:
    _, first, second = machines
    record = killed_after_fetching(first, second)
    lock = second / ".git" / "index.lock"
    lock.write_bytes(b"")
    started = float(str(record["started"]))
    os.utime(lock, (started - 60, started - 60))  # there before the sync began

    result = run(second, "sync")

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "index.lock" in result.stderr
    assert lock.exists()


def test_a_lock_held_open_by_a_running_process_stays(
    machines: tuple[Path, Path, Path],
) -> None:
    remote, first, second = machines
    killed_after_fetching(first, second)
    lock = second / ".git" / "index.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; f = open(sys.argv[1], 'wb'); print('open', flush=True); "
            "time.sleep(60)",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        result = run(second, "sync")
        assert result.returncode == 1
        (line,) = result.stderr.splitlines()
        assert "git が実行中です（.git/index.lock を使っています）" in line
        assert lock.exists() and (second / ".git" / SYNC_RECORD_NAME).exists()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    # Its holder gone without removing it (killed, as git might be): now stale, and ours.
    again = run(second, "sync")
    assert again.returncode == 0, again.stderr
    assert "残っていたロックファイル（.git/index.lock）を削除しました" in again.stdout
    assert_nothing_left(second)
    assert head(second) == git(remote, "rev-parse", "main").strip()


def test_a_recorded_process_still_running_is_not_touched(
    machines: tuple[Path, Path, Path],
) -> None:
    _, first, second = machines
    record = killed_after_fetching(first, second)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = Path(f"/proc/{sleeper.pid}/stat").read_text().rpartition(")")[2].split()[19]
        record.update(pid=sleeper.pid, pid_started=started)
        path = second / ".git" / SYNC_RECORD_NAME
        path.write_text(json.dumps(record), encoding="utf-8")
        result = run(second, "sync")
        assert result.returncode == 1
        (line,) = result.stderr.splitlines()
        assert f"前回の同期（プロセス {sleeper.pid}）がまだ動いています" in line
        assert path.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert run(second, "sync").returncode == 0  # gone now (a zombie counts as gone too)
    assert_nothing_left(second)


# -- a full disk -------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 8 MiB (tmpfs), mounted for the test; skipped where
    mounting is not permitted (not root, or a container without the right)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"a small tmpfs cannot be mounted here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` but ``leave`` bytes (tmpfs counts whole pages)."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as handle:
        handle.truncate(0)
    size = max(0, free - leave)
    with filler.open("wb") as handle:
        chunk = bytes(1024 * 1024)
        while size > 0:
            handle.write(chunk[: min(size, len(chunk))])
            size -= min(size, len(chunk))
    assert abs(shutil.disk_usage(disk).free - leave) <= 4096
    return filler


def large_filing(root: Path) -> None:
    """A filing whose file holds 600 KiB that do not compress (a fetch must write them)."""
    path = root / "entries" / f"{OTHER_ID}.toml"
    noise = base64.b64encode(os.urandom(450 * 1024)).decode("ascii")
    lines = "".join(f"# {noise[i : i + 76]}\n" for i in range(0, len(noise), 76))
    path.write_text(path.read_text("utf-8") + lines, encoding="utf-8")
    add_item(root, OTHER_ID, "国籍")
    filed = run(root, "file", OTHER_ID, "--kind", "change", "--date", "2016-06-01")
    assert filed.returncode == 0, filed.stderr


@pytest.mark.parametrize("leave", [0, 48 * 1024], ids=["nothing-free", "48KiB-free"])
def test_a_sync_on_a_full_disk_names_the_disk(
    machines: tuple[Path, Path, Path], small_disk: Path, leave: int
) -> None:
    remote, first, _ = machines
    clone = small_disk / "kenko-pc"
    git(small_disk, "clone", "-q", str(remote), str(clone))
    file_change(clone, ENTRY_ID, "電話番号", "2016-04-01")  # a local filing to keep
    large_filing(first)
    assert run(first, "sync").returncode == 0
    before, local = head(clone), filings(clone)[-1]
    filler = fill(small_disk, leave)

    result = run(clone, "sync")

    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"エラー: ディスクの空き容量が足りません: {clone}（"), line
    assert "重なった" not in line and "予期しない" not in line
    assert head(clone) == before
    filler.unlink()
    synced = run(clone, "sync")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert filings(remote, "main").count(local) == 1
    assert_nothing_left(clone)


def test_a_sync_that_runs_out_of_disk_anywhere_is_put_right_by_the_next(
    machines: tuple[Path, Path, Path], small_disk: Path
) -> None:
    """The disk filled at every few pages of the way (fetch, the rebase's notes, its
    commits, the index, the files): each failure names the disk, and once there is
    room again the next sync finishes, undoing what a rebase git could not even
    abort left (its notes half written: with git 2.39, 12 to 30 pages free)."""
    remote, first, _ = machines
    template = small_disk / "template"
    git(small_disk, "clone", "-q", str(remote), str(template))
    for day, item in enumerate(ITEMS[:3], start=1):
        file_change(template, OTHER_ID, item, f"2016-04-0{day}")
    local = filings(template)[-3:]
    file_change(first, ENTRY_ID, "個人番号", "2016-03-22")
    assert run(first, "sync").returncode == 0
    shared = git(remote, "rev-parse", "main").strip()
    outcomes: dict[int, str] = {}
    for pages in range(0, 72, 6):
        clone = small_disk / "kenko-pc"
        shutil.copytree(template, clone, symlinks=True)
        filler = fill(small_disk, pages * 4096)
        result = run(clone, "sync")
        filler.unlink()
        if result.returncode == 0:
            outcomes[pages] = "synced"
        else:
            (line,) = result.stderr.splitlines()
            assert "ディスクの空き容量が足りません" in line, (pages, line)
            left = (clone / ".git" / "rebase-merge").exists()
            outcomes[pages] = "rebase left" if left else "full"
            if left:  # git could not even abort: said, and named by check
                assert "git のリベースを取り消せなかったため、途中のまま" in result.stdout
                assert "取り消して" in warnings_of(clone)[".git/rebase-merge"]
            again = run(clone, "sync")
            assert again.returncode == 0, (pages, again.stdout + again.stderr)
            assert ("途中のリベースを取り消して main を元のコミット" in again.stdout) == left
        assert_synced_once(remote, clone, local)
        shutil.rmtree(clone)
        git(remote, "update-ref", "refs/heads/main", shared)  # as before, for the next
    assert "synced" in outcomes.values(), outcomes
    assert {"full", "rebase left"} & set(outcomes.values()), outcomes


def test_a_filing_whose_commit_finds_the_disk_full_names_the_disk(
    git_identity: None, small_disk: Path
) -> None:
    """Room for the filing's objects and journal, none for git's ref lock: the
    failure of ``git update-ref`` (which does not say why) names the disk, where
    it said another operation had overlapped."""
    seen: dict[int, str] = {}
    for pages in range(3, 12):
        root = committed_register(small_disk / f"reg{pages}")
        add_item(root, ENTRY_ID, "電話番号")
        before = head(root)
        filler = fill(small_disk, pages * 4096)
        result = run(root, "file", ENTRY_ID, "--kind", "change", "--date", "2016-04-01")
        filler.unlink()
        assert "重なった" not in result.stderr and "予期しない" not in result.stderr
        if result.returncode:
            assert result.stderr.count("\n") == 1, result.stderr
            seen[pages] = result.stderr
            assert head(root) == before
        shutil.rmtree(root)
    disk_lines = [line for line in seen.values() if "ディスクの空き容量が足りません" in line]
    assert any("何もコミットしていません" in line for line in disk_lines), seen


# -- a remote that wants a login --------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    """401 (or the server's status) for everything; or, with a repository to serve,
    git's dumb HTTP for fetching and the status only for a push."""

    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        repo = self.server.repo
        if repo is None or "git-receive-pack" in self.path:
            self.refuse()
            return
        relative = self.path.split("?", 1)[0].removeprefix("/shared.git/")
        path = repo / relative
        if ".." in relative or not path.is_file():
            self.send_response(404)
            self.end_headers()
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.server.requests.append(self.path)
        self.refuse()

    def refuse(self) -> None:
        body = b"no\n"
        self.send_response(self.server.status)
        self.send_header("WWW-Authenticate", 'Basic realm="todokede"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def __init__(self, status: int, repo: Path | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = status
        self.repo = repo
        self.requests: list[str] = []


@contextlib.contextmanager
def http_remote(status: int = 401, repo: Path | None = None) -> Iterator[_Server]:
    server = _Server(status, repo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def in_terminal(
    root: Path, args: list[str], env: dict[str, str], timeout: float
) -> tuple[int, str]:
    """Run todokede (or, when ``args`` starts with a path, that program) with a pty as
    its controlling terminal (where git would prompt); its exit code and all it
    wrote there. Killed (and failed) at ``timeout``."""
    argv = args if args and Path(args[0]).is_absolute() else [str(TODOKEDE), *args]
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec at once, never back into pytest
        try:
            os.chdir(root)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pytest.fail(f"still running after {timeout} s (waiting for a prompt?): {output!r}")
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    break
                output += chunk
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


def askpass_traps(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """Askpass programs that note being called (and would answer): none may run."""
    called = tmp_path / "askpass-called"
    trap = tmp_path / "askpass.sh"
    trap.write_text(f'#!/bin/sh\necho "$0 $*" >> "{called}"\necho guessed\n')
    trap.chmod(0o755)
    git(tmp_path, "config", "--global", "core.askPass", str(trap))
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    env.update(GIT_ASKPASS=str(trap), SSH_ASKPASS=str(trap), DISPLAY=":0", TERM="dumb")
    env.pop("GIT_TERMINAL_PROMPT", None)
    return env, called


@pytest.mark.parametrize("with_password", [False, True], ids=["no-user", "user-and-password"])
def test_a_remote_refusing_the_login_is_one_line_and_never_a_prompt(
    tmp_path: Path, git_identity: None, with_password: bool
) -> None:
    root = committed_register(tmp_path / "kenko-pc", (ENTRY_ID, VALID_ENTRY), (OTHER_ID, OTHER))
    file_change(root, OTHER_ID, "電話番号", "2016-04-01")
    before, text = head(root), (root / "entries" / f"{OTHER_ID}.toml").read_bytes()
    env, called = askpass_traps(tmp_path)
    with http_remote(401) as server:
        port = server.server_address[1]
        userinfo = "kenko-suzuki:s3cret-pass@" if with_password else ""
        git(root, "remote", "add", "origin", f"http://{userinfo}127.0.0.1:{port}/shared.git")
        shown = f"http://{'kenko-suzuki@' if with_password else ''}127.0.0.1:{port}/shared.git"

        code, said = in_terminal(root, ["sync"], env, timeout=60)

    assert code == 1, said
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    assert lines == [
        "エラー: 共有先の認証に失敗しました（利用者名またはパスワードを確かめてください）: " + shown
    ]
    assert "s3cret" not in said and "Username for" not in said
    assert not called.exists()  # no askpass program was asked
    assert server.requests  # it did reach the server
    assert head(root) == before
    assert (root / "entries" / f"{OTHER_ID}.toml").read_bytes() == text
    assert_nothing_left(root)


@pytest.mark.parametrize("status", [401, 403])
def test_a_remote_that_serves_but_refuses_the_push_keeps_the_filing(
    tmp_path: Path, git_identity: None, status: int
) -> None:
    """Fetching works (dumb HTTP), the push wants a login: the filing stays here, one line."""
    shared = tmp_path / "shared.git"
    seed = committed_register(tmp_path / "seed", (ENTRY_ID, VALID_ENTRY), (OTHER_ID, OTHER))
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(shared))
    git(shared, "update-server-info")
    env, called = askpass_traps(tmp_path)
    with http_remote(status, shared) as server:
        url = f"http://kenko-suzuki:s3cret-pass@127.0.0.1:{server.server_address[1]}/shared.git"
        root = tmp_path / "kenko-pc"
        git(tmp_path, "clone", "-q", url, str(root))
        file_change(root, OTHER_ID, "電話番号", "2016-04-01")
        before = head(root)

        code, said = in_terminal(root, ["sync"], env, timeout=60)

    assert code == 1, said
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    assert lines == [
        "エラー: 共有先の認証に失敗しました（利用者名またはパスワードを確かめてください）: "
        + url.replace(":s3cret-pass", "")
    ]
    assert any("git-upload-pack" in r for r in server.requests)  # fetched first
    assert any("git-receive-pack" in r for r in server.requests)
    assert not called.exists()
    assert head(root) == before
    assert filings(root)[-1][:3] == (OTHER_ID, "change", "2016-04-01")
    assert git(root, "rev-list", "--count", "origin/main..HEAD").strip() == "1"
    assert_nothing_left(root)


# -- how the git of a sync runs ---------------------------------------------------------------


SEEN_BY_GIT = """
import sys
from pathlib import Path
from todokede.registry.git.gitrun import GitRunner
root = Path(sys.argv[1])
show = "!env; echo tty_nr=$(cut -d' ' -f7 /proc/$$/stat)"
for network in (False, True):
    print("network", network, flush=True)
    print(GitRunner(root, root / ".git")("-c", "alias.seen=" + show, "seen", network=network))
"""


def _seen(part: str) -> dict[str, str]:
    return dict(line.strip().split("=", 1) for line in part.splitlines() if "=" in line)


def test_the_git_of_a_sync_can_ask_nobody(tmp_path: Path, git_identity: None) -> None:
    """What git sees when sync runs it (an alias printing its environment and its
    terminal, through the same runner, in a real terminal): no askpass of any kind,
    no terminal prompt, and for a command that talks to a remote no terminal at all."""
    root = committed_register(tmp_path / "reg")
    env, _ = askpass_traps(tmp_path)
    code, said = in_terminal(root, [sys.executable, "-c", SEEN_BY_GIT, str(root)], env, 60)
    assert code == 0, said
    local, remote = (_seen(part) for part in said.split("network True"))
    for seen in (local, remote):
        assert seen["GIT_TERMINAL_PROMPT"] == "0"
        assert seen["GIT_ASKPASS"] == ""  # empty: core.askPass and SSH_ASKPASS skipped too
        assert "SSH_ASKPASS" not in seen and seen["SSH_ASKPASS_REQUIRE"] == "never"
        assert seen["GCM_INTERACTIVE"] == "never" and seen["LC_ALL"] == "C"
        assert seen["TERM"] == "dumb"  # the rest of the environment passes on
    assert local["tty_nr"] != "0"  # a local command keeps the terminal (Ctrl+C reaches it)
    assert remote["tty_nr"] == "0"  # one that talks to a remote has none to ask on


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("https://kenko:s3cret@host/r.git", "https://kenko@host/r.git"),
        ("To http://a:b:c@127.0.0.1:8080/x", "To http://a@127.0.0.1:8080/x"),
        ("fatal: 'https://u:p%40ss@host/'", "fatal: 'https://u@host/'"),
        ("ssh://git@host/r.git and git@host:r.git", "ssh://git@host/r.git and git@host:r.git"),
        ("https://token@host/r.git", "https://token@host/r.git"),
    ],
)
def test_a_password_in_a_url_is_never_shown(said: str, shown: str) -> None:
    from todokede.registry.git.gitfailure import redacted

    assert redacted(said) == shown
