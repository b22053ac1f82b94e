"""The CLI agrees with the TUI, and reminders go out as documents (issue 12, items 9, 16).

``-o`` over an existing file asks on a terminal and needs ``--force`` otherwise;
``report`` without a period takes the TUI's; ``reminders`` writes HTML and XLSX
with a request per 課.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.reports import GOLDEN
from tests.support.samples import TODOKEDE
from todokede.reports.council import default_period

AS_OF = ("--as-of", "令和8年11月27日")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script with no terminal on stdin (as in a script or cron)."""
    return subprocess.run(
        [str(TODOKEDE), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def on_terminal(args: list[str], answer: str) -> tuple[int, str]:
    """The console script on a pseudo-terminal: wait for its question, answer it."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(TODOKEDE), *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
        env={**os.environ, "COLUMNS": "200", "TERM": "dumb"},
    )
    os.close(secondary)
    shown = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        if not answered and "上書きしますか".encode() in shown:
            os.write(main, answer.encode() + b"\n")
            answered = True
        if process.poll() is not None and not ready:
            break
    os.close(main)
    return process.wait(timeout=60), shown.decode("utf-8", "replace")


# -- item 9: an existing file is only overwritten when the user says so -------------------


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["report", "--from", "2016-01-01", "--to", "2016-09-13"], "報告書.md"),
        (["export"], "ファイル簿.csv"),
        (["reminders", *AS_OF], "見直し.html"),
    ],
)
def test_an_existing_output_needs_force_without_a_terminal(
    sample_copy: Path, tmp_path: Path, command: list[str], name: str
) -> None:
    target = tmp_path / name
    target.write_text("元の内容", encoding="utf-8")
    args = ["--registry", str(sample_copy), *command, "-o", str(target)]
    refused = run(*args)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"エラー: {target} は既にあります（上書きするには --force を付けてください）\n"
    )
    assert refused.stdout == ""
    assert target.read_text(encoding="utf-8") == "元の内容"
    forced = run(*args, "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == f"書き出しました: {target}\n"
    assert target.read_text(encoding="utf-8-sig") != "元の内容"


def test_a_terminal_is_asked_and_no_keeps_the_file(sample_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "報告書.md"
    target.write_text("元の内容", encoding="utf-8")
    args = ["--registry", str(sample_copy), "report", "-o", str(target)]
    code, shown = on_terminal(args, "n")
    assert code == 1
    assert f"{target} は既にあります。上書きしますか？ [y/N]:" in shown
    assert f"書き出していません（{target} はそのままです）" in shown
    assert target.read_text(encoding="utf-8") == "元の内容"
    code, shown = on_terminal(args, "y")
    assert code == 0, shown
    assert f"書き出しました: {target}" in shown
    assert target.read_text(encoding="utf-8").startswith("# 個人情報に係る業務届出報告書")


def test_a_device_is_written_through_without_a_question(sample_copy: Path) -> None:
    result = run("--registry", str(sample_copy), "export", "--format", "csv", "-o", "/dev/null")
    assert result.returncode == 0, result.stderr


# -- item 9: the TUI's default period --------------------------------------------------------


def test_report_without_a_period_runs_from_new_year_to_today(sample_copy: Path) -> None:
    result = run("--registry", str(sample_copy), "report", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    start, end = default_period(date.today())
    assert (data["from"], data["to"]) == (start.isoformat(), end.isoformat())
    # only the last day given: the period runs from 1 January of its year
    only_to = run("--registry", str(sample_copy), "report", "--to", "H28.9.13", "--format", "json")
    assert only_to.returncode == 0, only_to.stderr
    assert json.loads(only_to.stdout)["from"] == "2016-01-01"
    assert json.loads(only_to.stdout)["counts"] == {
        "start": 1,
        "change": 4,
        "abolish": 0,
        "total_active": 25,
    }


# -- item 16: reminders as documents, a request per 課 ---------------------------------------


@pytest.mark.parametrize(("name", "golden"), [("見直し.html", "reminders.html")])
def test_reminders_html_through_the_cli(
    sample_copy: Path, tmp_path: Path, name: str, golden: str
) -> None:
    target = tmp_path / name
    result = run("--registry", str(sample_copy), "reminders", *AS_OF, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (GOLDEN / golden).read_bytes()


def test_reminders_html_has_a_page_per_department_with_its_request(
    sample_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "見直し.html"
    result = run(
        "--registry", str(sample_copy), "reminders", *AS_OF, "--reply-by", "R9.1.29",
        "-o", str(target),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    requests = page.split('<section class="request">')[1:]
    departments = ["人事課", "課税課", "収納課", "市民課", "市民相談・交流課", "生活福祉課",
                   "高齢介護課", "健康増進課", "子ども・教育支援課", "学務課"]  # fmt: skip
    assert [r.split('<p class="to">')[1].split("長　様")[0] for r in requests] == departments
    kazei = requests[1]
    assert "個人情報取扱業務の見直しについて（依頼）" in kazei
    assert "前回の見直し（開始届又は見直しを兼ねた届出）から10年以上が経過しています" in kazei
    assert "令和9年1月29日までに変更届（見直し）を総務部総務課へ提出してください" in kazei
    assert kazei.count('<td class="num nowrap">') == 4
    assert "8か月超過" in kazei and "日超過" not in page
    assert "約36年超過" in page and "期限切れ" not in page and "期限経過 10件" in page
    # a 課 whose reviews only fall due soon is told so
    assert "間もなく10年が経過します" in requests[2]  # 収納課


def test_reminders_xlsx_has_a_sheet_per_department(sample_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "見直し.xlsx"
    result = run("--registry", str(sample_copy), "reminders", *AS_OF, "-o", str(target))
    assert result.returncode == 0, result.stderr
    book = load_workbook(target)
    assert book.sheetnames[0] == "一覧"
    assert book.sheetnames[1:3] == ["人事課", "課税課"]
    kazei = book["課税課"]
    values = [c.value for row in kazei.iter_rows() for c in row if c.value is not None]
    assert "課税課長　様" in values and "総務部総務課長" in values
    assert "個人情報取扱業務の見直しについて（依頼）" in values
    assert any(
        isinstance(v, str) and "令和8年12月31日までに変更届（見直し）" in v for v in values
    )  # by default the end of the next month
    assert values.count("記") == 1
    assert [v for v in values if isinstance(v, str) and v.endswith("超過")] == [
        "8か月超過", "7か月超過", "6か月超過", "4か月超過",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx"], "XLSX は -o でファイルを指定してください"),
        (["--reply-by", "2026-11-26"], "--reply-by（令和8年11月26日）が基準日（令和8年11月27日）より前です"),
        (["--format", "pdf"], "「pdf」は使えません"),
        (["-o", "/tmp/見直し.pdf"], "拡張子から形式が分かりません"),
    ],
)  # fmt: skip
def test_reminders_usage_errors(sample_copy: Path, args: list[str], message: str) -> None:
    result = run("--registry", str(sample_copy), "reminders", *AS_OF, *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_reminders_text_to_a_txt_file(sample_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "見直し.txt"
    result = run("--registry", str(sample_copy), "reminders", *AS_OF, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (GOLDEN / "reminders.txt").read_bytes()
