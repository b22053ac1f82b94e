"""An entry as a form edits it: the text typed, turned into checked entry data.

A :class:`EntryDraft` holds what the user typed, exactly (lists one item per
line, dates as written: ISO or 和暦). :func:`check_draft` turns it into entry
data, validates it with the register's rules and returns every violation
located *in the draft* — ``("record_items", 3)`` is the fourth line the user
typed, blank lines included — so a form can show each message beside its
field. Filings are never edited here: they are the legal record and are copied
from the entry as it is on disk.
"""

from __future__ import annotations

import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel

from todokede.registry.files.filenotes import NOT_FILED_NOTE
from todokede.registry.files.pending import common_git_dir, git_dir_of
from todokede.registry.files.store import EntryFile, RegisterError, entry_path
from todokede.registry.files.tomledit import save_entry
from todokede.registry.files.tomlread import TomlProblem, parse_toml
from todokede.registry.git.locking import lock_timeout, repository_lock
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.fields import ENTRY_FIELDS, FIELDS_BY_KEY, Kind, SetBy, form_keys
from todokede.registry.schema.model import Entry, RegistryConfig, entry_id_problem
from todokede.registry.schema.problems import Loc, Violation
from todokede.registry.schema.rules import check_entry_data
from todokede.registry.schema.wareki import WarekiError, format_wareki, parse_date

#: The fields a draft copies from the entry on disk: the filings and the records.
KEPT_FIELDS: Final = tuple(s.key for s in ENTRY_FIELDS if s.set_by in (SetBy.FILING, SetBy.RECORD))
#: The fields the form edits, by kind (the field table's order).
LIST_FIELDS: Final = form_keys(Kind.TEXT_LIST)
TEXT_FIELDS: Final = form_keys(Kind.TEXT)
BOOL_FIELDS: Final = form_keys(Kind.BOOL)
ROW_FIELDS: Final = form_keys(Kind.ROWS)


@dataclass
class OutsourcingRow:
    """委託: one contractor as typed."""

    contractor: str = ""
    scope: str = ""
    since: str = ""


@dataclass
class ConnectionRow:
    """外部結合: one online link as typed."""

    partner: str = ""
    purpose: str = ""
    since: str = ""


@dataclass
class ProvisionRow:
    """目的外利用・外部提供: one recipient as typed."""

    recipient: str = ""
    basis: str = ""
    kind: str = "provision"


@dataclass
class FileRow:
    """個人情報ファイル: one file as typed (lists one item per line, 本人の数 as digits)."""

    name: str = ""
    kind: str = "computer"
    record_items: str = ""
    scope: str = ""
    persons: str = ""
    collection: str = ""
    recipients: str = ""
    special_procedure: str = ""
    exemption: str = ""
    withheld: str = ""
    unlisted: bool = False
    proposals: bool = False
    since: str = ""
    notes: str = ""


Row = OutsourcingRow | ConnectionRow | ProvisionRow | FileRow
#: The row type of each row list (their fields are the table's columns: the tests).
ROW_TYPES: Final[dict[str, type[Row]]] = {
    "outsourcing": OutsourcingRow,
    "connections": ConnectionRow,
    "provisions": ProvisionRow,
    "files": FileRow,
}
#: Row columns that hold a date (written as ISO or 和暦).
DATE_COLUMNS: Final = frozenset(
    column.key
    for kind in ROW_FIELDS
    for column in FIELDS_BY_KEY[kind].columns
    if column.kind is Kind.DATE
)


#: Row columns by what they hold: lists typed one per line, numbers, flags.
_COLUMN_KINDS: Final = {
    (kind, column.key): column.kind for kind in ROW_FIELDS for column in FIELDS_BY_KEY[kind].columns
}
_ROW_KINDS: Final[dict[type[Row], str]] = {row: kind for kind, row in ROW_TYPES.items()}


def row_columns(kind: str) -> tuple[str, ...]:
    """The column names of a row list, in the form's order."""
    return tuple(column.key for column in FIELDS_BY_KEY[kind].columns)


