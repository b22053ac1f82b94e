"""A council's answer (答申) in a commit message and in a diff: written and read back
by the message codec, and the council items that changed as diff lines."""

from __future__ import annotations

from datetime import date
from typing import Any

from todokede.registry.git.message import answer_message, parse_message
from todokede.registry.views.diff_lines import council_lines

CONSULTATION: dict[str, Any] = {
    "kind": "consultation",
    "number": "平成28年度諮問第7号",
    "subject": "子ども相談システム導入作業委託",
    "matters": ["outsourcing"],
    "date": date(2016, 10, 25),
    "opinions": [{"text": "受託者の社員か確認すること"}],
}


def test_an_answer_s_message_is_read_back_with_its_trailers() -> None:
    message = answer_message(
        "子ども・教育支援課", "子ども相談業務", "平成28年度諮問第7号", "conditional",
        date(2016, 10, 25), "kodomo-sodan",
    )  # fmt: skip
    assert message.splitlines()[0] == (
        "答申: 子ども・教育支援課 子ども相談業務 — 平成28年度諮問第7号 条件付き可"
    )
    read = parse_message(message)
    assert read.is_answer and read.kind is None and read.filing is None
    assert read.council_number == "平成28年度諮問第7号"
    assert read.council_result == "conditional"
    assert read.council_date == date(2016, 10, 25)
    assert read.entry_id == "kodomo-sodan"
    assert read.summary == "平成28年度諮問第7号 条件付き可"


def test_a_filing_s_message_carries_no_answer() -> None:
    read = parse_message("変更届: 課税課 個人住民税賦課事務 — 追加\n\nFiling-Kind: change\n"
                         "Filing-Date: 2016-03-22\nEntry: kazei\n")  # fmt: skip
    assert not read.is_answer and read.council_number == "" and read.council_date is None


def test_a_bad_council_date_is_no_answer() -> None:
    read = parse_message("答申: x — y\n\nCouncil-Number: 第1号\nCouncil-Date: someday\n")
    assert not read.is_answer and read.council_number == ""


def test_the_answer_and_an_opinion_as_diff_lines() -> None:
    after = {
        **CONSULTATION,
        "answered": date(2016, 10, 25),
        "result": "approved",
        "opinions": [*CONSULTATION["opinions"], {"text": "評判を確認すること"}],
    }
    lines = [line.text for line in council_lines([CONSULTATION], [after])]
    assert lines == [
        "~ 審議会: 平成28年度諮問第7号「子ども相談システム導入作業委託」 答申 可（平成28年10月25日）",
        "+ 委員の意見: 平成28年度諮問第7号「子ども相談システム導入作業委託」: 評判を確認すること",
    ]


def test_an_opinion_answered_later_as_a_diff_line() -> None:
    after = {
        **CONSULTATION,
        "opinions": [
            {
                "text": "受託者の社員か確認すること",
                "answer": "確認した",
                "answered": date(2017, 1, 24),
            }
        ],
    }
    (line,) = council_lines([CONSULTATION], [after])
    assert line.text == (
        "~ 委員の意見: 平成28年度諮問第7号「子ども相談システム導入作業委託」: "
        "受託者の社員か確認すること → 回答（平成29年1月24日） 確認した"
    )


def test_items_added_and_removed_as_diff_lines() -> None:
    report = {"kind": "report", "subject": "回線の変更", "date": date(2016, 10, 25)}
    lines = [line.text for line in council_lines([CONSULTATION], [report])]
    assert lines == [
        "+ 審議会: 報告「回線の変更」（平成28年10月25日）",
        "- 審議会: 平成28年度諮問第7号「子ども相談システム導入作業委託」",
    ]
    assert council_lines([CONSULTATION], [CONSULTATION]) == []
