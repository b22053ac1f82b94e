"""``todokede council`` and ``todokede answer`` through the real entry point, on real
git repositories: the papers in each format and to a file; the answer committed as
one commit of one entry file with its trailers, read back by ``log`` and ``diff``;
each refusal one line, exit 1, nothing changed; bad usage exit 2."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.support.council import MEETING_DAY, committed_meeting_register
from tests.support.gitrepos import commit_count, git, head, trailers
from tests.support.samples import CliRunner

NUMBER = "平成28年度諮問第7号"
SODAN = Path("entries") / "kodomo-sodan.toml"


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return committed_meeting_register(tmp_path / "reg")


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- council ---------------------------------------------------------------------------


def test_council_json_holds_the_four_parts_and_the_report_s_json(
    register: Path, todokede: CliRunner
) -> None:
    result = todokede("council", "--date", "平成28年10月25日", "--format", "json", cwd=register)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["date", "consultations", "reports", "answers", "filings"]
    assert [c["number"] for c in data["consultations"]] == [NUMBER]
    assert [r["department"] for r in data["reports"]] == ["生活福祉課"]
    assert [a["number"] for a in data["answers"]] == ["平成28年度諮問第3号"]
    report = todokede(
        "report", "--from", "2016-07-13", "--to", MEETING_DAY, "--format", "json", cwd=register
    )
    assert report.returncode == 0, report.stderr
    assert data["filings"] == json.loads(report.stdout)


def test_council_from_and_to_choose_the_filings_period(register: Path, todokede: CliRunner) -> None:
    result = todokede(
        "--registry",
        str(register),
        "council",
        "--date",
        MEETING_DAY,
        "--from",
        "2016-01-01",
        "--to",
        "2016-08-31",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    filings = json.loads(result.stdout)["filings"]
    assert (filings["from"], filings["to"]) == ("2016-01-01", "2016-08-31")
    assert [f["entry"] for f in filings["filings"]] == ["nenkin-tonyo"]


def test_council_markdown_on_stdout(register: Path, todokede: CliRunner) -> None:
    result = todokede("council", "--date", MEETING_DAY, cwd=register)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# 会議次第\n")
    for part in (
        "## (1) 諮問審議",
        "## (2) 報告",
        "## 意見に対する回答",
        "## (3) 業務届出書の報告",
    ):
        assert part in result.stdout


def test_council_writes_html_to_a_file(register: Path, todokede: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "審議会資料.html"
    result = todokede("council", "--date", MEETING_DAY, "-o", str(out), cwd=register)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"書き出しました: {out}"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "(3) 業務届出書の報告" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "csv"), "「csv」は使えません"),
        (("--from", "2016-10-01", "--to", "2016-09-01"), "--from（平成28年10月1日）が --to"),
        (("--from", "2016-11-01"), "期間の始め"),
        (("-o", "papers.xlsx"), "xlsx"),
    ],
)
def test_council_bad_usage_is_one_line_and_exit_2(
    register: Path, todokede: CliRunner, args: tuple[str, ...], message: str
) -> None:
    result = todokede("council", "--date", MEETING_DAY, *args, cwd=register)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in one_line(result.stderr)
    assert "Traceback" not in result.stderr


def test_council_needs_a_date(register: Path, todokede: CliRunner) -> None:
    result = todokede("council", cwd=register)
    assert result.returncode == 2
    assert "--date" in result.stderr and "Traceback" not in result.stderr


# -- answer ----------------------------------------------------------------------------


def test_answer_commits_the_one_entry_with_its_trailers(
    register: Path, todokede: CliRunner
) -> None:
    before = head(register)
    result = todokede(
        "answer",
        NUMBER,
        "--date",
        MEETING_DAY,
        "--result",
        "approved",
        "--opinion",
        "受託者の評判を他の自治体に確認すること",
        "--opinion",
        "相談内容が全相談員に見えることのデメリットを議論すること",
        cwd=register,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"答申を記録しました: 子ども・教育支援課 子ども相談業務 — {NUMBER} 可"
    )
    assert commit_count(register) == 2
    assert git(register, "rev-parse", "HEAD~1").strip() == before
    assert git(register, "show", "--format=", "--name-only", "HEAD").split() == [SODAN.as_posix()]
    assert git(register, "log", "-1", "--format=%s").strip() == (
        f"答申: 子ども・教育支援課 子ども相談業務 — {NUMBER} 可"
    )
    assert trailers(register) == {
        "Council-Number": NUMBER,
        "Council-Result": "approved",
        "Council-Date": MEETING_DAY,
        "Entry": "kodomo-sodan",
    }
    assert git(register, "status", "--porcelain").strip() == ""
    text = (register / SODAN).read_text(encoding="utf-8")
    assert 'number = "平成28年度諮問第7号"   # 第4回審議会' in text  # the comment kept
    item = tomllib.loads(text)["council"][0]
    assert str(item["answered"]) == MEETING_DAY and item["result"] == "approved"
    assert [o["text"] for o in item["opinions"]] == [
        "市に出入りする者が受託者の社員か確認すること",
        "受託者の評判を他の自治体に確認すること",
        "相談内容が全相談員に見えることのデメリットを議論すること",
    ]
    check = todokede("check", cwd=register)
    assert check.returncode == 0, check.stdout


def test_the_answer_is_read_back_by_log_and_diff(register: Path, todokede: CliRunner) -> None:
    answered = todokede(
        "answer", NUMBER, "--date", "H28.10.25", "--result", "conditional", cwd=register
    )
    assert answered.returncode == 0, answered.stderr
    log = todokede("log", "kodomo-sodan", cwd=register)
    assert log.returncode == 0, log.stderr
    first = log.stdout.splitlines()[1].split()
    assert first == [
        "平成28年10月25日",
        "答申",
        "子ども・教育支援課",
        "子ども相談業務",
        "総務課",
        NUMBER,
        "条件付き可",
    ]
    as_json = json.loads(todokede("log", "--format", "json", cwd=register).stdout)
    assert as_json["commits"][0]["date"] == MEETING_DAY
    assert as_json["commits"][0]["entry"] == "kodomo-sodan"
    assert as_json["commits"][0]["kind"] == "other"  # the contract's kinds are filings'
    assert as_json["commits"][0]["answer"] == {"number": NUMBER, "result": "conditional"}
    assert as_json["commits"][1]["answer"] is None  # the register's first commit
    diff = todokede("diff", "--from", "HEAD~1", "--to", "HEAD", cwd=register)
    assert diff.returncode == 0, diff.stderr
    assert "[変更] 子ども・教育支援課 子ども相談業務（kodomo-sodan）" in diff.stdout
    assert (
        f"~ 審議会: {NUMBER}「子ども相談システム導入作業委託」 答申 条件付き可（平成28年10月25日）"
        in diff.stdout
    )
    changed = json.loads(
        todokede(
            "diff", "--from", "HEAD~1", "--to", "HEAD", "--format", "json", cwd=register
        ).stdout
    )
    assert changed["entries"][0]["changed_fields"] == ["council"]


def test_the_papers_after_the_answer_print_it(register: Path, todokede: CliRunner) -> None:
    todokede("answer", NUMBER, "--date", MEETING_DAY, "--result", "approved", cwd=register)
    result = todokede("council", "--date", MEETING_DAY, "--format", "json", cwd=register)
    (consultation,) = json.loads(result.stdout)["consultations"]
    assert (consultation["answered"], consultation["result"]) == (MEETING_DAY, "approved")


def refused(register: Path, todokede: CliRunner, *args: str) -> str:
    """Run a refused ``answer``: exit 1, one line, HEAD and the entry as they were."""
    before, text = head(register), (register / SODAN).read_bytes()
    result = todokede("answer", *args, cwd=register)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert head(register) == before
    assert (register / SODAN).read_bytes() == text
    return one_line(result.stderr)


def test_an_unknown_number_is_refused(register: Path, todokede: CliRunner) -> None:
    line = refused(register, todokede, "第99号", "--date", MEETING_DAY, "--result", "approved")
    assert "諮問番号「第99号」の諮問は登録簿にありません" in line


def test_an_answered_consultation_is_refused(register: Path, todokede: CliRunner) -> None:
    line = refused(
        register, todokede, "平成28年度諮問第3号", "--date", MEETING_DAY, "--result", "approved"
    )
    assert "平成28年度諮問第3号は平成28年7月12日に答申済みです（可）" in line


def test_an_answer_before_the_consultation_is_refused(register: Path, todokede: CliRunner) -> None:
    line = refused(register, todokede, NUMBER, "--date", "2016-10-24", "--result", "approved")
    assert "答申日（平成28年10月24日）が諮問の日（平成28年10月25日）より前です" in line


def test_an_entry_changed_since_its_commit_is_refused(register: Path, todokede: CliRunner) -> None:
    path = register / SODAN
    path.write_text(path.read_text(encoding="utf-8") + "\n# 編集中\n", encoding="utf-8")
    line = refused(register, todokede, NUMBER, "--date", MEETING_DAY, "--result", "approved")
    assert "entries/kodomo-sodan.toml にコミットしていない変更があります" in line


def test_answering_twice_is_refused_the_second_time(register: Path, todokede: CliRunner) -> None:
    first = todokede("answer", NUMBER, "--date", MEETING_DAY, "--result", "rejected", cwd=register)
    assert first.returncode == 0, first.stderr
    line = refused(register, todokede, NUMBER, "--date", MEETING_DAY, "--result", "approved")
    assert f"{NUMBER}は平成28年10月25日に答申済みです（否）" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((NUMBER, "--date", MEETING_DAY, "--result", "maybe"), "「maybe」は使えません"),
        ((NUMBER, "--date", "2016-13-01", "--result", "approved"), "--date"),
        ((NUMBER, "--result", "approved"), "--date"),
        ((NUMBER, "--date", MEETING_DAY), "--result"),
        ((NUMBER, "--date", MEETING_DAY, "--result", "approved", "--opinion", "a\nb"), "改行"),
        ((NUMBER, "--date", MEETING_DAY, "--result", "approved", "--opinion", " "), "--opinion"),
        (("", "--date", MEETING_DAY, "--result", "approved"), "諮問番号"),
        ((NUMBER, "--date", MEETING_DAY, "--result", "approved", "--author", "x"), "--author"),
    ],
)
def test_answer_bad_usage_is_exit_2(
    register: Path, todokede: CliRunner, args: tuple[str, ...], message: str
) -> None:
    before = head(register)
    result = todokede("answer", *args, cwd=register)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert head(register) == before
