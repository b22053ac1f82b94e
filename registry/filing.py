"""``todokede file``: record a filing (開始・変更・廃止) and commit it.

The entry as edited on disk is compared with HEAD: a start needs a file not
yet filed (absent from HEAD, or committed there without ``[[filings]]``), a
change a file that differs from HEAD (or ``review`` for a pure review), an
abolition a committed entry. The filing is checked against ``registry.toml``
on disk but commits only the entry, so it is refused while ``registry.toml``
says something else than HEAD's: what HEAD holds must stay a valid register.
The filing is appended with the record items added and removed and, when none
is given, a Japanese summary written from the semantic diff. The result is
validated, written atomically (comments kept) and committed as one commit
touching only that file, with the trailers ``Filing-Kind``, ``Filing-Date``,
``Entry`` (and ``Filing-Review: true`` for a review). A refusal leaves the file
byte for byte and HEAD as they were.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

import git
from pydantic import ValidationError

from registry.catalog import Catalog
from registry.crashpoints import crash_point
from registry.diff import FIELD_LABELS, TABLE_WORDS, EntryDiff, diff_entry
from registry.display import one_line
from registry.filenotes import without_notes_until_filed
from registry.gitrepo import (
    Signature,
    blob_sha,
    identities,
    move_head,
    parse_commit_tree,
    refuse_in_progress,
    replace_path,
    work_tree,
    write_commit,
    write_object,
)
from registry.history import KIND_WORDS, SUBJECT_SEPARATOR
from registry.locate import line_of, locate
from registry.locking import repository_lock
from registry.model import Entry, Filing, FilingKind, RegistryConfig
from registry.pending import JOURNAL_NAME, PendingFiling, journal_exists, read_journal
from registry.problems import Problem, Violation
from registry.revisions import RegisterRepo, Snapshot
from registry.rules import check_entry_data, entry_rule_violations, validation_violations
from registry.store import (
    ENTRIES_DIR,
    REGISTRY_FILE,
    TEMP_SUFFIX,
    RegisterError,
    TomlProblem,
    atomic_write,
    entry_path,
    load_config_or_raise,
    parse_toml,
    read_text,
    temp_files_of,
)
from registry.tomledit import update_text
from registry.tomlread import parse_data, without_bom

_NOT_NAMED_AS_FIELDS: Final = frozenset(
    {"record_items", "outsourcing", "connections", "provisions", "filings", "status"}
)


def _quoted(items: tuple[str, ...]) -> str:
    return "".join(f"「{item}」" for item in items)


def summarize(diff: EntryDiff | None, kind: str, review: bool = False) -> str:
    """A filing's summary written from its diff: 「記録項目に「個人番号」を追加」…"""
    if kind == "start":
        return "業務開始"
    parts: list[str] = ["業務を廃止"] if kind == "abolish" else []
    if diff is not None:
        if diff.items_added:
            parts.append(f"記録項目に{_quoted(diff.items_added)}を追加")
        if diff.items_removed:
            parts.append(f"記録項目から{_quoted(diff.items_removed)}を削除")
        for key, word in TABLE_WORDS:
            changes = getattr(diff, key)
            if changes.added:
                parts.append(f"{word}を追加: {'、'.join(changes.added)}")
            if changes.removed:
                parts.append(f"{word}を削除: {'、'.join(changes.removed)}")
            if changes.changed:
                parts.append(f"{word}の内容を変更: {'、'.join(changes.changed)}")
        others = [
            FIELD_LABELS.get(name, name)
            for name in diff.changed_fields
            if name not in _NOT_NAMED_AS_FIELDS
        ]
        if words := _items_rewritten(diff):
            others.insert(0, f"記録項目の{words}")
        if others:
            parts.append(f"{'・'.join(others)}を変更")
    if review:
        parts.append("見直し" if parts else "見直し（変更なし）")
    return "。".join(parts) or "変更"


