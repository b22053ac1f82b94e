"""Saved but not filed: a file that differs, as an entry, from its last filing (HEAD).

Real git repositories: a change of a field is found, comments and layout are
not; a new entry never committed, an entry HEAD holds without filings and a
register outside git give nothing; a register in a subfolder, a staged change
and one entry asked alone are found too; ``check`` lists them as warnings
with the field ``filing`` and keeps its JSON keys.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.gitrepos import committed_register, git, write_register
from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY, CliRunner
from todokede.registry.files.store import load_register
from todokede.registry.git.unfiled import FIELD, changed_since_filing
from todokede.registry.views.check import check_path

ENTRY = "kazei-kojin-juminzei"
OTHER = "kazei-other"
OTHER_ENTRY = VALID_ENTRY.replace("個人住民税賦課事務", "固定資産税課税事務")


def changed(root: Path) -> frozenset[str]:
    register = load_register(root)
    return changed_since_filing(root, {k: v.entry for k, v in register.entries.items()})


def edit(root: Path, old: str, new: str, entry_id: str = ENTRY) -> Path:
    path = root / "entries" / f"{entry_id}.toml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")
    return path


def test_a_changed_field_is_found_and_comments_and_layout_are_not(tmp_path: Path) -> None:
    root = committed_register(tmp_path / "reg", (ENTRY, VALID_ENTRY), (OTHER, OTHER_ENTRY))
    assert changed(root) == frozenset()
    edit(root, '"生年月日"]', '"生年月日", "電話番号"]')
    edit(
        root,
        "# 課税課 固定資産税課税事務",
        "# 課税課 固定資産税課税事務（見出しだけ直した）",
        OTHER,
    )
    edit(root, 'status = "active"', 'status  =  "active"   # 状態', OTHER)
    assert changed(root) == {ENTRY}
    git(root, "add", "entries")  # staged, still not filed
    assert changed(root) == {ENTRY}
    register = load_register(root)
    working = {ENTRY: register.entries[ENTRY].entry}
    assert changed_since_filing(root, working, [ENTRY]) == {ENTRY}
    assert changed_since_filing(root, working, []) == frozenset()


def test_never_filed_never_committed_and_no_git_give_nothing(tmp_path: Path) -> None:
    plain = write_register(tmp_path / "plain", (ENTRY, VALID_ENTRY))
    edit(plain, '"生年月日"]', '"生年月日", "電話番号"]')
    assert changed(plain) == frozenset()  # not a git repository
    unfiled = VALID_ENTRY.split("[[filings]]")[0]
    root = committed_register(tmp_path / "reg", (ENTRY, VALID_ENTRY), (OTHER, unfiled))
    edit(root, "個人住民税の納税義務者", "市民", OTHER)  # committed, never filed
    new = root / "entries" / "kazei-new.toml"
    new.write_text(OTHER_ENTRY, "utf-8")  # untracked
    assert changed(root) == frozenset()


def test_a_register_in_a_subfolder_of_its_repository(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    root = write_register(top / "registers" / "city", (ENTRY, VALID_ENTRY))
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    git(top, "-c", "user.name=総務課", "-c", "user.email=soumu@example.jp", "commit", "-qm", "x")
    assert changed(root) == frozenset()
    edit(root, '"生年月日"]', '"生年月日", "電話番号"]')
    assert changed(root) == {ENTRY}


def test_check_warns_with_the_field_filing_naming_the_entry(
    tmp_path: Path, todokede: CliRunner
) -> None:
    root = committed_register(tmp_path / "reg", (ENTRY, VALID_ENTRY))
    assert (root / "registry.toml").read_text("utf-8") == MINIMAL_CONFIG
    before = todokede("--registry", str(root), "check")
    assert before.returncode == 0 and "問題ありません" in before.stdout
    assert "filing" not in before.stdout
    edit(root, '"生年月日"]', '"生年月日", "電話番号"]')
    result = check_path(root)
    assert result.ok and not result.errors
    [warning] = result.warnings
    assert (warning.file, warning.field) == (f"entries/{ENTRY}.toml", FIELD)
    assert "個人住民税賦課事務" in warning.message and ENTRY in warning.message
    assert "届け出ていない変更" in warning.message

    text = todokede("--registry", str(root), "check")
    assert text.returncode == 0, text.stderr
    assert f"entries/{ENTRY}.toml: 警告: filing: 「個人住民税賦課事務」" in text.stdout
    assert "警告 1件" in text.stdout
    data = json.loads(todokede("--registry", str(root), "check", "--format", "json").stdout)
    assert set(data) == {"ok", "entries", "errors", "warnings"}
    assert data["ok"] is True and data["errors"] == []
    assert data["warnings"][0]["field"] == "filing"
    assert set(data["warnings"][0]) == {"file", "line", "field", "message"}
    strict = todokede("--registry", str(root), "check", "--strict")
    assert strict.returncode == 1  # --strict: every warning is an error
