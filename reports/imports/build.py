"""Records made into entries: fields read, 課 and items checked, rows of one 事務 grouped.

A sheet with a file-name column is per file: the rows naming the same 事務 (its
name and 課, or the same 業務ID, as todokede's own ファイル簿 gives it) become one
entry holding one file per row, the entry's record items the union of its
files'. A sheet without one is per process: each row is an entry, given one file
named after it and marked for review (its 本人の数 is unknown).

Cells are also read as todokede's books write them (``export --book``): 「課　係」
as the 課 and its 係, 「（要配慮）」 after a record item, 「方法（収集先: 先）」 as the
methods and the sources, 「委託先（委託の内容）」 and 「結合先（目的）」 in the 委託 and
外部結合 columns, 「根拠法令: …」 in 備考, 種別 as 電算処理 or not, and the 種別 of
the statutory book (「法第60条第2項第1号（電算処理ファイル）　同一の…: 有」).

Every value that cannot be read is a problem at its cell; an entry
whose required fields are missing is not built. Pure: nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.reports.imports.ids import column_id, make_id, prefixed
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
#: What the statutory book adds to a 電算処理 file's 種別 (政令's item), not its kind.
_COUNTERPART: Final = "同一の記録情報を含むマニュアル処理ファイル"
#: The mark the process-level book puts after a 要配慮個人情報 item.
_SENSITIVE_MARK: Final = "（要配慮）"
#: How the books write the sources after the methods: 「窓口（収集先: 本人）」.
_SOURCES_OPEN: Final = "（収集先:"
_SOURCES_LEAD: Final = "収集先:"
#: How the process-level book's 備考 gives the legal basis (parts joined by 「／」).
_LEGAL_LEAD: Final = "根拠法令:"
_NOTE_PARTS: Final = "／"


@dataclass
class Imported:
    """An entry the import would write, with where it came from."""

    entry_id: str
    source: str
    """The key a later import recognises it by (file, sheet, 課 and name)."""
    entry: Entry
    started: date | None
    rows: list[tuple[str, int]] = field(default_factory=list)
    text: str = ""
    """The entry file as it will be written, once rendered (rendering is slow)."""


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
        department, _ = department_and_section(
            mapping.department(record.text("department")), config
        )
        if not name:
            column = record.first("name")[0]
            built.problems.append(
                Problem(record.sheet, record.row, column, "業務の名称がないため読み込みません")
            )
            continue
        # the statutory book names no 事務: its 業務ID tells which files are one process
        key = (department, record.text("process_id") or name) if per_file else (department, name)
        groups.setdefault(key, _Group(key)).records.append(record)
    known = set(config.departments)
    dotted = dotted_items(catalog)
    for (department, _key), group in groups.items():
        first = group.records[0]
        name = first.text("name") or (first.text("file_name") if per_file else "")
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
        made = _entry(
            group, department, name, per_file, config, catalog, mapping, built.problems, dotted
        )
        if made is None:
            continue
        data, started = made
        entry_id = column_id(first.text("process_id"), mapping.id_prefix, taken) or prefixed(
            make_id(department, name, taken), mapping.id_prefix, taken
        )
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


def department_and_section(text: str, config: RegistryConfig) -> tuple[str, str]:
    """The 課 a cell names and the 係 written after it: 「総務課　情報公開係」, as the
    process-level book writes 担当組織, is 総務課 and 情報公開係 (only when the whole
    cell is no 課 and its first word is one)."""
    department = resolve_department(text, config)
    words = text.split()
    if department in config.departments or len(words) < 2:
        return department, ""
    first = resolve_department(words[0], config)
    if first not in config.departments:
        return department, ""
    return first, " ".join(words[1:])


def named_with_note(text: str) -> tuple[str, str]:
    """A name and the note the books write after it: 「株式会社A（保守）」 is
    (「株式会社A」, 「保守」); a name without a closing note is itself."""
    if not text.endswith("）"):
        return text, ""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == "）":
            depth += 1
        elif char == "（":
            depth -= 1
            if depth == 0:
                name = text[:index].strip()
                return (name, text[index + 1 : -1].strip()) if name else (text, "")
    return text, ""


def methods_and_sources(value: Any) -> tuple[list[str], list[str]]:
    """収集方法 and the 収集先 the books write in it: 「窓口、郵送（収集先: 本人）」,
    「収集先: 本人」; any other cell is methods only."""
    text = read_text(value)
    if text.startswith(_SOURCES_LEAD):
        return [], split_list(text.removeprefix(_SOURCES_LEAD))
    at = text.rfind(_SOURCES_OPEN)
    if at > 0 and text.endswith("）"):
        methods, sources = named_with_note(text)
        if methods == text[:at].strip():
            return split_list(methods), split_list(sources.removeprefix(_SOURCES_LEAD))
    return split_list(value), []


def legal_basis_in_notes(value: Any) -> list[str]:
    """The legal basis the process-level book writes in 備考: 「根拠法令: 地方税法、…」."""
    for part in read_text(value).split(_NOTE_PARTS):
        part = part.strip()
        if part.startswith(_LEGAL_LEAD):
            return split_list(part.removeprefix(_LEGAL_LEAD))
    return []


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

    def items(self, catalog: Catalog, dotted: list[str]) -> list[str]:
        """The record items written in the cell and ticked, through the catalog
        (``dotted``: its names holding 「・」, kept whole)."""
        found: list[str] = []
        unknown: list[tuple[int, str]] = []
        cells = [(c, v) for c, v in self.record.cells.get("record_items", [])]
        written = [(c, item) for c, v in cells for item in _split_items(v, dotted)]
        for column, item in [*written, *self.record.ticked]:
            known = catalog.lookup(item)
            if known is None and item.endswith(_SENSITIVE_MARK):
                known = catalog.lookup(item.removesuffix(_SENSITIVE_MARK))
                item = known.name if known is not None else item
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


def dotted_items(catalog: Catalog) -> list[str]:
    """The catalog's names and aliases holding 「・」, longest first."""
    found = [
        label for known in catalog.items for label in (known.name, *known.aliases) if "・" in label
    ]
    return sorted(found, key=len, reverse=True)


