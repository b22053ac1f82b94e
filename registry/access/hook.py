"""The pre-receive hook that enforces ``[access]`` on the shared bare repository.

``todokede hook install PATH`` writes ``PATH/hooks/pre-receive``: a short sh
script that runs ``python -I -m todokede.registry.access.hook`` with this installation's Python,
and turns on ``receive.fsckObjects`` so that git itself refuses malformed
objects. Git gives the hook ``old new ref`` per updated ref on stdin; the rules
are :mod:`todokede.registry.access.push`'s. Who pushes comes from the server's environment
(``--identity-var``: ``REMOTE_USER`` of an HTTP server, ``GL_USER`` of gitolite),
never from the commits, whose author anyone sets; without it nothing is
accepted. No ``[access]`` refuses every push unless installed with
``--allow-unconfigured``. Anything unexpected (a git error, a bug) refuses the
push. Git shows what the hook prints as ``remote: …``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from todokede.registry.access.commits import git_output
from todokede.registry.access.push import RefUpdate, Verdict, check_push, parse_updates
from todokede.registry.access.table import SECRETARIAT, AccessError, table_of_config
from todokede.registry.git.repository import ObjectReader
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.limits import REGISTRY_FILE
from todokede.registry.views.display import visible

__all__ = ["RefUpdate", "Verdict", "check_push", "install_hook", "main", "parse_updates"]

HOOK_NAME: Final = "pre-receive"
MARKER: Final = "# todokede pre-receive hook"
DEFAULT_IDENTITY_VAR: Final = "REMOTE_USER"
IDENTITY_VAR: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _default_tip(git_dir: Path) -> str | None:
    try:
        out = git_output(git_dir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except RegisterError:
        return None
    return out.decode("ascii").strip() or None


# -- installing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    path: Path
    replaced: bool
    notes: list[str]


class NotBareRepository(RegisterError):
    """The path given to ``hook install`` is not a bare repository (a usage error)."""


def hook_script(identity_var: str, allow_unconfigured: bool, python: str | None = None) -> str:
    """The sh script of the hook: run this installation's Python on :mod:`todokede.registry.access.hook`."""
    args = [
        python or sys.executable,
        "-I",
        "-m",
        "todokede.registry.access.hook",
        "--identity-var",
        identity_var,
    ]
    if allow_unconfigured:
        args.append("--allow-unconfigured")
    return (
        "#!/bin/sh\n"
        f"{MARKER}: enforces [access] of registry.toml.\n"
        "# Written by `todokede hook install`; run it again to change the options.\n"
        f"exec {' '.join(shlex.quote(a) for a in args)}\n"
    )


def _bare_git_dir(path: Path) -> Path:
    folder = path.expanduser().resolve()
    if not folder.is_dir():
        raise NotBareRepository(f"フォルダがありません: {folder}")
    try:
        out = git_output(folder, "rev-parse", "--is-bare-repository")
    except RegisterError:
        out = b""
    if out.strip() != b"true" or not (folder / "objects").is_dir():
        raise NotBareRepository(
            f"ベアリポジトリ（共有先）ではありません: {folder}"
            "（git init --bare で作った共有先のフォルダを指定してください）"
        )
    return folder


def _hooks_dir(git_dir: Path) -> Path:
    try:
        configured = git_output(git_dir, "config", "--get", "core.hooksPath").decode().strip()
    except RegisterError:
        configured = ""
    return (git_dir / configured).resolve() if configured else git_dir / "hooks"


