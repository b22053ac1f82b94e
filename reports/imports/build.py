"""Records made into entries: fields read, 課 and items checked, rows of one 事務 grouped.

A sheet with a file-name column is per file: the rows naming the same 事務 (its
name and 課) become one entry holding one file per row, the entry's record
items the union of its files'. A sheet without one is per process: each row is
an entry, given one file named after it and marked for review (its 本人の数 is
unknown). Every value that cannot be read is a problem at its cell; an entry
whose required fields are missing is not built. Pure: nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.reports.imports.ids import make_id
from todokede.reports.imports.mapping import Mapping as ImportMapping
from todokede.reports.imports.records import Problem, Record
from todokede.reports.imports.values import (
    ValueProblem,
    read_date,
    read_int,
    read_text,
    read_yes,
    split_list,
)

#: The note on a file made from a per-process row.
MADE_FILE_NOTE: Final = (
    "取り込み時に業務の行から作成したファイルです。名称・本人の数・記録範囲を確認してください"
)
_COMPUTER: Final = ("電算", "電子", "computer", "システム", "電子計算機")
#: What a names cell says when there is none (経常的提供先「なし」).
_NONE: Final = frozenset({"なし", "無", "無し", "該当なし", "特になし", "-", "－", "―", "ー"})
#: Stands for 「・」 inside a catalog item while a cell is split (「診療・調剤情報」).
_KEPT_DOT: Final = "\u2060"
_MANUAL: Final = ("マニュアル", "紙", "manual", "手作業", "台帳")


@dataclass
class Imported:
    """An entry the import would write, with where it came from."""

    entry_id: str
    source: str
    """The key a later import recognises it by (file, sheet, 課 and name)."""
    entry: Entry
    started: date | None
    rows: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Built:
    """What the records make: the entries, the 課 to add, and the problems."""

    entries: list[Imported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)


@dataclass
class _Group:
    key: tuple[str, str]
    records: list[Record] = field(default_factory=list)


def build_entries(
    records: Iterable[Record],
    *,
    source: str,
    per_file: bool,
    config: RegistryConfig,
    catalog: Catalog,
    mapping: ImportMapping,
    taken: set[str],
    add_departments: bool = False,
) -> Built:
    """The entries ``records`` make (``taken``: ids already used; extended here)."""
    built = Built()
    groups: dict[tuple[str, str], _Group] = {}
    for record in records:
        name = record.text("name") or (record.text("file_name") if per_file else "")
        department = resolve_department(mapping.department(record.text("department")), config)
        if not name:
            column = record.first("name")[0]
            built.problems.append(
                Problem(record.sheet, record.row, column, "業務の名称がないため読み込みません")
            )
            continue
        groups.setdefault((department, name), _Group((department, name))).records.append(record)
    known = set(config.departments)
    for (department, name), group in groups.items():
        first = group.records[0]
        if not department:
            built.problems.append(
                Problem(first.sheet, first.row, None, f"「{name}」の担当課がありません")
            )
            continue
        if department not in known:
            if add_departments:
                known.add(department)
                built.new_departments.append(department)
            else:
                column = first.first("department")[0]
                built.problems.append(
                    Problem(
                        first.sheet,
                        first.row,
                        column,
                        f"担当課「{department}」は registry.toml の departments にありません"
                        "（--add-departments で加えるか、--mapping の [departments] で読み替えてください）",
                    )
                )
                continue
        made = _entry(group, department, name, per_file, catalog, mapping, built.problems)
        if made is None:
            continue
        data, started = made
        entry_id = make_id(department, name, taken)
        taken.add(entry_id)
        try:
            entry = Entry.model_validate(data)
        except Exception as error:  # pydantic's message, one line per field
            built.problems.append(
                Problem(
                    first.sheet, first.row, None, f"「{name}」を作れません: {_first_line(error)}"
                )
            )
            continue
        built.entries.append(
            Imported(
                entry_id,
                f"{source}|{first.sheet}|{department}|{name}",
                entry,
                started,
                [(r.sheet, r.row) for r in group.records],
            )
        )
    return built


def resolve_department(text: str, config: RegistryConfig) -> str:
    """The 課 a cell names: as written, or without the 部 written before it
    (「市民部課税課」 is 課税課 when 市民部 holds it in ``[divisions]``), spaces dropped."""
    text = "".join(text.split())
    if text in config.departments:
        return text
    for division, departments in config.divisions.items():
        rest = text.removeprefix(division)
        if rest != text and rest in departments:
            return rest
    return text


def _first_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "、".join(lines[1:3]) if len(lines) > 1 else (lines[0] if lines else "")


class _Reader:
    """The cells of one record read as values, each problem at its cell."""

    def __init__(self, record: Record, problems: list[Problem]) -> None:
        self.record = record
        self.problems = problems

    def problem(self, column: int | None, message: str, severity: str = "error") -> None:
        self.problems.append(
            Problem(
                self.record.sheet,
                self.record.row,
                column,
                message,
                "warning" if severity == "warning" else "error",
            )
        )

    def read(self, name: str, reader: Callable[[Any], Any]) -> Any:
        column, value = self.record.first(name)
        if column is None:
            return None
        try:
            return reader(value)
        except ValueProblem as problem:
            self.problem(column, str(problem))
            return None

    def items(self, catalog: Catalog) -> list[str]:
        """The record items written in the cell and ticked, through the catalog."""
        found: list[str] = []
        unknown: list[tuple[int, str]] = []
        dotted = [
            label
            for known in catalog.items
            for label in (known.name, *known.aliases)
            if "・" in label
        ]
        cells = [(c, v) for c, v in self.record.cells.get("record_items", [])]
        written = [(c, item) for c, v in cells for item in _split_items(v, dotted)]
        for column, item in [*written, *self.record.ticked]:
            known = catalog.lookup(item)
            name = known.name if known is not None else item
            if known is None:
                unknown.append((column, item))
            if name not in found:
                found.append(name)
        for column, item in unknown:
            self.problem(
                column,
                f"記録項目「{item}」は項目一覧にありません（そのまま取り込みます）",
                "warning",
            )
        return found


def _split_items(value: Any, dotted: list[str]) -> list[str]:
    """A cell's record items, a catalog item holding 「・」 kept whole."""
    if not isinstance(value, str):
        return split_list(value)
    for label in sorted(dotted, key=len, reverse=True):
        value = value.replace(label, label.replace("・", _KEPT_DOT))
    return [item.replace(_KEPT_DOT, "・") for item in split_list(value)]


