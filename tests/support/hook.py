"""Shared registers behind a bare repository with the hook, and git plumbing for attacks."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.gitrepos import committed_register, git
from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY
from todokede.registry.access.hook import install_hook


def refs(bare: Path) -> str:
    return git(bare, "for-each-ref", "--format=%(objectname) %(refname)")


def plumbing(root: Path, *args: str, stdin: bytes | None = None) -> str:
    """A git plumbing command in ``root`` (its stdout, stripped)."""
    result = subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True
    )
    return result.stdout.decode().strip()


def tree_with(root: Path, rev: str, path: str, blob: str | None) -> str:
    """The tree of ``rev`` with ``path`` set to ``blob`` (None: removed), via a temporary index."""
    index = root / ".git" / "attack-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}

    def indexed(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=True, env=env, text=True
        ).stdout.strip()

    indexed("read-tree", rev)
    if blob is None:
        indexed("rm", "-q", "--cached", path)
    else:
        indexed("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
    tree = indexed("write-tree")
    index.unlink()
    return tree


def commit_tree(root: Path, tree: str, *parents: str, message: str = "攻撃") -> str:
    args = ["commit-tree", tree, *(a for p in parents for a in ("-p", p)), "-m", message]
    return plumbing(root, *args)


KAZEI_ID = "kazei-kojin-juminzei"

KENKO_ID = "kenko-gan-kenshin"

KENKO_ENTRY = (
    VALID_ENTRY.replace("課税課", "健康増進課")
    .replace("個人住民税賦課事務", "がん検診事務")
    .replace("地方税法に基づき個人住民税を賦課するため", "がん検診を実施するため")
)

ACCESS = """
[access]
secretariat = ["soumu-yamada", "soumu@Example.JP"]
"課税課" = ["kazei-tanaka", "kazei-sato"]
"健康増進課" = ["kenko-suzuki"]
"""

CONFIG_WITH_ACCESS = MINIMAL_CONFIG + ACCESS

SECRETARIAT = "soumu-yamada"

KAZEI = "kazei-tanaka"

KENKO = "kenko-suzuki"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit_all(root: Path, message: str, author: str = "職員 <staff@example.jp>") -> str:
    """Stage everything and commit with ``author``; the new HEAD."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "--author", author, "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def push(
    root: Path, user: str | None, *args: str, var: str = "REMOTE_USER"
) -> subprocess.CompletedProcess[str]:
    """``git push`` to origin with the server's identity variable set to ``user``.

    The remote is a local bare repository: git runs its receive-pack, and so its
    pre-receive hook, with this environment, as a server would with its own.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("REMOTE_USER", "GL_USER")}
    if user is not None:
        env[var] = user
    return subprocess.run(
        ["git", "-C", str(root), "push", *(args or ("origin", "HEAD:refs/heads/main"))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def remote_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the hook said, as the pusher sees it (``remote: …``)."""
    return [
        line.removeprefix("remote:").strip()
        for line in result.stderr.splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]


@dataclass(frozen=True)
class Shared:
    """The bare repository (hook installed), the secretariat's clone and a department's."""

    bare: Path
    soumu: Path
    kazei: Path

    def tip(self) -> str:
        return git(self.bare, "rev-parse", "refs/heads/main").strip()


def entry_file(root: Path, entry_id: str) -> Path:
    return root / "entries" / f"{entry_id}.toml"


def add_item(root: Path, entry_id: str, item: str) -> None:
    path = entry_file(root, entry_id)
    text = re.sub(
        r"^(record_items = \[.*)\]$", rf'\1, "{item}"]', path.read_text("utf-8"), flags=re.M
    )
    path.write_text(text, encoding="utf-8")


def make_shared(
    tmp_path: Path, config: str = CONFIG_WITH_ACCESS, allow_unconfigured: bool = False
) -> Shared:
    tmp_path.mkdir(exist_ok=True)
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    install_hook(bare, allow_unconfigured=allow_unconfigured)
    soumu = committed_register(
        tmp_path / "soumu-pc", (KAZEI_ID, VALID_ENTRY), (KENKO_ID, KENKO_ENTRY)
    )
    write(soumu / "registry.toml", config)
    commit_all(soumu, "権限を設定")
    git(soumu, "remote", "add", "origin", str(bare))
    first = push(soumu, SECRETARIAT)
    assert first.returncode == 0, first.stderr
    kazei = tmp_path / "kazei-pc"
    git(tmp_path, "clone", "-q", str(bare), str(kazei))
    return Shared(bare, soumu, kazei)


def refused(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode != 0, result.stderr
    assert "pre-receive hook declined" in result.stderr
    lines = remote_lines(result)
    assert lines[0] == "todokede: 登録簿の権限により送信を受け付けませんでした"
    assert "Traceback" not in result.stderr
    return lines[1:]
