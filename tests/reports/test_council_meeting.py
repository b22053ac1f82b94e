"""The meeting's agenda and papers (``todokede council``) built from a small register:
what each part holds, the default period, the JSON contract, the goldens of md and
html, and the html printed to PDF by headless Chromium with the four parts in order."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.support.council import write_meeting_register
from tests.support.printing import print_html, tool
from tests.support.reports import Golden
from todokede.registry.files.store import Register, load_register
from todokede.reports.council import PeriodError, build_council_report
from todokede.reports.council_meeting import (
    Meeting,
    build_meeting,
    details,
    meeting_file_name,
    previous_meeting,
)
from todokede.reports.output import FormatError, render

DAY = date(2016, 10, 25)


@pytest.fixture
def register(tmp_path: Path) -> Register:
    loaded = load_register(write_meeting_register(tmp_path / "reg"))
    assert not loaded.errors
    return loaded


def meeting(register: Register, **kw: date) -> Meeting:
    return build_meeting(register, DAY, kw.get("start"), kw.get("end"), history=False)


def test_the_consultation_of_the_day_with_its_department_matters_and_contractor(
    register: Register,
) -> None:
    (consultation,) = meeting(register).consultations
    assert consultation.number == "平成28年度諮問第7号"
    assert consultation.department == "子ども・教育支援課"
    assert consultation.name == "子ども相談業務"
    assert consultation.matter_labels == "委託"
    assert consultation.details == (
        ("委託先", "シャープビジネスソリューション株式会社"),
        ("委託の内容", "子ども相談システムの導入作業、データ移行及び保守管理"),
    )
    assert consultation.answer_line == "答申前"
    assert [o.text for o in consultation.opinions] == [
        "市に出入りする者が受託者の社員か確認すること"
    ]


def test_an_earlier_consultation_is_not_heard_again(register: Register) -> None:
    numbers = [c.number for c in meeting(register).consultations]
    assert "平成28年度諮問第3号" not in numbers


def test_the_report_of_the_day_with_what_changed_and_what_covers_it(register: Register) -> None:
    (report,) = meeting(register).reports
    assert report.subject == "介護扶助にかかる保険者ネットワークの構築"
    assert report.department == "生活福祉課"
    assert report.matter_labels == "外部結合"
    assert report.details == (
        ("結合先", "東京都国民健康保険団体連合会"),
        ("目的", "介護扶助の費用請求に係る対象者情報の伝送"),
    )
    assert report.covered_by == "平成15年諮問（都国保連との回線接続）"
    assert report.changes == (
        "平成28年9月1日 変更届　都国保連との保険者ネットワークによる伝送を開始"
        "　記録項目の追加：介護扶助の状況",
    )


def test_the_opinions_answered_that_day_under_their_consultation(register: Register) -> None:
    (answer,) = meeting(register).answers
    assert answer.number == "平成28年度諮問第3号"
    assert answer.department == "保険年金課"
    assert answer.subject == "糖尿病性腎症重症化予防事業委託"
    assert answer.answer.startswith("横浜市は当市とほぼ同様")
    assert meeting(register).answer_groups[0][0] == (
        "平成28年度諮問第3号「糖尿病性腎症重症化予防事業委託」（保険年金課）"
    )


def test_an_opinion_answered_on_another_day_is_not_in_the_answers(register: Register) -> None:
    other = build_meeting(register, date(2016, 12, 20), history=False)
    assert other.answers == () and other.consultations == () and other.reports == ()


def test_the_default_period_runs_from_the_day_after_the_previous_meeting(
    register: Register,
) -> None:
    assert previous_meeting(register, DAY) == date(2016, 7, 12)
    filings = meeting(register).filings
    assert (filings.start, filings.end) == (date(2016, 7, 13), DAY)
    assert [r.entry for r in filings.rows] == ["nenkin-tonyo", "seikatsu-hogo"]


def test_without_a_previous_meeting_the_period_starts_on_1_january(register: Register) -> None:
    assert previous_meeting(register, date(2016, 7, 12)) is None
    early = build_meeting(register, date(2016, 7, 12), history=False)
    assert (early.filings.start, early.filings.end) == (date(2016, 1, 1), date(2016, 7, 12))
    assert [c.number for c in early.consultations] == ["平成28年度諮問第3号"]


def test_from_and_to_override_the_period(register: Register) -> None:
    filings = meeting(register, start=date(2016, 1, 1), end=date(2016, 8, 31)).filings
    assert (filings.start, filings.end) == (date(2016, 1, 1), date(2016, 8, 31))
    assert [r.entry for r in filings.rows] == ["nenkin-tonyo"]


def test_a_period_whose_first_day_is_after_its_last_is_refused(register: Register) -> None:
    with pytest.raises(PeriodError):
        meeting(register, start=date(2016, 11, 1))


def test_the_agenda_lists_the_parts_as_the_minutes_do(register: Register) -> None:
    assert meeting(register).agenda == (
        (
            "諮問審議",
            ("平成28年度諮問第7号「子ども相談システム導入作業委託」（子ども・教育支援課）",),
        ),
        (
            "報告",
            (
                "介護扶助にかかる保険者ネットワークの構築",
                "意見に対する回答：平成28年度諮問第3号（保険年金課）",
                "平成28年7月13日～平成28年10月25日分の業務届出書の報告",
            ),
        ),
    )


def test_details_name_the_provision_s_recipient(register: Register) -> None:
    from todokede.registry.schema.model import Provision

    entry = register.entries["seikatsu-hogo"].entry.model_copy(
        update={"provisions": [Provision(recipient="東京都", basis="法令")]}
    )
    assert details(entry, ["provision", "connection"]) == (
        ("結合先", "東京都国民健康保険団体連合会"),
        ("目的", "介護扶助の費用請求に係る対象者情報の伝送"),
        ("提供先", "東京都"),
    )


def test_json_has_the_contract_s_keys_and_the_report_s_json(register: Register) -> None:
    data = json.loads(render(meeting(register), "json"))
    assert list(data) == ["date", "consultations", "reports", "answers", "filings"]
    assert data["date"] == "2016-10-25"
    assert [c["number"] for c in data["consultations"]] == ["平成28年度諮問第7号"]
    assert data["consultations"][0]["matters"] == ["outsourcing"]
    assert [r["covered_by"] for r in data["reports"]] == ["平成15年諮問（都国保連との回線接続）"]
    assert [a["number"] for a in data["answers"]] == ["平成28年度諮問第3号"]
    report = build_council_report(register, date(2016, 7, 13), DAY, history=False)
    assert data["filings"] == json.loads(render(report, "json"))


def test_a_format_the_papers_have_not_is_refused(register: Register) -> None:
    with pytest.raises(FormatError):
        render(meeting(register), "csv")


def test_the_file_name_carries_the_meeting_s_day() -> None:
    assert meeting_file_name(DAY, "html") == "審議会資料_H28.10.25.html"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden(register: Register, golden: Golden, fmt: str) -> None:
    golden(f"meeting.{fmt}", render(meeting(register), fmt))


def test_html_escapes_what_an_entry_holds(tmp_path: Path) -> None:
    root = write_meeting_register(tmp_path / "reg")
    path = root / "entries" / "kodomo-sodan.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("子ども相談システム導入作業委託", "<script>x</script>"), "utf-8")
    html = str(render(build_meeting(load_register(root), DAY, history=False), "html"))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "http://" not in html and "https://" not in html


PARTS = ("会議次第", "諮問審議", "報告", "意見に対する回答", "業務届出書の報告")


def test_the_html_prints_on_a4_with_the_parts_in_order(register: Register, tmp_path: Path) -> None:
    pdf = print_html(str(render(meeting(register), "html")), tmp_path)
    text = subprocess.run(
        [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    # the headings of the papers, after the agenda (which names the same parts)
    positions = [flat.index("会議次第")]
    for heading in ("(1)諮問審議", "(2)報告", "意見に対する回答", "(3)業務届出書の報告"):
        positions.append(flat.index(heading, positions[-1] + 1))
    assert positions == sorted(positions)
    for needle in (
        "平成28年度諮問第7号",
        "シャープビジネスソリューション株式会社",
        "平成15年諮問（都国保連との回線接続）",
        "横浜市は当市とほぼ同様",
        "個人情報に係る業務届出報告書",
        "糖尿病性腎症重症化予防事業",
    ):
        assert needle in flat