def install_hook(
    path: Path,
    identity_var: str = DEFAULT_IDENTITY_VAR,
    allow_unconfigured: bool = False,
    force: bool = False,
) -> Installed:
    """Write the pre-receive hook into the bare repository at ``path``."""
    from todokede.registry.files.store import atomic_write

    if not IDENTITY_VAR.fullmatch(identity_var):
        raise NotBareRepository(
            f"--identity-var「{identity_var}」は環境変数の名前ではありません（例: REMOTE_USER）"
        )
    git_dir = _bare_git_dir(path)
    hooks = _hooks_dir(git_dir)
    target = hooks / HOOK_NAME
    replaced = target.exists() or target.is_symlink()
    if replaced and not force:
        try:
            ours = MARKER in target.read_text(encoding="utf-8", errors="replace")
        except OSError:
            ours = False
        if not ours or target.is_symlink():
            raise RegisterError(
                f"既に別の pre-receive フックがあります: {target}"
                "（置き換えるなら --force を付けてください）"
            )
    hooks.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        target.unlink()
    atomic_write(target, hook_script(identity_var, allow_unconfigured))
    target.chmod(0o755)
    # git checks every received object (duplicate tree names, bad modes, .git names)
    # before the hook runs; the hook checks the register's own trees again.
    git_output(git_dir, "config", "receive.fsckObjects", "true")
    # Every reader on the server (the hook, a web viewer, a backup) sees objects as stored.
    git_output(git_dir, "config", "core.useReplaceRefs", "false")
    notes = _install_notes(git_dir, allow_unconfigured)
    if blocked := closed_to_others(Path(sys.executable)):
        notes.append(
            f"このフックが使う Python（{sys.executable}）は、{blocked} に他の利用者が入れないため、"
            "Web サーバーの利用者（www-data など）からは実行できません。共有先のサーバーでは誰でも"
            "実行できる場所に todokede を入れてから入れ直してください（docs/server.md）"
        )
    return Installed(target, replaced, notes)


def closed_to_others(program: Path) -> Path | None:
    """The first folder (or the file) on ``program``'s path that other users cannot pass.

    A web server runs the hook as its own user (www-data): a Python under
    ``/root`` or a home folder of mode 700 makes every push fail with
    「Permission denied」.
    """
    for path in dict.fromkeys((program.absolute(), program.resolve())):
        for folder in [*reversed(path.parents), path]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                return folder
            if not mode & 0o001:
                return folder
    return None


def _install_notes(git_dir: Path, allow_unconfigured: bool) -> list[str]:
    tip = _default_tip(git_dir)
    if tip is None:
        return [
            f"共有先はまだ空です。最初の送信は [access] の {SECRETARIAT} の利用者が"
            f" {REGISTRY_FILE} の [access] を含めて行ってください"
        ]
    with ObjectReader(git_dir) as reader:
        try:
            table = table_of_config(reader.one(f"{tip}:{REGISTRY_FILE}"))
        except AccessError as error:
            return [f"共有先の {REGISTRY_FILE} の [access] を読めません: {error}"]
    if table is None:
        if allow_unconfigured:
            return [f"{REGISTRY_FILE} に [access] がないため、今は権限を確かめずに受け付けます"]
        return [
            f"共有先の {REGISTRY_FILE} に [access] がないため、設定されるまで送信はすべて"
            "拒否されます（先に [access] を設定して送るか、--allow-unconfigured で入れ直して"
            "ください）"
        ]
    return []


# -- the hook's entry point ------------------------------------------------------------


def _identity(value: str) -> str | None:
    """The server's identity exactly as given (nothing stripped or folded); None when blank."""
    return value if value.strip() else None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m todokede.registry.access.hook``: read the updates on stdin; 0 accepts, 1 refuses."""
    parser = argparse.ArgumentParser(prog="todokede-pre-receive")
    parser.add_argument("--identity-var", default=DEFAULT_IDENTITY_VAR)
    parser.add_argument("--allow-unconfigured", action="store_true")
    options = parser.parse_args(argv)
    try:
        git_dir = Path(os.environ.get("GIT_DIR", ".")).resolve()
        updates = parse_updates(sys.stdin.read())
        verdict = check_push(
            git_dir,
            updates,
            _identity(os.environ.get(options.identity_var, "")),
            options.identity_var,
            options.allow_unconfigured,
        )
    except Exception as error:  # refuse on anything unexpected: never let a push through
        print(
            "todokede: 検査中にエラーが起きたため送信を受け付けませんでした"
            f"（{type(error).__name__}: {visible(str(error))}）",
            file=sys.stderr,
        )
        return 1
    for line in verdict.lines():
        print(line, file=sys.stderr)
    return 0 if verdict.accepted else 1


if __name__ == "__main__":
    sys.exit(main())
