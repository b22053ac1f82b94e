"""``todokede answer``: record the council's answer (答申) to a consultation as one commit.

The consultation is found by its number; its ``answered`` and ``result`` are set and
the opinions given appended, in the entry file edited in place (tomlkit: comments and
layout kept). The file is committed alone, under the repository's lock, by the
filing's own protocol (:func:`todokede.registry.git.filing.commit_entry`: objects,
journal, compare-and-swap of HEAD, atomic rewrite, index). A refusal leaves the file
and HEAD as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from todokede.registry.files.store import (
    ENTRIES_DIR,
    RegisterError,
    entry_path,
    load_register,
    read_text,
)
from todokede.registry.files.tomledit import update_text
from todokede.registry.git.filing import commit_entry, finish_interrupted, open_register
from todokede.registry.git.locking import repository_lock
from todokede.registry.git.message import RESULT_WORDS, answer_message, subject_of
from todokede.registry.git.repository import identities
from todokede.registry.git.revisions import RegisterRepo
from todokede.registry.schema.model import CouncilResult, Entry, Opinion
from todokede.registry.schema.wareki import format_wareki


@dataclass(frozen=True)
class AnswerDraft:
    """The entry file with the answer recorded, ready to commit."""

    entry_id: str
    path: Path
    repo_path: str
    original: str
    text: str
    head: str | None
    message: str
    day: date

    @property
    def journal(self) -> tuple[str, date]:
        return "answer", self.day


@dataclass(frozen=True)
class Answered:
    """A committed answer."""

    draft: AnswerDraft
    commit: str
    author: str
    notes: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return subject_of(self.draft.message)


def answer_consultation(
    root: Path,
    number: str,
    day: date,
    result: CouncilResult,
    opinions: tuple[str, ...] = (),
    author: str | None = None,
) -> Answered:
    """Record the answer to the consultation ``number`` given on ``day``; RegisterError
    (one line) when refused: no such consultation, already answered, a day before the
    consultation's, the entry file changed since its last commit."""
    history, _config = open_register(root)
    with history, repository_lock(history.repo.common_dir):
        notes = finish_interrupted(history)
        try:
            author_actor, committer_actor = identities(history.repo, author)
            draft = plan_answer(history, number, day, result, opinions)
        except RegisterError as error:
            for note in notes:
                error.add_note(note)
            raise
        commit, more = commit_entry(history, draft, author_actor, committer_actor)
        return Answered(draft, commit, f"{author_actor.name} <{author_actor.email}>", notes + more)


def plan_answer(
    history: RegisterRepo,
    number: str,
    day: date,
    result: CouncilResult,
    opinions: tuple[str, ...],
) -> AnswerDraft:
    """The entry file with the answer recorded, or the refusal; writes nothing."""
    root = history.root
    register = load_register(root)
    wanted = number.strip()
    found: tuple[str, Entry, int] | None = None
    for entry_id, loaded in register.entries.items():
        for index, item in enumerate(loaded.entry.council):
            if item.kind == "consultation" and item.number == wanted:
                found = (entry_id, loaded.entry, index)
    if found is None:
        raise RegisterError(
            f"諮問番号「{wanted}」の諮問は登録簿にありません"
            '（エントリの [[council]] に kind = "consultation" で記録してください）'
        )
    entry_id, entry, index = found
    item = entry.council[index]
    rel = f"{ENTRIES_DIR}/{entry_id}.toml"
    if item.answered is not None:
        answered = format_wareki(item.answered)
        word = RESULT_WORDS.get(item.result or "", "")
        raise RegisterError(
            f"{wanted}は{answered}に答申済みです（{word}）。{rel} を確かめてください"
        )
    if day < item.date:
        raise RegisterError(
            f"答申日（{format_wareki(day)}）が諮問の日（{format_wareki(item.date)}）より前です"
        )
    path = entry_path(root, entry_id)
    original = read_text(path)
    head = history.head()
    snapshot = history.snapshot(history.head_revision())
    blob = snapshot.entries.get(entry_id)
    committed = history.reader.one(blob) if blob else None
    if committed is None or committed != original.encode("utf-8"):
        raise RegisterError(
            f"{rel} にコミットしていない変更があります。先に todokede file で届け出るか、"
            f"元に戻してから答申を記録してください（git diff -- {rel}）"
        )
    added = [Opinion(text=text) for text in opinions]
    council = list(entry.council)
    council[index] = item.model_copy(
        update={"answered": day, "result": result, "opinions": [*item.opinions, *added]}
    )
    text = update_text(original, entry.model_copy(update={"council": council}))
    message = answer_message(entry.department, entry.name, wanted, result, day, entry_id)
    return AnswerDraft(
        entry_id=entry_id,
        path=path,
        repo_path=history.entry_path(entry_id),
        original=original,
        text=text,
        head=head,
        message=message,
        day=day,
    )
