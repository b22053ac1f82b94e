"""``todokede diff`` and ``todokede log`` through the real entry point, on the demo."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.support.gitrepos import copy_demo, git, head
from tests.support.samples import CliRunner

KAZEI = [
    "kazei-kojin-juminzei",
    "kazei-kotei-toshikeikaku-tokubetsu-tochi",
    "kazei-kotei-shisan-zei-kazei",
    "kazei-keijidosha-zei",
]
I_GAN = "kenko-zoshin-i-gan-risk-kenshin"


@pytest.fixture
def demo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory, tmp_path / "demo")


def test_diff_between_two_dates_shows_my_number_added_and_the_new_process(
    demo: Path, todokede: CliRunner
) -> None:
    result = todokede(
        "diff", "--from", "2015-12-31", "--to", "2016-09-13", "--format", "json", cwd=demo
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["from"], data["to"]) == ("2015-12-31", "2016-09-13")
    entries = {e["entry"]: e for e in data["entries"]}
    assert sorted(entries) == sorted([*KAZEI, I_GAN])
    for entry_id in KAZEI:
        assert entries[entry_id]["status"] == "modified"
        assert "個人番号" in entries[entry_id]["items_added"]
        assert entries[entry_id]["department"] == "課税課"
        assert entries[entry_id]["changed_fields"] == ["record_items", "filings"]
    added = entries[I_GAN]
    assert (added["status"], added["name"]) == ("added", "胃がんリスク検診業務")
    for entry in data["entries"]:
        assert list(entry)[:5] == [
            "entry",
            "status",
            "changed_fields",
            "items_added",
            "items_removed",
        ]

    text = todokede("diff", "--from", "H27.12.31", "--to", "平成28年9月13日", cwd=demo)
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert "登録簿の差分: 2015-12-31 → 2016-09-13（追加 1件・変更 4件・削除 0件）" in out
    assert "[変更] 課税課 個人住民税賦課事務（kazei-kojin-juminzei）" in out
    assert "[追加] 健康増進課 胃がんリスク検診業務（kenko-zoshin-i-gan-risk-kenshin）" in out
    assert out.count("+ 記録項目: 個人番号") == 4
    assert "- 記録項目: 本籍" in out
    assert "+ 委託先: 一般社団法人東村山市医師会" in out
    assert "\x1b[" not in out  # no colour codes in a pipe


def test_diff_labels_revisions_and_the_working_tree(demo: Path, todokede: CliRunner) -> None:
    path = demo / "entries" / "kazei-kojin-juminzei.toml"
    path.write_text(
        path.read_text("utf-8").replace('retention = "7年"', 'retention = "10年"'), "utf-8"
    )
    result = todokede("diff", "--format", "json", cwd=demo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["from"], data["to"]) == (head(demo), "working-tree")
    assert [(e["entry"], e["changed_fields"]) for e in data["entries"]] == [
        ("kazei-kojin-juminzei", ["retention"])
    ]
    text = todokede("diff", "kazei-kojin-juminzei", cwd=demo).stdout
    assert "~ 保存期間: 7年 → 10年" in text

    one = todokede(
        "diff", I_GAN, "--to", "HEAD~5", "--from", "2016-01-01", "--format", "json", cwd=demo
    )
    data = json.loads(one.stdout)
    assert data["to"] == git(demo, "rev-parse", "HEAD~5").strip()
    assert [e["entry"] for e in data["entries"]] == [I_GAN]
    nothing = todokede("diff", "--from", "2016-09-13", "--to", "2016-09-14", cwd=demo)
    assert "変更はありません" in nothing.stdout


def test_diff_usage_errors(demo: Path, todokede: CliRunner) -> None:
    for args, code, fragment in (
        (["--from", "no-such-rev"], 2, "日付としてもリビジョンとしても読めません"),
        (["--to", "平成32年1月1日"], 2, "平成にない日付です"),
        (["no-such-entry"], 2, "エントリ「no-such-entry」はありません"),
    ):
        result = todokede("diff", *args, cwd=demo)
        assert result.returncode == code, result.stderr
        assert fragment in result.stderr
        assert result.stderr.count("\n") == 1


def test_log_of_one_entry_and_of_a_period(demo: Path, todokede: CliRunner) -> None:
    result = todokede("log", "kazei-kojin-juminzei", cwd=demo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == [
        "日付",
        "区分",
        "担当課",
        "業務の名称",
        "届出者",
        "概要",
    ]
    rows = [re.split(r"\s{2,}", line) for line in lines[1:-1]]
    # dates in 和暦, as every other view shows them (JSON keeps ISO, below)
    assert [row[0] for row in rows] == [
        "令和5年5月12日",
        "平成28年3月22日",
        "平成18年1月4日",
        "平成11年4月1日",
        "昭和61年4月1日",
    ]
    assert rows[-1] == [
        "昭和61年4月1日",
        "開始",
        "課税課",
        "個人住民税賦課事務",
        "課税課 担当者",
        "業務開始",
    ]
    assert (
        rows[0][5] == "個人情報ファイル「個人住民税課税台帳ファイル」「個人住民税申告書綴」を追加"
    )
    assert rows[2][1:5] == ["変更", "課税課", "個人住民税賦課事務", "課税課 担当者"]
    assert rows[2][5].startswith("オンライン結合を追加: 地方税ポータルシステム")
    # columns line up by display width (full-width characters count two)
    assert len({cell_len(line.split("  課税課")[0]) for line in lines[1:-1]}) == 1
    assert lines[-1] == "5件（届出 5件・その他 0件）"

    period = todokede(
        "log", "--since", "平成28年1月1日", "--until", "2016-09-13", "--format", "json", cwd=demo
    )
    commits = json.loads(period.stdout)["commits"]
    assert [(c["date"], c["kind"], c["entry"]) for c in commits] == [
        ("2016-09-01", "start", I_GAN),
        ("2016-07-01", "change", KAZEI[1]),
        ("2016-05-20", "change", KAZEI[2]),
        ("2016-04-15", "change", KAZEI[3]),
        ("2016-03-22", "change", KAZEI[0]),
    ]
    assert commits[0]["author"] == "健康増進課 担当者"
    oldest = todokede("log", "--until", "1976-03-31", cwd=demo).stdout.splitlines()
    assert re.split(r"\s{2,}", oldest[1]) == [
        "昭和51年3月31日",
        "その他",
        "総務課 担当者",
        "登録簿を作成",
    ]
    empty = todokede("log", "--since", "2030-01-01", cwd=demo)
    assert empty.returncode == 0 and empty.stdout.strip() == "該当する履歴はありません"
    wrong = todokede("log", "--since", "2020-01-01", "--until", "2019-01-01", cwd=demo)
    assert wrong.returncode == 2
    assert wrong.stderr == (
        "エラー: --since（令和2年1月1日）が --until（平成31年1月1日）より後です\n"
    )


def git_spy(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A ``git`` first on PATH that records each run, then runs the real git."""
    real = shutil.which("git")
    assert real is not None
    folder = tmp_path / "spy"
    folder.mkdir()
    calls = tmp_path / "git-calls.txt"
    script = folder / "git"
    script.write_text(f'#!/bin/sh\necho "$1 $2" >> "{calls}"\nexec "{real}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, calls


@pytest.mark.parametrize(
    "args",
    [
        ["log"],
        ["log", "kazei-kojin-juminzei"],
        ["diff", "--from", "1976-01-01", "--to", "HEAD"],
        ["diff", "--from", "1976-01-01"],
    ],
)
def test_history_reads_in_bulk_not_one_git_process_per_commit_or_file(
    args: list[str], demo: Path, tmp_path: Path, todokede: CliRunner
) -> None:
    env, calls = git_spy(tmp_path)
    result = todokede(*args, cwd=demo, env=env)
    assert result.returncode == 0, result.stderr
    runs = calls.read_text().splitlines()
    assert runs.count("cat-file --batch") == 1, runs  # every object through one reader
    assert len(runs) <= 6, runs  # against 93 commits and 32 entry files


def test_an_unknown_entry_is_bad_usage_for_log_and_diff_alike(
    demo: Path, todokede: CliRunner
) -> None:
    for args in (
        ["log", "nosuch"],
        ["log", "nosuch", "--format", "json"],
        ["diff", "nosuch"],
        ["diff", "nosuch", "--format", "json"],
        ["diff", "nosuch", "--from", "2016-01-01", "--to", "HEAD"],
    ):
        result = todokede(*args, cwd=demo)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr == "エラー: エントリ「nosuch」はありません\n", args
        assert result.stdout == ""


def test_ids_known_somewhere_are_no_usage_error(demo: Path, todokede: CliRunner) -> None:
    # In HEAD, but in neither of the compared revisions: nothing changed between them.
    early = todokede("diff", I_GAN, "--from", "2000-01-01", "--to", "2001-01-01", cwd=demo)
    assert early.returncode == 0, early.stderr
    assert "変更はありません" in early.stdout
    # Only on disk (never committed): no history yet; the diff shows it added.
    draft = demo / "entries" / "kenko-new.toml"
    shutil.copy(demo / "entries" / f"{I_GAN}.toml", draft)
    fresh = todokede("log", "kenko-new", cwd=demo)
    assert (fresh.returncode, fresh.stdout.strip()) == (0, "該当する履歴はありません")
    added = todokede("diff", "kenko-new", cwd=demo)
    assert added.returncode == 0 and "[追加]" in added.stdout
    assert "作業中のファイル" in added.stdout and "working-tree" not in added.stdout
    draft.unlink()
    # In history only: removed from disk and from HEAD by hand.
    git(demo, "rm", "-q", f"entries/{I_GAN}.toml")
    git(demo, "-c", "user.name=x", "-c", "user.email=x@example.jp", "commit", "-q", "-m", "rm")
    gone = todokede("log", I_GAN, cwd=demo)
    assert gone.returncode == 0, gone.stderr
    assert "胃がんリスク検診業務" in gone.stdout
    quiet = todokede("diff", I_GAN, cwd=demo)
    assert quiet.returncode == 0 and "変更はありません" in quiet.stdout
    removed = todokede("diff", I_GAN, "--to", "HEAD", cwd=demo)
    assert removed.returncode == 0 and "[削除]" in removed.stdout
