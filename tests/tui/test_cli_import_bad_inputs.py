"""``todokede import`` given bad input, through the real entry point, on a real register:
each refusal is exit 1 (the content) or 2 (the usage), at most one line on stderr
starting with 「エラー: 」 and saying why, no traceback, and the register's files
byte for byte as they were. A problem in a row (a formula, a day that does not
exist, an unknown 課) is named by its cell in the plan on stdout."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Sequence
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from openpyxl import Workbook

from tests.support.importing import import_register
from tests.support.samples import CliRunner

HEADER = ("事務の名称", "担当課", "事務の目的", "対象者の範囲", "記録項目")
ROW = ("個人住民税賦課事務", "課税課", "地方税法に基づき個人住民税を賦課するため", "納税義務者", "氏名、住所")  # fmt: skip
BLOCKED = "取り込めない行があります"


@pytest.fixture
def register(tmp_path: Path) -> Path:
    """The fixtures' register config, an empty entries/, all in a first commit."""
    return import_register(tmp_path / "reg")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """Where the bad files are made: outside the register."""
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but .git, as bytes."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def workbook(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def refused(result: CompletedProcess[str], code: int, *words: str) -> str:
    """The one stderr line of a refusal with ``code``, holding every word."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == code, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("エラー: "), result.stderr
    for word in words:
        assert word in lines[0], result.stderr
    return lines[0]


def problem_line(stdout: str, *words: str) -> str:
    """The plan's line holding every word."""
    found = [line for line in stdout.splitlines() if all(w in line for w in words)]
    assert found, stdout
    return found[0]


def import_refused(
    todokede: CliRunner, register: Path, code: int, words: Sequence[str], *args: str
) -> CompletedProcess[str]:
    """``todokede import *args`` refused as said, nothing under the register changed."""
    before = snapshot(register)
    result = todokede("import", *args, cwd=register)
    refused(result, code, *words)
    assert snapshot(register) == before
    return result


# -- files that cannot be read ----------------------------------------------------------


