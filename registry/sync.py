"""``todokede sync``: share the register through an ordinary git remote.

Fetch, rebase the local filings on the remote branch, push. Local history
holding a merge (a conflict the user resolved with ``git pull`` or ``git
merge``) is merged with the remote instead: a rebase would flatten the merge
and replay the commits it reconciled, meeting the same conflict again on
every sync (``--rebase-merges`` too, as it redoes the merge). When another
machine pushed in between (the push is refused and the remote has moved),
fetch and rebase again, a bounded number of times, waiting a random and
growing while between tries so that many machines racing spread out. A
refusal by the remote's hook (permissions) is shown as the remote said it and
never retried. A conflict (the same entry
changed on both sides) aborts the rebase, so every local commit stays as it
was, and names the entries in conflict. Nothing typed is lost: uncommitted
changes to tracked files refuse the sync before anything runs.
"""

from __future__ import annotations

import os
import random
import time
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import git

from registry.display import visible
from registry.errors import RegisterError
from registry.gitrepo import identities, refuse_in_progress, work_tree
from registry.locking import repository_lock
from registry.pending import journal_exists
from registry.revisions import RegisterRepo

#: Tries of fetch + rebase + push while other machines keep pushing first; between
#: tries a random wait (up to BACKOFF_BASE * 2**try, at most BACKOFF_CAP seconds)
#: spreads the racers out. TODOKEDE_SYNC_ATTEMPTS overrides the count.
MAX_ATTEMPTS: Final = 12
ATTEMPTS_ENV: Final = "TODOKEDE_SYNC_ATTEMPTS"
BACKOFF_BASE: Final = 0.05
BACKOFF_CAP: Final = 2.0


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
    notes: tuple[str, ...] = ()


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


def _dirty_message(history: RegisterRepo, dirty: list[str]) -> str:
    """Changes not committed, each kind told its way: an entry is filed with
    ``todokede file``; any other file (``registry.toml``) is committed with git."""
    shown = "、".join(dirty[:5]) + (f" ほか{len(dirty) - 5}件" if len(dirty) > 5 else "")
    entries = [path for path in dirty if history.entry_id_of(path) is not None]
    if len(entries) == len(dirty):
        return (
            f"届出していない変更があります: {shown}"
            "（todokede file で届け出るか、変更を戻してから同期してください）"
        )
    if not entries:
        return (
            f"コミットしていない変更があります: {shown}"
            "（git commit でコミットするか、変更を戻してから同期してください）"
        )
    return (
        f"届出・コミットしていない変更があります: {shown}（エントリは todokede file で届け出て、"
        "ほかのファイルは git commit でコミットするか、変更を戻してから同期してください）"
    )


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


def _counts(repo: git.Repo, upstream: str) -> tuple[int, int]:
    """Commits the remote has that HEAD lacks, and the other way round (one process)."""
    theirs, ours = repo.git.rev_list("--left-right", "--count", f"{upstream}...HEAD").split()
    return int(theirs), int(ours)


def _name_of(path: Path) -> str:
    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    return name if isinstance(name, str) else ""


def _refuse_overwrites(repo: git.Repo, upstream: str) -> None:
    """Files the remote added that exist here untracked (a draft under the same id).

    A file HEAD holds (filed here too, under the same id) is left to the rebase
    or merge, which reports it as a conflict naming the entry.
    """
    added = repo.git.diff("--name-only", "--diff-filter=A", f"HEAD...{upstream}").splitlines()
    base = work_tree(repo)
    present = [path for path in added if (base / path).exists()]
    tracked = set(repo.git.ls_files("--", *present).splitlines()) if present else set()
    clashes = [path for path in present if path not in tracked]
    if clashes:
        raise RegisterError(
            f"他の端末で同じ名前のファイルが届け出られています: {'、'.join(clashes)}"
            "（手元のまだ届け出ていないファイルの名前を変えるか移してから同期してください）"
        )


def _has_merges(repo: git.Repo, upstream: str) -> bool:
    """Whether the local commits (``upstream..HEAD``) hold a merge."""
    return bool(repo.git.rev_list("--merges", "-n", "1", f"{upstream}..HEAD").strip())


def _integrate(history: RegisterRepo, upstream: str, where: str, ahead: int) -> None:
    """Put the remote's commits under HEAD: a rebase, or a merge when the ``ahead``
    local commits hold a merge already; on a conflict abort and raise SyncConflict."""
    repo = history.repo
    _refuse_overwrites(repo, upstream)
    merging = ahead > 0 and _has_merges(repo, upstream)
    git_dir = Path(repo.git_dir)
    try:
        if merging:
            repo.git.merge("--no-edit", "--no-ff", "-m", f"同期: {where} を取り込み", upstream)
        else:
            repo.git.rebase("--no-autostash", upstream)
    except git.GitCommandError as error:
        conflicted = repo.git.diff("--name-only", "--diff-filter=U").splitlines()
        if (git_dir / "MERGE_HEAD").exists():
            repo.git.merge("--abort")
        if any((git_dir / name).exists() for name in ("rebase-merge", "rebase-apply")):
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
        pull = "git pull --no-rebase" if merging else "git pull --rebase"
        raise SyncConflict(
            f"同じ業務が他の端末でも変更されていたため同期を中止しました: {'、'.join(named)}。"
            f"手元の届出はそのまま残しています（{pull} で内容を突き合わせてください）",
            entries,
        ) from None