def _items_rewritten(diff: EntryDiff) -> str:
    """``並び``, ``表記`` or ``並びと表記``: how the record items changed besides
    items added and removed (a spelling is an alias of the same catalog item)."""
    words = [("並び", diff.items_moved), ("表記", bool(diff.items_respelled))]
    return "と".join(word for word, done in words if done)


def filing_message(
    kind: str,
    department: str,
    name: str,
    summary: str,
    day: date,
    entry_id: str,
    review: bool = False,
) -> str:
    """``変更届: 課税課 個人住民税賦課事務 — <summary>``, a blank line, the trailers."""
    subject = f"{KIND_WORDS[kind]}: {one_line(department)} {one_line(name)}"
    subject += f"{SUBJECT_SEPARATOR}{one_line(summary)}"
    trailers = [
        f"Filing-Kind: {kind}",
        f"Filing-Date: {day.isoformat()}",
        f"Entry: {entry_id}",
    ]
    if review:
        trailers.append("Filing-Review: true")
    return subject + "\n\n" + "\n".join(trailers) + "\n"


@dataclass(frozen=True)
class FilingDraft:
    """A filing ready to commit: the entry after it and the new file text."""

    entry_id: str
    path: Path
    repo_path: str
    filing: Filing
    entry: Entry
    diff: EntryDiff | None
    original: str
    text: str
    head: str | None
    message: str

    @property
    def summary(self) -> str:
        return self.filing.summary


@dataclass(frozen=True)
class Filed:
    """A committed filing."""

    draft: FilingDraft
    commit: str
    author: str
    notes: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return self.draft.message.split("\n", 1)[0]


def _first_error(rel: str, text: str, violations: list[Violation]) -> RegisterError:
    errors = [v for v in violations if v.severity == "error"]
    found = locate(text)
    first = errors[0]
    problem = Problem(rel, line_of(found, first.loc), first.field, first.message)
    more = (
        f"（ほかに {len(errors) - 1}件。todokede check で確かめてください）"
        if len(errors) > 1
        else ""
    )
    return RegisterError(problem.as_text() + more)


def _read(path: Path, rel: str) -> tuple[str, dict[str, object]]:
    try:
        text = read_text(path)
        return text, parse_toml(text)
    except TomlProblem as problem:
        raise RegisterError(Problem(rel, problem.line, "", problem.message).as_text()) from None


def _refuse_kind(
    entry_id: str, kind: str, committed: dict[str, object] | None, entry: Entry
) -> None:
    """Refuse a kind that does not fit the file's state (new, committed, abolished).

    An entry HEAD holds without any filing (committed by hand, never filed) is
    still new: its first filing is a start.
    """
    filings = committed.get("filings") if committed is not None else None
    filed = isinstance(filings, list) and bool(filings)
    if kind == "start":
        if filed:
            raise RegisterError(
                f"「{entry_id}」は既に届出されています"
                "（変更なら --kind change、廃止なら --kind abolish で届け出てください）"
            )
        if entry.filings:
            raise RegisterError(
                f"「{entry_id}」はまだ届出されていないのに届出の記録（[[filings]]）があります"
                "（届出の記録は todokede file が書きます。[[filings]] を消してから開始届を出してください）"
            )
        return
    if not filed:
        raise RegisterError(
            f"「{entry_id}」はまだ開始届が出ていません（--kind start で届け出てください）"
        )
    last = filings[-1] if isinstance(filings, list) else None
    if isinstance(last, dict) and last.get("kind") == "abolish":
        raise RegisterError(
            f"「{entry_id}」は {last.get('date')} に廃止されています（廃止後の届出はできません）"
        )


