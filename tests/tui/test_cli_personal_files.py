"""個人情報ファイル through the real ``todokede``: filed as a change, shown by diff and log.

A real register in its own git repository (tests/support/gitrepos.py); each step
edits the entry file as a clerk would, files it without ``--summary`` and reads
back the commit, ``diff`` (text and JSON) and ``log``; then the history the TUI
shows is read for the same commits.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from tests.support.gitrepos import ENTRY_ID, committed_register, git
from tests.support.samples import VALID_ENTRY, CliRunner
from todokede.registry.git.history import entry_history
from todokede.tui.screens.history import commit_view

CONTRACT_KEYS = ["entry", "status", "changed_fields", "items_added", "items_removed"]
TAX_FILE = "個人住民税賦課事務ファイル"  # VALID_ENTRY's file
RETURNS_FILE = """
[[files]]
name = "個人住民税申告書綴"
kind = "manual"
record_items = ["氏名", "住所"]
persons = 3000
"""


@pytest.fixture
def register(tmp_path: Path, git_identity: None) -> Path:
    return committed_register(tmp_path / "reg")


def entry_path(root: Path) -> Path:
    return root / "entries" / f"{ENTRY_ID}.toml"


def edit(root: Path, old: str, new: str) -> None:
    path = entry_path(root)
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rows(view: RenderableType) -> list[tuple[str, ...]]:
    """A commit's view as the TUI renders it, each line as (heading, value)."""
    console = Console(file=io.StringIO(), width=200, color_system=None)
    with console.capture() as captured:
        console.print(view)
    return [
        tuple(re.split(r"\s{2,}", line.strip(), maxsplit=1)) for line in captured.get().splitlines()
    ]


def last_filing(root: Path) -> dict[str, object]:
    filings = tomllib.loads(entry_path(root).read_text("utf-8"))["filings"]
    assert isinstance(filings, list)
    last = filings[-1]
    assert isinstance(last, dict)
    return last


def test_a_new_file_alone_is_filed_as_a_change_with_a_drafted_summary(
    register: Path, todokede: CliRunner
) -> None:
    entry_path(register).write_text(VALID_ENTRY + RETURNS_FILE, encoding="utf-8")

    result = todokede("file", ENTRY_ID, "--kind", "change", "--date", "R6.4.1", cwd=register)

    assert result.returncode == 0, result.stderr
    summary = "個人情報ファイル「個人住民税申告書綴」を追加"
    assert f"変更届を記録しました: 課税課 個人住民税賦課事務 — {summary}" in result.stdout
    filing = last_filing(register)
    assert (filing["kind"], filing["summary"]) == ("change", summary)
    # the file's 住所 is no record item added to the process
    assert "items_added" not in filing and "items_removed" not in filing
    assert git(register, "log", "-1", "--format=%s").strip() == (
        f"変更届: 課税課 個人住民税賦課事務 — {summary}"
    )
    assert git(register, "status", "--porcelain").strip() == ""

    shown = todokede("diff", "--to", "HEAD", cwd=register)
    assert shown.returncode == 0, shown.stderr
    assert "    + 個人情報ファイル: 個人住民税申告書綴" in shown.stdout.splitlines()
    assert "変わった項目: 個人情報ファイル、届出" in shown.stdout

    data = json.loads(todokede("diff", "--to", "HEAD", "--format", "json", cwd=register).stdout)
    (entry,) = data["entries"]
    keys = list(entry)
    assert keys[:5] == CONTRACT_KEYS
    assert keys.index("files_added") > 4
    assert keys[keys.index("files_added") :][:3] == [
        "files_added",
        "files_removed",
        "files_changed",
    ]
    assert (entry["changed_fields"], entry["items_added"]) == (["files", "filings"], [])
    assert (entry["files_added"], entry["files_removed"], entry["files_changed"]) == (
        ["個人住民税申告書綴"],
        [],
        [],
    )

    log = todokede("log", ENTRY_ID, cwd=register)
    assert log.returncode == 0, log.stderr
    first = log.stdout.splitlines()[1]  # newest first, under the header
    assert first.startswith("令和6年4月1日") and "変更" in first and first.endswith(summary)
    commits = json.loads(todokede("log", ENTRY_ID, "--format", "json", cwd=register).stdout)
    assert commits["commits"][0]["summary"] == summary


def test_changed_and_removed_files_are_named_in_summary_diff_log_and_history(
    register: Path, todokede: CliRunner
) -> None:
    entry_path(register).write_text(VALID_ENTRY + RETURNS_FILE, encoding="utf-8")
    filed = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2024-04-01", cwd=register)
    assert filed.returncode == 0, filed.stderr

    edit(register, "persons = 5000", "persons = 6000")
    changed = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2024-05-01", cwd=register)
    assert changed.returncode == 0, changed.stderr
    summary = f"個人情報ファイル「{TAX_FILE}」の本人の数を変更"
    assert last_filing(register)["summary"] == summary
    text = todokede("diff", "--to", "HEAD", cwd=register).stdout.splitlines()
    assert f"    ~ 個人情報ファイル: {TAX_FILE}（本人の数を変更）" in text
    data = json.loads(todokede("diff", "--to", "HEAD", "--format", "json", cwd=register).stdout)
    assert data["entries"][0]["files_changed"] == [TAX_FILE]
    assert data["entries"][0]["files_added"] == data["entries"][0]["files_removed"] == []

    edit(register, RETURNS_FILE, "")
    removed = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2024-06-01", cwd=register)
    assert removed.returncode == 0, removed.stderr
    assert last_filing(register)["summary"] == "個人情報ファイル「個人住民税申告書綴」を削除"
    data = json.loads(todokede("diff", "--to", "HEAD", "--format", "json", cwd=register).stdout)
    assert data["entries"][0]["files_removed"] == ["個人住民税申告書綴"]

    log = todokede("log", ENTRY_ID, "--format", "json", cwd=register)
    assert [c["summary"] for c in json.loads(log.stdout)["commits"]][:3] == [
        "個人情報ファイル「個人住民税申告書綴」を削除",
        summary,
        "個人情報ファイル「個人住民税申告書綴」を追加",
    ]

    # The TUI's history shows the same lines for each of these commits.
    items = entry_history(register, ENTRY_ID)
    shown = [rows(commit_view(item)) for item in items[:3]]
    assert ("個人情報ファイルの削除", "個人住民税申告書綴") in shown[0]
    assert ("個人情報ファイル", f"{TAX_FILE}（本人の数を変更）") in shown[1]
    assert ("個人情報ファイルの追加", "個人住民税申告書綴") in shown[2]
    assert all(("変更された項目", "個人情報ファイル、届出") in view for view in shown)


def test_a_file_change_with_nothing_else_is_no_unchanged_refusal(
    register: Path, todokede: CliRunner
) -> None:
    unchanged = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2024-04-01", cwd=register)
    assert unchanged.returncode == 1  # nothing edited: refused
    edit(register, 'record_items = ["氏名"]\npersons', 'record_items = ["氏名", "住所"]\npersons')
    result = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2024-04-01", cwd=register)
    assert result.returncode == 0, result.stderr
    assert last_filing(register)["summary"] == f"個人情報ファイル「{TAX_FILE}」の記録項目を変更"
