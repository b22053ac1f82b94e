"""``report``, ``reminders`` and ``export`` through the real console script."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.reports import GOLDEN, entry_text, write_register
from tests.support.samples import PROJECT_ROOT, TODOKEDE, CliRunner

PERIOD = ("--from", "2016-01-01", "--to", "2016-09-13")
#: The 作成日 and 資料番号 the golden files were made with.
HANDOUT = ("--created", "2026-11-27", "--label", "資料3")
KAZEI = {
    "kazei-kojin-juminzei",
    "kazei-keijidosha-zei",
    "kazei-kotei-shisan-zei-kazei",
    "kazei-kotei-toshikeikaku-tokubetsu-tochi",
}


def golden_text(name: str) -> str:
    return (GOLDEN / name).read_bytes().decode("utf-8")


def test_report_json_of_the_sample_period(todokede: CliRunner, sample_copy: Path) -> None:
    result = todokede("--registry", str(sample_copy), "report", *PERIOD, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["from"], data["to"]) == ("2016-01-01", "2016-09-13")
    counts = data["counts"]
    assert (counts["start"], counts["change"], counts["abolish"]) == (1, 4, 0)
    start, *changes = data["filings"]
    assert (start["kind"], start["department"], start["name"]) == (
        "start",
        "健康増進課",
        "胃がんリスク検診業務",
    )
    assert {f["entry"] for f in changes} == KAZEI
    assert all(f["kind"] == "change" and f["review"] for f in changes)
    assert all("個人番号" in f["items_added"] for f in changes)
    assert set(start) == {
        "entry", "name", "department", "kind", "date", "summary", "items_added",
        "items_removed", "review",
    }  # fmt: skip
    assert result.stdout == golden_text("council.json")


def test_report_accepts_wareki_dates(todokede: CliRunner, sample_copy: Path) -> None:
    iso = todokede("--registry", str(sample_copy), "report", *PERIOD, "--format", "json")
    wareki = todokede(
        "--registry", str(sample_copy), "report", "--from", "平成28年1月1日", "--to", "H２８.９.１３",
        "--format", "json",
    )  # fmt: skip
    assert wareki.returncode == 0, wareki.stderr
    assert wareki.stdout == iso.stdout


def test_report_markdown_to_a_pipe_is_the_markdown_itself(
    todokede: CliRunner, sample_copy: Path
) -> None:
    result = todokede("--registry", str(sample_copy), "report", *PERIOD, *HANDOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == golden_text("council.md")
    assert "平成28年1月1日から平成28年9月13日までに市長に届出のあったもの" in result.stdout


def test_report_markdown_on_a_terminal_is_rendered_by_rich(sample_copy: Path) -> None:
    """On a terminal the Markdown is drawn (rich); long Japanese cells fold, never cut."""
    main, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "LINES": "50", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [str(TODOKEDE), "--registry", str(sample_copy), "report", *PERIOD],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            process.kill()
            pytest.fail("no output from todokede within 60 s")
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=60) == 0
    import re

    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8"))
    assert "個人情報に係る業務届出報告書" in shown
    assert "# 個人情報" not in shown and "| --- |" not in shown  # drawn, not raw Markdown
    assert "─" in shown  # rich's table rule
    assert "…" not in shown  # folded, not cut with an ellipsis
    flat = re.sub(r"[\s│]", "", shown)
    assert "のため見直し" in flat and "（見直し）" not in flat
    assert "記録項目の追加：個人番号、年金の受給状況削除：本籍" in flat


@pytest.mark.parametrize(
    ("name", "golden"),
    [
        ("報告書.md", "council.md"),
        ("報告書.html", "council.html"),
        ("報告書.csv", "council.csv"),
        ("報告書.json", "council.json"),
    ],
)
def test_report_format_follows_the_output_suffix(
    todokede: CliRunner, sample_copy: Path, tmp_path: Path, name: str, golden: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / name
    result = todokede(
        "--registry", str(sample_copy), "report", *PERIOD, *HANDOUT, "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"書き出しました: {target}\n"
    assert target.read_bytes() == (GOLDEN / golden).read_bytes()
    assert [p.name for p in out.iterdir()] == [name]  # written atomically, no temp left


def test_report_xlsx_file(todokede: CliRunner, sample_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "報告書.xlsx"
    result = todokede("--registry", str(sample_copy), "report", *PERIOD, "-o", str(target))
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "個人情報に係る業務届出報告書"  # no --label: the title first
    assert sheet.freeze_panes == "A10"
    assert sheet["B10"].value == "平成28年9月1日" and sheet["H10"].is_date


def test_format_wins_over_the_suffix(
    todokede: CliRunner, sample_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.txt"
    result = todokede(
        "--registry", str(sample_copy), "report", *PERIOD, "--format", "json", "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["counts"]["change"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2016-09-14", "--to", "2016-09-13"], "--from（平成28年9月14日）が --to（平成28年9月13日）より後です"),
        ([*PERIOD, "--format", "xlsx"], "XLSX は -o でファイルを指定してください"),
        ([*PERIOD, "-o", "/nonexistent-folder/報告書.md"], "出力先のフォルダがありません"),
        ([*PERIOD, "-o", "/tmp"], "出力先 /tmp はフォルダです"),
        (["--from", "平成32年1月1日", "--to", "2016-09-13"], "平成にない日付です"),
        (["--from", "2999-01-01"], "--from（令和981年1月1日）が --to（"),
        ([*PERIOD, "--label", "資料\n3"], "--label の値が正しくありません"),
        ([*PERIOD, "--format", "pdf"], "pdf"),
        ([*PERIOD, "--format", "csv", "-o", "/tmp/報告書.xlsx"], "拡張子は xlsx 形式ですが、--format は csv です"),
        ([*PERIOD, "-o", "/tmp/報告書.pdf"], "拡張子から形式が分かりません"),
    ],
)  # fmt: skip
def test_report_usage_errors_exit_2_with_one_line(
    todokede: CliRunner, sample_copy: Path, args: list[str], message: str
) -> None:
    result = todokede("--registry", str(sample_copy), "report", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_existing_file_is_replaced_only_with_force(
    todokede: CliRunner, sample_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "報告書.json"
    target.write_text("前の内容", "utf-8")
    for args in (["report", *PERIOD], ["export"]):
        result = todokede("--registry", str(sample_copy), *args, "-o", str(target))
        assert result.returncode == 2 and result.stdout == "", args
        assert result.stderr == (
            f"エラー: {target} は既にあります（上書きするには --force を付けてください）\n"
        )
        assert target.read_text("utf-8") == "前の内容"
    forced = todokede("--registry", str(sample_copy), "export", "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == f"書き出しました: {target}\n"
    assert "agencies" in json.loads(target.read_text("utf-8"))  # the statutory book


def test_the_formats_offered_are_the_documents_own() -> None:
    from todokede.reports.target import DOCUMENT_FORMATS as OWN
    from todokede.tui.cli.reports import DOCUMENT_FORMATS, REMINDER_FORMATS

    assert DOCUMENT_FORMATS == OWN["council"] == OWN["filebook"]
    assert OWN["reminders"] == REMINDER_FORMATS


def test_an_unwritable_output_is_one_line_and_exit_1(
    todokede: CliRunner, sample_copy: Path
) -> None:
    target = Path("/proc/報告書.md")  # a folder nobody, not even root, can create files in
    result = todokede("--registry", str(sample_copy), "report", *PERIOD, "-o", str(target))
    assert result.returncode == 1
    assert result.stderr.startswith(f"エラー: {target} に書き出せません")
    assert len(result.stderr.splitlines()) == 1
    assert not target.exists()


def test_a_register_with_errors_is_refused(todokede: CliRunner, minimal_register: Path) -> None:
    (minimal_register / "entries" / "broken.toml").write_text('name = "壊れた', encoding="utf-8")
    for args in (["report", *PERIOD], ["reminders"], ["export"]):
        result = todokede("--registry", str(minimal_register), *args)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "登録簿にエラーが1件あるため作成できません" in lines[0]
        assert "entries/broken.toml:1" in lines[0]


@pytest.mark.parametrize(("fmt", "golden"), [("text", "reminders.txt"), ("md", "reminders.md"), ("csv", "reminders.csv"), ("json", "reminders.json")])  # fmt: skip
def test_reminders_formats(todokede: CliRunner, sample_copy: Path, fmt: str, golden: str) -> None:
    result = subprocess.run(
        [str(TODOKEDE), "--registry", str(sample_copy), "reminders", "--as-of", "令和8年11月27日", "--format", fmt],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / golden).read_bytes()  # CSV keeps its BOM and CRLF


def test_reminders_edges_through_the_cli(todokede: CliRunner, tmp_path: Path) -> None:
    root = write_register(
        tmp_path / "reg",
        {
            "due-today": entry_text("期限当日の業務", "総務課", [("2016-03-22", "start")]),
            "last-warning-day": entry_text("期限前日の業務", "総務課", [("2016-03-23", "start")]),
            "first-warning-day": entry_text("警告初日の業務", "総務課", [("2016-09-22", "start")]),
            "not-yet": entry_text("まだ先の業務", "総務課", [("2016-09-23", "start")]),
            "abolished": entry_text(
                "廃止した業務", "総務課", [("1990-04-01", "start"), ("1995-04-01", "abolish")]
            ),
        },
    )
    result = todokede(
        "--registry", str(root), "reminders", "--as-of", "2026-03-22", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-03-22"
    assert [r["entry"] for r in data["overdue"]] == ["due-today"]
    assert [r["entry"] for r in data["due_soon"]] == ["last-warning-day", "first-warning-day"]
    assert data["due_soon"][0] == {
        "entry": "last-warning-day",
        "name": "期限前日の業務",
        "department": "総務課",
        "basis": "2016-03-23",
        "due": "2026-03-23",
    }
    text = todokede("--registry", str(root), "reminders", "--as-of", "2026-03-22")
    assert "令和8年3月22日（本日が期限）　総務課　期限当日の業務（due-today）" in text.stdout
    assert "令和8年3月23日（あと1日）" in text.stdout
    assert "廃止" not in text.stdout.split("\n", 3)[3]


def test_reminders_default_to_today(todokede: CliRunner, sample_copy: Path) -> None:
    from datetime import date

    result = todokede("--registry", str(sample_copy), "reminders", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == date.today().isoformat()


def test_export_csv_and_all(todokede: CliRunner, sample_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "ファイル簿.csv"
    result = todokede(
        "--registry", str(sample_copy), "export", "--book", "processes", "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (GOLDEN / "filebook.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == 1 + 29
    everything = todokede(
        "--registry", str(sample_copy), "export", "--book", "processes", "--all", "--format", "json"
    )
    assert everything.stdout == golden_text("filebook-all.json")
    statuses = [e["status"] for e in json.loads(everything.stdout)["entries"]]
    assert statuses.count("abolished") == 3 and len(statuses) == 32


def test_export_html_and_xlsx(todokede: CliRunner, sample_copy: Path, tmp_path: Path) -> None:
    html = tmp_path / "ファイル簿.html"
    xlsx = tmp_path / "ファイル簿.xlsx"
    for target in (html, xlsx):
        result = todokede(
            "--registry", str(sample_copy), "export", "--book", "processes", "-o", str(target)
        )
        assert result.returncode == 0, result.stderr
    assert html.read_bytes() == (GOLDEN / "filebook.html").read_bytes()
    book = load_workbook(xlsx)
    assert book.sheetnames == ["単票", "一覧"]
    sheets, listing = book.worksheets
    assert sheets["A1"].value == "個人情報ファイル簿"
    assert len(sheets.row_breaks.brk) == 29 - 1  # one 単票 per page
    assert listing["A5"].value == "名称" and listing.freeze_panes == "A6"


def loaded_modules(*args: str) -> set[str]:
    """Top-level modules a fresh interpreter holds after running the CLI in-process."""
    script = (
        "import contextlib, io, json, os, sys\n"
        f"os.chdir({str(PROJECT_ROOT)!r})\n"
        "from todokede.tui.cli import cli\nfrom todokede.tui.cli.clihelp import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = run(cli, {list(args)!r})\n"
        "print(json.dumps([code, sorted({m.split('.')[0] for m in sys.modules})]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    code, modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert code == 0, result.stderr
    return set(modules)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--help"],
        ["reminders", "--help"],
        ["export", "--help"],
        ["report", *PERIOD, "--format", "json"],
        ["reminders", "--as-of", "2026-11-27", "--format", "json"],
        ["export", "--format", "json"],
        ["export", "--format", "csv"],
        ["export", "--book", "processes", "--format", "json"],
        ["export", "--book", "processes", "--format", "csv"],
    ],
)
def test_help_and_json_paths_need_no_textual(args: list[str]) -> None:
    loaded = loaded_modules(*args)
    assert "textual" not in loaded
    assert "git" not in loaded
    # each format loads only its own renderer's libraries
    assert {"openpyxl", "jinja2"} & loaded == set()
    if "--help" in args:
        assert "pydantic" not in loaded and "reports" not in loaded


def test_dash_as_output_is_standard_output(todokede: CliRunner, sample_copy: Path) -> None:
    result = todokede(
        "--registry",
        str(sample_copy),
        "report",
        *PERIOD,
        "--format",
        "json",
        "-o",
        "-",
        cwd=sample_copy,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["start"] == 1
    assert not (sample_copy / "-").exists()