def test_a_password_protected_workbook_is_refused(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = inbox / "x.xlsx"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    import_refused(todokede, register, 1, ["x.xlsx", "パスワードで保護されています"], str(source))


@pytest.mark.parametrize("damage", ["random bytes", "cut in half"])
def test_a_corrupt_workbook_is_refused(
    register: Path, inbox: Path, todokede: CliRunner, damage: str
) -> None:
    source = inbox / "x.xlsx"
    if damage == "random bytes":
        source.write_bytes(random.Random(7).randbytes(5000))
    else:
        whole = workbook(inbox / "whole.xlsx", [HEADER, ROW]).read_bytes()
        source.write_bytes(whole[: len(whole) // 2])
    import_refused(todokede, register, 1, ["x.xlsx", "読めません"], str(source))


def test_a_workbook_whose_only_sheet_is_empty_is_refused(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = workbook(inbox / "x.xlsx", [])
    import_refused(todokede, register, 1, ["シート「Sheet」は空です"], str(source))


def test_a_sheet_with_no_header_is_refused(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    rows = [("りんご", 120, "青森"), ("みかん", 80, "愛媛"), ("ぶどう", 300, "山梨")]
    source = workbook(inbox / "x.xlsx", rows)
    import_refused(todokede, register, 1, ["見出しの行が見つかりません"], str(source))


def test_a_file_of_100_mb_is_refused_before_it_is_read(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = inbox / "x.xlsx"
    with source.open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)  # sparse: nothing written
    import_refused(todokede, register, 1, ["x.xlsx", "大きすぎます", "100.0 MB"], str(source))


def test_a_csv_in_neither_utf8_nor_cp932_is_refused(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = inbox / "x.csv"
    source.write_bytes(b"\x82\xa0\xff\xfe\x00\x81")
    import_refused(todokede, register, 1, ["x.csv", "文字コード"], str(source))


def test_a_csv_with_nul_bytes_is_refused(register: Path, inbox: Path, todokede: CliRunner) -> None:
    source = inbox / "x.csv"
    source.write_bytes("事務の名称,担当課\n個人住民税\x00賦課事務,課税課\n".encode())
    import_refused(todokede, register, 1, ["x.csv", "CSV ではありません"], str(source))


# -- rows with problems -----------------------------------------------------------------


def test_a_formula_cell_is_named_as_a_warning_and_nothing_is_written(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    formula = '=CONCAT("地方税法","に基づく")'  # openpyxl writes no computed value
    source = workbook(inbox / "x.xlsx", [HEADER, (*ROW[:2], formula, *ROW[3:])])
    before = snapshot(register)
    result = todokede("import", str(source), "--dry-run", cwd=register)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode in (0, 1), result.stdout + result.stderr
    problem_line(result.stdout, "警告", "C2", "数式")
    lines = result.stderr.splitlines()
    assert len(lines) <= 1 and all(line.startswith("エラー: ") for line in lines), result.stderr
    assert snapshot(register) == before


def test_a_day_that_does_not_exist_is_named_and_nothing_is_imported(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = workbook(inbox / "x.xlsx", [(*HEADER, "開始年月日"), (*ROW, "平成31年2月30日")])
    dry = import_refused(todokede, register, 1, [BLOCKED, "何も書き込んでいません"],
                         str(source), "--dry-run")  # fmt: skip
    problem_line(dry.stdout, "エラー", "F2", "存在しない日付", "平成31年2月30日")
    real = import_refused(todokede, register, 1, [BLOCKED], str(source))
    problem_line(real.stdout, "F2", "存在しない日付")


def test_an_unknown_department_is_refused_unless_added(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = workbook(inbox / "x.xlsx", [HEADER, (ROW[0], "架空課", *ROW[2:])])
    dry = import_refused(todokede, register, 1, [BLOCKED, "1件"], str(source), "--dry-run")
    problem_line(dry.stdout, "B2", "架空課", "registry.toml の departments にありません")
    real = import_refused(todokede, register, 1, [BLOCKED], str(source))
    problem_line(real.stdout, "B2", "registry.toml の departments にありません")

    added = todokede("import", str(source), "--add-departments", cwd=register)
    assert added.returncode == 0, added.stdout + added.stderr
    assert added.stderr == ""
    config = tomllib.loads((register / "registry.toml").read_text(encoding="utf-8"))
    assert config["departments"][-1] == "架空課"
    written = list((register / "entries").glob("*.toml"))
    assert len(written) == 1
    assert 'department = "架空課"' in written[0].read_text(encoding="utf-8")


# -- usage ------------------------------------------------------------------------------


def test_a_file_that_does_not_exist_is_a_usage_error(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    import_refused(todokede, register, 2, ["ファイルがありません", "nai.xlsx"],
                   str(inbox / "nai.xlsx"))  # fmt: skip


def test_a_mapping_that_does_not_exist_is_a_usage_error(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = workbook(inbox / "x.xlsx", [HEADER, ROW])
    import_refused(todokede, register, 2, ["対応表がありません", "nai.toml"],
                   str(source), "--mapping", str(inbox / "nai.toml"))  # fmt: skip


def test_a_mapping_that_is_not_toml_is_refused(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = workbook(inbox / "x.xlsx", [HEADER, ROW])
    mapping = inbox / "m.toml"
    mapping.write_text("[columns\n事務名称 = name\n", encoding="utf-8")
    import_refused(todokede, register, 1, ["m.toml", "TOML として読めません"],
                   str(source), "--mapping", str(mapping))  # fmt: skip


def test_a_mapping_naming_an_unknown_field_is_refused(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = workbook(inbox / "x.xlsx", [HEADER, ROW])
    mapping = inbox / "m.toml"
    mapping.write_text('[columns]\n"事務の名称" = "nickname"\n', encoding="utf-8")
    import_refused(todokede, register, 1, ["m.toml", "nickname", "取り込めない項目です"],
                   str(source), "--mapping", str(mapping))  # fmt: skip


def test_dry_run_with_file_as_start_is_a_usage_error(
    register: Path, inbox: Path, todokede: CliRunner
) -> None:
    source = workbook(inbox / "x.xlsx", [HEADER, ROW])
    import_refused(todokede, register, 2, ["--dry-run", "--file-as-start", "一緒に使えません"],
                   str(source), "--dry-run", "--file-as-start", "2023-04-01")  # fmt: skip
