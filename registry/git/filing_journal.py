"""A filing's journal, ``<git dir>/todokede-filing.json``: noted before HEAD moves.

The journal (:class:`~todokede.registry.files.pending.PendingFiling`) names the new
commit and the entry file's blobs before and after; a filing writes it before it
publishes the commit and drops it once the file is rewritten and the index updated.
Killed in between, the next ``file`` or ``sync`` calls :func:`finish_interrupted`:
published, the file is written as committed; not, the note is dropped (only objects
were written, nothing to undo).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Protocol

import git

from todokede.registry.files.pending import (
    JOURNAL_NAME,
    PendingFiling,
    journal_exists,
    read_journal,
)
from todokede.registry.files.store import TEMP_SUFFIX, RegisterError, atomic_write, temp_files_of
from todokede.registry.git.repository import blob_sha, work_tree
from todokede.registry.git.revisions import RegisterRepo


class EntryCommit(Protocol):
    """One entry file's new text ready to commit: a filing
    (:class:`~todokede.registry.git.filing_plan.FilingDraft`) or a council's answer."""

    @property
    def entry_id(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def repo_path(self) -> str: ...
    @property
    def original(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def head(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def journal(self) -> tuple[str, date]:
        """What the journal notes of it: a kind (``change``, ``answer``) and a date."""
        ...


def journal_path(repo: git.Repo) -> Path:
    return Path(repo.git_dir) / JOURNAL_NAME


def write_journal(repo: git.Repo, draft: EntryCommit, commit: str) -> Path:
    """Note the filing about to publish ``commit``; the journal's path."""
    kind, day = draft.journal
    pending = PendingFiling(
        entry=draft.entry_id,
        path=draft.repo_path,
        kind=kind,
        date=day.isoformat(),
        commit=commit,
        head=draft.head,
        new_blob=blob_sha(draft.text.encode("utf-8")),
        original_blob=blob_sha(draft.original.encode("utf-8")),
        pid=os.getpid(),
    )
    journal = journal_path(repo)
    try:
        atomic_write(journal, pending.to_json())
    except OSError as error:
        raise RegisterError(
            f"{journal} を書けません: {error.strerror or error}（何もコミットしていません）"
        ) from None
    return journal


def update_index(repo: git.Repo, repo_path: str) -> list[str]:
    """Stage the rewritten entry file; a note for the user when git cannot."""
    try:
        repo.git.update_index("--add", "--", repo_path)
    except git.GitCommandError:
        return [
            "コミットはできましたが git のインデックスを更新できませんでした"
            f"（git add {repo_path} で直ります）"
        ]
    return []


def finish_interrupted(history: RegisterRepo) -> list[str]:
    """Complete or drop a filing that a crash interrupted (the journal); notes for the user.

    Call with the repository's lock held. Published (HEAD holds the new file):
    the entry file, still the original, is written as committed and the index
    updated. Not published: nothing was written but objects, so nothing to undo.
    """
    repo = history.repo
    git_dir = Path(repo.git_dir)
    for temp in git_dir.glob(f".{JOURNAL_NAME}.*{TEMP_SUFFIX}"):  # a note never written whole
        temp.unlink(missing_ok=True)
    if not journal_exists(git_dir):
        return []
    pending = read_journal(git_dir)
    notes: list[str] = []
    if pending is not None:
        notes = _complete(history, pending)
        if pending.pid and pending.pid != os.getpid():  # the dead filing's half-written file
            path = work_tree(repo) / pending.path
            for temp in temp_files_of(path, pending.pid):
                temp.unlink(missing_ok=True)
    (git_dir / JOURNAL_NAME).unlink(missing_ok=True)
    return notes


def _complete(history: RegisterRepo, pending: PendingFiling) -> list[str]:
    repo = history.repo
    what = f"{pending.entry} の {pending.date} の届出"
    head = history.head()
    committed = history.reader.one(f"{head}:{pending.path}") if head else None
    if committed is None or blob_sha(committed) != pending.new_blob:
        return [f"中断した{what}はコミットされていなかったため、記録されていません"]
    path = work_tree(repo) / pending.path
    try:
        on_disk = blob_sha(path.read_bytes()) if not path.is_symlink() else None
    except OSError:
        on_disk = None
    if on_disk == pending.original_blob:
        try:
            atomic_write(path, committed)
        except OSError as error:  # the journal stays: the next run tries again
            raise RegisterError(
                f"中断した{what}はコミット済みですが、{pending.path} をまだ書き換えられません: "
                f"{error.strerror or error}（原因を取り除いてからもう一度実行してください）"
            ) from None
        on_disk = pending.new_blob
    if on_disk != pending.new_blob:
        return [
            f"中断した{what}はコミット済みですが、その後ファイルが変わっています"
            f"（git diff -- {pending.path} で確かめてください）"
        ]
    return [
        f"中断した{what}を仕上げました（コミット済みの内容をファイルに書きました）",
        *update_index(repo, pending.path),
    ]
