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

Every git command runs through todokede.registry.git.gitrun (no prompt ever, the
repository's lock handed down); a full disk or a failed login is said as such
(todokede.registry.git.gitfailure), with no password of a URL shown. Each step is noted in
the sync record first, so that a sync killed in the middle of its rebase is
undone by the next one (todokede.registry.git.syncrecovery).
"""

from __future__ import annotations

import os
import random
import re
import time
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import git

from todokede.registry.files.crashpoints import crash_point
from todokede.registry.files.pending import (
    SyncRecord,
    journal_exists,
    process_started,
    remove_sync_record,
    sync_owns_operation,
    sync_record_exists,
    write_sync_record,
)
from todokede.registry.files.tomlread import without_bom
from todokede.registry.git.gitfailure import (
    auth_failed,
    auth_message,
    disk_full_message,
    is_no_space,
    no_space,
    redacted,
)
from todokede.registry.git.gitrun import GitFailed, GitRunner
from todokede.registry.git.locking import repository_lock
from todokede.registry.git.message import sync_merge_message
from todokede.registry.git.repository import identities, refuse_in_progress, work_tree
from todokede.registry.git.revisions import RegisterRepo
from todokede.registry.git.syncrecovery import recover_interrupted_sync, tracked_changes
from todokede.registry.schema.errors import RegisterError
from todokede.registry.views.display import visible

#: Tries of fetch + rebase + push while other machines keep pushing first; between
#: tries a random wait (see backoff_window: doubling in units of a try's time)
#: spreads the racers out. TODOKEDE_SYNC_ATTEMPTS overrides the count.
MAX_ATTEMPTS: Final = 12
ATTEMPTS_ENV: Final = "TODOKEDE_SYNC_ATTEMPTS"
BACKOFF_BASE: Final = 0.05
BACKOFF_CAP: Final = 2.0
BACKOFF_LONGEST: Final = 30.0


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


def _git_message(error: GitFailed) -> str:
    """git's telling line: its last ``fatal:`` or ``error:``, else its last line (no
    hints, no URL lines), any password left out."""
    useful = [
        line.strip()
        for line in error.stderr.splitlines()
        if line.strip() and not line.strip().startswith(("hint:", "To ", "From "))
    ]
    telling = [line for line in useful if line.startswith(("fatal:", "error:"))] or useful
    return redacted(telling[-1]) if telling else f"終了コード {error.status}"


#: git refusing to start because a lock file is there: ``Unable to create '….lock': File exists``.
_LOCK_EXISTS: Final = re.compile(r"Unable to create '([^']+\.lock)': File exists")


def _local_output(error: GitFailed) -> str:
    """What git said here, without what the remote side printed (``remote: …``)."""
    return "\n".join(
        line for line in error.output.splitlines() if not line.lstrip().startswith("remote:")
    )


def _remote_output(error: GitFailed) -> str:
    return "\n".join(
        line for line in error.output.splitlines() if line.lstrip().startswith("remote:")
    )


def _url(run: GitRunner, remote: str, push: bool = False) -> str:
    """The remote's URL as git uses it (``insteadOf`` applied), without a password."""
    try:
        return redacted(run("remote", "get-url", *(["--push"] if push else []), remote))
    except GitFailed:
        return remote


KEPT: Final = "手元の届出はそのまま残っています"


def _failure(
    run: GitRunner, error: GitFailed, remote: str | None, fallback: str, push: bool = False
) -> RegisterError:
    """A full disk, a failed login, else ``fallback``: one line."""
    here = _local_output(error)
    if no_space(here, run.git_dir):
        return RegisterError(disk_full_message(run.work_tree, KEPT))
    if found := _LOCK_EXISTS.search(here):
        lock = Path(found.group(1))
        shown = lock.relative_to(run.work_tree) if lock.is_relative_to(run.work_tree) else lock
        return RegisterError(
            f"git のロックファイル {shown.as_posix()} があるため同期できませんでした"
            f"（ほかに git が動いていなければ、このファイルを削除してください。{KEPT}）"
        )
    if remote is not None:
        if auth_failed(here):
            return RegisterError(auth_message(_url(run, remote, push)))
        if no_space(_remote_output(error)):
            return RegisterError(
                f"共有先のディスクの空き容量が足りないため受け付けられませんでした: "
                f"{_url(run, remote, push)}（共有先の管理者に連絡してください。{KEPT}）"
            )
    return RegisterError(redacted(fallback))


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