def _row_is_blank(row: Row) -> bool:
    """Nothing typed: every text column blank (a choice or a flag left as it came
    is not typing)."""
    return all(
        not getattr(row, name).strip()
        for name in row_columns_of(row)
        if isinstance(getattr(row, name), str) and not _is_choice(row, name)
    )


def _is_choice(row: Row, column: str) -> bool:
    return _COLUMN_KINDS.get((_ROW_KINDS[type(row)], column)) is Kind.CHOICE


def row_columns_of(row: Row) -> tuple[str, ...]:
    return tuple(f.name for f in fields(row))


def _typed(value: object) -> str | bool:
    """A column's value as the form shows it: a date in ISO, a list one per line,
    a flag as itself, nothing as blank."""
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return join_lines([str(v) for v in value])
    return "" if value is None else str(value)


def _row_of(kind: str, table: object) -> Row:
    values: dict[str, Any] = {c: _typed(getattr(table, c)) for c in row_columns(kind)}
    return ROW_TYPES[kind](**values)


def _stripped(value: str | bool) -> str | bool:
    return value.strip() if isinstance(value, str) else value


@dataclass
class EntryDraft:
    """An entry's fields as typed in a form."""

    name: str = ""
    department: str = ""
    section: str = ""
    purpose: str = ""
    legal_basis: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    record_items: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    collection_methods: list[str] = field(default_factory=list)
    computer_processing: bool = True
    retention: str = ""
    outsourcing: list[OutsourcingRow] = field(default_factory=list)
    connections: list[ConnectionRow] = field(default_factory=list)
    provisions: list[ProvisionRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)

    @classmethod
    def from_entry(cls, entry: Entry) -> EntryDraft:
        """The draft a form starts from when editing ``entry``."""
        values: dict[str, Any] = {key: getattr(entry, key) for key in TEXT_FIELDS + BOOL_FIELDS}
        values.update((key, list(getattr(entry, key))) for key in LIST_FIELDS)
        values.update(
            (key, [_row_of(key, table) for table in getattr(entry, key)]) for key in ROW_FIELDS
        )
        return cls(**values)

    def normalized(self) -> EntryDraft:
        """The draft as it would be saved: stripped, without blank lines or rows.

        Two drafts that normalise alike save the same file, so a form compares
        normalised drafts to know whether anything was really edited.
        """
        changes: dict[str, Any] = {name: getattr(self, name).strip() for name in TEXT_FIELDS}
        for name in LIST_FIELDS:
            changes[name] = [v.strip() for v in getattr(self, name) if v.strip()]
        for name in ROW_FIELDS:
            changes[name] = [
                replace(row, **{c: _stripped(getattr(row, c)) for c in row_columns_of(row)})
                for row in getattr(self, name)
                if not _row_is_blank(row)
            ]
        return replace(self, **changes)


