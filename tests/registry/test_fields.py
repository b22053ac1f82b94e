"""The field table agrees with the pydantic model, and what is derived from it agrees too.

:func:`differences` compares a model with a table: the same keys in the same order,
the same required-ness, defaults and kinds, row models against their columns. A
fake model or a fake table shows that it fails when a field is added to one only.
"""

from __future__ import annotations

import ast
import re
import types
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from todokede.registry.schema import fields as field_table
from todokede.registry.schema.fields import ENTRY_FIELDS, FIELDS_BY_KEY, FieldSpec, Kind, SetBy
from todokede.registry.schema.model import Entry, Filing
from todokede.registry.views.diff import DEFAULTS, FIELD_LABELS, TABLE_KEYS, TABLE_WORDS
from todokede.registry.views.draft import (
    BOOL_FIELDS,
    LIST_FIELDS,
    ROW_FIELDS,
    ROW_TYPES,
    TEXT_FIELDS,
    EntryDraft,
)

JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


def _kind(annotation: Any) -> tuple[Kind, type[BaseModel] | None, tuple[str, ...]]:
    """A model field's kind, its row model (ROWS) and its values (CHOICE)."""
    if get_origin(annotation) in (Union, types.UnionType):  # ``date | None``
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is Annotated:  # constraints aside
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Literal:
        return Kind.CHOICE, None, get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Kind.TABLE, annotation, ()
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Kind.ROWS, item, ()
        return Kind.TEXT_LIST, None, ()
    simple = {str: Kind.TEXT, bool: Kind.BOOL, int: Kind.INT, date: Kind.DATE}
    return simple[annotation], None, ()


def differences(model: type[BaseModel], table: tuple[FieldSpec, ...]) -> list[str]:
    """Where ``model`` and ``table`` disagree (empty: they agree), rows included."""
    found: list[str] = []
    keys, specs = list(model.model_fields), [spec.key for spec in table]
    if keys != specs:
        found.append(f"{model.__name__}: the model has {keys}, the table {specs}")
    by_key = {spec.key: spec for spec in table}
    for key, info in model.model_fields.items():
        spec = by_key.get(key)
        if spec is None:
            continue
        if info.is_required() != spec.required:
            found.append(f"{key}: required {info.is_required()} in the model")
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        if default != spec.empty():
            found.append(f"{key}: default {default!r} in the model, {spec.empty()!r} in the table")
        kind, rows, values = _kind(info.annotation)
        if kind is not spec.kind:
            found.append(f"{key}: {kind.value} in the model, {spec.kind.value} in the table")
        if values != tuple(value for value, _ in spec.choices):
            found.append(f"{key}: choices {values} in the model")
        if rows is not None:
            found.extend(f"{key}.{problem}" for problem in differences(rows, spec.columns))
    return found


def test_the_table_is_the_model() -> None:
    assert differences(Entry, ENTRY_FIELDS) == []


def test_a_field_added_to_the_model_alone_is_found() -> None:
    class FakeEntry(Entry):
        phone: str = ""

    assert differences(FakeEntry, ENTRY_FIELDS) == [
        f"FakeEntry: the model has {[*Entry.model_fields, 'phone']}, "
        f"the table {[s.key for s in ENTRY_FIELDS]}"
    ]


def test_a_field_added_to_the_table_alone_is_found() -> None:
    table = (*ENTRY_FIELDS, FieldSpec("phone", "電話番号", Kind.TEXT, default=""))
    assert len(differences(Entry, table)) == 1


def _changed(key: str, **changes: Any) -> tuple[FieldSpec, ...]:
    return tuple(replace(s, **changes) if s.key == key else s for s in ENTRY_FIELDS)


@pytest.mark.parametrize(
    ("key", "changes", "found"),
    [
        ("section", {"required": True}, "section: required False in the model"),
        ("computer_processing", {"default": False}, "computer_processing: default True"),
        ("retention", {"kind": Kind.TEXT_LIST}, "retention: text in the model, text list"),
        ("status", {"choices": (("active", "届出中"),)}, "status: choices ('active', 'abolished')"),
        ("outsourcing", {"columns": FIELDS_BY_KEY["outsourcing"].columns[:2]}, "outsourcing."),
    ],
)
def test_required_ness_defaults_kinds_choices_and_columns_are_compared(
    key: str, changes: dict[str, Any], found: str
) -> None:
    assert any(d.startswith(found) for d in differences(Entry, _changed(key, **changes)))


def test_a_column_added_to_a_row_model_alone_is_found() -> None:
    class FakeFiling(Filing):
        signed_by: str = ""

    assert len(differences(FakeFiling, FIELDS_BY_KEY["filings"].columns)) == 1


def _every_field(table: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    return [found for spec in table for found in (spec, *_every_field(spec.columns))]


def test_every_label_is_japanese_and_so_is_every_help_line() -> None:
    for spec in _every_field(ENTRY_FIELDS):
        assert JAPANESE.search(spec.label), spec.key
        for text in (spec.help, spec.prompt, spec.heading, spec.word):
            assert not text or JAPANESE.search(text), (spec.key, text)
        assert all(JAPANESE.search(label) for _, label in spec.choices), spec.key


def test_the_diff_and_the_drafts_are_derived_from_the_table() -> None:
    assert list(FIELD_LABELS) == list(DEFAULTS) == [s.key for s in ENTRY_FIELDS]
    assert FIELD_LABELS["provisions"] == "提供先"
    assert TABLE_WORDS == (
        ("outsourcing", "委託先"),
        ("connections", "外部結合"),
        ("provisions", "提供先"),
        ("files", "個人情報ファイル"),
    )
    assert TABLE_KEYS == {
        "outsourcing": "contractor",
        "connections": "partner",
        "provisions": "recipient",
        "files": "name",
    }
    form = [s.key for s in ENTRY_FIELDS if s.set_by is SetBy.FORM]
    assert [f.name for f in fields(EntryDraft)] == form
    assert sorted(TEXT_FIELDS + LIST_FIELDS + BOOL_FIELDS + ROW_FIELDS) == sorted(form)
    for kind, row_type in ROW_TYPES.items():
        assert [f.name for f in fields(row_type)] == [c.key for c in FIELDS_BY_KEY[kind].columns]


def test_rows_are_named_by_their_first_column_which_is_required() -> None:
    for spec in ENTRY_FIELDS:
        if spec.kind is Kind.ROWS and spec.set_by is SetBy.FORM:
            assert spec.columns[0].required, spec.key


def test_the_table_imports_no_pydantic() -> None:
    tree = ast.parse(Path(field_table.__file__).read_text("utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
        )
    }
    assert not {name for name in imported if name and name.split(".")[0] == "pydantic"}
