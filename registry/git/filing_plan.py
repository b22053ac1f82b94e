"""What a filing will be, or why it is refused: a function of the texts, no git at all.

:func:`plan_filing` takes the entry as edited on disk and as HEAD holds it, and
``registry.toml`` on disk and in HEAD (:class:`FilingInputs`, read by
:mod:`todokede.registry.git.filing`), diffs them, appends the filing (kind, date,
summary, items added and removed), validates the result against the register's rules
and returns the new file text and the commit message (:class:`FilingDraft`). A start
needs a file not yet filed, a change one that differs from HEAD (or ``review``), an
abolition a committed entry. Nothing is written; a refusal of what was asked is a
:class:`~todokede.registry.schema.errors.FilingRefused` (a reason and its fields, worded
by each front end), a file that is not a valid entry a RegisterError naming its line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from todokede.registry.files.filenotes import without_notes_until_filed
from todokede.registry.files.locate import line_of, locate
from todokede.registry.files.store import (
    ENTRIES_DIR,
    REGISTRY_FILE,
    EntryCouncil,
    RegisterError,
    TomlProblem,
    parse_toml,
)
from todokede.registry.files.tomledit import update_text
from todokede.registry.files.tomlread import parse_data, without_bom
from todokede.registry.git.message import filing_message
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.council_rules import (
    MY_NUMBER,
    NO_COUNCIL_RECORD,
    Covering,
    consultation_problem,
    consultations,
    coverings,
    first_council_day,
    needs_council_for_diff,
    reported_problem,
)
from todokede.registry.schema.errors import FilingRefused
from todokede.registry.schema.model import (
    Entry,
    Filing,
    FilingKind,
    RegistryConfig,
)
from todokede.registry.schema.problems import Problem, Violation
from todokede.registry.schema.rules import (
    check_entry_data,
    entry_rule_violations,
    validation_violations,
)
from todokede.registry.views.assessment import filing_assessment_warning
from todokede.registry.views.diff import (
    FIELD_LABELS,
    TABLE_KEYS,
    TABLE_WORDS,
    EntryDiff,
    TableChanges,
    column_labels,
    diff_entry,
)

#: Fields a summary names otherwise than by their label (items and tables by what
#: was added or removed), or not at all (the filings, the status an abolition sets).
_NOT_NAMED_AS_FIELDS: Final = frozenset({"record_items", "filings", "status", *TABLE_KEYS})
#: The list whose tables a summary names one by one in 「」 (the issue's wording).
_FILES: Final = "files"
#: More changed fields of one file than this are 記載事項 as a whole.
_FIELDS_NAMED: Final = 3


@dataclass(frozen=True)
class FilingRequest:
    """What the clerk asked for: ``todokede file ID --kind --date [--summary] [--review]``."""

    entry_id: str
    kind: FilingKind
    day: date
    summary: str | None = None
    review: bool = False
    consultation: str = ""  # --consultation: the 諮問 that covers the change (its number)
    reported: date | None = None  # --reported: the meeting where it was reported


@dataclass(frozen=True)
class FilingInputs:
    """What a filing is a function of: the texts, the register, where they stand."""

    path: Path  # the entry file on disk
    repo_path: str  # its path in the repository
    text: str  # the entry file as edited on disk
    head: str | None  # HEAD's commit (None: no commit yet)
    committed: bytes | None  # HEAD's version of the entry file (None: not in HEAD)
    config: RegistryConfig
    catalog: Catalog
    config_on_disk: str  # registry.toml as on disk
    config_committed: bytes | None  # and as HEAD holds it
    prefix: str = ""  # the register's folder in the repository
    #: The council items of the register's other entries (id, items), as on disk.
    council: tuple[EntryCouncil, ...] = ()


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
    #: Why the council should have heard of this change (empty: nothing to say).
    council_warning: str = ""
    #: What the filing may name as covering it (the dialog offers them).
    coverings: tuple[Covering, ...] = ()
    #: Why the 特定個人情報保護評価 should come first (empty: nothing to say).
    assessment_warning: str = ""

    @property
    def summary(self) -> str:
        return self.filing.summary

    @property
    def journal(self) -> tuple[str, date]:
        """The filing's kind and date, as its journal notes them."""
        return self.filing.kind, self.filing.date


