"""``todokede file``: record a filing (開始・変更・廃止) and commit it, as one transaction.

Under the repository's lock, :func:`file_entry` finishes a filing a crash interrupted
(:mod:`~todokede.registry.git.filing_journal`), reads what the filing is a function of
and plans it (:mod:`~todokede.registry.git.filing_plan`: the diff against HEAD, the
summary, the validation; the refusals), then :func:`_commit` runs the protocol's steps:
the objects, the journal, the compare-and-swap of HEAD, the entry file rewritten, the
index. A crash point names each step (``file:objects`` … ``file:indexed``). A refusal
leaves the file byte for byte and HEAD as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import git

from todokede.registry.files.crashpoints import crash_point
from todokede.registry.files.store import (
    ENTRIES_DIR,
    REGISTRY_FILE,
    RegisterError,
    TomlProblem,
    atomic_write,
    council_items,
    entry_path,
    load_config_or_raise,
    read_text,
)
from todokede.registry.git.filing_journal import (
    EntryCommit,
    finish_interrupted,
    update_index,
    write_journal,
)
from todokede.registry.git.filing_plan import (
    FilingDraft,
    FilingInputs,
    FilingRequest,
    plan_filing,
    summarize,
)
from todokede.registry.git.locking import repository_lock
from todokede.registry.git.message import filing_message, reflog_reason, subject_of
from todokede.registry.git.repository import (
    Signature,
    identities,
    move_head,
    parse_commit_tree,
    refuse_in_progress,
    replace_path,
    write_commit,
    write_object,
)
from todokede.registry.git.revisions import RegisterRepo
from todokede.registry.schema.errors import FilingRefused
from todokede.registry.schema.model import FilingKind, RegistryConfig
from todokede.registry.schema.problems import Problem

__all__ = [  # the names callers use (the plan's and the message's re-exported)
    "Filed",
    "FilingDraft",
    "draft_filing",
    "file_entry",
    "filing_message",
    "finish_interrupted",
    "summarize",
]


@dataclass(frozen=True)
class Filed:
    """A committed filing."""

    draft: FilingDraft
    commit: str
    author: str
    notes: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return subject_of(self.draft.message)


def draft_filing(
    root: Path,
    entry_id: str,
    kind: FilingKind,
    day: date,
    summary: str | None = None,
    review: bool = False,
    consultation: str = "",
    reported: date | None = None,
) -> FilingDraft:
    """What ``file`` would commit (summary, items), or the refusal; writes nothing."""
    history, config = _open(root)
    with history:
        request = FilingRequest(entry_id, kind, day, summary, review, consultation, reported)
        return plan_filing(request, read_inputs(history, config, entry_id))


def file_entry(
    root: Path,
    entry_id: str,
    kind: FilingKind,
    day: date,
    summary: str | None = None,
    review: bool = False,
    author: str | None = None,
    consultation: str = "",
    reported: date | None = None,
) -> Filed:
    """Record a filing and commit exactly that entry file; RegisterError when refused.

    Under the repository's lock (a second filing waits for the first): finish a
    filing a crash interrupted, plan this one, then :func:`_commit` it. Killed
    before the publication, nothing happened; after it, the next ``file`` or
    ``sync`` completes the file.
    """
    history, config = _open(root)
    with history, repository_lock(history.repo.common_dir):
        notes = finish_interrupted(history)
        try:
            author_actor, committer_actor = identities(history.repo, author)
            request = FilingRequest(entry_id, kind, day, summary, review, consultation, reported)
            draft = plan_filing(request, read_inputs(history, config, entry_id))
        except RegisterError as error:
            for note in notes:  # what was done before the refusal (the CLI shows them)
                error.add_note(note)
            raise
        commit, more = _commit(history, draft, author_actor, committer_actor)
        return Filed(draft, commit, f"{author_actor.name} <{author_actor.email}>", notes + more)


def _open(root: Path) -> tuple[RegisterRepo, RegistryConfig]:
    root = root.resolve()
    if not (root / REGISTRY_FILE).is_file():
        raise RegisterError(f"登録簿ではありません: {root}（{REGISTRY_FILE} がありません）")
    history = RegisterRepo(root)
    try:
        refuse_in_progress(history.repo)  # before reading files that may hold conflicts
        config = load_config_or_raise(root)
    except BaseException:
        history.close()
        raise
    return history, config


def read_inputs(history: RegisterRepo, config: RegistryConfig, entry_id: str) -> FilingInputs:
    """What the filing of ``entry_id`` is a function of, read from disk and HEAD."""
    root = history.root
    path = entry_path(root, entry_id)
    rel = f"{ENTRIES_DIR}/{entry_id}.toml"
    if not path.is_file():
        raise FilingRefused("no-entry", entry_id=entry_id, path=rel)
    try:
        text = read_text(path)
    except TomlProblem as problem:
        raise RegisterError(Problem(rel, problem.line, "", problem.message).as_text()) from None
    head = history.head()
    snapshot = history.snapshot(history.head_revision())
    blob = snapshot.entries.get(entry_id)
    return FilingInputs(
        path=path,
        repo_path=history.entry_path(entry_id),
        text=text,
        head=head,
        committed=history.reader.one(blob) if blob else None,
        config=config,
        catalog=config.build_catalog(),
        config_on_disk=read_text(root / REGISTRY_FILE),
        config_committed=history.config_bytes(snapshot),
        prefix=history.prefix,
        council=council_items(root, entry_id),
    )


def open_register(root: Path) -> tuple[RegisterRepo, RegistryConfig]:
    """The register's repository (refused while a merge or rebase is in progress) and
    its settings; the caller closes the repository."""
    return _open(root)


def commit_entry(
    history: RegisterRepo, draft: EntryCommit, author: git.Actor, committer: git.Actor
) -> tuple[str, list[str]]:
    """One entry file's new text committed by the filing protocol (call under the lock)."""
    return _commit(history, draft, author, committer)


