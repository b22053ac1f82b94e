"""A sheet's rows as records: the cells of each field, the record items ticked.

A table gives one record per row below its header (hidden and empty rows are
skipped and counted); a 単票 sheet gives one record from its label and value
columns (labels looked for in the first columns, the value the next filled cell
to the right). Each record keeps where it came from, so that every problem
names its sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from todokede.reports.imports.labels import IGNORE, ITEM, Header, match_label
from todokede.reports.imports.readers import CellValue, Sheet, cell_name
from todokede.reports.imports.values import ValueProblem, read_text, read_yes

Severity = Literal["error", "warning"]
#: Where a 単票's labels are looked for: its first columns and rows.
FORM_LABEL_COLUMNS: Final = 4
FORM_ROWS: Final = 80
#: Labels a sheet needs to be a 単票.
FORM_MIN_LABELS: Final = 3


@dataclass(frozen=True)
class Problem:
    """What could not be read, or should be looked at, and where."""

    sheet: str
    row: int | None
    column: int | None
    message: str
    severity: Severity = "error"

    @property
    def where(self) -> str:
        """``シート「事務登録簿」 12行 C列`` (rows and columns as Excel numbers them)."""
        parts = [f"シート「{self.sheet}」"]
        if self.row is not None and self.column is not None:
            parts.append(f"{cell_name(self.row, self.column)}（{self.row + 1}行）")
        elif self.row is not None:
            parts.append(f"{self.row + 1}行")
        return " ".join(parts)

    def as_text(self) -> str:
        word = "エラー" if self.severity == "error" else "警告"
        return f"{word}: {self.where}: {self.message}"


@dataclass
class Record:
    """One row of a table, or one 単票: each field's cells, the items ticked."""

    sheet: str
    row: int
    cells: dict[str, list[tuple[int, CellValue]]] = field(default_factory=dict)
    ticked: list[tuple[int, str]] = field(default_factory=list)

    def first(self, name: str) -> tuple[int | None, CellValue]:
        """The first filled cell of a field (its column), or (None, None)."""
        for column, value in self.cells.get(name, []):
            if read_text(value):
                return column, value
        return None, None

    def text(self, name: str) -> str:
        return read_text(self.first(name)[1])


@dataclass
class TableRead:
    """The records of a table, what was skipped and what could not be read."""

    records: list[Record]
    hidden: int = 0
    empty: int = 0
    problems: list[Problem] = field(default_factory=list)


def formula_problem(sheet: str, row: int, column: int, value: CellValue) -> Problem:
    """A formula cell: read as its last computed value, or said to have none."""
    text = read_text(value)
    if not text:
        return Problem(
            sheet,
            row,
            column,
            "数式のセルですが、計算済みの値がありません（Excel で開いて保存し直すか、値に置き換えてください）",
            "warning",
        )
    return Problem(
        sheet, row, column, f"数式のセルです。計算済みの値「{text}」を読み込みました", "warning"
    )


def table_records(sheet: Sheet, header: Header) -> TableRead:
    """One record per row below the header."""
    read = TableRead([])
    columns = [c for c in header.columns if c.field and c.field != IGNORE]
    for row in range(header.data_start, len(sheet.rows)):
        if row in sheet.hidden_rows:
            read.hidden += 1
            continue
        values = sheet.rows[row]
        if not any(read_text(v) for v in values):
            read.empty += 1
            continue
        record = Record(sheet.name, row)
        for column in columns:
            value = values[column.index] if column.index < len(values) else None
            if (row, column.index) in sheet.formulas:
                read.problems.append(formula_problem(sheet.name, row, column.index, value))
            _put(record, column.field or "", column.item, column.index, value, read.problems)
        read.records.append(record)
    return read


def _put(
    record: Record,
    name: str,
    item: str,
    column: int,
    value: CellValue,
    problems: list[Problem],
) -> None:
    if name == ITEM:
        try:
            if read_yes(value):
                record.ticked.append((column, item))
        except ValueProblem as problem:
            problems.append(Problem(record.sheet, record.row, column, str(problem)))
        return
    record.cells.setdefault(name, []).append((column, value))


def looks_like_form(sheet: Sheet, items: Mapping[str, str], mapping: Mapping[str, str]) -> bool:
    """Whether a sheet is a 単票: labels down its first columns, a name among them."""
    found = {name for name, *_ in _form_pairs(sheet, items, mapping)}
    return len(found) >= FORM_MIN_LABELS and bool({"name", "file_name"} & found)


def form_record(
    sheet: Sheet, items: Mapping[str, str], mapping: Mapping[str, str]
) -> tuple[Record, list[Problem]]:
    """The record of a 単票 sheet (its row: the first label's)."""
    pairs = list(_form_pairs(sheet, items, mapping))
    record = Record(sheet.name, pairs[0][2] if pairs else 0)
    problems: list[Problem] = []
    for name, item, row, column, value in pairs:
        if (row, column) in sheet.formulas:
            problems.append(formula_problem(sheet.name, row, column, value))
        if name not in record.cells or name == ITEM:  # a label written twice: the first
            _put(record, name, item, column, value, problems)
    return record, problems


def _form_pairs(
    sheet: Sheet, items: Mapping[str, str], mapping: Mapping[str, str]
) -> list[tuple[str, str, int, int, CellValue]]:
    """(field, item, row, column of the value, value) for each label of a 単票."""
    found: list[tuple[str, str, int, int, CellValue]] = []
    for row in range(min(FORM_ROWS, len(sheet.rows))):
        cells = sheet.rows[row]
        for column in range(min(FORM_LABEL_COLUMNS, len(cells))):
            label = read_text(cells[column]).replace("\n", "")
            if not label:
                continue
            name, item = match_label(label, items, mapping)
            if name is None or name == IGNORE:
                break  # a title or a value: the row's label, if any, came first
            value_column = next(
                (c for c in range(column + 1, len(cells)) if read_text(cells[c])), None
            )
            value = cells[value_column] if value_column is not None else None
            found.append((name, item, row, value_column or column + 1, value))
            break
    return found