def _fetch(run: GitRunner, remote: str) -> None:
    try:
        run("fetch", remote, network=True)
    except GitFailed as error:
        raise _failure(
            run,
            error,
            remote,
            f"リモート「{remote}」から取得できませんでした: {_git_message(error)}",
        ) from None


def _remote_sha(run: GitRunner, remote: str, branch: str) -> str | None:
    try:
        return run("rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}/{branch}")
    except GitFailed:
        return None


def _count(run: GitRunner, spec: str) -> int:
    return int(run("rev-list", "--count", spec))


def _counts(run: GitRunner, upstream: str) -> tuple[int, int]:
    """Commits the remote has that HEAD lacks, and the other way round (one process)."""
    theirs, ours = run("rev-list", "--left-right", "--count", f"{upstream}...HEAD").split()
    return int(theirs), int(ours)


def _name_of(path: Path) -> str:
    try:
        name = tomllib.loads(without_bom(path.read_text(encoding="utf-8"))).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    return name if isinstance(name, str) else ""


def _refuse_overwrites(run: GitRunner, upstream: str) -> None:
    """Files the remote added that exist here untracked (a draft under the same id).

    A file HEAD holds (filed here too, under the same id) is left to the rebase
    or merge, which reports it as a conflict naming the entry.
    """
    added = run("diff", "--name-only", "--diff-filter=A", f"HEAD...{upstream}").splitlines()
    present = [path for path in added if (run.work_tree / path).exists()]
    tracked = set(run("ls-files", "--", *present).splitlines()) if present else set()
    clashes = [path for path in present if path not in tracked]
    if clashes:
        raise RegisterError(
            f"他の端末で同じ名前のファイルが届け出られています: {'、'.join(clashes)}"
            "（手元のまだ届け出ていないファイルの名前を変えるか移してから同期してください）"
        )


def _has_merges(run: GitRunner, upstream: str) -> bool:
    """Whether the local commits (``upstream..HEAD``) hold a merge."""
    return bool(run("rev-list", "--merges", "-n", "1", f"{upstream}..HEAD").strip())


def _abort(run: GitRunner, git_dir: Path) -> None:
    """Abort the rebase or merge that stopped. When even that fails (a full disk),
    the half-done operation stays with the sync record: the next sync undoes it."""
    for marker, command in (
        ("MERGE_HEAD", "merge"),
        ("rebase-merge", "rebase"),
        ("rebase-apply", "rebase"),
    ):
        if (git_dir / marker).exists():
            try:
                run(command, "--abort")
            except GitFailed:
                return


def _integrate(
    history: RegisterRepo, run: GitRunner, upstream: str, where: str, merging: bool
) -> None:
    """Put the remote's commits under HEAD: a rebase, or a merge when the local
    commits hold a merge already; on a conflict abort and raise SyncConflict."""
    git_dir = Path(history.repo.git_dir)
    try:
        if merging:
            run("merge", "--no-edit", "--no-ff", "-m", sync_merge_message(where), upstream)
        else:
            run("rebase", "--no-autostash", upstream)
    except GitFailed as error:
        try:
            conflicted = run("diff", "--name-only", "--diff-filter=U").splitlines()
        except GitFailed:
            conflicted = []
        _abort(run, git_dir)
        if not conflicted:
            raise _failure(
                run, error, None, f"取り込めませんでした: {_git_message(error)}"
            ) from None
        entries: list[tuple[str, str]] = []
        others: list[str] = []
        for path in conflicted:
            entry_id = history.entry_id_of(path)
            if entry_id is None:
                others.append(path)
            else:
                entries.append((entry_id, _name_of(run.work_tree / path)))
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