def names(value: Any) -> list[str]:
    """The names in a cell (委託先, 結合先, 提供先); 「なし」 is none."""
    return [name for name in split_list(value) if name not in _NONE]


def _entry(
    group: _Group,
    department: str,
    name: str,
    per_file: bool,
    catalog: Catalog,
    mapping: ImportMapping,
    problems: list[Problem],
) -> tuple[dict[str, Any], date | None] | None:
    first = _Reader(group.records[0], problems)
    record = group.records[0]
    files: list[dict[str, Any]] = []
    items: list[str] = []
    for row in group.records:
        reader = _Reader(row, problems)
        row_items = reader.items(catalog)
        items += [i for i in row_items if i not in items]
        if per_file:
            made = _file(reader, row_items, mapping)
            if made is not None:
                files.append(made)
    purpose = record.text("purpose")
    subjects = split_list(record.first("subjects")[1]) or split_list(record.first("scope")[1])
    missing = [
        label
        for label, value in (("目的", purpose), ("対象者の範囲", subjects), ("記録項目", items))
        if not value
    ]
    if missing:
        first.problem(None, f"「{name}」の{'・'.join(missing)}がないため読み込みません")
        return None
    computer = first.read("computer", read_yes)
    data: dict[str, Any] = {
        "name": name,
        "department": department,
        "purpose": purpose,
        "legal_basis": split_list(record.first("legal_basis")[1]),
        "subjects": subjects,
        "record_items": items,
        "sources": split_list(record.first("sources")[1]),
        "collection_methods": split_list(record.first("collection_methods")[1]),
        "retention": record.text("retention"),
    }
    if computer is not None:
        data["computer_processing"] = computer
    contractors = names(record.first("contractors")[1])
    if first.read("outsourcing", read_yes) and not contractors:
        first.problem(
            record.first("outsourcing")[0], "委託「有」ですが委託先がありません", "warning"
        )
    data["outsourcing"] = [{"contractor": c} for c in contractors]
    data["connections"] = [{"partner": p} for p in names(record.first("connections")[1])]
    if not per_file:
        data["provisions"] = [{"recipient": r} for r in names(record.first("recipients")[1])]
        files.append(
            {
                "name": f"{name}ファイル",
                "kind": "computer" if computer is not False else "manual",
                "record_items": items,
                "persons": 0,
                "notes": MADE_FILE_NOTE,
            }
        )
        first.problem(
            None,
            f"ファイル「{name}ファイル」を業務の行から作成しました（本人の数は 0 としています。確認してください）",
            "warning",
        )
    data["files"] = files
    started = first.read("started", read_date)
    return data, started


def _file(reader: _Reader, items: list[str], mapping: ImportMapping) -> dict[str, Any] | None:
    record = reader.record
    file_name = record.text("file_name")
    if not file_name:
        reader.problem(record.first("file_name")[0], "個人情報ファイルの名称がありません")
        return None
    if not items:
        reader.problem(None, f"ファイル「{file_name}」の記録項目がないため読み込みません")
        return None
    kind_column, kind_value = record.first("file_kind")
    kind = _file_kind(mapping.value("file_kind", read_text(kind_value)))
    if kind is None:
        if kind_column is not None:
            reader.problem(
                kind_column,
                f"種別「{read_text(kind_value)}」を読めません（電算処理 又は マニュアル処理）",
            )
            return None
        kind = "computer"
    persons = reader.read("persons", read_int)
    if persons is None:
        reader.problem(
            record.first("persons")[0],
            f"ファイル「{file_name}」の本人の数がありません（0 としています。確認してください）",
            "warning",
        )
    made: dict[str, Any] = {
        "name": file_name,
        "kind": kind,
        "record_items": items,
        "persons": persons or 0,
    }
    for key, value in (
        ("scope", record.text("scope")),
        ("collection", record.text("collection_methods")),
        ("notes", record.text("notes")),
    ):
        if value:
            made[key] = value
    recipients = names(record.first("recipients")[1])
    if recipients:
        made["recipients"] = recipients
    return made


def _file_kind(text: str) -> str | None:
    if text in ("computer", "manual"):
        return text
    if any(word in text for word in _MANUAL):
        return "manual"
    if any(word in text for word in _COMPUTER):
        return "computer"
    return None