def split_lines(text: str) -> list[str]:
    """A text area's lines, one item each; trailing blank lines dropped."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def join_lines(items: list[str]) -> str:
    return "\n".join(items)


def read_date(text: str) -> date | None:
    """A typed date (ISO or 和暦), None when blank; WarekiError when unreadable."""
    if not text.strip():
        return None
    return parse_date(text)


def date_reading(text: str) -> str:
    """How a typed date reads: ``平成22年4月1日（2010-04-01）``; empty when blank.

    Raises WarekiError for a date that cannot be read.
    """
    day = read_date(text)
    if day is None:
        return ""
    return f"{format_wareki(day)}（{day.isoformat()}）"


@dataclass(frozen=True)
class DraftCheck:
    """The result of checking a draft: the entry to save, or why not."""

    entry: Entry | None
    violations: list[Violation]

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.entry is not None and not self.errors


@dataclass
class _Built:
    data: dict[str, Any]
    violations: list[Violation]
    positions: dict[str, list[int]]


def _build(draft: EntryDraft, base: Entry | None) -> _Built:
    data: dict[str, Any] = {name: getattr(draft, name).strip() for name in TEXT_FIELDS}
    violations: list[Violation] = []
    positions: dict[str, list[int]] = {}
    for name in LIST_FIELDS:
        kept = [(i, v.strip()) for i, v in enumerate(getattr(draft, name)) if v.strip()]
        positions[name] = [i for i, _ in kept]
        data[name] = [v for _, v in kept]
    data.update((name, getattr(draft, name)) for name in BOOL_FIELDS)
    for name in ROW_FIELDS:
        rows: list[dict[str, Any]] = []
        positions[name] = []
        for index, row in enumerate(getattr(draft, name)):
            if _row_is_blank(row):
                continue
            positions[name].append(index)
            rows.append(_row_data(name, index, row, violations))
        data[name] = rows
    data["status"] = base.status if base is not None else "active"
    for key in KEPT_FIELDS:  # the legal record and the secretariat's, as on disk
        data[key] = _dumped(getattr(base, key)) if base is not None else FIELDS_BY_KEY[key].empty()
    return _Built(data, violations, positions)


def _row_data(name: str, index: int, row: Row, violations: list[Violation]) -> dict[str, Any]:
    """One typed row as entry data; a date or number that cannot be read is a
    violation at its column (and the column is left out)."""
    values: dict[str, Any] = {}
    for column in row_columns_of(row):
        raw = getattr(row, column)
        if isinstance(raw, bool):
            values[column] = raw
            continue
        text = raw.strip()
        kind = _COLUMN_KINDS.get((name, column))
        if column in DATE_COLUMNS:
            try:
                day = read_date(text)
            except WarekiError as error:
                violations.append(Violation((name, index, column), str(error)))
                continue
            if day is not None:
                values[column] = day
        elif kind is Kind.TEXT_LIST:
            values[column] = [line.strip() for line in split_lines(raw) if line.strip()]
        elif kind is Kind.INT:
            number = read_count(text)
            if number is None:
                violations.append(
                    Violation((name, index, column), "0以上の整数で書いてください（例: 85000）")
                )
                continue
            values[column] = number
        else:
            values[column] = text
    return values


def read_count(text: str) -> int | None:
    """A typed whole number (full-width digits and 1,000 separators allowed), None
    when it is not one."""
    folded = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    return int(folded) if folded.isascii() and folded.isdigit() else None


def _dumped(value: object) -> object:
    """A kept field's value as entry data (models as plain data)."""
    if isinstance(value, list):
        return [_dumped(v) for v in value]
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python")
    return value