def _refuse_config_not_committed(history: RegisterRepo, head: Snapshot) -> None:
    """Refuse while ``registry.toml`` on disk says something else than HEAD's.

    The filing is validated against the file on disk (its departments, its
    catalog) but commits only the entry: HEAD would then hold an entry that its
    own ``registry.toml`` refuses, and sync would share it. Comments and layout
    are no difference (the settings read the same).
    """
    shown = f"{history.prefix}{REGISTRY_FILE}"
    committed = history.config_bytes(head)
    if committed is None:
        raise RegisterError(
            f"{REGISTRY_FILE} がまだコミットされていません。先に git add {shown} と"
            " git commit でコミットしてから届け出てください"
        )
    on_disk = read_text(history.root / REGISTRY_FILE)
    if committed == on_disk.encode("utf-8"):
        return
    before, unreadable = parse_data(committed)
    try:
        after = tomllib.loads(without_bom(on_disk))
    except tomllib.TOMLDecodeError:  # already refused by load_config_or_raise
        after = None
    if unreadable or before != after:
        raise RegisterError(
            f"{REGISTRY_FILE} に未コミットの変更があります。先に git commit {shown} で"
            "コミットしてから届け出てください（届出はエントリだけをコミットします）"
        )


def _prepare(
    history: RegisterRepo,
    config: RegistryConfig,
    catalog: Catalog,
    entry_id: str,
    kind: FilingKind,
    day: date,
    summary: str | None,
    review: bool,
) -> FilingDraft:
    root = history.root
    path = entry_path(root, entry_id)
    rel = f"{ENTRIES_DIR}/{entry_id}.toml"
    if not path.is_file():
        raise RegisterError(
            f"エントリ「{entry_id}」がありません: {rel}（todokede new で作成できます）"
        )
    text, data = _read(path, rel)
    entry, violations = check_entry_data(data, config, catalog)
    if entry is None:
        raise _first_error(rel, text, violations)
    if kind == "abolish" and review:
        raise RegisterError("廃止届は見直しを兼ねられません（--review を外してください）")
    head = history.head()
    head_snapshot = history.snapshot(history.head_revision())
    _refuse_config_not_committed(history, head_snapshot)
    committed_blob = head_snapshot.entries.get(entry_id)
    committed_bytes = history.reader.one(committed_blob) if committed_blob else None
    committed, _ = parse_data(committed_bytes)
    _refuse_kind(entry_id, kind, committed, entry)
    diff = diff_entry(entry_id, committed, data, catalog) if committed is not None else None
    if kind != "start" and diff is not None and "filings" in diff.changed_fields:
        raise RegisterError(
            f"「{entry_id}」の届出の記録（[[filings]]）が前回の届出から書き換えられています"
            "（届出は todokede file が追加します。[[filings]] を元に戻してください）"
        )
    if kind == "change" and diff is None and not review:
        raise RegisterError(
            f"「{entry_id}」は前回の届出から変わっていません"
            "（内容を直してから届け出るか、見直しだけなら --review を付けてください）"
        )
    if entry.filings and day < entry.filings[-1].date:
        raise RegisterError(
            f"届出日 {day.isoformat()} が前回の届出日（{entry.filings[-1].date.isoformat()}）"
            "より前です"
        )
    text_summary = (summary or "").strip() or summarize(diff, kind, review)
    with_filing = entry.model_dump(mode="python")
    with_filing["filings"].append(
        {
            "date": day,
            "kind": kind,
            "summary": text_summary,
            "review": review,
            "items_added": list(diff.items_added) if diff and kind != "start" else [],
            "items_removed": list(diff.items_removed) if diff and kind != "start" else [],
        }
    )
    if kind == "abolish":
        with_filing["status"] = "abolished"
    try:
        result = Entry.model_validate(with_filing)
    except ValidationError as error:
        found = validation_violations(error)[0]
        raise RegisterError(f"{rel}: エラー: {found.field}: {found.message}") from None
    # Filed: a note that the file is not filed yet would now be false.
    new_text = without_notes_until_filed(update_text(text, result))
    rules = entry_rule_violations(result, config, catalog)
    if any(v.severity == "error" for v in rules):
        raise _first_error(rel, new_text, rules)
    return FilingDraft(
        entry_id=entry_id,
        path=path,
        repo_path=history.entry_path(entry_id),
        filing=result.filings[-1],
        entry=result,
        diff=diff,
        original=text,
        text=new_text,
        head=head,
        message=filing_message(
            kind, result.department, result.name, text_summary, day, entry_id, review
        ),
    )


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


