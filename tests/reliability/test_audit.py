"""``todokede check --audit``: past commits that broke ``[access]``, on real histories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.gitrepos import committed_register, git
from tests.support.hook import (
    CONFIG_WITH_ACCESS,
    KAZEI_ID,
    KENKO_ENTRY,
    KENKO_ID,
    commit_all,
    write,
)
from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY, CliRunner

SOUMU_AUTHOR = "総務 山田 <soumu@example.jp>"  # matches "soumu@Example.JP" of the table
KAZEI_AUTHOR = "kazei-tanaka <tanaka@example.jp>"  # matches by name


def audited(todokede: CliRunner, root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = todokede("check", "--audit", "--format", "json", *args, cwd=root)
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def history(root: Path) -> dict[str, str]:
    """A register whose commits break and keep the rules; the commits by label."""
    committed_register(root, (KAZEI_ID, VALID_ENTRY), (KENKO_ID, KENKO_ENTRY))
    write(root / "registry.toml", CONFIG_WITH_ACCESS)
    shas = {"access": commit_all(root, "権限を設定", SOUMU_AUTHOR)}
    own = root / "entries" / f"{KAZEI_ID}.toml"
    own.write_text(own.read_text("utf-8").replace('"生年月日"]', '"生年月日", "個人番号"]'))
    shas["own"] = commit_all(root, "課税課の変更", KAZEI_AUTHOR)
    other = root / "entries" / f"{KENKO_ID}.toml"
    other.write_text(other.read_text("utf-8").replace('"生年月日"]', '"生年月日", "電話番号"]'))
    shas["other"] = commit_all(root, "健康増進課の業務を課税課が変更", KAZEI_AUTHOR)
    write(
        root / "registry.toml",
        CONFIG_WITH_ACCESS.replace('"kenko-suzuki"]', '"kenko-suzuki", "kazei-tanaka"]'),
    )
    shas["grant"] = commit_all(root, "課税課が自分に権限を追加", KAZEI_AUTHOR)
    return shas


def test_audit_reports_commits_whose_author_had_no_right(
    tmp_path: Path, todokede: CliRunner, git_identity: None
) -> None:
    root = tmp_path / "reg"
    shas = history(root)
    code, result = audited(todokede, root)
    assert code == 0 and result["ok"] is True and result["errors"] == []
    audits = [w for w in result["warnings"] if w["field"] == "audit"]
    messages = [w["message"] for w in audits]
    # The first commits (no table yet) are judged by today's table: their author, the
    # secretariat's email in another case, may do everything.
    assert [w["file"] for w in audits] == ["registry.toml", f"entries/{KENKO_ID}.toml"]
    assert messages[0].startswith(f"監査: コミット {shas['grant'][:7]}（")
    assert (
        "作成者 kazei-tanaka <tanaka@example.jp>）: registry.toml: registry.toml を変更する権限がありません"
        in messages[0]
    )
    assert messages[1].startswith(f"監査: コミット {shas['other'][:7]}（")
    assert (
        "健康増進課の業務を編集する権限がありません（作成者: kazei-tanaka <tanaka@example.jp>。"
        in messages[1]
    )
    assert all(shas["own"][:7] not in m and shas["access"][:7] not in m for m in messages)
    # The commit after the grant is judged by the table before it: the grant is no excuse.
    assert all(w["line"] is None for w in audits)
    strict, as_errors = audited(todokede, root, "--strict")
    assert strict == 1 and len(as_errors["errors"]) == 2
    text = todokede("check", "--audit", cwd=root)
    assert text.returncode == 0
    assert text.stdout.splitlines()[-1].startswith(
        "監査の注意: コミットの作成者（氏名・メール）は各自が設定できる自己申告の値です"
    )
    plain = todokede("check", "--format", "json", cwd=root)  # without --audit: no git read at all
    assert json.loads(plain.stdout)["warnings"] == []


def test_audit_without_a_table_says_so_and_needs_git(
    tmp_path: Path, todokede: CliRunner, git_identity: None
) -> None:
    root = committed_register(tmp_path / "reg")
    code, result = audited(todokede, root)
    assert code == 0
    assert result["warnings"] == [
        {
            "file": "registry.toml",
            "line": None,
            "field": "audit",
            "message": "監査: registry.toml に [access] がないため、権限を監査できません",
        }
    ]
    loose = tmp_path / "loose"
    (loose / "entries").mkdir(parents=True)
    write(loose / "registry.toml", MINIMAL_CONFIG)
    outside = todokede("check", "--audit", cwd=loose)
    assert outside.returncode == 1
    assert outside.stderr.startswith("エラー: git リポジトリではありません")


def test_audit_of_a_register_in_a_subfolder(
    tmp_path: Path, todokede: CliRunner, git_identity: None
) -> None:
    outer = tmp_path / "outer"
    root = outer / "docs" / "register"
    write(root / "registry.toml", CONFIG_WITH_ACCESS)
    write(root / "entries" / f"{KAZEI_ID}.toml", VALID_ENTRY)
    write(outer / "README.md", "readme\n")
    git(outer, "init", "-q", "-b", "main")
    commit_all(outer, "project", SOUMU_AUTHOR)
    write(outer / "README.md", "changed by anyone: not the register's file\n")
    commit_all(outer, "readme", KAZEI_AUTHOR)
    write(root / "entries" / "kenko-new.toml", KENKO_ENTRY)
    new = commit_all(outer, "健康増進課の業務を課税課が追加", KAZEI_AUTHOR)
    code, result = audited(todokede, root)
    assert code == 0
    assert [(w["file"], w["message"][:17]) for w in result["warnings"]] == [
        ("entries/kenko-new.toml", f"監査: コミット {new[:7]}（")
    ]
