"""``todokede council`` on the demo register reproduces the agenda of the minutes'
meeting (平成28年10月25日, ../shared/seed/): 諮問第7号 under consultations, the
生活福祉課 connection and the 人事課 contractor's 個人番号 under reports with what
covers each, the answers on 諮問第3号 and 第4号, and the filings of 平成28年1月1日～
平成28年9月13日 equal to ``todokede report``'s JSON (業務開始1件・変更4件).

Needs the sample register's council items (the minutes' items recorded in entries/).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.gitrepos import copy_demo
from tests.support.reports import Golden, compare_golden
from tests.support.samples import CliRunner

PERIOD = ("--from", "2016-01-01", "--to", "2016-09-13")


@pytest.fixture
def demo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory, tmp_path / "demo")


@pytest.fixture
def golden() -> Golden:
    return compare_golden


def test_the_demo_s_meeting_of_25_october_2016(
    demo: Path, todokede: CliRunner, golden: Golden
) -> None:
    result = todokede("council", "--date", "2016-10-25", *PERIOD, "--format", "json", cwd=demo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["date", "consultations", "reports", "answers", "filings"]
    assert [(c["number"], c["department"]) for c in data["consultations"]] == [
        ("平成28年度諮問第7号", "子ども・教育支援課")
    ]
    assert data["consultations"][0]["subject"] == "子ども相談システム導入作業委託"
    assert data["consultations"][0]["result"] == "approved"
    reports = {r["department"]: r for r in data["reports"]}
    assert sorted(reports) == ["人事課", "生活福祉課"]
    assert "平成15年" in reports["生活福祉課"]["covered_by"]
    assert "平成23年2月" in reports["人事課"]["covered_by"]
    assert all(r["covered_by"] for r in data["reports"])
    assert sorted({a["number"] for a in data["answers"]}) == [
        "平成28年度諮問第3号",
        "平成28年度諮問第4号",
    ]
    assert {a["department"] for a in data["answers"]} == {"保険年金課", "市民相談・交流課"}
    assert all(a["answer"] for a in data["answers"])
    report = todokede("report", *PERIOD, "--format", "json", cwd=demo)
    assert report.returncode == 0, report.stderr
    assert data["filings"] == json.loads(report.stdout)
    counts = data["filings"]["counts"]
    assert (counts["start"], counts["change"], counts["abolish"]) == (1, 4, 0)
    golden("meeting-demo.json", result.stdout)


def test_the_demo_s_agenda_in_markdown(demo: Path, todokede: CliRunner, golden: Golden) -> None:
    result = todokede("council", "--date", "平成28年10月25日", *PERIOD, cwd=demo)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.index("## (1) 諮問審議") < text.index("## (2) 報告")
    assert text.index("## (2) 報告") < text.index("## 意見に対する回答")
    assert text.index("## 意見に対する回答") < text.index("## (3) 業務届出書の報告")
    assert "平成28年1月1日～平成28年9月13日分の業務届出書の報告" in text
    golden("meeting-demo.md", text)
