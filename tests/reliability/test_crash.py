"""A real process killed (SIGKILL) at every step of a filing and of a save.

``TODOKEDE_CRASH_AT`` names a crash point (todokede.registry.files.crashpoints): the process
kills itself there, as ``kill -9`` would, with no ``finally`` and no flush.
After each kill: the entry file is whole (the old text or the new, byte for
byte), ``git fsck`` and ``git status`` pass, ``check`` names what is pending
(a temp file, an unfinished filing, a git lock), the same ``todokede file`` run
again completes the filing exactly once, and a further filing succeeds. A batch
of kills at random moments (the whole process group, git's children too) is
added for good measure.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, git, head
from tests.support.samples import TODOKEDE, VALID_ENTRY
from todokede.registry.files.crashpoints import ENV_VAR
from todokede.registry.git.filing import draft_filing, file_entry
from todokede.registry.schema.limits import TEMP_SUFFIX
from todokede.registry.views.check import check_path

DAY = "2016-03-22"
EDITED = VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]')
NEW_ID = "kenko-gan-kenshin"
NEW_ENTRY = (
    VALID_ENTRY.split("\n[[filings]]")[0]
    .replace("課税課", "健康増進課")
    .replace("個人住民税賦課事務", "がん検診事務")
)

#: Every step of `todokede file --kind change`, in order: the four objects (blob,
#: two trees, commit), the journal written (write #1), published, the entry file
#: written (write #2), the index updated.
FILING_POINTS = [
    *(f"object:written#{n}" for n in (1, 2, 3, 4)),
    "file:objects",
    *(f"write:{step}#1" for step in ("start", "half", "written", "synced", "renamed")),
    "file:journal",
    "file:published",
    *(f"write:{step}#2" for step in ("start", "half", "written", "synced", "renamed")),
    "file:written",
    "file:indexed",
]
START_POINTS = ["file:published", "write:half#2", "write:renamed#2"]
SAVE_POINTS = ["write:start", "write:half", "write:written", "write:synced", "write:renamed"]
RANDOM_KILLS = 10


def run(root: Path, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    if crash_at:
        env[ENV_VAR] = crash_at
    return subprocess.run(
        [str(TODOKEDE), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def filing_args(entry_id: str = ENTRY_ID, kind: str = "change") -> list[str]:
    return ["file", entry_id, "--kind", kind, "--date", DAY]


def assert_repository_sound(root: Path) -> None:
    fsck = subprocess.run(
        ["git", "-C", str(root), "fsck", "--strict"], capture_output=True, text=True
    )
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    assert "error" not in fsck.stderr and "missing" not in fsck.stdout
    git(root, "status", "--porcelain")


def pending_messages(root: Path) -> dict[str, str]:
    result = check_path(root)
    return {p.file: p.message for p in result.warnings}


def assert_pending_reported(root: Path) -> None:
    """Every temp file, the journal and git's lock files are named by check."""
    pending = pending_messages(root)
    for temp in [*(root / "entries").glob(f".*{TEMP_SUFFIX}"), *root.glob(f".*{TEMP_SUFFIX}")]:
        assert "中断した書き込みの一時ファイル" in pending[temp.relative_to(root).as_posix()]
    if (root / ".git" / "todokede-filing.json").exists():
        assert any("中断した" in m and "届出" in m for m in pending.values()), pending
    for lock in [root / ".git" / "index.lock", *(root / ".git" / "refs").rglob("*.lock")]:
        if lock.exists():
            assert "ロックファイル" in pending[lock.relative_to(root).as_posix()]


def filings_of(root: Path, entry_id: str, rev: str = "HEAD") -> list[tuple[str, str]]:
    text = git(root, "show", f"{rev}:entries/{entry_id}.toml")
    return [(f["kind"], f["date"].isoformat()) for f in tomllib.loads(text).get("filings", [])]


def then_file_again_and_once_more(root: Path, entry_id: str, kind: str, published: bool) -> None:
    """The same command again: it completes the filing once; then another filing works."""
    journal = (root / ".git" / "todokede-filing.json").exists()
    again = run(root, *filing_args(entry_id, kind))
    if published:  # refused as done already, after finishing the file if need be
        assert again.returncode == 1, again.stdout + again.stderr
        assert again.stderr.count("\n") == 1 and "エラー: " in again.stderr
        assert ("中断した" in again.stdout) == journal
    else:
        assert again.returncode == 0, again.stderr
        assert "中断した" not in again.stdout or "記録されていません" in again.stdout
    assert filings_of(root, entry_id).count((kind, DAY)) == 1
    path = root / "entries" / f"{entry_id}.toml"
    assert path.read_bytes() == git(root, "show", f"HEAD:entries/{entry_id}.toml").encode()
    assert git(root, "status", "--porcelain", "--", "entries").strip() == ""
    assert not (root / ".git" / "todokede-filing.json").exists()
    path.write_text(path.read_text("utf-8").replace('"氏名",', '"氏名", "電話番号",'), "utf-8")
    file_entry(root, entry_id, "change", date(2017, 1, 1))
    assert filings_of(root, entry_id)[-2:] == [(kind, DAY), ("change", "2017-01-01")]
    assert_repository_sound(root)