def plan_filing(request: FilingRequest, inputs: FilingInputs) -> FilingDraft:
    """The filing ``request`` asks for, made of ``inputs``; RegisterError when refused."""
    rel = f"{ENTRIES_DIR}/{request.entry_id}.toml"
    data = _parsed(inputs.text, rel)
    entry, violations = check_entry_data(data, inputs.config, inputs.catalog)
    if entry is None:
        raise _first_error(rel, inputs.text, violations)
    if request.kind == "abolish" and request.review:
        raise FilingRefused("abolish-with-review")
    refuse_config_not_committed(inputs)
    committed, _ = parse_data(inputs.committed)
    refuse_kind(request.entry_id, request.kind, committed, entry)
    diff = (
        diff_entry(request.entry_id, committed, data, inputs.catalog)
        if committed is not None
        else None
    )
    refuse_diff(request, entry, diff)
    refuse_council(request, rel, entry, inputs.council)
    summary = (request.summary or "").strip() or summarize(diff, request.kind, request.review)
    result = _validated(_with_filing(entry, request, summary, diff), rel)
    new_text = without_notes_until_filed(update_text(inputs.text, result))  # filed: notes false
    rules = entry_rule_violations(result, inputs.config, inputs.catalog)
    if any(v.severity == "error" for v in rules):
        raise _first_error(rel, new_text, rules)
    return FilingDraft(
        entry_id=request.entry_id,
        path=inputs.path,
        repo_path=inputs.repo_path,
        filing=result.filings[-1],
        entry=result,
        diff=diff,
        original=inputs.text,
        text=new_text,
        head=inputs.head,
        message=filing_message(
            request.kind,
            result.department,
            result.name,
            summary,
            request.day,
            request.entry_id,
            request.review,
        ),
        council_warning=council_warning(request, entry, committed, diff, inputs.council),
        coverings=coverings(
            request.entry_id, _with_others(request.entry_id, entry, inputs.council)
        ),
        assessment_warning=filing_assessment_warning(result, result.filings[-1], inputs.catalog),
    )


# -- the council -----------------------------------------------------------------------


def refuse_council(
    request: FilingRequest,
    rel: str,
    entry: Entry,
    others: tuple[EntryCouncil, ...],
) -> None:
    """Refuse a consultation or a report the register does not hold (one line)."""
    if request.reported is not None and (problem := reported_problem(request.reported, entry)):
        raise RegisterError(f"{rel}: {problem}")
    if request.consultation:
        known = consultations(_with_others(request.entry_id, entry, others))
        if problem := consultation_problem(request.consultation, known):
            raise RegisterError(f"{rel}: {problem}")


def _with_others(
    entry_id: str, entry: Entry, others: tuple[EntryCouncil, ...]
) -> list[tuple[str, Entry]]:
    """The register's council items as entries (this one's as edited on disk)."""
    return [
        (entry_id, entry),
        *(
            (
                other.entry_id,
                entry.model_copy(
                    update={"council": list(other.items), "department": other.department}
                ),
            )
            for other in others
        ),
    ]


def council_warning(
    request: FilingRequest,
    entry: Entry,
    committed: dict[str, Any] | None,
    diff: EntryDiff | None,
    others: tuple[EntryCouncil, ...],
) -> str:
    """「審議会への諮問又は報告の記録がありません」 when a change adds what the
    council must hear of and names neither; as ``check``, only in a register
    recording council business, from its first council item on."""
    if request.kind != "change" or diff is None or request.consultation or request.reported:
        return ""
    first = first_council_day(e for _, e in _with_others(request.entry_id, entry, others))
    if first is None or request.day < first:
        return ""
    needed = needs_council_for_diff(
        entry,
        outsourcing_added=bool(diff.outsourcing.added),
        connections_added=bool(diff.connections.added),
        provisions_added=diff.provisions.added,
        items_added=diff.items_added,
        scope_my_number=_scope_gains_my_number(entry, committed, diff),
    )
    return NO_COUNCIL_RECORD if needed else ""


