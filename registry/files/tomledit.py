"""Write entries as TOML, keeping a file's comments and layout (tomlkit).

Only what changed is touched: a scalar keeps its trailing comment, an array is
edited element by element so comments inside it survive, a ``[[filings]]``
table gains or loses tables without the others being rewritten. Saving an
unchanged entry gives back the file byte for byte.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import tomlkit
from pydantic import BaseModel, ValidationError
from tomlkit.container import Container
from tomlkit.items import AoT, Array, Item, Table

from todokede.registry.files.store import atomic_write
from todokede.registry.files.tomlread import BOM, without_bom
from todokede.registry.schema.model import (
    Connection,
    CouncilItem,
    Entry,
    Filing,
    MyNumberAssessment,
    Opinion,
    Outsourcing,
    PersonalFile,
    Provision,
)

TABLE_LISTS: Final[dict[str, type[BaseModel]]] = {
    "outsourcing": Outsourcing,
    "connections": Connection,
    "provisions": Provision,
    "files": PersonalFile,
    "council": CouncilItem,
    "filings": Filing,
}
#: Lists of tables inside a table of a list: ``[[council.opinions]]``.
NESTED_LISTS: Final[dict[tuple[type[BaseModel], str], type[BaseModel]]] = {
    (CouncilItem, "opinions"): Opinion,
}
#: Single tables of an entry: ``[my_number_assessment]``.
SINGLE_TABLES: Final[dict[str, type[BaseModel]]] = {
    "my_number_assessment": MyNumberAssessment,
}
#: Written even when they hold their default, so a reader sees them.
ALWAYS_WRITTEN: Final = frozenset({"computer_processing", "status"})

Doc = Container | Table


@functools.cache
def _defaults(model: type[BaseModel]) -> Mapping[str, Any]:
    """Each optional field's default, read once per model: pydantic inspects a
    default factory's signature on every call (a millisecond: most of writing a
    new file). Only compared with, never handed out."""
    return MappingProxyType(
        {
            name: field.get_default(call_default_factory=True)
            for name, field in model.model_fields.items()
            if not field.is_required()
        }
    )


def _is_default(model: type[BaseModel], key: str, value: Any, new_file: bool = False) -> bool:
    defaults = _defaults(model)
    shown = new_file and key in ALWAYS_WRITTEN
    return key in defaults and defaults[key] == value and not shown


def _plain(item: Any) -> Any:
    return item.unwrap() if isinstance(item, Item | Container) else item


def _edit_array(array: Array, old: Sequence[Any], new: Sequence[Any]) -> None:
    """Turn ``array`` into ``new`` by inserting and deleting, keeping comments."""
    matcher = SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        for index in range(i2 - 1, i1 - 1, -1):
            del array[index]
        for offset, value in enumerate(new[j1:j2]):
            array.insert(i1 + offset, value)


def _set(doc: Doc, model: type[BaseModel], key: str, value: Any, new_file: bool = False) -> None:
    present = key in doc
    if value is None:
        if present:
            del doc[key]
        return
    if not present:
        if not _is_default(model, key, value, new_file):
            doc[key] = value
        return
    current = doc[key]
    old = _plain(current)
    if old == value and type(old) is type(value):
        return
    if (
        isinstance(current, Array)
        and isinstance(value, list)
        and all(not isinstance(v, Mapping) for v in (*old, *value))
    ):
        _edit_array(current, old, value)
    else:
        doc[key] = value


def _table(model: type[BaseModel], data: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    for key, value in data.items():
        if value is None or _is_default(model, key, value):
            continue
        nested = NESTED_LISTS.get((model, key))
        if nested is not None:
            aot = tomlkit.aot()
            for row in value:
                aot.append(_table(nested, row))
            table[key] = aot
        else:
            table[key] = value
    return table


def _sync_table(doc: Doc, key: str, model: type[BaseModel], new: Mapping[str, Any] | None) -> None:
    """One table (``[key]``) made to hold ``new`` (None: removed), its comments kept."""
    current = doc.get(key)
    if new is None:
        if current is not None:
            del doc[key]
        return
    if not isinstance(current, Table):
        doc[key] = _table(model, new)
        return
    if _same(model, current.unwrap(), new):
        return
    for field, value in new.items():
        _set(current, model, field, value)


def _same(model: type[BaseModel], old: Any, new: Mapping[str, Any]) -> bool:
    try:
        return model.model_validate(old).model_dump() == dict(new)
    except ValidationError:
        return False


def _sync_tables(
    doc: Doc, key: str, model: type[BaseModel], new: Sequence[Mapping[str, Any]]
) -> None:
    current = doc.get(key)
    if current is None:
        if new:
            aot = tomlkit.aot()
            for data in new:
                aot.append(_table(model, data))
            doc[key] = aot
        return
    if not new and isinstance(current, AoT):
        del doc[key]  # an empty AoT would be written as `key = []` at the top of the file
        return
    if not isinstance(current, AoT):
        if [_plain(t) for t in current] != [_table(model, d).unwrap() for d in new]:
            doc[key] = [dict(_table(model, d).unwrap()) for d in new]
        return
    for index, data in enumerate(new[: len(current)]):
        table = current[index]
        if _same(model, table.unwrap(), data):
            continue
        for field, value in data.items():
            nested = NESTED_LISTS.get((model, field))
            if nested is not None:
                _sync_tables(table, field, nested, value)
            else:
                _set(table, model, field, value)
    for index in range(len(current) - 1, len(new) - 1, -1):
        del current[index]
    for data in new[len(current) :]:
        table = _table(model, data)
        if len(current):
            # Keep one blank line between tables, and before what follows the list.
            last = current[len(current) - 1]
            if last.as_string().endswith("\n\n"):
                table.add(tomlkit.nl())
            else:
                last.add(tomlkit.nl())
        current.append(table)


def update_text(text: str, entry: Entry, new_file: bool = False) -> str:
    """The file text with the entry's values, its comments and layout kept (a byte
    order mark at its start too: tomlkit cannot parse one, so it is set aside)."""
    doc = tomlkit.parse(without_bom(text))
    data = entry.model_dump(mode="python")
    for key in Entry.model_fields:
        if key in TABLE_LISTS:
            _sync_tables(doc, key, TABLE_LISTS[key], data[key])
        elif key in SINGLE_TABLES:
            _sync_table(doc, key, SINGLE_TABLES[key], data[key])
        else:
            _set(doc, Entry, key, data[key], new_file)
    mark = BOM if text.startswith(BOM) else ""
    return mark + tomlkit.dumps(doc)


def render_new(entry: Entry, header: Sequence[str] = ()) -> str:
    """A new entry file in the field order of the design."""
    doc = tomlkit.document()
    for line in header:
        doc.add(tomlkit.comment(line))
    if header:
        doc.add(tomlkit.nl())
    return update_text(tomlkit.dumps(doc), entry, new_file=True)


def save_entry(path: Path, entry: Entry, header: Sequence[str] = ()) -> bool:
    """Write an entry atomically; False when the file already says the same."""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        new = update_text(old, entry)
        if new == old:
            return False
    else:
        new = render_new(entry, header)
    atomic_write(path, new)
    return True
