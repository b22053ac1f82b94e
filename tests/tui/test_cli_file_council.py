"""``todokede file --consultation / --reported``, and the warning when a change needs one.

On real git repositories through the real entry point: the keys land on the new
filing, a name that covers nothing is refused (exit 1, one line, the file byte for
byte and HEAD where it was), and a change adding a contractor with neither is filed
with a warning that ``check`` repeats at the filing.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, head
from tests.support.samples import VALID_ENTRY, CliRunner

COUNCIL_ID = "kenko-soudan"
COUNCIL_ENTRY = """\
name = "健康相談事業"
department = "健康増進課"
purpose = "健康増進法に基づき市民の健康相談に応じるため"
subjects = ["健康相談の利用者"]
record_items = ["氏名", "相談内容"]

[[files]]
name = "健康相談記録ファイル"
kind = "computer"
record_items = ["氏名", "相談内容"]
persons = 3000

[[filings]]
date = 2010-04-01
kind = "start"

[[council]]
kind = "consultation"
number = "平成28年度諮問第9号"
subject = "個人住民税課税資料のデータ入力の委託"
matters = ["outsourcing"]
date = 2016-02-23
answered = 2016-02-23
result = "approved"

[[council]]
kind = "consultation"
number = "平成28年度諮問第10号"
subject = "審議中の委託"
matters = ["outsourcing"]
date = 2016-02-23
"""
CONTRACTOR = """
[[outsourcing]]
contractor = "株式会社武蔵野情報サービス"
scope = "課税資料のデータ入力"
since = 2016-04-01
"""
REPORT = """
[[council]]
kind = "report"
subject = "課税資料のデータ入力の委託"
matters = ["outsourcing"]
date = 2016-03-22
covered_by = "平成11年諮問（課税資料のデータ入力の委託）"
"""


@pytest.fixture
def register(tmp_path: Path, git_identity: None) -> Path:
    return committed_register(
        tmp_path / "reg", (ENTRY_ID, VALID_ENTRY), (COUNCIL_ID, COUNCIL_ENTRY)
    )


def entry_file(root: Path) -> Path:
    return root / "entries" / f"{ENTRY_ID}.toml"


def last_filing(root: Path) -> dict[str, object]:
    filings = tomllib.loads(entry_file(root).read_text("utf-8"))["filings"]
    assert isinstance(filings, list) and isinstance(filings[-1], dict)
    return filings[-1]


def file_change(todokede: CliRunner, root: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return todokede("--registry", str(root), "file", ENTRY_ID, "--date", "2016-04-01", *options)


def check(todokede: CliRunner, root: Path) -> dict[str, list[dict[str, object]]]:
    result = todokede("--registry", str(root), "check", "--format", "json")
    report: dict[str, list[dict[str, object]]] = json.loads(result.stdout)
    return report


def test_a_consultation_of_another_entry_is_recorded_on_the_filing(
    register: Path, todokede: CliRunner
) -> None:
    entry_file(register).write_text(VALID_ENTRY + CONTRACTOR, "utf-8")
    result = file_change(todokede, register, "--consultation", "平成28年度諮問第9号")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    filing = last_filing(register)
    assert filing["consultation"] == "平成28年度諮問第9号"
    assert "reported" not in filing
    report = check(todokede, register)
    assert report["errors"] == [] and report["warnings"] == []


def test_a_report_of_the_entry_is_recorded_on_the_filing(
    register: Path, todokede: CliRunner
) -> None:
    entry_file(register).write_text(VALID_ENTRY + CONTRACTOR + REPORT, "utf-8")
    result = file_change(todokede, register, "--reported", "平成28年3月22日")
    assert result.returncode == 0, result.stderr
    assert str(last_filing(register)["reported"]) == "2016-03-22"
    text = entry_file(register).read_text("utf-8")
    assert text.rstrip().endswith('covered_by = "平成11年諮問（課税資料のデータ入力の委託）"')
    report = check(todokede, register)
    assert report["errors"] == [] and report["warnings"] == []


REFUSED: dict[str, tuple[tuple[str, ...], str]] = {
    "unknown_consultation": (
        ("--consultation", "平成28年度諮問第8号"),
        "諮問「平成28年度諮問第8号」は登録簿のどの [[council]] にもありません",
    ),
    "pending_consultation": (
        ("--consultation", "平成28年度諮問第10号"),
        "諮問「平成28年度諮問第10号」はまだ答申がありません",
    ),
    "no_report_that_day": (
        ("--reported", "2016-03-23"),
        '報告日 2016-03-23 の報告（[[council]] kind = "report"）がこのエントリにありません',
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_name_that_covers_nothing_is_refused_in_one_line(
    case: str, register: Path, todokede: CliRunner
) -> None:
    options, message = REFUSED[case]
    text = VALID_ENTRY + CONTRACTOR + REPORT
    entry_file(register).write_text(text, "utf-8")
    before = head(register)
    result = file_change(todokede, register, *options)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0] == f"エラー: entries/{ENTRY_ID}.toml: {message}" or (
        lines[0].startswith(f"エラー: entries/{ENTRY_ID}.toml: {message}（")
    ), lines
    assert entry_file(register).read_text("utf-8") == text
    assert head(register) == before


def test_a_contractor_added_without_either_is_filed_with_a_warning(
    register: Path, todokede: CliRunner
) -> None:
    entry_file(register).write_text(VALID_ENTRY + CONTRACTOR, "utf-8")
    before = head(register)
    result = file_change(todokede, register)
    assert result.returncode == 0
    assert head(register) != before
    [warning] = result.stderr.strip().splitlines()
    assert warning.startswith("警告: 審議会への諮問又は報告の記録がありません（")
    assert "--consultation" in warning and "--reported" in warning
    [found] = check(todokede, register)["warnings"]
    assert (found["field"], found["message"]) == (
        "filings[1]",
        "審議会への諮問又は報告の記録がありません",
    )


def test_my_number_added_to_a_process_with_a_contractor_needs_the_council(
    tmp_path: Path, git_identity: None, todokede: CliRunner
) -> None:
    filed = VALID_ENTRY + CONTRACTOR.replace("2016-04-01", "2005-04-01")
    root = committed_register(tmp_path / "reg", (ENTRY_ID, filed), (COUNCIL_ID, COUNCIL_ENTRY))
    changed = filed.replace('"生年月日"]', '"生年月日", "個人番号"]')
    entry_file(root).write_text(changed, "utf-8")
    result = file_change(todokede, root)
    assert result.returncode == 0, result.stderr
    assert "審議会への諮問又は報告の記録がありません" in result.stderr
    assert last_filing(root)["items_added"] == ["個人番号"]


def test_a_register_recording_no_council_business_gets_no_warning(
    tmp_path: Path, git_identity: None, todokede: CliRunner
) -> None:
    root = committed_register(tmp_path / "reg")
    entry_file(root).write_text(VALID_ENTRY + CONTRACTOR, "utf-8")
    result = file_change(todokede, root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(("kind", "warned"), [("provision", True), ("internal", False)])
def test_an_external_provision_needs_the_council_and_internal_use_does_not(
    kind: str, warned: bool, register: Path, todokede: CliRunner
) -> None:
    provision = f'\n[[provisions]]\nrecipient = "東京都"\nbasis = "地方税法"\nkind = "{kind}"\n'
    entry_file(register).write_text(VALID_ENTRY + provision, "utf-8")
    result = file_change(todokede, register)
    assert result.returncode == 0, result.stderr
    assert ("審議会への諮問又は報告の記録がありません" in result.stderr) is warned


def with_my_number(text: str) -> str:
    """The process and its file gain 個人番号 (the file counts 5,000 persons)."""
    return text.replace('"生年月日"]', '"生年月日", "個人番号"]').replace(
        'record_items = ["氏名"]', 'record_items = ["氏名", "個人番号"]'
    )


def test_my_number_added_without_an_assessment_is_filed_with_a_warning(
    tmp_path: Path, git_identity: None, todokede: CliRunner
) -> None:
    root = committed_register(tmp_path / "reg")
    entry_file(root).write_text(with_my_number(VALID_ENTRY), "utf-8")
    result = file_change(todokede, root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "警告: 個人番号を記録項目に加える届出ですが、特定個人情報保護評価（[my_number_assessment]）が"
        "記録されていません。特定個人情報ファイルの本人が5,000人のため、"
        "個人番号を取り扱う前に評価を実施してください\n"
    )
    assert last_filing(root)["items_added"] == ["個人番号"]


@pytest.mark.parametrize(("evaluated", "warned"), [("2016-03-31", True), ("2016-04-01", False)])
def test_an_assessment_made_by_the_filing_s_day_covers_my_number(
    evaluated: str, warned: bool, tmp_path: Path, git_identity: None, todokede: CliRunner
) -> None:
    root = committed_register(tmp_path / "reg")
    assessment = (
        f'\n[my_number_assessment]\nlevel = "basic"\nevaluated = {evaluated}\n'
        "persons = 5000\nhandlers = 20\n"
    )
    entry_file(root).write_text(with_my_number(VALID_ENTRY) + assessment, "utf-8")
    result = file_change(todokede, root)  # filed on 2016-04-01
    assert result.returncode == 0, result.stderr
    assert ("はこの届出の日より前のものです" in result.stderr) is warned
    assert (result.stderr == "") is not warned
