"""The semantic diff: what changed in an entry, and in the register, between versions.

Works on the raw TOML data of each version (``tomllib``), so that any version
of history can be compared, even one today's rules would refuse. Between two
versions of an entry: which fields changed, which record items were added or
removed (compared by the catalog's canonical names, so マイナンバー and 個人番号
are one item), which contractors, connections, provisions and 個人情報ファイル
were added, removed or changed (and, for a changed one, which of its fields),
and which filings were added. Comment and layout changes are no change at all.

A table of a list is known by its first key (a contractor by ``contractor``, a
file by ``name``): a file whose name stays and whose ``persons`` or
``record_items`` change is *changed*; a renamed file is the old name removed and
the new one added, since the name is what the book and its readers know it by. Pure: the versions are read from git by
:mod:`todokede.registry.git.revision_diff` (``todokede diff``) and
:mod:`todokede.registry.git.history`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal

from todokede.registry.files.tomlread import parse_data
from todokede.registry.schema.catalog import Catalog, CatalogItem, builtin_catalog, fold
from todokede.registry.schema.departments import department_index
from todokede.registry.schema.fields import ENTRY_FIELDS, Kind, SetBy

if TYPE_CHECKING:
    from todokede.registry.git.revisions import Revision

DiffStatus = Literal["added", "modified", "removed"]

#: Every field of an entry in the design's order, with its Japanese label.
FIELD_LABELS: Final[dict[str, str]] = {spec.key: spec.label for spec in ENTRY_FIELDS}
#: What a field holds when a file leaves it out (None: a required field).
DEFAULTS: Final[dict[str, Any]] = {spec.key: spec.empty() for spec in ENTRY_FIELDS}
_TABLES: Final = [s for s in ENTRY_FIELDS if s.kind is Kind.ROWS and s.set_by is SetBy.FORM]
#: The lists of tables, each with the word a summary or a diff line names it by
#: (外部結合: the column of the 個人情報ファイル簿).
TABLE_WORDS: Final = tuple((spec.key, spec.word) for spec in _TABLES)
#: The key that names one table of each list of tables.
TABLE_KEYS: Final[dict[str, str]] = {spec.key: spec.columns[0].key for spec in _TABLES}
#: The fields of one table of each list, in the field table's order, with their labels.
COLUMN_LABELS: Final[dict[str, dict[str, str]]] = {
    spec.key: {column.key: column.label for column in spec.columns} for spec in _TABLES
}
_ROWS: Final = frozenset(spec.key for spec in ENTRY_FIELDS if spec.kind is Kind.ROWS)


@dataclass(frozen=True)
class FieldChange:
    """One changed field with its values before and after (None: absent)."""

    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class FilingNote:
    """A filing that one version has and the other has not."""

    date: str
    kind: str
    summary: str
    review: bool = False
    items_added: tuple[str, ...] = ()
    items_removed: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"date": self.date, "kind": self.kind, "summary": self.summary}


@dataclass(frozen=True)
class TableChanges:
    """Tables of one list (contractors, connections, provisions, files) by their key.

    ``columns`` has, for each changed table that a diff compared, its name and the
    keys of its fields that changed (in the field table's order); a hand-built
    value may leave it out.
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The tables both versions hold stand in another order.
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def columns_of(self, name: str) -> tuple[str, ...]:
        """The keys of the fields that changed in the table ``name`` (empty: not known)."""
        return next((keys for known, keys in self.columns if known == name), ())


@dataclass(frozen=True)
class EntryDiff:
    """What changed in one entry between two versions."""

    entry: str
    status: DiffStatus
    name: str
    department: str
    changed_fields: tuple[str, ...] = ()
    items_added: tuple[str, ...] = ()
    items_removed: tuple[str, ...] = ()
    #: Items kept under another spelling of the same catalog item: (before, after).
    items_respelled: tuple[tuple[str, str], ...] = ()
    #: The items both versions hold stand in another order.
    items_reordered: bool = False
    outsourcing: TableChanges = field(default_factory=TableChanges)
    connections: TableChanges = field(default_factory=TableChanges)
    provisions: TableChanges = field(default_factory=TableChanges)
    files: TableChanges = field(default_factory=TableChanges)
    filings_added: tuple[FilingNote, ...] = ()
    field_changes: tuple[FieldChange, ...] = ()
    unreadable: bool = False

    @property
    def items_moved(self) -> bool:
        """The record items stand in another order, nothing added or removed (a
        change only of spelling is not a move; a hand-built diff without the
        details counts as one)."""
        return (
            "record_items" in self.changed_fields
            and not (self.items_added or self.items_removed)
            and (self.items_reordered or not self.items_respelled)
        )

    @property
    def contractors_added(self) -> tuple[str, ...]:
        return self.outsourcing.added

    @property
    def contractors_removed(self) -> tuple[str, ...]:
        return self.outsourcing.removed

    def as_json(self) -> dict[str, Any]:
        """The contract's keys, then extra keys a reader may ignore."""
        return {
            "entry": self.entry,
            "status": self.status,
            "changed_fields": list(self.changed_fields),
            "items_added": list(self.items_added),
            "items_removed": list(self.items_removed),
            "name": self.name,
            "department": self.department,
            "contractors_added": list(self.outsourcing.added),
            "contractors_removed": list(self.outsourcing.removed),
            "connections_added": list(self.connections.added),
            "connections_removed": list(self.connections.removed),
            "provisions_added": list(self.provisions.added),
            "provisions_removed": list(self.provisions.removed),
            "files_added": list(self.files.added),
            "files_removed": list(self.files.removed),
            "files_changed": list(self.files.changed),
            "filings_added": [f.as_json() for f in self.filings_added],
        }


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _table(value: Any) -> dict[str, Any]:
    """A table without its default values, so that ``scope = ""`` equals no scope."""
    if not isinstance(value, Mapping):
        return {"": value}
    return {k: v for k, v in value.items() if v not in ("", None, False, [])}


def _normal(key: str, data: Mapping[str, Any]) -> Any:
    value = data.get(key, DEFAULTS.get(key))
    if key in _ROWS:
        return [_table(item) for item in value] if isinstance(value, list) else value
    return value


def _present(key: str, data: Mapping[str, Any]) -> bool:
    return key in data and _normal(key, data) != _normal(key, {})


def _item_changes(
    before: Sequence[str], after: Sequence[str], catalog: Catalog
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    old = {catalog.canonical(item) for item in before}
    new = {catalog.canonical(item) for item in after}
    added = tuple(dict.fromkeys(i for i in after if catalog.canonical(i) not in old))
    removed = tuple(dict.fromkeys(i for i in before if catalog.canonical(i) not in new))
    return added, removed


def _first_spellings(items: Sequence[str], catalog: Catalog) -> dict[str, str]:
    """Canonical name → the item as first written, in the list's order."""
    found: dict[str, str] = {}
    for item in items:
        found.setdefault(catalog.canonical(item), item)
    return found


def _item_rewrites(
    before: Sequence[str], after: Sequence[str], catalog: Catalog
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """Items spelled otherwise (マイナンバー → 個人番号), and whether the items both
    versions hold changed their order; both compared by canonical names."""
    old, new = _first_spellings(before, catalog), _first_spellings(after, catalog)
    respelled = tuple((old[key], new[key]) for key in new if key in old and old[key] != new[key])
    reordered = [key for key in old if key in new] != [key for key in new if key in old]
    return respelled, reordered


def _keyed(key: str, tables: Any) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for table in tables if isinstance(tables, list) else []:
        normal = _table(table)
        name = normal.get(TABLE_KEYS[key])
        if isinstance(name, str):
            found.setdefault(name, normal)
    return found


def _changed_columns(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields of one table that differ: the field table's order, then unknown keys."""
    known = COLUMN_LABELS[key]
    extra = sorted((set(old) | set(new)) - set(known))
    return tuple(c for c in (*known, *extra) if old.get(c) != new.get(c))


def _table_changes(key: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> TableChanges:
    old, new = _keyed(key, before.get(key)), _keyed(key, after.get(key))
    changed = tuple(k for k in new if k in old and new[k] != old[k])
    return TableChanges(
        added=tuple(k for k in new if k not in old),
        removed=tuple(k for k in old if k not in new),
        changed=changed,
        columns=tuple((k, _changed_columns(key, old[k], new[k])) for k in changed),
        reordered=[k for k in old if k in new] != [k for k in new if k in old],
    )


#: How a change names a field whose label is a checkbox's statement, not a noun.
_CHANGED_AS: Final[dict[tuple[str, str], str]] = {
    ("files", "unlisted"): "ファイル全体の記載の有無",
}


def column_labels(key: str, columns: Sequence[str]) -> list[str]:
    """The fields of a table of the list ``key`` as a change names them (本人の数, 記録項目)."""
    labels = COLUMN_LABELS.get(key, {})
    return [_CHANGED_AS.get((key, column), labels.get(column, column)) for column in columns]


def _filing_note(table: Mapping[str, Any]) -> FilingNote:
    day = table.get("date")
    return FilingNote(
        date=day.isoformat() if isinstance(day, date) else str(day or ""),
        kind=_text(table.get("kind")),
        summary=_text(table.get("summary")),
        review=table.get("review") is True,
        items_added=tuple(_strings(table.get("items_added"))),
        items_removed=tuple(_strings(table.get("items_removed"))),
    )


def _filings_added(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FilingNote, ...]:
    old = _normal("filings", before)
    new = _normal("filings", after)
    if not isinstance(new, list):
        return ()
    known = old if isinstance(old, list) else []
    return tuple(_filing_note(t) for t in new if t not in known and isinstance(t, Mapping))


def diff_entry(
    entry_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    catalog: Catalog | None = None,
    unreadable: bool = False,
) -> EntryDiff | None:
    """What changed from ``before`` to ``after`` (None: absent); None when nothing did."""
    if before is None and after is None:
        return None
    catalog = catalog or builtin_catalog()
    status: DiffStatus = "added" if before is None else "removed" if after is None else "modified"
    old: Mapping[str, Any] = before or {}
    new: Mapping[str, Any] = after or {}
    extra = sorted((set(old) | set(new)) - set(FIELD_LABELS))
    keys = [*FIELD_LABELS, *extra]
    if status == "modified":
        changed = [k for k in keys if _normal(k, old) != _normal(k, new)]
    else:
        changed = [k for k in keys if _present(k, new if status == "added" else old)]
    if not changed and not unreadable:
        return None
    items_before, items_after = _strings(old.get("record_items")), _strings(new.get("record_items"))
    added, removed = _item_changes(items_before, items_after, catalog)
    respelled, reordered = (
        _item_rewrites(items_before, items_after, catalog)
        if status == "modified" and "record_items" in changed
        else ((), False)
    )
    shown = new if after is not None else old
    return EntryDiff(
        entry=entry_id,
        status=status,
        name=_text(shown.get("name")) or _text(old.get("name")),
        department=_text(shown.get("department")) or _text(old.get("department")),
        changed_fields=tuple(changed),
        items_added=added,
        items_removed=removed,
        items_respelled=respelled,
        items_reordered=reordered,
        outsourcing=_table_changes("outsourcing", old, new),
        connections=_table_changes("connections", old, new),
        provisions=_table_changes("provisions", old, new),
        files=_table_changes("files", old, new),
        filings_added=_filings_added(old, new),
        field_changes=tuple(
            FieldChange(k, FIELD_LABELS.get(k, k), old.get(k) if k in old else None, new.get(k))
            for k in changed
        ),
        unreadable=unreadable,
    )


def diff_entry_bytes(
    entry_id: str, before: bytes | None, after: bytes | None, catalog: Catalog | None = None
) -> EntryDiff | None:
    """:func:`diff_entry` of two file contents (None: no such file)."""
    old, old_bad = parse_data(before)
    new, new_bad = parse_data(after)
    return diff_entry(entry_id, old, new, catalog, unreadable=old_bad or new_bad)


# -- the whole register ----------------------------------------------------------------


@dataclass(frozen=True)
class RegisterDiff:
    """Entries added, modified and removed between two versions of the register."""

    source: Revision
    target: Revision
    entries: list[EntryDiff]
    config_changed: bool = False

    def count(self, status: DiffStatus) -> int:
        return sum(1 for e in self.entries if e.status == status)

    def as_json(self) -> dict[str, Any]:
        """The contract's shape: ``{"from", "to", "entries": [...]}``."""
        return {
            "from": self.source.label,
            "to": self.target.label,
            "entries": [e.as_json() for e in self.entries],
        }


def catalog_from_config(raw: bytes | None) -> tuple[Catalog, list[str]]:
    """The catalog and department order of a ``registry.toml`` (lenient: history)."""
    data, _ = parse_data(raw)
    data = data or {}
    extra: list[CatalogItem] = []
    section = data.get("catalog")
    items = section.get("items") if isinstance(section, Mapping) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            extra.append(
                CatalogItem(
                    fold(item["name"]),
                    _text(item.get("category")),
                    item.get("sensitive") is True,
                    item.get("my_number") is True,
                    tuple(_strings(item.get("aliases"))),
                )
            )
    return builtin_catalog(extra), _strings(data.get("departments"))


def register_order(
    departments: list[str],
) -> Callable[[EntryDiff], tuple[int, str, str]]:
    """The order of a register's diffs: by department (the register's order), name, id."""

    def key(diff: EntryDiff) -> tuple[int, str, str]:
        return department_index(departments, diff.department), diff.name, diff.entry

    return key
