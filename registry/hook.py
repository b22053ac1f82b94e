"""The pre-receive hook that enforces ``[access]`` on the shared bare repository.

``todokede hook install PATH`` writes ``PATH/hooks/pre-receive``: a short sh
script that runs ``python -I -m registry.hook`` with this installation's Python.
For each ref a push updates, git gives the hook ``old new ref`` on stdin; the
hook reads every commit the push brings (``git rev-list new --not --all``) and
what each changed (:mod:`registry.commits`), and judges them by the rules of
:mod:`registry.access`. Git shows what the hook prints to the pusher as
``remote: …``; any refusal makes git refuse the whole push.

* Who pushes comes from the server's environment (``--identity-var``, e.g.
  ``REMOTE_USER`` of an HTTP server, ``GL_USER`` of gitolite,
  ``GITEA_PUSHER_EMAIL``), never from the commits, whose author anyone sets.
  Without the variable nothing is accepted.
* The table that applies is the one on the branch's tip before the push (a
  new branch: the repository's HEAD), so no push grants its own rights. Into
  an empty repository, the pushed tip's table applies and the pusher must be
  secretariat in it.
* No ``[access]`` there: permissions are not configured, and every push is
  refused, unless the hook was installed with ``--allow-unconfigured`` (then
  accepted with a warning). Failing closed is the safe side for a legal
  record; the secretariat sets ``[access]`` before installing the hook.
* Deleting a ref, or moving it to a commit that does not contain its old tip
  (a forced push, which could drop other departments' filings), is for the
  secretariat only; a branch left without a readable ``[access]`` with a
  secretariat (which would lock everyone out, the hook failing closed) is
  refused to everyone.
* Anything unexpected (a git error, a bug) refuses the push.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from registry.access import (
    SECRETARIAT,
    AccessError,
    judge_commit,
    table_of_config,
)
from registry.commits import git_output, read_changes, rev_list
from registry.display import visible
from registry.errors import RegisterError
from registry.gitrepo import ZERO_SHA, ObjectReader
from registry.limits import REGISTRY_FILE

HOOK_NAME: Final = "pre-receive"
MARKER: Final = "# todokede pre-receive hook"
DEFAULT_IDENTITY_VAR: Final = "REMOTE_USER"
IDENTITY_VAR: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Lines of findings shown to the pusher; the rest are counted.
SHOWN: Final = 20


@dataclass(frozen=True)
class RefUpdate:
    """One line of the hook's input: ``old new ref``."""

    old: str
    new: str
    ref: str

    @property
    def deletes(self) -> bool:
        return self.new == ZERO_SHA

    @property
    def creates(self) -> bool:
        return self.old == ZERO_SHA


def parse_updates(text: str) -> list[RefUpdate]:
    updates = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            updates.append(RefUpdate(*parts))
    return updates


@dataclass
class Verdict:
    """What the hook says: refusals (the push fails) and warnings (it goes through)."""

    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def accepted(self) -> bool:
        return not self.refusals

    def lines(self) -> list[str]:
        shown = self.refusals[:SHOWN]
        if len(self.refusals) > SHOWN:
            shown.append(f"ほか {len(self.refusals) - SHOWN}件")
        if self.refusals:
            shown.insert(0, "todokede: 登録簿の権限により送信を受け付けませんでした")
        return [*shown, *(f"todokede: 警告: {w}" for w in self.warnings)]