def _scope_gains_my_number(entry: Entry, committed: dict[str, Any] | None, diff: EntryDiff) -> bool:
    """A contractor's scope names 個人番号 now and did not in HEAD."""
    before: dict[str, str] = {}
    rows = committed.get("outsourcing") if committed else None
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict):
            before[str(row.get("contractor", ""))] = str(row.get("scope", ""))
    return any(
        MY_NUMBER in o.scope and MY_NUMBER not in before.get(o.contractor, "")
        for o in entry.outsourcing
        if o.contractor in diff.outsourcing.changed
    )


# -- the summary -----------------------------------------------------------------------


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
        others: list[str] = []
        if words := _items_rewritten(diff):
            others.append(f"記録項目の{words}")
        for key, word in TABLE_WORDS:
            changes: TableChanges = getattr(diff, key)
            parts += _file_parts(word, changes) if key == _FILES else _table_parts(word, changes)
            if key in diff.changed_fields and not changes:  # moved, or unnamed tables
                others.append(f"{word}の並び" if changes.reordered else FIELD_LABELS[key])
        others += [
            FIELD_LABELS.get(name, name)
            for name in diff.changed_fields
            if name not in _NOT_NAMED_AS_FIELDS
        ]
        if others:
            parts.append(f"{'・'.join(others)}を変更")
    if review:
        parts.append("見直し" if parts else "見直し（変更なし）")
    return "。".join(parts) or "変更"


def _table_parts(word: str, changes: TableChanges) -> list[str]:
    """「委託先を追加: 株式会社○○」…: contractors, connections and provisions."""
    parts: list[str] = []
    if changes.added:
        parts.append(f"{word}を追加: {'、'.join(changes.added)}")
    if changes.removed:
        parts.append(f"{word}を削除: {'、'.join(changes.removed)}")
    if changes.changed:
        parts.append(f"{word}の内容を変更: {'、'.join(changes.changed)}")
    return parts


def _quoted(items: tuple[str, ...]) -> str:
    return "".join(f"「{item}」" for item in items)


def _file_parts(word: str, changes: TableChanges) -> list[str]:
    """「個人情報ファイル「A」「B」を追加」, 「…「C」を削除」, 「…「D」の本人の数を変更」.

    Changed files are named with the fields that changed, files with the same
    fields together; more than three fields (or none known) are its 記載事項.
    """
    parts: list[str] = []
    if changes.added:
        parts.append(f"{word}{_quoted(changes.added)}を追加")
    if changes.removed:
        parts.append(f"{word}{_quoted(changes.removed)}を削除")
    by_fields: dict[str, list[str]] = {}
    for name in changes.changed:
        labels = column_labels(_FILES, changes.columns_of(name))
        what = "・".join(labels) if 0 < len(labels) <= _FIELDS_NAMED else "記載事項"
        by_fields.setdefault(what, []).append(name)
    parts += [f"{word}{_quoted(tuple(names))}の{what}を変更" for what, names in by_fields.items()]
    return parts


def _items_rewritten(diff: EntryDiff) -> str:
    """``並び``, ``表記`` or ``並びと表記``: how the record items changed besides
    items added and removed (a spelling is an alias of the same catalog item)."""
    words = [("並び", diff.items_moved), ("表記", bool(diff.items_respelled))]
    return "と".join(word for word, done in words if done)


# -- the filing appended ---------------------------------------------------------------


