"""``todokede sync``: share the register through an ordinary git remote.

Fetch, rebase the local filings on the remote branch, push. When another
machine pushed in between (the push is refused and the remote has moved),
fetch and rebase again, a bounded number of times. A conflict (the same entry
changed on both sides) aborts the rebase, so every local commit stays as it
was, and names the entries in conflict. Nothing typed is lost: uncommitted
changes to tracked files refuse the sync before anything runs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import git

from registry.errors import RegisterError
from registry.gitrepo import identities, refuse_in_progress, work_tree
from registry.revisions import RegisterRepo

MAX_ATTEMPTS: Final = 5


class SyncConflict(RegisterError):
    """The same entries were changed here and on the remote; nothing was lost."""

    def __init__(self, message: str, entries: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.entries = entries


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: commits received and sent, attempts made."""

    remote: str
    branch: str
    received: int
    sent: int
    attempts: int
    upstream_set: bool = False


def _git_message(error: git.GitCommandError) -> str:
    lines = [
        line.strip().removeprefix("stderr:").strip(" '")
        for line in str(error.stderr).splitlines()
        if line.strip()
    ]
    useful = [
        line
        for line in lines
        if line and not line.startswith(("hint:", "To ", "From ")) and line != "'"
    ]
    return useful[-1] if useful else str(error.status)


def _branch(repo: git.Repo) -> str:
    try:
        return repo.active_branch.name
    except TypeError:
        raise RegisterError(
            "ブランチにいません（detached HEAD）。git switch でブランチに戻ってから同期してください"
        ) from None


def _remote(repo: git.Repo, branch: str, name: str | None) -> tuple[str, str]:
    """The remote to use and the branch on it."""
    names = [r.name for r in repo.remotes]
    tracking = repo.active_branch.tracking_branch()
    if name is not None:
        if name not in names:
            listed = "、".join(names) if names else "なし"
            raise RegisterError(f"リモート「{name}」がありません（設定済み: {listed}）")
        if tracking is not None and tracking.remote_name == name:
            return name, tracking.remote_head
        return name, branch
    if tracking is not None and tracking.remote_name in names:
        return tracking.remote_name, tracking.remote_head
    if "origin" in names:
        return "origin", branch
    if len(names) == 1:
        return names[0], branch
    if not names:
        raise RegisterError(
            "リモートが設定されていません（git remote add origin <URL> で共有先を設定してください）"
        )
    raise RegisterError(f"リモートが複数あります。--remote で選んでください（{'、'.join(names)}）")


def _uncommitted(repo: git.Repo) -> list[str]:
    """Tracked files with changes not committed (staged or not)."""
    out = repo.git.status("--porcelain", "-z", "--untracked-files=no")
    paths: list[str] = []
    tokens = out.split("\0")
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if len(token) < 4:
            continue
        paths.append(token[3:])
        if token[0] in "RC":  # a rename names its source next
            index += 1
    return paths


def _fetch(repo: git.Repo, remote: str) -> None:
    try:
        repo.git.fetch(remote)
    except git.GitCommandError as error:
        raise RegisterError(
            f"リモート「{remote}」から取得できませんでした: {_git_message(error)}"
        ) from None


def _remote_sha(repo: git.Repo, remote: str, branch: str) -> str | None:
    try:
        return str(repo.git.rev_parse("--verify", "--quiet", f"refs/remotes/{remote}/{branch}"))
    except git.GitCommandError:
        return None


def _count(repo: git.Repo, spec: str) -> int:
    return int(repo.git.rev_list("--count", spec))


def _name_of(path: Path) -> str:
    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    return name if isinstance(name, str) else ""


def _refuse_overwrites(repo: git.Repo, upstream: str) -> None:
    """Files the remote added that exist here untracked (a draft under the same id)."""
    added = repo.git.diff("--name-only", "--diff-filter=A", f"HEAD...{upstream}").splitlines()
    base = work_tree(repo)
    clashes = [path for path in added if (base / path).exists()]
    if clashes:
        raise RegisterError(
            f"他の端末で同じ名前のファイルが届け出られています: {'、'.join(clashes)}"
            "（手元のまだ届け出ていないファイルの名前を変えるか移してから同期してください）"
        )


