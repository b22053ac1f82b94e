"""Real git repositories for the history tests: helpers, the demo built once per worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY
from todokede.registry.git.demo import build_demo

ENTRY_ID = "kazei-kojin-juminzei"
_templates: dict[str, Path] = {}


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run real git in ``root``; its stdout (raises on failure)."""
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    ).stdout


@contextmanager
def lock_held(git_dir: Path, seconds: float = 60) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the repository's todokede lock (a filing or a sync)
    for ``seconds``, or until killed; it is gone when the block ends."""
    code = (
        "import sys, time; from pathlib import Path; "
        "from todokede.registry.git.locking import repository_lock\n"
        "with repository_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(git_dir), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def commit_count(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def trailers(root: Path, rev: str = "HEAD") -> dict[str, str]:
    """The trailers of a commit as ``git interpret-trailers --parse`` reads them."""
    message = git(root, "log", "-1", "--format=%B", rev)
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=message,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split(": ", 1) for line in parsed.splitlines())


def write_register(root: Path, *entries: tuple[str, str]) -> Path:
    """``registry.toml`` and entries ((id, text) pairs, VALID_ENTRY by default) at ``root``."""
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for entry_id, text in entries or ((ENTRY_ID, VALID_ENTRY),):
        (root / "entries" / f"{entry_id}.toml").write_text(text, encoding="utf-8")
    return root


def committed_register(root: Path, *entries: tuple[str, str]) -> Path:
    """A register at ``root`` in its own repository, everything committed on 2000-01-01."""
    write_register(root, *entries)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "registry.toml", "entries")
    dated = {"GIT_AUTHOR_DATE": "2000-01-01T09:00:00+09:00"}
    dated["GIT_COMMITTER_DATE"] = dated["GIT_AUTHOR_DATE"]
    git(root, "-c", "user.name=総務課", "-c", "user.email=soumu@example.jp", "commit", "-q",
        "-m", "登録簿を作成", env=dated)  # fmt: skip
    return root


def demo_template(factory: pytest.TempPathFactory) -> Path:
    """The demo register, built once per test process with no git identity around."""
    if "demo" not in _templates:
        base = factory.mktemp("demo-template")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("HOME", str(base))
            patch.setenv("XDG_CONFIG_HOME", str(base / ".config"))
            patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
            for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_CONFIG_GLOBAL"):
                patch.delenv(name, raising=False)
            _templates["demo"] = build_demo(base / "demo").root
    return _templates["demo"]


def copy_demo(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """A private copy of the demo register (its repository included)."""
    shutil.copytree(demo_template(factory), dest, symlinks=True)
    return dest


def resolve_by_merge(second: Path) -> None:
    """What a user does by hand after a conflict: git pull (a merge), keep both filings."""
    import subprocess

    pulled = subprocess.run(
        ["git", "-C", str(second), "pull", "--no-rebase", "-q"], capture_output=True, text=True
    )
    assert pulled.returncode != 0 and "CONFLICT" in pulled.stdout + pulled.stderr
    theirs = git(second, "show", f"origin/main:entries/{ENTRY_ID}.toml")
    resolved = theirs.replace('"個人番号"]', '"個人番号", "電話番号"]') + (
        '\n[[filings]]\ndate = 2016-04-01\nkind = "change"\n'
        'summary = "記録項目に「電話番号」を追加"\nitems_added = ["電話番号"]\n'
    )
    (second / "entries" / f"{ENTRY_ID}.toml").write_text(resolved, encoding="utf-8")
    git(second, "add", f"entries/{ENTRY_ID}.toml")
    git(second, "commit", "-q", "--no-edit")