def _remote_lines(error: GitFailed) -> tuple[str, ...]:
    """What the remote side printed (its hooks' messages), without git's own remarks."""
    lines = []
    for line in error.stderr.splitlines():
        text = line.strip()
        if text.startswith("remote:"):
            said = text.removeprefix("remote:").strip()
            if said:
                lines.append(visible(redacted(said)))
    return tuple(lines)


def _push(run: GitRunner, remote: str, branch: str, set_upstream: bool) -> PushRefused | None:
    """Push HEAD; None when done, else why not (a full disk or a failed login raises)."""
    args = ["--porcelain", *(["-u"] if set_upstream else []), remote, f"HEAD:refs/heads/{branch}"]
    try:
        run("push", *args, network=True)
    except GitFailed as error:
        here = _local_output(error)
        if no_space(here, run.git_dir) or auth_failed(here) or no_space(_remote_output(error)):
            raise _failure(run, error, remote, "", push=True) from None
        reason = redacted(f"{_git_message(error)} {error.stdout.strip()}".strip())
        return PushRefused(reason, _remote_lines(error))
    return None


def backoff_window(attempt: int, try_seconds: float) -> float:
    """The longest wait after ``attempt`` failed tries that each took ``try_seconds``.

    It doubles with every try, in units of how long a try takes (over HTTP a try
    is slower than the fixed base), so that many racing machines spread over a
    window wider than one try; at most BACKOFF_CAP or 16 tries' time, 30 s at most.
    """
    unit = max(BACKOFF_BASE, try_seconds)
    cap = min(BACKOFF_LONGEST, max(BACKOFF_CAP, 16 * try_seconds))
    return float(min(cap, unit * 2.0 ** (attempt - 1)))


def _backoff(attempt: int, try_seconds: float) -> None:
    """Wait a random while, longer after each failed try, so racing machines spread out."""
    time.sleep(random.uniform(0.0, backoff_window(attempt, try_seconds)))


def _attempts() -> int:
    try:
        return max(1, int(os.environ.get(ATTEMPTS_ENV, MAX_ATTEMPTS)))
    except ValueError:
        return MAX_ATTEMPTS


def _unexpected(error: Exception, run: GitRunner) -> Exception:
    """A git command or a file that failed where no step expected it, as one line."""
    if isinstance(error, GitFailed):
        return _failure(
            run,
            error,
            None,
            f"git の処理に失敗しました（git {error.command[0]}）: {_git_message(error)}",
        )
    if isinstance(error, OSError):
        if is_no_space(error):
            return RegisterError(disk_full_message(run.work_tree, KEPT))
        return RegisterError(
            f"ファイルを読み書きできません: {error.filename or ''}（{error.strerror or error}）"
        )
    return error


def sync_register(root: Path, remote: str | None = None, attempts: int | None = None) -> SyncResult:
    """Fetch, rebase the local filings on the remote, push; retry a push race.

    Holds the repository's lock (a filing started meanwhile waits) and first
    undoes what a sync killed in the middle left (todokede.registry.git.syncrecovery), then
    finishes a filing a crash interrupted.
    """
    tries = attempts or _attempts()
    with RegisterRepo(root) as history:
        repo = history.repo
        with repository_lock(repo.common_dir) as lock_fd:
            run = GitRunner(work_tree(repo), Path(repo.git_dir), lock_fd)
            notes: list[str] = []
            try:
                notes += recover_interrupted_sync(run)
                if journal_exists(Path(repo.git_dir)):
                    from todokede.registry.git.filing_journal import (
                        finish_interrupted,  # pydantic: only when needed
                    )

                    notes += finish_interrupted(history)
                return replace(_sync(history, run, remote, tries), notes=tuple(notes))
            except Exception as error:  # a refusal, a conflict, git failing: say what was done
                failure = _unexpected(error, run)
                # What was done before (a recovery, a filing finished) comes first.
                failure.__notes__ = [*notes, *getattr(error, "__notes__", ())]
                if failure is error:
                    raise
                raise failure from None