def _rebase(history: RegisterRepo, upstream: str) -> None:
    """Rebase HEAD on ``upstream``; on a conflict abort and raise SyncConflict."""
    repo = history.repo
    _refuse_overwrites(repo, upstream)
    try:
        repo.git.rebase("--no-autostash", upstream)
    except git.GitCommandError as error:
        conflicted = repo.git.diff("--name-only", "--diff-filter=U").splitlines()
        in_rebase = any(
            (Path(repo.git_dir) / name).exists() for name in ("rebase-merge", "rebase-apply")
        )
        if in_rebase:
            repo.git.rebase("--abort")
        if not conflicted:
            raise RegisterError(f"取り込めませんでした: {_git_message(error)}") from None
        base = work_tree(repo)
        entries: list[tuple[str, str]] = []
        others: list[str] = []
        for path in conflicted:
            entry_id = history.entry_id_of(path)
            if entry_id is None:
                others.append(path)
            else:
                entries.append((entry_id, _name_of(base / path)))
        named = [f"{i}（{n}）" if n else i for i, n in entries] + others
        raise SyncConflict(
            f"同じ業務が他の端末でも変更されていたため同期を中止しました: {'、'.join(named)}。"
            "手元の届出はそのまま残しています（git pull --rebase で内容を突き合わせてください）",
            entries,
        ) from None


def _push(repo: git.Repo, remote: str, branch: str, set_upstream: bool) -> str | None:
    """Push HEAD; None when done, else git's reason."""
    args = ["--porcelain", *(["-u"] if set_upstream else []), remote, f"HEAD:refs/heads/{branch}"]
    try:
        repo.git.push(*args)
    except git.GitCommandError as error:
        return _git_message(error)
    return None


def sync_register(
    root: Path, remote: str | None = None, attempts: int = MAX_ATTEMPTS
) -> SyncResult:
    """Fetch, rebase the local filings on the remote, push; retry a push race."""
    with RegisterRepo(root) as history:
        repo = history.repo
        refuse_in_progress(repo)
        branch = _branch(repo)
        if history.head() is None:
            raise RegisterError("まだコミットがありません（届出をしてから同期してください）")
        remote_name, remote_branch = _remote(repo, branch, remote)
        if dirty := _uncommitted(repo):
            shown = "、".join(dirty[:5]) + (f" ほか{len(dirty) - 5}件" if len(dirty) > 5 else "")
            raise RegisterError(
                f"届出していない変更があります: {shown}"
                "（todokede file で届け出るか、変更を戻してから同期してください）"
            )
        needs_upstream = repo.active_branch.tracking_branch() is None
        received = 0
        for attempt in range(1, attempts + 1):
            _fetch(repo, remote_name)
            upstream = _remote_sha(repo, remote_name, remote_branch)
            if upstream is not None:
                new = _count(repo, f"HEAD..{upstream}")
                if new:
                    if _count(repo, f"{upstream}..HEAD"):
                        identities(repo)  # a rebase writes commits: refuse without an identity
                    _rebase(history, upstream)
                    received += new
            sent = _count(repo, f"{upstream}..HEAD") if upstream else _count(repo, "HEAD")
            if not sent and not needs_upstream:
                return SyncResult(remote_name, remote_branch, received, 0, attempt)
            reason = _push(repo, remote_name, remote_branch, needs_upstream)
            if reason is None:
                return SyncResult(
                    remote_name, remote_branch, received, sent, attempt, needs_upstream
                )
            _fetch(repo, remote_name)
            if _remote_sha(repo, remote_name, remote_branch) == upstream:
                raise RegisterError(f"リモート「{remote_name}」に送れませんでした: {reason}")
        raise RegisterError(
            f"他の端末からの送信が続いたため同期できませんでした（{attempts}回試行）。"
            "しばらくしてからもう一度実行してください"
        )
