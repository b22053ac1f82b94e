"""The benchmarks' synthetic register is a clean one: files, organs and 部 included.

A budget measured on a register that warns on every entry (no 個人情報ファイル, no
organs) would time the warnings, not the register the design speaks of.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

from benchmarks.generate import generate
from tests.support.samples import CliRunner


def test_a_generated_register_checks_without_any_warning(
    tmp_path: Path, todokede: CliRunner
) -> None:
    root = tmp_path / "bench"
    generate(root, entries=120, filings=480, seed=1, git=False)

    result = todokede("--registry", str(root), "check", "--format", "json")

    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert (report["ok"], report["entries"], report["errors"]) == (True, 120, [])
    assert report["warnings"] == []

    entries = [tomllib.loads(p.read_text("utf-8")) for p in (root / "entries").glob("*.toml")]
    counts = Counter(len(entry["files"]) for entry in entries)
    assert set(counts) == {1, 2, 3, 4}
    files = [file for entry in entries for file in entry["files"]]
    for entry in entries:
        held = set(entry["record_items"])
        assert all(set(file["record_items"]) <= held for file in entry["files"])
    assert all(file["persons"] % 50 == 0 for file in files)  # round numbers
    assert any(file["persons"] < 1000 for file in files)
    assert any(file["kind"] == "manual" for file in files)
    assert 0 < sum(1 for file in files if file.get("exemption")) < len(files) // 10
    assert len({file["name"] for file in files}) == len(files)

    config = tomllib.loads((root / "registry.toml").read_text("utf-8"))
    placed = [d for agency in config["agencies"] for d in agency["departments"]]
    assert sorted(placed) == sorted(config["departments"])  # each 課 in one organ
    assert {"合成市長", "合成市教育委員会"} <= {agency["name"] for agency in config["agencies"]}
    assert all(agency["disclosure_office"] for agency in config["agencies"])
    assert config["divisions"]


def test_the_generator_flaws_the_shares_of_files_it_is_asked_to(
    tmp_path: Path, todokede: CliRunner
) -> None:
    root = tmp_path / "flawed"
    generate(root, entries=40, filings=160, seed=1, git=False, warnings=0.5, errors=0.25)

    result = todokede("--registry", str(root), "check", "--format", "json")

    assert result.returncode == 1, result.stdout + result.stderr  # errors: exit 1
    report = json.loads(result.stdout)
    warning_files = {problem["file"] for problem in report["warnings"]}
    error_files = {problem["file"] for problem in report["errors"]}
    assert (len(warning_files), len(error_files)) == (20, 10)  # exact for the seed
    assert not warning_files & error_files
    assert all("独自の記録項目" in problem["message"] for problem in report["warnings"])
    assert all(problem["field"].endswith(".persons") for problem in report["errors"])

    clean = tmp_path / "warnings-only"
    generate(clean, entries=40, filings=160, seed=1, git=False, warnings=0.5)
    only = json.loads(todokede("--registry", str(clean), "check", "--format", "json").stdout)
    assert only["errors"] == []
    assert {problem["file"] for problem in only["warnings"]} == warning_files


def test_a_snapshot_is_the_register_in_one_commit(tmp_path: Path, todokede: CliRunner) -> None:
    """``--snapshot`` (the growth table's large sizes): the same files as with a
    history, committed once, and nothing left unfiled."""
    import subprocess

    with_history = tmp_path / "history"
    snapshot = tmp_path / "snapshot"
    generate(with_history, entries=30, filings=90, seed=1)
    generate(snapshot, entries=30, filings=90, seed=1, snapshot=True)

    def files(root: Path) -> dict[str, str]:
        return {p.name: p.read_text("utf-8") for p in (root / "entries").glob("*.toml")}

    assert files(snapshot) == files(with_history)
    count = subprocess.run(
        ["git", "-C", str(snapshot), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert count == "1"
    result = todokede("--registry", str(snapshot), "check", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["warnings"] == []
