"""An import planned, then written: what a spreadsheet gives, checked as the register would be.

:func:`plan_import` reads the file, finds its table (or its 単票 sheets), builds
the entries, leaves out those an earlier import wrote (the source key each
entry's first line keeps) and runs ``check`` on the register as it would be
(a copy in a temporary folder). :func:`write_import` writes the new entry files
all or nothing: staged beside the register, linked into ``entries/`` one by one
(a file already there is never replaced), every one taken back if any fails;
then, when asked, files each as 開始 (one commit per entry).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal

from todokede.registry.files.store import (
    ENTRIES_DIR,
    REGISTRY_FILE,
    atomic_write,
    load_config_or_raise,
)
from todokede.registry.files.tomledit import render_new
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.problems import Problem as CheckProblem
from todokede.reports.imports.build import Imported, build_entries
from todokede.reports.imports.labels import ITEM, Header, find_header
from todokede.reports.imports.mapping import Mapping, load_mapping
from todokede.reports.imports.readers import ImportRefused, Sheet, Workbook, read_workbook
from todokede.reports.imports.records import (
    Problem,
    Record,
    form_record,
    looks_like_form,
    table_records,
)
from todokede.reports.imports.values import fold_label

#: The first line of an imported entry: where it came from (a re-run skips it).
SOURCE_PREFIX: Final = "# 取込元: "
#: The sheet of todokede's own books (``export --book … --format xlsx``) that holds
#: every row in one table: read when no sheet is named (the others are 単票 and indexes).
LIST_SHEET: Final = "一覧"
_STAGING: Final = ".todokede-import"


@dataclass
class ImportPlan:
    """What an import of ``path`` would write, and what stands in its way."""

    path: Path
    layout: Literal["table", "forms"]
    sheets: list[str]
    header: Header | None
    entries: list[Imported] = field(default_factory=list)
    skipped: list[Imported] = field(default_factory=list)
    """Entries an earlier import of the same rows already wrote."""
    problems: list[Problem] = field(default_factory=list)
    hidden: int = 0
    empty: int = 0
    new_departments: list[str] = field(default_factory=list)
    workbook_sheets: list[str] = field(default_factory=list)
    """Every visible sheet of the file (a CSV: its one), for choosing another."""
    check: list[CheckProblem] = field(default_factory=list)
    """What ``check`` would say of the register with the new entries."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def check_errors(self) -> list[CheckProblem]:
        return [p for p in self.check if p.severity == "error"]

    @property
    def blocked(self) -> bool:
        """Whether a real import would refuse: a row not read, or check's errors."""
        return bool(self.errors or self.check_errors)