def draft_filing(
    root: Path,
    entry_id: str,
    kind: FilingKind,
    day: date,
    summary: str | None = None,
    review: bool = False,
) -> FilingDraft:
    """What ``file`` would commit (summary, items), or the refusal; writes nothing."""
    history, config = _open(root)
    with history:
        return _prepare(
            history, config, config.build_catalog(), entry_id, kind, day, summary, review
        )


def file_entry(
    root: Path,
    entry_id: str,
    kind: FilingKind,
    day: date,
    summary: str | None = None,
    review: bool = False,
    author: str | None = None,
) -> Filed:
    """Record a filing and commit exactly that entry file; RegisterError when refused.

    Under the repository's lock (a second filing waits for the first): finish a
    filing a crash interrupted, prepare this one, write its objects, note it in
    the journal, publish the commit (compare-and-swap on HEAD), then rewrite the
    entry file and the index, and drop the note. Killed before the publication,
    nothing happened; after it, the next ``file`` or ``sync`` completes the file.
    """
    history, config = _open(root)
    with history:
        repo = history.repo
        with repository_lock(repo.common_dir):
            notes = finish_interrupted(history)
            try:
                author_actor, committer_actor = identities(repo, author)
                draft = _prepare(
                    history, config, config.build_catalog(), entry_id, kind, day, summary, review
                )
            except RegisterError as error:
                for note in notes:  # what was done before the refusal (the CLI shows them)
                    error.add_note(note)
                raise
            try:
                commit = _write_commit(history, draft, author_actor, committer_actor)
            except OSError as error:
                raise RegisterError(
                    f"git のオブジェクトを書けません: {error.strerror or error}"
                    "（何もコミットしていません）"
                ) from None
            crash_point("file:objects")
            original = draft.original.encode("utf-8")
            pending = PendingFiling(
                entry=entry_id,
                path=draft.repo_path,
                kind=kind,
                date=day.isoformat(),
                commit=commit,
                head=draft.head,
                new_blob=blob_sha(draft.text.encode("utf-8")),
                original_blob=blob_sha(original),
                pid=os.getpid(),
            )
            journal = Path(repo.git_dir) / JOURNAL_NAME
            try:
                atomic_write(journal, pending.to_json())
            except OSError as error:
                raise RegisterError(
                    f"{journal} を書けません: {error.strerror or error}（何もコミットしていません）"
                ) from None
            crash_point("file:journal")
            try:
                move_head(repo, commit, draft.head, "commit: " + draft.message.split("\n", 1)[0])
            except BaseException:
                journal.unlink(missing_ok=True)
                raise
            crash_point("file:published")
            try:
                atomic_write(draft.path, draft.text)
            except OSError as error:  # committed: the journal stays, the next run finishes
                raise RegisterError(
                    f"届出はコミットしました（{commit[:10]}）が、{draft.repo_path} を書き換えられま"
                    f"せんでした: {error.strerror or error}。原因を取り除いてから todokede sync か"
                    " todokede file を実行すると、ファイルをコミットの内容にそろえます"
                ) from None
            crash_point("file:written")
            notes += _update_index(repo, draft.repo_path)
            crash_point("file:indexed")
            journal.unlink(missing_ok=True)
        return Filed(draft, commit, f"{author_actor.name} <{author_actor.email}>", notes)


def _write_commit(
    history: RegisterRepo, draft: FilingDraft, author: git.Actor, committer: git.Actor
) -> str:
    """The filing's blob, trees and commit in the object store; the commit's sha."""
    repo = history.repo
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


def _update_index(repo: git.Repo, repo_path: str) -> list[str]:
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
        *_update_index(repo, pending.path),
    ]