def _in_draft(loc: Loc, positions: dict[str, list[int]]) -> Loc:
    """A location in the built data moved to the line or row the user typed."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        kept = positions.get(loc[0])
        if kept is not None and 0 <= loc[1] < len(kept):
            return (loc[0], kept[loc[1]], *loc[2:])
    return loc


def check_draft(
    draft: EntryDraft,
    base: Entry | None,
    config: RegistryConfig | None,
    catalog: Catalog | None = None,
) -> DraftCheck:
    """Check a draft with every rule; violations are located in the draft.

    ``base`` is the entry as on disk (None for a new one): its status and
    filings are kept as they are.
    """
    built = _build(draft, base)
    entry, found = check_entry_data(built.data, config, catalog)
    violations = [*built.violations]
    violations.extend(
        Violation(_in_draft(v.loc, built.positions), v.message, v.severity) for v in found
    )
    violations.sort(key=lambda v: _order(v.loc))
    if built.violations or any(v.severity == "error" for v in violations):
        return DraftCheck(None, violations)
    return DraftCheck(entry, violations)


_FIELD_ORDER: Final = {spec.key: index for index, spec in enumerate(ENTRY_FIELDS)}


def _order(loc: Loc) -> tuple[int, tuple[int, ...]]:
    head = loc[0] if loc and isinstance(loc[0], str) else ""
    rest = tuple(part for part in loc[1:] if isinstance(part, int))
    return (_FIELD_ORDER.get(head, len(_FIELD_ORDER)), rest)


def new_id_problem(root: Path, entry_id: str) -> str | None:
    """Why ``entry_id`` cannot name a new entry (invalid or taken), or None."""
    if not entry_id:
        return "業務ID を入力してください（例: kazei-kojin-juminzei）"
    if problem := entry_id_problem(entry_id):
        return problem
    try:
        path = entry_path(root, entry_id)
    except RegisterError as error:  # entries/ or the file is a symbolic link
        return str(error)
    if path.exists():
        return f"業務ID「{entry_id}」は既に使われています"
    return None


class ChangedOnDisk(RegisterError):
    """The entry file is no longer what the form read: saving would overwrite it."""


#: The longest a save waits for a filing or sync of the same repository to end
#: (the TUI waits with it; filings take milliseconds, a sync's push seconds).
SAVE_LOCK_WAIT: Final = 3.0


def save_draft(
    root: Path,
    entry_id: str,
    entry: Entry,
    *,
    new: bool,
    expected_text: str | None = None,
) -> bool:
    """Write a checked entry; a new one refuses an existing file.

    In a git repository the write holds the lock that filings and syncs take,
    so none of them rewrites the file in between. With ``expected_text`` the
    file must still say that (ChangedOnDisk otherwise), compared under the lock.
    Returns False when the file already said the same (nothing written).
    """
    path = entry_path(root, entry_id)
    git_dir = git_dir_of(root)
    lock = (
        repository_lock(common_git_dir(git_dir), min(lock_timeout(), SAVE_LOCK_WAIT))
        if git_dir is not None
        else nullcontext()
    )
    with lock:
        if new:
            if path.exists():
                raise RegisterError(f"業務ID「{entry_id}」は既に使われています")
            path.parent.mkdir(parents=True, exist_ok=True)
            header = (
                f"{entry.department} {entry.name}",
                NOT_FILED_NOTE,
            )
            return save_entry(path, entry, header)
        if not path.is_file():
            raise RegisterError(f"エントリ「{entry_id}」のファイルがありません: {path.name}")
        text = _text_of(path)
        if expected_text is not None and text != expected_text:
            raise ChangedOnDisk(f"{path.name} はこの画面を開いた後に変更されています")
        return save_entry(path, _with_filings_on_disk(entry, text))


def _text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _entry_in(text: str | None) -> Entry | None:
    """The entry ``text`` holds when it is one (problems aside), else None."""
    if text is None:
        return None
    try:
        data = parse_toml(text)
    except TomlProblem:
        return None
    entry, _ = check_entry_data(data, None, None)
    return entry


def _with_filings_on_disk(entry: Entry, text: str | None) -> Entry:
    """``entry`` with the status and filings the file holds now: a filing made
    since the form read the entry (in another terminal) is the legal record and
    stays, whatever base the form started from."""
    disk = _entry_in(text)
    keys = ("status", *KEPT_FIELDS)
    if disk is None or all(getattr(disk, k) == getattr(entry, k) for k in keys):
        return entry
    return entry.model_copy(update={k: getattr(disk, k) for k in keys})


def reread(item: EntryFile, config: RegistryConfig | None, catalog: Catalog) -> EditStart:
    """The entry as its file says it now, and that text, for a form to start from.

    The register may have been loaded long before (a filing or an edit in
    another terminal since): the form shows, and later compares with, one
    reading of the file. A file that no longer holds a valid entry leaves the
    loaded one (the save then asks before overwriting).
    """
    text = _text_of(item.path)
    if text is None:
        return EditStart(item, None)
    try:
        data = parse_toml(text)
    except TomlProblem:
        return EditStart(item, text)
    entry, violations = check_entry_data(data, config, catalog)
    if entry is None or any(v.severity == "error" for v in violations):
        return EditStart(item, text)
    return EditStart(EntryFile(item.id, item.path, entry), text)


@dataclass(frozen=True)
class EditStart:
    """What a form edits: the entry, and the file's text it was read from."""

    item: EntryFile
    text: str | None
