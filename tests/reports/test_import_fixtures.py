"""The spreadsheets for the import tests are as tests/fixtures/import/README.md says.

They are read back as the importer will read them (python-calamine for xlsx,
xls and ods; the csv module for CSV), checked against the fixtures' own
registry.toml (every 課 and record item found, but for the deliberate unknown
ones), and rebuilt by make_fixtures.py into a temporary folder: the CSV files come
out byte for byte the same, the workbooks (xlsx, and LibreOffice's xls and ods)
with the same cells.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import load_config_or_raise
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import RegistryConfig

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "import"
SCRIPT = FIXTURES / "make_fixtures.py"

JIMU_SHEET = "事務登録簿"
JIMU_BEFORE = ["番号", "事務の名称", "担当課", "事務の目的", "根拠法令", "対象者の範囲"]
JIMU_AFTER = ["収集方法", "委託", "委託先", "開始年月日", "備考"]
ITEMS_GROUP = "記録項目"
ITEM_FIRST = len(JIMU_BEFORE)  # 0-based column of the first checkbox
ITEM_COUNT = 30
UNKNOWN_ITEM = "趣味"
UNKNOWN_DEPARTMENT = "市民課窓口係"
HEADER_TOP, HEADER_SUB, FIRST_DATA = 3, 4, 5  # 0-based rows
CSV_HEADER = [*JIMU_BEFORE, ITEMS_GROUP, *JIMU_AFTER]

FILE_BO_SHEET = "個人情報ファイル簿"
FILE_BO_HEADER = [
    "個人情報ファイルの名称",
    "行政機関等の名称",
    "個人情報ファイルが利用に供される事務をつかさどる組織の名称",
    "個人情報ファイルの利用目的",
    "記録項目",
    "記録範囲",
    "記録情報の収集方法",
    "要配慮個人情報が含まれるときは、その旨",
    "記録情報の経常的提供先",
    "開示請求等を受理する組織の名称及び所在地",
    "電算処理ファイル／マニュアル処理ファイルの別",
    "本人の数",
    "事務の名称",
    "備考",
]
TANPYO_LABELS = [
    "個人情報ファイルの名称",
    "行政機関等の名称",
    "事務をつかさどる組織の名称",
    "利用目的",
    "記録項目",
    "記録範囲",
    "記録情報の収集方法",
    "要配慮個人情報が含まれるときは、その旨",
    "経常的提供先",
    "開示請求等を受理する組織の名称及び所在地",
    "種別",
    "本人の数",
    "事務の名称",
    "備考",
]

Rows = list[list[Any]]


def sheet_rows(path: Path, sheet: str) -> Rows:
    return (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name(sheet)
        .to_python(skip_empty_area=False)
    )


def merged(path: Path, sheet: str) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    ranges = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).merged_cell_ranges
    assert ranges is not None
    return set(ranges)


@pytest.fixture(scope="module")
def config() -> RegistryConfig:
    return load_config_or_raise(FIXTURES)


@pytest.fixture(scope="module")
def catalog(config: RegistryConfig) -> Catalog:
    return config.build_catalog()


def division_of(config: RegistryConfig) -> dict[str, str]:
    return {dept: division for division, depts in config.divisions.items() for dept in depts}


def test_every_fixture_is_there() -> None:
    names = {path.name for path in FIXTURES.iterdir()}
    assert {
        "make_fixtures.py",
        "README.md",
        "registry.toml",
        "jimu_toroku.xlsx",
        "jimu_toroku.xls",
        "jimu_toroku.ods",
        "jimu_toroku_cp932.csv",
        "jimu_toroku_utf8_bom.csv",
        "file_bo.xlsx",
        "tanpyo.xlsx",
    } <= names


def test_the_registry_is_the_projects() -> None:
    assert (FIXTURES / "registry.toml").read_bytes() == (
        PROJECT_ROOT / "registry.toml"
    ).read_bytes()


# --- 事務登録簿 -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jimu_toroku.xlsx", "jimu_toroku.xls", "jimu_toroku.ods"])
def test_the_jimu_toroku_has_a_title_a_note_and_two_header_rows(name: str) -> None:
    assert CalamineWorkbook.from_path(str(FIXTURES / name)).sheet_names == [JIMU_SHEET]
    rows = sheet_rows(FIXTURES / name, JIMU_SHEET)
    assert rows[0][0] == "個人情報取扱事務登録簿"
    assert rows[1][0] == "令和5年3月31日現在　総務部総務課"
    assert all(cell == "" for cell in rows[2])
    top, sub = rows[HEADER_TOP], rows[HEADER_SUB]
    item_end = ITEM_FIRST + ITEM_COUNT
    assert top[:ITEM_FIRST] == JIMU_BEFORE
    assert top[ITEM_FIRST] == ITEMS_GROUP
    assert top[ITEM_FIRST + 1 : item_end] == [""] * (ITEM_COUNT - 1)
    assert top[item_end:] == JIMU_AFTER
    assert sub[:ITEM_FIRST] == [""] * ITEM_FIRST
    assert sub[item_end:] == [""] * len(JIMU_AFTER)
    assert sub[ITEM_FIRST] == "氏名"
    assert sub[item_end - 1] == UNKNOWN_ITEM
    assert len(rows) == FIRST_DATA + 14  # 13 processes and one empty row


@pytest.mark.parametrize("name", ["jimu_toroku.xlsx", "jimu_toroku.xls"])
def test_the_jimu_toroku_header_cells_are_merged(name: str) -> None:
    ranges = merged(FIXTURES / name, JIMU_SHEET)
    last = ITEM_FIRST + ITEM_COUNT + len(JIMU_AFTER) - 1
    vertical = [*range(ITEM_FIRST), *range(ITEM_FIRST + ITEM_COUNT, last + 1)]
    expected = {((0, 0), (0, last))}
    expected |= {((HEADER_TOP, c), (HEADER_SUB, c)) for c in vertical}
    expected.add(((HEADER_TOP, ITEM_FIRST), (HEADER_TOP, ITEM_FIRST + ITEM_COUNT - 1)))
    assert ranges == expected


def test_the_ods_keeps_the_merged_header_cells() -> None:
    with zipfile.ZipFile(FIXTURES / "jimu_toroku.ods") as ods:
        content = ods.read("content.xml").decode("utf-8")
    assert content.count('table:number-rows-spanned="2"') == len(JIMU_BEFORE) + len(JIMU_AFTER)
    assert f'table:number-columns-spanned="{ITEM_COUNT}"' in content


def test_the_checkbox_labels_are_catalog_items_but_one(catalog: Catalog) -> None:
    labels = sheet_rows(FIXTURES / "jimu_toroku.xlsx", JIMU_SHEET)[HEADER_SUB][
        ITEM_FIRST : ITEM_FIRST + ITEM_COUNT
    ]
    assert len(set(labels)) == ITEM_COUNT
    unknown = [label for label in labels if catalog.lookup(label) is None]
    assert unknown == [UNKNOWN_ITEM]


def jimu_data() -> Rows:
    return sheet_rows(FIXTURES / "jimu_toroku.xlsx", JIMU_SHEET)[FIRST_DATA:]


def test_the_jimu_toroku_rows(config: RegistryConfig) -> None:
    rows = jimu_data()
    empty = [i for i, row in enumerate(rows) if all(cell == "" for cell in row)]
    assert len(empty) == 1 and 0 < empty[0] < len(rows) - 1
    processes = [row for row in rows if any(cell != "" for cell in row)]
    assert len(processes) == 13
    assert {row[2] for row in processes} <= set(config.departments)
    marks = Counter(
        cell for row in processes for cell in row[ITEM_FIRST : ITEM_FIRST + ITEM_COUNT] if cell
    )
    assert set(marks) == {"○", "レ", "■", "有"}
    assert marks["有"] == 1
    hobby = [row[ITEM_FIRST + ITEM_COUNT - 1] for row in processes]
    assert sum(1 for cell in hobby if cell) == 1
    outsourced = [row[ITEM_FIRST + ITEM_COUNT + 1] for row in processes]
    assert set(outsourced) == {"有", "無"}


def test_the_jimu_toroku_has_three_date_styles() -> None:
    starts = [row[ITEM_FIRST + ITEM_COUNT + 3] for row in jimu_data() if row[0] != ""]
    assert sum(isinstance(value, date) for value in starts) >= 3
    texts = [value for value in starts if isinstance(value, str)]
    assert "2015-10-05" in texts
    wareki = [value for value in texts if value[:2] in ("昭和", "平成", "令和")]
    assert len(wareki) >= 4
    assert "平成１２年４月１日" in wareki  # full-width digits


def test_lists_in_cells_use_three_separators() -> None:
    cells = [cell for row in jimu_data() for cell in row if isinstance(cell, str)]
    assert any("\n" in cell for cell in cells)
    assert any("、" in cell for cell in cells)
    assert "申告書・窓口・郵送・関係機関からの異動通知" in cells


def test_one_row_is_hidden_in_the_middle() -> None:
    sheet = load_workbook(FIXTURES / "jimu_toroku.xlsx")[JIMU_SHEET]
    hidden = [row for row, dim in sheet.row_dimensions.items() if dim.hidden]
    assert len(hidden) == 1
    assert FIRST_DATA + 1 < hidden[0] < sheet.max_row
    assert sheet.cell(hidden[0], 2).value == "住民基本台帳カード交付事務"


# --- CSV ---------------------------------------------------------------------------


def csv_rows(data: bytes, encoding: str) -> Rows:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_the_cp932_csv_is_shift_jis_with_windows_line_ends() -> None:
    data = (FIXTURES / "jimu_toroku_cp932.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp932")
    assert text.startswith("個人情報取扱事務登録簿,")
    rows = csv_rows(data, "cp932")
    # every record ends in CRLF; a line break inside a quoted cell is a bare LF
    assert text.endswith("\r\n") and text.count("\r\n") == len(rows)
    assert all(cell == "" for cell in rows[1])
    assert rows[2] == CSV_HEADER
    assert {len(row) for row in rows} == {len(CSV_HEADER)}


def test_the_utf8_csv_has_a_bom_and_the_same_rows() -> None:
    data = (FIXTURES / "jimu_toroku_utf8_bom.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    cp932 = (FIXTURES / "jimu_toroku_cp932.csv").read_bytes()
    assert csv_rows(data, "utf-8-sig") == csv_rows(cp932, "cp932")


def test_the_csv_is_the_xlsx_table_flattened() -> None:
    rows = csv_rows((FIXTURES / "jimu_toroku_cp932.csv").read_bytes(), "cp932")[3:]
    sheet = sheet_rows(FIXTURES / "jimu_toroku.xlsx", JIMU_SHEET)
    labels = sheet[HEADER_SUB][ITEM_FIRST : ITEM_FIRST + ITEM_COUNT]
    flattened = []
    for row in sheet[FIRST_DATA:]:
        ticked = [label for label, cell in zip(labels, row[ITEM_FIRST:], strict=False) if cell]
        start = row[ITEM_FIRST + ITEM_COUNT + 3]
        if isinstance(start, date):
            start = f"{start.year}/{start.month}/{start.day}"
        rest = [*row[ITEM_FIRST + ITEM_COUNT : ITEM_FIRST + ITEM_COUNT + 3], start, row[-1]]
        flattened.append([*row[:ITEM_FIRST], "、".join(ticked), *rest])
    assert [sorted(r[6].split("、")) for r in rows] == [sorted(r[6].split("、")) for r in flattened]
    assert [r[:6] + r[7:] for r in rows] == [r[:6] + r[7:] for r in flattened]


# --- 個人情報ファイル簿 and 単票 ---------------------------------------------------------


def test_the_file_bo_table(config: RegistryConfig, catalog: Catalog) -> None:
    rows = sheet_rows(FIXTURES / "file_bo.xlsx", FILE_BO_SHEET)
    assert rows[0][0] == "個人情報ファイル簿（東村山市）"
    assert rows[1] == FILE_BO_HEADER
    files = rows[2:]
    assert len(files) == 15
    column = FILE_BO_HEADER.index
    agencies = {agency.name for agency in config.agencies}
    assert {row[column("行政機関等の名称")] for row in files} == agencies
    divisions = division_of(config)
    known = {f"{divisions[dept]}{dept}" for dept in config.departments}
    organisations = [row[column(FILE_BO_HEADER[2])] for row in files]
    assert [name for name in organisations if name not in known] == [UNKNOWN_DEPARTMENT]
    for row in files:
        assert all(catalog.lookup(item) for item in row[column("記録項目")].split("、"))
    assert {row[column("要配慮個人情報が含まれるときは、その旨")] for row in files} == {
        "含む",
        "含まない",
    }
    assert {row[column(FILE_BO_HEADER[10])] for row in files} == {
        "電算処理ファイル",
        "マニュアル処理ファイル",
    }
    persons = [row[column("本人の数")] for row in files]
    assert "約12,000人" in persons
    assert sum(isinstance(value, float) for value in persons) >= 12
    per_process = Counter(row[column("事務の名称")] for row in files)
    assert sum(1 for count in per_process.values() if 2 <= count <= 3) >= 2


def tanpyo_sheet(rows: Rows) -> dict[str, Any]:
    """The label → value pairs of one 単票, wherever its label column is."""
    for row in rows:
        for index, cell in enumerate(row[:-1]):
            if cell == TANPYO_LABELS[0]:
                first = rows.index(row)
                return {r[index]: r[index + 1] for r in rows[first:] if r[index]}
    raise AssertionError("no labels")


def test_the_tanpyo_has_twenty_sheets_with_moving_labels(
    config: RegistryConfig, catalog: Catalog
) -> None:
    book = CalamineWorkbook.from_path(str(FIXTURES / "tanpyo.xlsx"))
    assert book.sheet_names == [f"{n:02d}" for n in range(1, 21)]
    first_rows, label_columns, processes = set(), set(), set()
    divisions = division_of(config)
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        assert "個人情報ファイル簿（単票）" in rows[0]
        for r, row in enumerate(rows):
            if TANPYO_LABELS[0] in row:
                first_rows.add(r)
                label_columns.add(row.index(TANPYO_LABELS[0]))
        sheet = tanpyo_sheet(rows)
        assert list(sheet) == TANPYO_LABELS
        items = sheet["記録項目"].replace("\n", "、").split("、")
        assert all(catalog.lookup(item) for item in items)
        organisation = sheet["事務をつかさどる組織の名称"]
        assert any(organisation == f"{divisions[d]}{d}" for d in config.departments)
        processes.add(sheet["事務の名称"])
    assert len(first_rows) == 2 and len(label_columns) == 2
    assert 9 <= len(processes) <= 11


# --- rebuilding -------------------------------------------------------------------


def build(out: Path, *flags: str) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), str(out), *flags],
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_rebuilding_gives_the_same_csv_bytes_and_xlsx_cells(tmp_path: Path) -> None:
    # The xlsx files are byte-reproducible too, but only with the same openpyxl:
    # their cells are compared, so that an upgrade of openpyxl does not fail here.
    build(tmp_path, "--no-libreoffice")
    for name in ("jimu_toroku_cp932.csv", "jimu_toroku_utf8_bom.csv", "registry.toml"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name
    for name in ("jimu_toroku.xlsx", "file_bo.xlsx", "tanpyo.xlsx"):
        old = CalamineWorkbook.from_path(str(FIXTURES / name))
        new = CalamineWorkbook.from_path(str(tmp_path / name))
        assert new.sheet_names == old.sheet_names
        for sheet in old.sheet_names:
            assert sheet_rows(tmp_path / name, sheet) == sheet_rows(FIXTURES / name, sheet)


def test_rebuilding_with_libreoffice_gives_the_same_cells(tmp_path: Path) -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("soffice が見つかりません: apt-get install libreoffice-calc-nogui")
    build(tmp_path)
    for name in ("jimu_toroku.xls", "jimu_toroku.ods"):
        assert sheet_rows(tmp_path / name, JIMU_SHEET) == sheet_rows(FIXTURES / name, JIMU_SHEET)
    assert merged(tmp_path / "jimu_toroku.xls", JIMU_SHEET) == merged(
        FIXTURES / "jimu_toroku.xls", JIMU_SHEET
    )