def _with_filing(
    entry: Entry, request: FilingRequest, summary: str, diff: EntryDiff | None
) -> dict[str, Any]:
    """The entry's data with the filing appended (and abolished by an abolition)."""
    listed = diff if diff is not None and request.kind != "start" else None
    data = entry.model_dump(mode="python")
    data["filings"].append(
        {
            "date": request.day,
            "kind": request.kind,
            "summary": summary,
            "review": request.review,
            "items_added": list(listed.items_added) if listed else [],
            "items_removed": list(listed.items_removed) if listed else [],
            "consultation": request.consultation,
            "reported": request.reported,
        }
    )
    if request.kind == "abolish":
        data["status"] = "abolished"
    return data


def _validated(data: dict[str, Any], rel: str) -> Entry:
    try:
        return Entry.model_validate(data)
    except ValidationError as error:
        found = validation_violations(error)[0]
        raise RegisterError(f"{rel}: エラー: {found.field}: {found.message}") from None


# -- the refusals ----------------------------------------------------------------------


def _parsed(text: str, rel: str) -> dict[str, Any]:
    try:
        return parse_toml(text)
    except TomlProblem as problem:
        raise RegisterError(Problem(rel, problem.line, "", problem.message).as_text()) from None


def _first_error(rel: str, text: str, violations: list[Violation]) -> RegisterError:
    errors = [v for v in violations if v.severity == "error"]
    first = errors[0]
    problem = Problem(rel, line_of(locate(text), first.loc), first.field, first.message)
    more = (
        f"（ほかに {len(errors) - 1}件。todokede check で確かめてください）"
        if len(errors) > 1
        else ""
    )
    return RegisterError(problem.as_text() + more)


def refuse_kind(
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
            raise FilingRefused("already-filed", entry_id=entry_id)
        if entry.filings:
            raise FilingRefused("filings-before-start", entry_id=entry_id)
        return
    if not filed:
        raise FilingRefused("not-started", entry_id=entry_id)
    last = filings[-1] if isinstance(filings, list) else None
    if isinstance(last, dict) and last.get("kind") == "abolish":
        day = last.get("date")
        raise FilingRefused(
            "abolished",
            entry_id=entry_id,
            name=entry.name,
            day=day if isinstance(day, date) else str(day),
        )


def refuse_diff(request: FilingRequest, entry: Entry, diff: EntryDiff | None) -> None:
    """Refuse rewritten filings, a change that changes nothing, a date before the last."""
    entry_id, day = request.entry_id, request.day
    if request.kind != "start" and diff is not None and "filings" in diff.changed_fields:
        raise FilingRefused("filings-rewritten", entry_id=entry_id)
    if request.kind == "change" and diff is None and not request.review:
        raise FilingRefused("unchanged", entry_id=entry_id)
    if entry.filings and day < entry.filings[-1].date:
        raise FilingRefused("before-last-filing", day=day, last=entry.filings[-1].date)


def refuse_config_not_committed(inputs: FilingInputs) -> None:
    """Refuse while ``registry.toml`` on disk says something else than HEAD's.

    The filing is validated against the file on disk (its departments, its
    catalog) but commits only the entry: HEAD would then hold an entry that its
    own ``registry.toml`` refuses, and sync would share it. Comments and layout
    are no difference (the settings read the same).
    """
    shown = f"{inputs.prefix}{REGISTRY_FILE}"
    if inputs.config_committed is None:
        raise FilingRefused("registry-not-committed", file=REGISTRY_FILE, shown=shown)
    if inputs.config_committed == inputs.config_on_disk.encode("utf-8"):
        return
    before, unreadable = parse_data(inputs.config_committed)
    try:
        after = tomllib.loads(without_bom(inputs.config_on_disk))
    except tomllib.TOMLDecodeError:  # already refused by load_config_or_raise
        after = None
    if unreadable or before != after:
        raise FilingRefused("registry-uncommitted", file=REGISTRY_FILE, shown=shown)