def _default_tip(git_dir: Path) -> str | None:
    try:
        out = git_output(git_dir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except RegisterError:
        return None
    return out.decode("ascii").strip() or None


def _is_ancestor(git_dir: Path, old: str, new: str) -> bool:
    result = subprocess.run(
        ["git", "merge-base", "--is-ancestor", old, new],
        cwd=git_dir,
        env={**os.environ, "GIT_DIR": str(git_dir)},
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def check_push(
    git_dir: Path,
    updates: Sequence[RefUpdate],
    user: str | None,
    identity_var: str = DEFAULT_IDENTITY_VAR,
    allow_unconfigured: bool = False,
) -> Verdict:
    """Judge a push: every ref update and every commit it brings."""
    verdict = Verdict()
    if not user:
        verdict.refusals.append(
            f"送信者を特定できません（サーバーの環境変数 {identity_var} がありません）。"
            "サーバーの認証の設定を確かめてください"
        )
        return verdict
    default_tip = _default_tip(git_dir)
    with ObjectReader(git_dir) as reader:
        for update in updates:
            _check_update(git_dir, reader, update, user, default_tip, allow_unconfigured, verdict)
    return verdict


def _check_update(
    git_dir: Path,
    reader: ObjectReader,
    update: RefUpdate,
    user: str,
    default_tip: str | None,
    allow_unconfigured: bool,
    verdict: Verdict,
) -> None:
    who = (user,)
    shown_user = visible(user)
    ref = visible(update.ref)
    base = default_tip if update.creates else update.old
    first_push = base is None
    source = update.new if first_push else base
    try:
        table = table_of_config(reader.one(f"{source}:{REGISTRY_FILE}"))
    except AccessError as error:
        verdict.refusals.append(f"{ref}: 権限を確かめられません: {error}")
        return
    if table is None:
        if allow_unconfigured:
            verdict.warnings.append(
                f"{REGISTRY_FILE} に [access] がないため、権限を確かめずに受け付けました（{ref}）"
            )
            return
        verdict.refusals.append(
            f"{ref}: {REGISTRY_FILE} に [access] がないため、権限が設定されていません。"
            f"総務担当が [access] を設定するまで送信は受け付けません（利用者: {shown_user}）"
        )
        return
    if first_push and not table.is_secretariat(who):
        verdict.refusals.append(
            f"{ref}: 空の共有先への最初の送信は [access] の {SECRETARIAT} の利用者だけが"
            f"できます（利用者: {shown_user}）"
        )
        return
    if update.deletes:
        if not table.is_secretariat(who):
            verdict.refusals.append(
                f"{ref} の削除は [access] の {SECRETARIAT} の利用者だけができます"
                f"（利用者: {shown_user}）"
            )
        return
    secretariat = table.is_secretariat(who)
    if not update.creates and not secretariat and not _is_ancestor(git_dir, update.old, update.new):
        verdict.refusals.append(
            f"{ref}: 共有先の履歴を書き換える送信（強制プッシュ）は {SECRETARIAT} の利用者"
            f"だけができます（利用者: {shown_user}）。todokede sync で取り込んでから送ってください"
        )
        return
    commits = rev_list(git_dir, "--reverse", update.new, "--not", "--all")
    verdict.commits += len(commits)
    if not secretariat:
        for commit in read_changes(git_dir, commits, reader=reader):
            verdict.refusals.extend(f.text(user) for f in judge_commit(table, who, commit))
    if update.ref.startswith("refs/heads/") and (problem := _lockout(reader, update.new)):
        verdict.refusals.append(f"{ref}: {problem}（利用者: {shown_user}）")


def _lockout(reader: ObjectReader, tip: str) -> str | None:
    """Why the register after the push would lock everyone out (no usable table), or None.

    The hook fails closed on a table it cannot read, so such a push is refused
    rather than leaving even the secretariat unable to push the fix.
    """
    try:
        table = table_of_config(reader.one(f"{tip}:{REGISTRY_FILE}"))
    except AccessError as error:
        return f"送信後の {error}。誰も送信できなくなるため受け付けません"
    if table is None or not table.secretariat:
        return (
            f"送信後の {REGISTRY_FILE} に [access] の {SECRETARIAT} がありません。"
            "誰も送信できなくなるため受け付けません"
        )
    return None


# -- installing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    path: Path
    replaced: bool
    notes: list[str]


class NotBareRepository(RegisterError):
    """The path given to ``hook install`` is not a bare repository (a usage error)."""


def hook_script(identity_var: str, allow_unconfigured: bool, python: str | None = None) -> str:
    """The sh script of the hook: run this installation's Python on :mod:`registry.hook`."""
    args = [python or sys.executable, "-I", "-m", "registry.hook", "--identity-var", identity_var]
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
    from registry.store import atomic_write

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
    return Installed(target, replaced, _install_notes(git_dir, allow_unconfigured))


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


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m registry.hook``: read the updates on stdin; 0 accepts, 1 refuses."""
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
            os.environ.get(options.identity_var, "").strip() or None,
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
