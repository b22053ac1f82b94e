"""Spreadsheets read into plain sheets: rows of cell values, hidden rows, merged and formula cells.

xlsx, xlsm, xlsb, xls and ods are read by python-calamine (fast, and the only
reader of the old .xls many municipal files still are); CSV is decoded as UTF-8
(with or without a BOM) or else CP932, the Shift_JIS that Japanese Excel writes.
Calamine gives values only, so what it does not tell is read from the file
itself where the format makes that cheap: the rows an xlsx or ods hides and the
cells that hold a formula (the sheet's XML, scanned only when it has any; an
.xls's hidden rows by xlrd). A
file that cannot be read is refused in one Japanese line (:class:`ImportRefused`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Final
from xml.etree import ElementTree

from todokede.registry.schema.errors import RegisterError

CellValue = str | int | float | bool | date | datetime | time | timedelta | None
Row = tuple[CellValue, ...]
#: A merged range: its first and last cell, (row, column) from 0.
Merged = tuple[tuple[int, int], tuple[int, int]]

#: Larger files are refused before anything is read (a register of 5,000
#: processes is a few megabytes).
MAX_BYTES: Final = 64 * 1024 * 1024
WORKBOOK_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
CSV_SUFFIXES: Final = frozenset({".csv", ".txt", ".tsv"})
#: An OLE2 compound file: an .xls, or an xlsx saved with a password (encrypted).
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_TABLE_NS: Final = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CELL_REF: Final = re.compile(r"([A-Z]+)(\d+)")


class ImportRefused(RegisterError):
    """The file cannot be imported: one line saying why."""


@dataclass(frozen=True)
class Sheet:
    """One sheet as read: its rows from the sheet's first row and column."""

    name: str
    rows: tuple[Row, ...]
    hidden_rows: frozenset[int] = frozenset()
    merged: tuple[Merged, ...] = ()
    formulas: frozenset[tuple[int, int]] = frozenset()
    """Cells holding a formula (row, column): read as their last computed value."""

    def cell(self, row: int, column: int) -> CellValue:
        if row >= len(self.rows) or column >= len(self.rows[row]):
            return None
        return self.rows[row][column]


@dataclass(frozen=True)
class Workbook:
    """The sheets of one file, in the file's order (hidden sheets left out)."""

    path: Path
    sheets: tuple[Sheet, ...]
    hidden_sheets: tuple[str, ...] = field(default=())

    def sheet(self, name: str | None) -> Sheet:
        """The sheet named (the first when None); ImportRefused naming the sheets."""
        if name is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        names = "、".join(f"「{s.name}」" for s in self.sheets)
        raise ImportRefused(f"シート「{name}」がありません（このファイルのシート: {names}）")


def column_name(column: int) -> str:
    """``A`` for 0, ``AB`` for 27: how Excel names a column."""
    name = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def cell_name(row: int, column: int) -> str:
    """``B5`` for (4, 1)."""
    return f"{column_name(column)}{row + 1}"


def read_workbook(path: Path) -> Workbook:
    """Every visible sheet of ``path``; ImportRefused when it cannot be read."""
    if not path.exists():
        raise ImportRefused(f"ファイルがありません: {path}")
    if path.is_dir():
        raise ImportRefused(f"{path} はフォルダです。表計算のファイルを指定してください")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportRefused(
            f"{path.name} は大きすぎます（{size / 1024 / 1024:.1f} MB、"
            f"読み込めるのは {MAX_BYTES // 1024 // 1024} MB まで）"
        )
    if size == 0:
        raise ImportRefused(f"{path.name} は空のファイルです")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return Workbook(path, (read_csv(path, delimiter="\t" if suffix == ".tsv" else ","),))
    if suffix in WORKBOOK_SUFFIXES:
        return _read_calamine(path, suffix)
    raise ImportRefused(
        f"{path.name} は読み込めない形式です（xlsx・xls・ods・csv のファイルを指定してください）"
    )


# -- CSV ----------------------------------------------------------------------------