@dataclass(frozen=True)
class PushRefused:
    """Why a push failed: git's reason, and what the remote's hook said (if it spoke)."""

    reason: str
    remote_lines: tuple[str, ...] = ()

    @property
    def transient(self) -> bool:
        """A lock held by a push running at the same moment: worth another try."""
        return not self.remote_lines and any(word in self.reason for word in _TRANSIENT)

    def message(self, remote: str) -> str:
        if self.remote_lines:
            return f"リモート「{remote}」が受け付けませんでした: {' ／ '.join(self.remote_lines)}"
        return f"リモート「{remote}」に送れませんでした: {self.reason}"


#: Words of git's reasons when another push held the remote's ref at that moment.
_TRANSIENT: Final = ("lock", "failed to update ref", "fetch first", "non-fast-forward")


def _remote_lines(error: git.GitCommandError) -> tuple[str, ...]:
    """What the remote side printed (its hooks' messages), without git's own remarks."""
    lines = []
    for line in str(error.stderr).splitlines():
        text = line.strip().removeprefix("stderr:").strip(" '")
        if text.startswith("remote:"):
            said = text.removeprefix("remote:").strip()
            if said:
                lines.append(visible(said))
    return tuple(lines)


def _push(repo: git.Repo, remote: str, branch: str, set_upstream: bool) -> PushRefused | None:
    """Push HEAD; None when done, else why not."""
    args = ["--porcelain", *(["-u"] if set_upstream else []), remote, f"HEAD:refs/heads/{branch}"]
    try:
        repo.git.push(*args)
    except git.GitCommandError as error:
        stdout = str(getattr(error, "stdout", "") or "")
        return PushRefused(f"{_git_message(error)} {stdout}".strip(), _remote_lines(error))
    return None


def _backoff(attempt: int) -> None:
    """Wait a random while, longer after each failed try, so racing machines spread out."""
    time.sleep(random.uniform(0.0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)))


def _attempts() -> int:
    try:
        return max(1, int(os.environ.get(ATTEMPTS_ENV, MAX_ATTEMPTS)))
    except ValueError:
        return MAX_ATTEMPTS


def sync_register(root: Path, remote: str | None = None, attempts: int | None = None) -> SyncResult:
    """Fetch, rebase the local filings on the remote, push; retry a push race.

    Holds the repository's lock (a filing started meanwhile waits) and first
    finishes a filing a crash interrupted.
    """
    tries = attempts or _attempts()
    with RegisterRepo(root) as history:
        repo = history.repo
        with repository_lock(repo.common_dir):
            notes: tuple[str, ...] = ()
            if journal_exists(Path(repo.git_dir)):
                from registry.filing import finish_interrupted  # pydantic: only when needed

                notes = tuple(finish_interrupted(history))
            try:
                return replace(_sync(history, remote, tries), notes=notes)
            except Exception as error:  # a refusal, a conflict, git failing: say what was done
                for note in notes:
                    error.add_note(note)
                raise


def _sync(history: RegisterRepo, remote: str | None, attempts: int) -> SyncResult:
    repo = history.repo
    refuse_in_progress(repo)
    branch = _branch(repo)
    if history.head() is None:
        raise RegisterError("まだコミットがありません（届出をしてから同期してください）")
    remote_name, remote_branch = _remote(repo, branch, remote)
    if dirty := _uncommitted(repo):
        raise RegisterError(_dirty_message(history, dirty))
    needs_upstream = repo.active_branch.tracking_branch() is None
    received = 0
    _fetch(repo, remote_name)
    for attempt in range(1, attempts + 1):
        upstream = _remote_sha(repo, remote_name, remote_branch)
        if upstream is not None:
            new, ahead = _counts(repo, upstream)
            if new:
                if ahead:
                    identities(repo)  # a rebase writes commits: refuse without an identity
                _integrate(history, upstream, f"{remote_name}/{remote_branch}", ahead)
                received += new
        sent = _count(repo, f"{upstream}..HEAD") if upstream else _count(repo, "HEAD")
        if not sent and not needs_upstream:
            return SyncResult(remote_name, remote_branch, received, 0, attempt)
        refused = _push(repo, remote_name, remote_branch, needs_upstream)
        if refused is None:
            return SyncResult(remote_name, remote_branch, received, sent, attempt, needs_upstream)
        if attempt < attempts:
            _backoff(attempt)
        _fetch(repo, remote_name)  # also the next try's fetch
        moved = _remote_sha(repo, remote_name, remote_branch) != upstream
        if not moved and not refused.transient:
            raise RegisterError(refused.message(remote_name))
    raise RegisterError(
        f"他の端末からの送信が続いたため同期できませんでした（{attempts}回試行）。"
        "手元の届出はそのまま残っています。しばらくしてからもう一度実行してください"
    )