def _split_items(value: Any, dotted: list[str]) -> list[str]:
    """A cell's record items, a catalog item holding 「・」 kept whole."""
    if not isinstance(value, str):
        return split_list(value)
    if "・" in value:
        for label in dotted:
            if label in value:
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
    config: RegistryConfig,
    catalog: Catalog,
    mapping: ImportMapping,
    problems: list[Problem],
    dotted: list[str],
) -> tuple[dict[str, Any], date | None] | None:
    first = _Reader(group.records[0], problems)
    record = group.records[0]
    files: list[dict[str, Any]] = []
    items: list[str] = []
    for row in group.records:
        reader = _Reader(row, problems)
        row_items = reader.items(catalog, dotted)
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
    if computer is None and not per_file and record.first("file_kind")[0] is not None:
        kind = _file_kind(mapping.value("file_kind", record.text("file_kind")))
        computer = None if kind is None else kind == "computer"
    methods, written_sources = methods_and_sources(record.first("collection_methods")[1])
    if per_file and len({r.text("collection_methods") for r in group.records}) > 1:
        # the ファイル簿's 収集方法 is each file's: the process takes it only when all agree
        methods, written_sources = [], []
    sources = split_list(record.first("sources")[1])
    legal_basis = split_list(record.first("legal_basis")[1])
    if record.first("legal_basis")[0] is None:
        legal_basis = legal_basis_in_notes(record.first("notes")[1])
    data: dict[str, Any] = {
        "name": name,
        "department": department,
        "purpose": purpose,
        "legal_basis": legal_basis,
        "subjects": subjects,
        "record_items": items,
        "sources": sources + [s for s in written_sources if s not in sources],
        "collection_methods": methods,
        "retention": record.text("retention"),
    }
    section = department_and_section(mapping.department(record.text("department")), config)[1]
    if section:
        data["section"] = section
    if computer is not None:
        data["computer_processing"] = computer
    contractors_cell = record.first("contractors")[1]
    outsourcing_column, outsourcing_cell = record.first("outsourcing")
    if contractors_cell is None and outsourcing_cell is not None and not _is_mark(outsourcing_cell):
        contractors_cell = outsourcing_cell  # the book's 委託 column names the contractors
        outsourcing_column = None
    contractors = [named_with_note(c) for c in names(contractors_cell)]
    if outsourcing_column is not None and first.read("outsourcing", read_yes) and not contractors:
        first.problem(outsourcing_column, "委託「有」ですが委託先がありません", "warning")
    data["outsourcing"] = [_with_note("contractor", "scope", c) for c in contractors]
    data["connections"] = [
        _with_note("partner", "purpose", named_with_note(p))
        for p in names(record.first("connections")[1])
    ]
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


def _with_note(key: str, note_key: str, named: tuple[str, str]) -> dict[str, str]:
    name, note = named
    return {key: name, note_key: note} if note else {key: name}


def _is_mark(value: Any) -> bool:
    """Whether a cell is a yes/no mark (有, ○, なし …) rather than names."""
    try:
        read_yes(value)
    except ValueProblem:
        return False
    return True


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
        ("special_procedure", record.text("special_procedure")),
    ):
        if value:
            made[key] = value
    since = reader.read("since", read_date)
    if since is not None:
        made["since"] = since
    recipients = names(record.first("recipients")[1])
    if recipients:
        made["recipients"] = recipients
    return made


def _file_kind(text: str) -> str | None:
    text = text.split(_COUNTERPART)[0]
    if text in ("computer", "manual"):
        return text
    if any(word in text for word in _MANUAL):
        return "manual"
    if any(word in text for word in _COMPUTER):
        return "computer"
    return None