def prepared(tmp_path: Path, entry_id: str, kind: str) -> tuple[Path, bytes, bytes]:
    """A register with an edit to file: the file's bytes now and after the filing."""
    if kind == "start":
        root = committed_register(tmp_path / "reg")
        (root / "entries" / f"{entry_id}.toml").write_text(NEW_ENTRY, encoding="utf-8")
    else:
        root = committed_register(tmp_path / "reg")
        (root / "entries" / f"{entry_id}.toml").write_text(EDITED, encoding="utf-8")
    draft = draft_filing(root, entry_id, kind, date.fromisoformat(DAY))  # type: ignore[arg-type]
    return root, draft.original.encode(), draft.text.encode()


@pytest.mark.parametrize(
    ("point", "entry_id", "kind"),
    [(p, ENTRY_ID, "change") for p in FILING_POINTS] + [(p, NEW_ID, "start") for p in START_POINTS],
)
def test_a_filing_killed_at_each_step(
    tmp_path: Path, git_identity: None, point: str, entry_id: str, kind: str
) -> None:
    root, old, new = prepared(tmp_path, entry_id, kind)
    before = head(root)
    killed = run(root, *filing_args(entry_id, kind), crash_at=point)
    assert killed.returncode == -signal.SIGKILL, (point, killed.stdout, killed.stderr)
    on_disk = (root / "entries" / f"{entry_id}.toml").read_bytes()
    assert on_disk in (old, new), point
    published = head(root) != before
    assert published == (FILING_POINTS.index(point) > FILING_POINTS.index("file:journal")
                         if kind == "change" else True)  # fmt: skip
    if published:
        assert filings_of(root, entry_id).count((kind, DAY)) == 1
    assert_repository_sound(root)
    assert_pending_reported(root)
    then_file_again_and_once_more(root, entry_id, kind, published)


SAVE_SCRIPT = """
import sys, tomllib
from pathlib import Path
from todokede.registry.schema.model import Entry
from todokede.registry.files.tomledit import save_entry
path = Path(sys.argv[1])
entry = Entry.model_validate(tomllib.loads(sys.argv[2]))
save_entry(path, entry)
"""


@pytest.mark.parametrize("point", SAVE_POINTS)
def test_a_save_killed_at_each_step(tmp_path: Path, git_identity: None, point: str) -> None:
    """The TUI's save path (tomledit.save_entry), killed: the file stays whole."""
    root = committed_register(tmp_path / "reg")
    path = root / "entries" / f"{ENTRY_ID}.toml"
    old = path.read_bytes()
    env = {**os.environ, ENV_VAR: point}
    killed = subprocess.run(
        [sys.executable, "-c", SAVE_SCRIPT, str(path), EDITED],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    written = path.read_bytes()
    assert tomllib.loads(written.decode()) in (tomllib.loads(old.decode()), tomllib.loads(EDITED))
    temps = list(path.parent.glob(f".*{TEMP_SUFFIX}"))
    # Between the temp file's creation and its rename, a temp file is left for check.
    assert bool(temps) == (point in ("write:half", "write:written", "write:synced"))
    assert_repository_sound(root)
    assert_pending_reported(root)
    result = run(root, *filing_args())
    if written == old:
        assert result.returncode == 1 and "変わっていません" in result.stderr
        path.write_text(EDITED, encoding="utf-8")
        result = run(root, *filing_args())
    assert result.returncode == 0, result.stderr
    assert filings_of(root, ENTRY_ID).count(("change", DAY)) == 1
    for temp in temps:  # as check advises: look, then remove
        temp.unlink()
    assert check_path(root).warnings == []


def test_filings_killed_at_random_moments(tmp_path: Path, git_identity: None) -> None:
    """Kills of the whole process group (git's children too) at random delays."""
    rng = random.Random(20240607)
    for trial in range(RANDOM_KILLS):
        root, old, new = prepared(tmp_path / f"t{trial}", ENTRY_ID, "change")
        before = head(root)
        process = subprocess.Popen(
            [str(TODOKEDE), *filing_args()],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.05, 0.4))
        with contextlib.suppress(ProcessLookupError):  # it may have finished
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert (root / "entries" / f"{ENTRY_ID}.toml").read_bytes() in (old, new)
        assert_pending_reported(root)
        for lock in [root / ".git" / "index.lock", *(root / ".git" / "refs").rglob("*.lock")]:
            lock.unlink(missing_ok=True)  # as check advises, no git running
        assert_repository_sound(root)
        then_file_again_and_once_more(root, ENTRY_ID, "change", head(root) != before)


def test_sync_finishes_a_filing_killed_after_publishing(tmp_path: Path, git_identity: None) -> None:
    """The entry file still the original, HEAD with the filing: sync completes, then sends."""
    root, old, new = prepared(tmp_path, ENTRY_ID, "change")
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "main")
    killed = run(root, *filing_args(), crash_at="file:published")
    assert killed.returncode == -signal.SIGKILL
    assert (root / "entries" / f"{ENTRY_ID}.toml").read_bytes() == old
    pending = pending_messages(root)
    assert pending[f"entries/{ENTRY_ID}.toml"].startswith(
        f"中断した{DAY} の届出（change）があります"
    )
    synced = run(root, "sync")
    assert synced.returncode == 0, synced.stderr
    assert f"中断した{ENTRY_ID} の {DAY} の届出を仕上げました" in synced.stdout
    assert "送り出し 1件" in synced.stdout
    assert (root / "entries" / f"{ENTRY_ID}.toml").read_bytes() == new
    assert git(remote, "rev-parse", "main").strip() == head(root)
    assert check_path(root).warnings == []
    assert_repository_sound(root)
