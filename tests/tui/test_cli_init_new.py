"""``todokede init`` and ``todokede new`` through the real entry point."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.samples import CliRunner


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


def test_init_creates_a_git_register_and_commits_it(
    tmp_path: Path, todokede: CliRunner, git_identity: None
) -> None:
    root = tmp_path / "新しい登録簿"
    result = todokede("init", str(root), "--municipality", "東村山市", "--department", "総務課")
    assert result.returncode == 0, result.stderr
    assert (root / "registry.toml").is_file()
    assert (root / "entries").is_dir()
    assert git(root, "log", "--format=%s").strip() == "登録簿を作成"
    assert git(root, "status", "--porcelain") == ""
    checked = todokede("check", cwd=root)
    assert checked.returncode == 0, checked.stdout
    assert "エントリ 0件" in checked.stdout

    again = todokede("init", str(root))
    assert again.returncode == 1
    assert "既に登録簿があります" in again.stderr


def test_init_without_identity_still_creates_files(tmp_path: Path, todokede: CliRunner) -> None:
    root = tmp_path / "reg"
    result = todokede("init", str(root))
    assert result.returncode == 0, result.stderr
    assert "最初のコミットはしていません" in result.stdout
    assert "municipality" in result.stdout
    assert (root / ".git").is_dir()
    checked = todokede("check", cwd=root)
    assert checked.returncode == 1  # municipality must still be written
    assert "registry.toml:3: エラー: municipality: 空にはできません" in checked.stdout


def test_new_writes_a_skeleton_that_check_explains(
    minimal_register: Path, todokede: CliRunner
) -> None:
    result = todokede(
        "--registry",
        str(minimal_register),
        "new",
        "kenko-gan-kenshin",
        "--department",
        "健康増進課",
        "--name",
        "がん検診事務",
    )
    assert result.returncode == 0, result.stderr
    path = minimal_register / "entries" / "kenko-gan-kenshin.toml"
    text = path.read_text(encoding="utf-8")
    assert 'name = "がん検診事務"' in text and 'department = "健康増進課"' in text
    checked = todokede("--registry", str(minimal_register), "check", "--format", "json")
    assert checked.returncode == 1
    import json

    fields = {e["field"] for e in json.loads(checked.stdout)["errors"]}
    assert fields == {"purpose", "subjects", "record_items"}

    again = todokede(
        "--registry",
        str(minimal_register),
        "new",
        "kenko-gan-kenshin",
        "--department",
        "健康増進課",
        "--name",
        "別の名前",
    )
    assert again.returncode == 1
    assert "既にあります" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_new_refuses_bad_id_and_unknown_department(
    minimal_register: Path, todokede: CliRunner
) -> None:
    before = sorted(p.name for p in (minimal_register / "entries").iterdir())
    bad_id = todokede(
        "--registry",
        str(minimal_register),
        "new",
        "../escape",
        "--department",
        "総務課",
        "--name",
        "x",
    )
    assert bad_id.returncode == 2
    assert "ID「../escape」は使えません" in bad_id.stderr
    bad_dept = todokede(
        "--registry",
        str(minimal_register),
        "new",
        "ok-id",
        "--department",
        "税務課",
        "--name",
        "x",
    )
    assert bad_dept.returncode == 2
    assert "担当課「税務課」は registry.toml にありません" in bad_dept.stderr
    missing = todokede("--registry", str(minimal_register), "new", "ok-id")
    assert missing.returncode == 2
    assert sorted(p.name for p in (minimal_register / "entries").iterdir()) == before


def test_version_and_help(todokede: CliRunner) -> None:
    version = todokede("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("todokede ")
    helped = todokede("--help")
    assert helped.returncode == 0
    for command in ("check", "init", "new"):
        assert command in helped.stdout
