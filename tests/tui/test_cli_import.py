"""``todokede import`` of the fixtures' spreadsheets, through the real entry point.

Each fixture (tests/fixtures/import/) imports into a register with the fixtures'
registry.toml; the dry-run is a golden and writes nothing; the real import writes
entries that ``check`` passes (with the warnings the dry-run announced), a re-run
skips them, the .xls, .ods and CSV of the 事務登録簿 give the same entries as its
xlsx, and ``--file-as-start`` files each as 開始 in its own commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.gitrepos import git
from tests.support.importing import FIXTURES, import_register
from tests.support.reports import compare_golden
from tests.support.samples import CliRunner
from todokede.registry.schema.errors import RegisterError
from todokede.reports.imports.plan import ImportPlan, plan_import, write_import

RENAME = '[departments]\n"市民課窓口係" = "市民課"\n'


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return import_register(tmp_path / "reg")


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(RENAME, "utf-8")
    return path


@pytest.mark.parametrize(
    ("fixture", "options"),
    [
        ("jimu_toroku.xlsx", ()),
        ("jimu_toroku_cp932.csv", ()),
        ("tanpyo.xlsx", ()),
        ("file_bo.xlsx", ("--mapping", "MAPPING")),
    ],
)
def test_the_dry_run_says_what_would_be_written_and_writes_nothing(
    fixture: str,
    options: tuple[str, ...],
    register: Path,
    tmp_path: Path,
    todokede: CliRunner,
) -> None:
    args = [a.replace("MAPPING", str(mapping(tmp_path))) for a in options]
    before = files_of(register)
    result = todokede("import", str(FIXTURES / fixture), "--dry-run", *args, cwd=register)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert files_of(register) == before
    compare_golden(f"import_{Path(fixture).stem}.txt", result.stdout)


def test_an_unknown_department_stops_the_import_until_it_is_renamed(
    register: Path, tmp_path: Path, todokede: CliRunner
) -> None:
    before = files_of(register)
    result = todokede("import", str(FIXTURES / "file_bo.xlsx"), cwd=register)
    assert result.returncode == 1
    assert "担当課「市民課窓口係」は registry.toml の departments にありません" in result.stdout
    assert files_of(register) == before
    renamed = todokede(
        "import", str(FIXTURES / "file_bo.xlsx"), "--mapping", str(mapping(tmp_path)), cwd=register
    )
    assert renamed.returncode == 0, renamed.stdout + renamed.stderr
    assert "件の業務を entries/ に書き込みました" in renamed.stdout


def test_the_import_checks_clean_and_a_rerun_skips_what_it_wrote(
    register: Path, todokede: CliRunner
) -> None:
    source = str(FIXTURES / "jimu_toroku.xlsx")
    result = todokede("import", source, cwd=register)
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p.name for p in (register / "entries").glob("*.toml"))
    assert len(written) == 12 and "kazei-kojin-juminzei-fuka.toml" in written
    text = (register / "entries" / "kazei-kojin-juminzei-fuka.toml").read_text("utf-8")
    assert text.startswith("# 取込元: jimu_toroku.xlsx|事務登録簿|課税課|個人住民税賦課事務\n")
    check = todokede("check", cwd=register)
    assert check.returncode == 0, check.stdout + check.stderr

    before = files_of(register)
    again = todokede("import", source, cwd=register)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "取り込み済みのため飛ばす業務: 12件" in again.stdout
    assert "新しく取り込む業務はありません" in again.stdout
    assert files_of(register) == before


@pytest.mark.parametrize(
    ("copy", "hidden_kept"),
    [
        ("jimu_toroku.ods", False),
        ("jimu_toroku.xls", False),
        # a CSV has no hidden rows: the row the xlsx hides is imported from it
        ("jimu_toroku_utf8_bom.csv", True),
        ("jimu_toroku_cp932.csv", True),
    ],
)
def test_the_other_formats_of_the_register_give_the_same_entries(
    copy: str, hidden_kept: bool, register: Path
) -> None:
    original = plan_import(register, FIXTURES / "jimu_toroku.xlsx", check=False)
    other = plan_import(register, FIXTURES / copy, check=False)
    assert original.hidden == 1 and other.hidden == (0 if hidden_kept else 1)

    def by_process(plan: ImportPlan) -> dict[tuple[str, str], dict[str, object]]:
        """Each process's data, its items as a set (the CSV lists them in its own order)."""
        found: dict[tuple[str, str], dict[str, object]] = {}
        for i in plan.entries:
            data = i.entry.model_dump()
            data["record_items"] = set(data["record_items"])
            for file in data["files"]:
                file["record_items"] = set(file["record_items"])
            found[(i.entry.department, i.entry.name)] = {**data, "started": i.started}
        return found

    theirs, ours = by_process(other), by_process(original)
    assert len(theirs) == len(ours) + hidden_kept
    for key, data in ours.items():
        assert theirs[key] == data, key


def test_file_as_start_commits_each_entry_as_a_start(register: Path, todokede: CliRunner) -> None:
    result = todokede(
        "import",
        str(FIXTURES / "tanpyo.xlsx"),
        "--file-as-start",
        "令和5年4月1日",
        cwd=register,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    entries = list((register / "entries").glob("*.toml"))
    subjects = git(register, "log", "--format=%s").splitlines()
    assert len(subjects) == len(entries) + 1  # one commit per entry, then the first
    assert all(s.startswith("開始届: ") for s in subjects[:-1])
    assert "既存の登録簿から取り込み" in subjects[0]
    check = todokede("check", "--strict", cwd=register)
    assert "まだ届出されていません" not in check.stdout


def test_the_import_is_all_or_nothing(register: Path) -> None:
    plan = plan_import(register, FIXTURES / "jimu_toroku.xlsx")
    assert len(plan.entries) == 12 and not plan.blocked
    # another clerk's file appears at the last entry's name between the plan and the write
    late = register / "entries" / f"{plan.entries[-1].entry_id}.toml"
    late.write_text("# 別の課が書いたファイル\n", "utf-8")
    before = files_of(register)
    with pytest.raises(RegisterError, match=r"何も書き込んでいません.*既にあります"):
        write_import(register, plan)
    assert files_of(register) == before  # the eleven written first were taken back
    assert not list(register.glob(".todokede-import*"))


@pytest.mark.parametrize(
    ("mapping_text", "first_id"),
    [
        ('[ids]\nprefix = "hino"\n', "hino-kazei-kojin-juminzei-fuka"),
        ('[columns]\n"番号" = "process_id"\n[ids]\nprefix = "hino"\n', "hino-1"),
        ('[columns]\n"番号" = "process_id"\n', "1"),
    ],
)
def test_the_mapping_s_id_rule(
    mapping_text: str, first_id: str, register: Path, tmp_path: Path
) -> None:
    path = tmp_path / "ids.toml"
    path.write_text(mapping_text, "utf-8")
    plan = plan_import(register, FIXTURES / "jimu_toroku.xlsx", mapping_path=path, check=False)
    ids = [i.entry_id for i in plan.entries]
    assert ids[0] == first_id and len(set(ids)) == len(ids) == 12


def test_a_prefix_the_id_rule_refuses_is_one_line(
    register: Path, tmp_path: Path, todokede: CliRunner
) -> None:
    path = tmp_path / "ids.toml"
    path.write_text('[ids]\nprefix = "日野"\n', "utf-8")
    before = files_of(register)
    result = todokede(
        "import", str(FIXTURES / "jimu_toroku.xlsx"), "--mapping", str(path), cwd=register
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "prefix「日野」は使えません" in result.stderr
    assert files_of(register) == before