class _Steps:
    """The sync record, written before each step; dropped when the sync ends with
    nothing of its own left half done."""

    def __init__(self, git_dir: Path, record: SyncRecord) -> None:
        self.git_dir = git_dir
        self.record = record
        write_sync_record(git_dir, record)

    def enter(self, step: str, upstream: str | None = None) -> None:
        self.record = replace(self.record, step=step, upstream=upstream or self.record.upstream)
        write_sync_record(self.git_dir, self.record)

    def end(self) -> str:
        """Drop the record; or keep it, and say which operation (リベース, マージ) of
        this sync is left half done (git could not abort it: the next sync will)."""
        if not sync_record_exists(self.git_dir):
            return ""
        if sync_owns_operation(self.git_dir, self.record):
            return "マージ" if self.record.step == "merge" else "リベース"
        remove_sync_record(self.git_dir)
        return ""


def _sync(history: RegisterRepo, run: GitRunner, remote: str | None, attempts: int) -> SyncResult:
    repo = history.repo
    refuse_in_progress(repo)
    branch = _branch(repo)
    head = history.head()
    if head is None:
        raise RegisterError("まだコミットがありません（届出をしてから同期してください）")
    remote_name, remote_branch = _remote(repo, branch, remote)
    pid = os.getpid()
    record = SyncRecord("start", pid, process_started(pid), time.time(), branch, head, remote_name)
    steps = _Steps(Path(repo.git_dir), record)
    try:
        crash_point("sync:recorded")
        result = _steps(history, run, steps, remote_name, remote_branch, attempts)
    except BaseException as error:
        if (left := steps.end()) and isinstance(error, Exception):
            error.add_note(
                f"git の{left}を取り消せなかったため、途中のまま残っています。原因を取り除いてから"
                f" todokede sync を実行すると、取り消して同期し直します（{KEPT}）"
            )
        raise
    steps.end()
    return result


def _steps(
    history: RegisterRepo,
    run: GitRunner,
    steps: _Steps,
    remote_name: str,
    remote_branch: str,
    attempts: int,
) -> SyncResult:
    repo = history.repo
    if dirty := [path for _, path in tracked_changes(run)]:
        raise RegisterError(_dirty_message(history, dirty))
    needs_upstream = repo.active_branch.tracking_branch() is None
    received = 0
    _fetch(run, remote_name)
    crash_point("sync:fetched")
    for attempt in range(1, attempts + 1):
        started = time.monotonic()
        upstream = _remote_sha(run, remote_name, remote_branch)
        if upstream is not None:
            new, ahead = _counts(run, upstream)
            if new:
                if ahead:
                    identities(repo)  # a rebase writes commits: refuse without an identity
                _refuse_overwrites(run, upstream)
                merging = ahead > 0 and _has_merges(run, upstream)
                steps.enter("merge" if merging else "rebase", upstream)
                crash_point("sync:integrating")
                _integrate(history, run, upstream, f"{remote_name}/{remote_branch}", merging)
                steps.enter("push")
                crash_point("sync:integrated")
                received += new
        sent = _count(run, f"{upstream}..HEAD") if upstream else _count(run, "HEAD")
        if not sent and not needs_upstream:
            return SyncResult(remote_name, remote_branch, received, 0, attempt)
        refused = _push(run, remote_name, remote_branch, needs_upstream)
        if refused is None:
            crash_point("sync:pushed")
            return SyncResult(remote_name, remote_branch, received, sent, attempt, needs_upstream)
        if attempt < attempts:
            _backoff(attempt, time.monotonic() - started)
        _fetch(run, remote_name)  # also the next try's fetch
        moved = _remote_sha(run, remote_name, remote_branch) != upstream
        if not moved and not refused.transient:
            raise RegisterError(refused.message(remote_name))
    raise RegisterError(
        f"他の端末からの送信が続いたため同期できませんでした（{attempts}回試行）。"
        "手元の届出はそのまま残っています。しばらくしてからもう一度実行してください"
    )