def decode_csv(data: bytes, name: str) -> str:
    """UTF-8 (a BOM dropped), else CP932; ImportRefused when neither reads it."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        f"{name} の文字コードを読み取れません（UTF-8 又は Shift_JIS（CP932）で保存してください）"
    )


def read_csv(path: Path, delimiter: str = ",") -> Sheet:
    """A CSV file as one sheet named after the file; every cell is text."""
    text = decode_csv(path.read_bytes(), path.name)
    if "\x00" in text:
        raise ImportRefused(f"{path.name} は CSV ではありません（文字以外のデータを含みます）")
    try:
        rows = tuple(tuple(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ImportRefused(f"{path.name} を CSV として読めません: {error}") from None
    return Sheet(path.stem, rows)


# -- workbooks --------------------------------------------------------------------------


def _read_calamine(path: Path, suffix: str) -> Workbook:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    if suffix != ".xls" and path.open("rb").read(8) == _OLE_MAGIC:
        raise ImportRefused(
            f"{path.name} はパスワードで保護されています。保護を解除して保存し直してください"
        )
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine's errors name no type worth telling apart
        raise ImportRefused(_unreadable(path, error)) from None
    extra = _XlsxExtras(path) if suffix in (".xlsx", ".xlsm") else None
    ods = _OdsExtras(path) if suffix == ".ods" else None
    xls = _xls_hidden_rows(path) if suffix == ".xls" else {}
    sheets: list[Sheet] = []
    hidden: list[str] = []
    with book:
        for meta in book.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                hidden.append(meta.name)
                continue
            try:
                raw = book.get_sheet_by_name(meta.name)
                rows = tuple(tuple(row) for row in raw.to_python(skip_empty_area=False))
                merged = tuple(raw.merged_cell_ranges or ())
            except Exception as error:  # a sheet calamine cannot decode
                raise ImportRefused(_unreadable(path, error, meta.name)) from None
            hidden_rows: frozenset[int] = frozenset()
            formulas: frozenset[tuple[int, int]] = frozenset()
            if extra is not None:
                hidden_rows, formulas = extra.of(meta.name)
            elif ods is not None:
                hidden_rows, formulas = ods.of(meta.name)
            else:
                hidden_rows = xls.get(meta.name, frozenset())
            sheets.append(Sheet(meta.name, rows, hidden_rows, merged, formulas))
    if not sheets:
        raise ImportRefused(f"{path.name} に表示されているシートがありません")
    return Workbook(path, tuple(sheets), tuple(hidden))


def _unreadable(path: Path, error: Exception, sheet: str = "") -> str:
    where = f"のシート「{sheet}」" if sheet else ""
    detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
    return f"{path.name}{where}を読めません（壊れているか、対応していない形式です: {detail}）"


def _xls_hidden_rows(path: Path) -> dict[str, frozenset[int]]:
    """The hidden rows of an .xls's sheets, read by xlrd (calamine does not say)."""
    import xlrd  # type: ignore[import-untyped]

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
        found: dict[str, frozenset[int]] = {}
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)
            found[name] = frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden)
        book.release_resources()
    except Exception:  # calamine read it: only the hidden rows are unknown
        return {}
    return found


class _XlsxExtras:
    """The hidden rows and formula cells of an xlsx's sheets, from its XML."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._targets: dict[str, str] = {}
        try:
            with zipfile.ZipFile(path) as archive:
                workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
                rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
            return  # calamine read it: only the extras are missing
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        for sheet in workbook.iter(f"{_SPREADSHEET_NS}sheet"):
            target = targets.get(sheet.get(f"{_RELATIONSHIP_NS}id"), "")
            if target:
                target = target.lstrip("/")
                self._targets[sheet.get("name", "")] = (
                    target if target.startswith("xl/") else f"xl/{target}"
                )

    def of(self, sheet: str) -> tuple[frozenset[int], frozenset[tuple[int, int]]]:
        target = self._targets.get(sheet)
        if target is None:
            return frozenset(), frozenset()
        try:
            with zipfile.ZipFile(self._path) as archive:
                data = archive.read(target)
        except (OSError, KeyError, zipfile.BadZipFile):
            return frozenset(), frozenset()
        if b'hidden="1"' not in data and b'hidden="true"' not in data and b"<f" not in data:
            return frozenset(), frozenset()  # the usual case: nothing to parse
        hidden: set[int] = set()
        formulas: set[tuple[int, int]] = set()
        for row_element in _elements(data, f"{_SPREADSHEET_NS}row"):
            number = row_element.get("r")
            if row_element.get("hidden") in ("1", "true") and number:
                hidden.add(int(number) - 1)
            for cell in row_element.iter(f"{_SPREADSHEET_NS}c"):
                if cell.find(f"{_SPREADSHEET_NS}f") is not None:
                    match = _CELL_REF.fullmatch(cell.get("r", ""))
                    if match:
                        formulas.add((int(match[2]) - 1, _column_index(match[1])))
        return frozenset(hidden), frozenset(formulas)


def _elements(data: bytes, tag: str) -> Iterator[ElementTree.Element]:
    """The elements ``tag`` of an XML document, each dropped once read."""
    try:
        for _, element in ElementTree.iterparse(io.BytesIO(data), events=("end",)):
            if element.tag == tag:
                yield element
                element.clear()
    except ElementTree.ParseError:
        return


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


class _OdsExtras:
    """The hidden rows and formula cells of an ods's sheets, from content.xml."""

    def __init__(self, path: Path) -> None:
        self._found: dict[str, tuple[frozenset[int], frozenset[tuple[int, int]]]] = {}
        try:
            with zipfile.ZipFile(path) as archive:
                data = archive.read("content.xml")
        except (OSError, KeyError, zipfile.BadZipFile):
            return
        if b"table:visibility" not in data and b"table:formula" not in data:
            return
        for table in _elements(data, f"{_TABLE_NS}table"):
            self._found[table.get(f"{_TABLE_NS}name", "")] = _ods_table(table)

    def of(self, sheet: str) -> tuple[frozenset[int], frozenset[tuple[int, int]]]:
        return self._found.get(sheet, (frozenset(), frozenset()))


def _ods_table(table: ElementTree.Element) -> tuple[frozenset[int], frozenset[tuple[int, int]]]:
    hidden: set[int] = set()
    formulas: set[tuple[int, int]] = set()
    row = 0
    for element in table.iter(f"{_TABLE_NS}table-row"):
        repeat = int(element.get(f"{_TABLE_NS}number-rows-repeated", "1"))
        if element.get(f"{_TABLE_NS}visibility", "visible") != "visible":
            hidden.update(range(row, row + min(repeat, 10_000)))
        column = 0
        for cell in element:
            span = int(cell.get(f"{_TABLE_NS}number-columns-repeated", "1"))
            if cell.get(f"{_TABLE_NS}formula"):
                formulas.add((row, column))
            column += span
        row += repeat
    return frozenset(hidden), frozenset(formulas)
