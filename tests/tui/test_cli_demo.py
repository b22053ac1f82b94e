"""``todokede demo`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.gitrepos import commit_count, git, trailers
from tests.support.samples import CliRunner


def test_demo_builds_in_the_current_folder_then_reuses_it(
    tmp_path: Path, todokede: CliRunner
) -> None:
    result = todokede("demo", "--no-tui", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = (tmp_path / "todokede-demo").resolve()
    assert f"見本の登録簿を作成しました: {root}（コミット " in result.stdout
    assert "見本 利用者" in result.stdout  # no identity in this HOME: one set in the demo
    assert f"開く: todokede --registry {root}" in result.stdout
    count = commit_count(root)
    assert count > 90

    checked = todokede("--registry", str(root), "check", "--format", "json")
    assert json.loads(checked.stdout)["ok"] is True

    again = todokede("demo", "--no-tui", cwd=tmp_path)
    assert again.returncode == 0
    assert f"見本の登録簿は既にあります: {root}（そのまま使います）" in again.stdout
    assert commit_count(root) == count

    # Without --no-tui and without a terminal, it says how to open the demo.
    piped = todokede("demo", str(root))
    assert piped.returncode == 0
    assert f"開く: todokede --registry {root}" in piped.stdout


def test_a_visitor_can_file_in_the_demo_at_once(tmp_path: Path, todokede: CliRunner) -> None:
    root = tmp_path / "見本"
    assert todokede("demo", str(root), "--no-tui").returncode == 0
    path = root / "entries" / "kenko-zoshin-i-gan-risk-kenshin.toml"
    # The process's record items only (the first list naming 電話番号), not its files'.
    path.write_text(
        path.read_text("utf-8").replace('"電話番号", ', '"電話番号", "個人番号", ', 1), "utf-8"
    )
    result = todokede(
        "file", "kenko-zoshin-i-gan-risk-kenshin", "--kind", "change", "--date", "R7.4.1", cwd=root
    )
    assert result.returncode == 0, result.stderr
    assert (
        git(root, "log", "-1", "--format=%an <%ae>").strip()
        == "見本 利用者 <visitor@example.lg.jp>"
    )
    assert trailers(root)["Filing-Date"] == "2025-04-01"
    log = todokede("log", "kenko-zoshin-i-gan-risk-kenshin", "--format", "json", cwd=root)
    commits = json.loads(log.stdout)["commits"]
    assert commits[0]["summary"] == "記録項目に「個人番号」を追加"


def test_a_folder_that_is_not_a_register_is_refused(tmp_path: Path, todokede: CliRunner) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep\n", encoding="utf-8")
    result = todokede("demo", str(busy), "--no-tui")
    assert result.returncode == 1
    assert "空ではなく登録簿でもありません" in result.stderr
    assert result.stderr.count("\n") == 1
    assert [p.name for p in busy.iterdir()] == ["mine.txt"]


def test_a_path_that_cannot_be_created_is_one_line(tmp_path: Path, todokede: CliRunner) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("a file, not a folder\n", encoding="utf-8")
    for dest in (Path("/proc/todokede-demo"), plain / "demo"):
        result = todokede("demo", str(dest), "--no-tui", cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"エラー: {dest} を作成できません: ")
        assert result.stderr.count("\n") == 1
        assert "予期しないエラー" not in result.stderr
    assert plain.read_text("utf-8") == "a file, not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "plain.txt"]
