"""``todokede check`` on 特定個人情報保護評価 through the real entry point, and ``reminders``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.assessment import assessment, tax
from tests.support.samples import MINIMAL_CONFIG, CliRunner


def register(root: Path, text: str) -> Path:
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "entries" / "kazei.toml").write_text(text, encoding="utf-8")
    return root


def test_check_reports_a_level_too_low_on_its_line(todokede: CliRunner, tmp_path: Path) -> None:
    text = tax(assessment=assessment(level="basic"))
    line = text.splitlines().index('level = "basic"') + 1
    done = todokede("--registry", str(register(tmp_path / "reg", text)), "check")
    assert done.returncode == 1
    assert done.stderr == ""
    assert (
        f"entries/kazei.toml:{line}: エラー: my_number_assessment.level: 対象人数 115,000人・"
        "取扱者数 300人・重大事故なしでは基礎項目評価及び重点項目評価が必要ですが、"
        "記録されている評価は基礎項目評価です"
    ) in done.stdout.splitlines()


def test_check_warns_of_a_missing_assessment(todokede: CliRunner, tmp_path: Path) -> None:
    root = register(tmp_path / "reg", tax())
    done = todokede("--registry", str(root), "check", "--format", "json")
    assert done.returncode == 0, done.stderr
    warnings = json.loads(done.stdout)["warnings"]
    assert [(w["field"], w["message"]) for w in warnings] == [
        (
            "my_number_assessment",
            "個人番号を記録し、特定個人情報ファイルの本人が115,000人（1,000人以上）ですが、"
            "特定個人情報保護評価（[my_number_assessment]）が記録されていません",
        )
    ]
    strict = todokede("--registry", str(root), "check", "--strict")
    assert strict.returncode == 1


def test_check_is_clean_under_1000_persons_and_for_staff_files(
    todokede: CliRunner, tmp_path: Path
) -> None:
    for name, text in (
        ("few", tax(persons=999)),
        ("staff", tax(exemption='exemption = "74-2-3"\n')),
        ("covered", tax(assessment=assessment(level="full"))),
    ):
        done = todokede("--registry", str(register(tmp_path / name, text)), "check", "--strict")
        assert done.returncode == 0, (name, done.stdout)


def test_reminders_list_the_assessment_in_json(todokede: CliRunner, tmp_path: Path) -> None:
    root = register(tmp_path / "reg", tax(assessment=assessment()))
    done = todokede(
        "--registry", str(root), "reminders", "--as-of", "2027-07-01", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == ["as_of", "overdue", "due_soon", "assessments"]
    assert data["assessments"] == [
        {
            "entry": "kazei",
            "name": "個人住民税賦課事務",
            "department": "課税課",
            "evaluated": "2022-06-30",
            "due": "2027-06-30",
            "reason": "前回の評価（令和4年6月30日）から5年が経過しています",
        }
    ]