def _commit(
    history: RegisterRepo, draft: EntryCommit, author: git.Actor, committer: git.Actor
) -> tuple[str, list[str]]:
    """Steps 6-9 of the filing protocol (docs/architecture.md); the commit and notes."""
    repo = history.repo
    commit = _write_objects(history, draft, author, committer)
    crash_point("file:objects")
    journal = write_journal(repo, draft, commit)
    crash_point("file:journal")
    try:
        move_head(repo, commit, draft.head, reflog_reason(draft.message))
    except BaseException:
        journal.unlink(missing_ok=True)
        raise
    crash_point("file:published")
    _rewrite(draft, commit)
    crash_point("file:written")
    notes = update_index(repo, draft.repo_path)
    crash_point("file:indexed")
    journal.unlink(missing_ok=True)
    return commit, notes


def _write_objects(
    history: RegisterRepo, draft: EntryCommit, author: git.Actor, committer: git.Actor
) -> str:
    """The filing's blob, trees and commit in the object store (fsynced); the commit."""
    repo = history.repo
    try:
        blob = write_object(repo, "blob", draft.text.encode("utf-8"))
        base_tree = None
        if draft.head is not None:
            head_data = history.reader.one(draft.head)
            base_tree = parse_commit_tree(head_data) if head_data else None
        tree = replace_path(repo, history.reader, base_tree, draft.repo_path, blob)
        return write_commit(
            repo,
            tree,
            [draft.head] if draft.head else [],
            Signature.now(author, "GIT_AUTHOR_DATE"),
            Signature.now(committer, "GIT_COMMITTER_DATE"),
            draft.message,
        )
    except OSError as error:
        raise RegisterError(
            f"git のオブジェクトを書けません: {error.strerror or error}（何もコミットしていません）"
        ) from None


def _rewrite(draft: EntryCommit, commit: str) -> None:
    """The entry file as committed (temp file, fsync, rename); the journal stays on failure."""
    try:
        atomic_write(draft.path, draft.text)
    except OSError as error:  # committed: the journal stays, the next run finishes
        raise RegisterError(
            f"届出はコミットしました（{commit[:10]}）が、{draft.repo_path} を書き換えられま"
            f"せんでした: {error.strerror or error}。原因を取り除いてから todokede sync か"
            " todokede file を実行すると、ファイルをコミットの内容にそろえます"
        ) from None