def item_names(catalog_items: list[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """Folded item names and aliases → the item (a checkbox column's label)."""
    found: dict[str, str] = {}
    for name, aliases in catalog_items:
        for label in (name, *aliases):
            found.setdefault(fold_label(label), name)
    return found


def plan_import(
    root: Path,
    path: Path,
    *,
    sheet: str | None = None,
    mapping_path: Path | None = None,
    add_departments: bool = False,
    check: bool = True,
    overrides: dict[int, str] | None = None,
) -> ImportPlan:
    """Read ``path`` into the entries it gives; ImportRefused when it cannot be read.

    ``overrides`` sets a table column's field by its index (``item:氏名`` and
    ``ignore`` too): the TUI's choice, after every label and the mapping."""
    config = load_config_or_raise(root)
    catalog = config.build_catalog()
    mapping = load_mapping(mapping_path)
    items = item_names([(i.name, tuple(i.aliases)) for i in catalog.items])
    book = read_workbook(path)
    chosen = sheet or mapping.sheet
    records, plan = _records(book, chosen, items, mapping, overrides or {})
    plan.workbook_sheets = [s.name for s in book.sheets]
    existing = _existing(root)
    per_file = plan.layout == "forms" or bool(
        plan.header is not None and "file_name" in plan.header.fields()
    )
    built = build_entries(
        records,
        source=path.name,
        per_file=per_file,
        config=config,
        catalog=catalog,
        mapping=mapping,
        taken=set(existing.values()) | set(_entry_ids(root)),
        add_departments=add_departments,
    )
    plan.problems += built.problems
    plan.new_departments = built.new_departments
    for imported in built.entries:
        (plan.skipped if imported.source in existing else plan.entries).append(imported)
    if check and plan.entries:
        plan.check = _check_result(root, plan)
    return plan


def _records(
    book: Workbook,
    chosen: str | None,
    items: dict[str, str],
    mapping: Mapping,
    overrides: dict[int, str],
) -> tuple[list[Record], ImportPlan]:
    first = book.sheet(chosen) if chosen else _default_sheet(book, items, mapping)
    try:
        header = with_overrides(find_header(first, items, mapping.columns), overrides)
    except ImportRefused:
        forms = [first] if chosen else list(book.sheets)
        forms = [s for s in forms if looks_like_form(s, items, mapping.columns)]
        if not forms:
            raise
        plan = ImportPlan(book.path, "forms", [s.name for s in forms], None)
        records: list[Record] = []
        for form in forms:
            record, problems = form_record(form, items, mapping.columns)
            records.append(record)
            plan.problems += problems
        return records, plan
    read = table_records(first, header)
    plan = ImportPlan(
        book.path, "table", [first.name], header, hidden=read.hidden, empty=read.empty
    )
    plan.problems += read.problems
    for column in header.columns:
        if column.field is None:
            plan.problems.append(
                Problem(
                    first.name,
                    header.row,
                    column.index,
                    f"見出し「{column.label}」の列は読み込みません（--mapping で項目を指定できます）",
                    "warning",
                )
            )
    return read.records, plan


def with_overrides(header: Header, overrides: dict[int, str]) -> Header:
    """The header with the columns ``overrides`` names set to their field."""
    if not overrides:
        return header
    columns = []
    for column in header.columns:
        target = overrides.get(column.index)
        if target is None:
            columns.append(column)
        elif target.startswith(f"{ITEM}:"):
            columns.append(replace(column, field=ITEM, item=target.removeprefix(f"{ITEM}:")))
        else:
            columns.append(replace(column, field=target, item=""))
    return replace(header, columns=tuple(columns))


def _default_sheet(book: Workbook, items: dict[str, str], mapping: Mapping) -> Sheet:
    """The first sheet, or a book's 一覧 when it has a table: todokede's books put their
    単票 (and each organ's index) first and every row on 一覧."""
    for sheet in book.sheets[1:]:
        if sheet.name == LIST_SHEET:
            try:
                find_header(sheet, items, mapping.columns)
            except ImportRefused:
                break
            return sheet
    return book.sheets[0]


def _entry_ids(root: Path) -> list[str]:
    folder = root / ENTRIES_DIR
    return [p.stem for p in folder.glob("*.toml")] if folder.is_dir() else []


def _existing(root: Path) -> dict[str, str]:
    """Source key → entry id of every entry an import wrote."""
    found: dict[str, str] = {}
    folder = root / ENTRIES_DIR
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            with path.open(encoding="utf-8-sig") as stream:
                line = stream.readline().rstrip("\n")
        except (OSError, UnicodeDecodeError):
            continue
        if line.startswith(SOURCE_PREFIX):
            found[line.removeprefix(SOURCE_PREFIX)] = path.stem
    return found


def entry_text(imported: Imported) -> str:
    """The new entry file: its source on the first line, then the fields (rendered
    once: tomlkit takes milliseconds a file)."""
    if not imported.text:
        header = [SOURCE_PREFIX.removeprefix("# ") + imported.source]
        if imported.started is not None:
            header.append(f"取り込んだ開始年月日: {imported.started.isoformat()}")
        header.append("内容を確かめてから todokede file で届け出てください")
        imported.text = render_new(imported.entry, header)
    return imported.text


def _config_text(root: Path, departments: list[str]) -> str:
    """``registry.toml`` with the new 課 added to ``departments`` (layout kept)."""
    import tomlkit

    text = (root / REGISTRY_FILE).read_text(encoding="utf-8")
    if not departments:
        return text
    document = tomlkit.parse(text)
    listed = document["departments"]
    for department in departments:
        listed.append(department)
    return tomlkit.dumps(document)


def _check_result(root: Path, plan: ImportPlan) -> list[CheckProblem]:
    """What check says of the register with the plan's entries (in a copy)."""
    from todokede.registry.views.check import check_path

    with tempfile.TemporaryDirectory(prefix="todokede-import-") as folder:
        copy = Path(folder)
        (copy / ENTRIES_DIR).mkdir()
        (copy / REGISTRY_FILE).write_text(_config_text(root, plan.new_departments), "utf-8")
        for path in (root / ENTRIES_DIR).glob("*.toml"):
            if path.is_file() and not path.is_symlink():
                shutil.copyfile(path, copy / ENTRIES_DIR / path.name)
        for imported in plan.entries:
            (copy / ENTRIES_DIR / f"{imported.entry_id}.toml").write_text(
                entry_text(imported), "utf-8"
            )
        result = check_path(copy)
    new = {f"{ENTRIES_DIR}/{i.entry_id}.toml" for i in plan.entries}
    return [
        p for p in [*result.errors, *result.warnings] if p.file in new or p.file == REGISTRY_FILE
    ]


def write_import(root: Path, plan: ImportPlan) -> list[Path]:
    """Write the plan's entries all or nothing; RegisterError (nothing written) when
    a file is already there or a write fails."""
    if plan.blocked:
        raise RegisterError(
            "取り込めない行があるため、何も書き込んでいません（--dry-run で確かめてください）"
        )
    entries = root / ENTRIES_DIR
    entries.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=root))
    placed: list[Path] = []
    config_before = (root / REGISTRY_FILE).read_text(encoding="utf-8")
    try:
        for imported in plan.entries:
            (staging / f"{imported.entry_id}.toml").write_text(entry_text(imported), "utf-8")
        for imported in plan.entries:
            target = entries / f"{imported.entry_id}.toml"
            os.link(staging / target.name, target)  # refuses a file already there
            placed.append(target)
        if plan.new_departments:
            atomic_write(root / REGISTRY_FILE, _config_text(root, plan.new_departments))
    except (OSError, RegisterError) as error:
        for path in placed:
            path.unlink(missing_ok=True)
        if (root / REGISTRY_FILE).read_text(encoding="utf-8") != config_before:
            atomic_write(root / REGISTRY_FILE, config_before)
        what = (
            f"{error.filename} は既にあります" if isinstance(error, FileExistsError) else str(error)
        )
        raise RegisterError(f"取り込みを取り消しました（何も書き込んでいません）: {what}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return placed
