"""``todokede check`` on council items (諮問・報告) and on what a filing names.

Each broken entry sits beside a valid one (tests/support/samples.py): the run exits
1, prints one clear line per problem naming file, line and field, never a traceback,
and the valid file is still read and counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.samples import CliRunner

BROKEN = "entries/zz-broken.toml"  # after the valid entry: a repeated number is reported here
OTHER = "entries/kenko-soudan.toml"
PROCESS = """\
name = "健康相談事業"
department = "健康増進課"
purpose = "健康増進法に基づき市民の健康相談に応じるため"
subjects = ["健康相談の利用者"]
record_items = ["氏名", "住所", "電話番号", "相談内容"]

[[outsourcing]]
contractor = "株式会社多摩ヘルスケア"
since = 2017-04-01

[[files]]
name = "{file}"
kind = "computer"
record_items = ["氏名", "相談内容"]
persons = 3000

[[filings]]
date = 2010-04-01
kind = "start"

[[filings]]
date = 2017-04-01
kind = "change"
summary = "委託先を追加: 株式会社多摩ヘルスケア"
consultation = "平成28年度諮問第9号"
"""
CONSULTATION = """
[[council]]
kind = "consultation"
number = "平成28年度諮問第9号"
subject = "健康相談業務の委託"
matters = ["outsourcing"]
date = 2017-02-21
answered = 2017-02-21
result = "approved"

[[council.opinions]]
text = "受託者の従事者に誓約書を提出させること"
answer = "契約時に提出させた"
answered = 2017-05-23
"""


def entry(*changes: tuple[str, str], file: str = "健康相談記録ファイル") -> str:
    """PROCESS with CONSULTATION, lines replaced in order: ("old", "new")."""
    text = PROCESS.replace("{file}", file) + CONSULTATION
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


CASES: dict[str, tuple[str, str, str, str]] = {
    # name: (file text, field, the line's text, fragment of the message)
    "consultation_without_number": (
        entry(('number = "平成28年度諮問第9号"\n', "")),
        "council[0].number",
        "[[council]]",
        "諮問には諮問番号（number、例: 平成28年度諮問第7号）が必要です",
    ),
    "answered_before_the_meeting": (
        entry(("answered = 2017-02-21", "answered = 2017-02-20")),
        "council[0].answered",
        "answered = 2017-02-20",
        "答申日 2017-02-20 が審議会の日（2017-02-21）より前です",
    ),
    "result_without_answer": (
        entry(("answered = 2017-02-21\n", "")),
        "council[0].result",
        'result = "approved"',
        "答申（result）には答申日（answered）が必要です",
    ),
    "report_with_result": (
        entry(
            ('consultation = "平成28年度諮問第9号"', "reported = 2017-02-21"),
            ('kind = "consultation"', 'kind = "report"'),
        ),
        "council[0].result",
        'result = "approved"',
        "報告には答申（result）はありません",
    ),
    "opinion_answer_without_date": (
        entry(("answered = 2017-05-23\n", "")),
        "council[0].opinions[0].answered",
        "[[council.opinions]]",
        "意見への回答（answer）には回答した審議会の日（answered）が必要です",
    ),
    "opinion_answered_before_its_meeting": (
        entry(("answered = 2017-05-23", "answered = 2017-01-10")),
        "council[0].opinions[0].answered",
        "answered = 2017-01-10",
        "回答日 2017-01-10 が意見の出た審議会の日（2017-02-21）より前です",
    ),
    "filing_names_an_unknown_consultation": (
        entry(('consultation = "平成28年度諮問第9号"', 'consultation = "平成28年度諮問第8号"')),
        "filings[1].consultation",
        'consultation = "平成28年度諮問第8号"',
        "諮問「平成28年度諮問第8号」は登録簿のどの [[council]] にもありません",
    ),
    "filing_names_a_pending_consultation": (
        entry(("answered = 2017-02-21\n", ""), ('result = "approved"\n', "")),
        "filings[1].consultation",
        'consultation = "平成28年度諮問第9号"',
        "諮問「平成28年度諮問第9号」はまだ答申がありません",
    ),
    "filing_names_a_rejected_consultation": (
        entry(('result = "approved"', 'result = "rejected"')),
        "filings[1].consultation",
        'consultation = "平成28年度諮問第9号"',
        "諮問「平成28年度諮問第9号」は答申が「否」です",
    ),
    "reported_names_no_report_of_the_entry": (
        entry(('consultation = "平成28年度諮問第9号"', "reported = 2017-03-21")),
        "filings[1].reported",
        "reported = 2017-03-21",
        '報告日 2017-03-21 の報告（[[council]] kind = "report"）がこのエントリにありません',
    ),
    "reported_names_a_consultation_day": (
        entry(('consultation = "平成28年度諮問第9号"', "reported = 2017-02-21")),
        "filings[1].reported",
        "reported = 2017-02-21",
        "報告日 2017-02-21 の報告",
    ),
    "number_twice_in_the_entry": (
        entry() + CONSULTATION.split("\n[[council.opinions]]")[0],
        "council[1].number",
        'number = "平成28年度諮問第9号"',
        "諮問番号「平成28年度諮問第9号」は entries/zz-broken.toml の諮問と同じです",
    ),
    "wrong_kind": (
        entry(('kind = "consultation"', 'kind = "question"')),
        "council[0].kind",
        'kind = "question"',
        "次のどれかを書いてください: consultation / report",
    ),
    "wrong_matter": (
        entry(('matters = ["outsourcing"]', 'matters = ["委託"]')),
        "council[0].matters[0]",
        'matters = ["委託"]',
        "「委託」は使えません",
    ),
    "wrong_result": (
        entry(('result = "approved"', 'result = "可"')),
        "council[0].result",
        'result = "可"',
        "approved / conditional / rejected",
    ),
    "council_without_date": (
        entry(("date = 2017-02-21\n", "")),
        "council[0].date",
        "[[council]]",
        "必須項目がありません",
    ),
    "opinion_without_text": (
        entry(('text = "受託者の従事者に誓約書を提出させること"\n', "")),
        "council[0].opinions[0].text",
        "[[council.opinions]]",
        "必須項目がありません",
    ),
    "reported_not_a_date": (
        entry(('consultation = "平成28年度諮問第9号"', 'reported = "平成29年2月21日"')),
        "filings[1].reported",
        'reported = "平成29年2月21日"',
        "",
    ),
}


def line_of(text: str, line: str) -> int:
    """The 1-based number of the last line of ``text`` that is ``line``."""
    lines = text.splitlines()
    return len(lines) - lines[::-1].index(line)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_council_item_is_one_clear_error(
    case: str, minimal_register: Path, todokede: CliRunner
) -> None:
    text, field, line, fragment = CASES[case]
    (minimal_register / BROKEN).write_text(text, "utf-8")
    before = text.encode()

    result = todokede("--registry", str(minimal_register), "check", "--format", "json")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["entries"] == 2  # the valid file was read too
    assert len(report["errors"]) == 1, report["errors"]
    [error] = report["errors"]
    assert (error["file"], error["field"]) == (BROKEN, field)
    assert error["line"] == line_of(text, line)
    assert fragment in error["message"]
    assert "\n" not in error["message"]
    assert (minimal_register / BROKEN).read_bytes() == before  # nothing on disk harmed
    text_run = todokede("--registry", str(minimal_register), "check")
    assert text_run.returncode == 1
    [shown] = [ln for ln in text_run.stdout.splitlines() if "エラー:" in ln]
    assert shown.startswith(f"{BROKEN}:{error['line']}:") and fragment in shown


def test_the_valid_council_items_check_clean(minimal_register: Path, todokede: CliRunner) -> None:
    (minimal_register / BROKEN).write_text(entry(), "utf-8")
    result = todokede("--registry", str(minimal_register), "check", "--strict")
    assert result.returncode == 0, result.stdout


def test_a_number_used_by_another_entry_is_an_error_at_the_later_one(
    minimal_register: Path, todokede: CliRunner
) -> None:
    (minimal_register / OTHER).write_text(entry(), "utf-8")
    (minimal_register / BROKEN).write_text(entry(file="健康相談申込書綴"), "utf-8")

    result = todokede("--registry", str(minimal_register), "check", "--format", "json")

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["entries"] == 3
    [error] = report["errors"]
    assert (error["file"], error["field"]) == (BROKEN, "council[0].number")
    assert error["message"] == (
        "諮問番号「平成28年度諮問第9号」は entries/kenko-soudan.toml の諮問と同じです"
        "（諮問番号は登録簿の中で1つにしてください）"
    )


def test_a_filing_may_name_another_entrys_consultation(
    minimal_register: Path, todokede: CliRunner
) -> None:
    (minimal_register / OTHER).write_text(entry(), "utf-8")
    alone = PROCESS.replace("{file}", "健康相談申込書綴")
    (minimal_register / BROKEN).write_text(alone, "utf-8")
    result = todokede("--registry", str(minimal_register), "check", "--strict")
    assert result.returncode == 0, result.stdout


UNCOVERED: dict[str, tuple[str, str]] = {
    # name: (what the change adds, the filing's lines)
    "outsourcing": (
        '[[outsourcing]]\ncontractor = "株式会社多摩ヘルスケア"\nsince = 2017-04-01\n',
        "",
    ),
    "connection": (
        '[[connections]]\npartner = "東京都国民健康保険団体連合会"\nsince = 2017-04-01\n',
        "",
    ),
    "my_number_to_a_contractor": (
        '[[outsourcing]]\ncontractor = "株式会社多摩ヘルスケア"\nsince = 2012-04-01\n',
        'items_added = ["個人番号"]\n',
    ),
}


@pytest.mark.parametrize("case", sorted(UNCOVERED))
def test_a_change_the_council_did_not_hear_of_is_a_warning_at_its_filing(
    case: str, minimal_register: Path, todokede: CliRunner
) -> None:
    added, lines = UNCOVERED[case]
    text = (
        PROCESS.replace("{file}", "健康相談記録ファイル")
        .replace(
            '[[outsourcing]]\ncontractor = "株式会社多摩ヘルスケア"\nsince = 2017-04-01\n', added
        )
        .replace('consultation = "平成28年度諮問第9号"\n', lines)
        + CONSULTATION.replace("2017-02-21", "2016-02-23")  # council records from 2016 on
    )
    (minimal_register / BROKEN).write_text(text, "utf-8")

    plain = todokede("--registry", str(minimal_register), "check", "--format", "json")
    assert plain.returncode == 0, plain.stdout
    [warning] = json.loads(plain.stdout)["warnings"]
    assert (warning["file"], warning["field"]) == (BROKEN, "filings[1]")
    assert warning["message"] == "審議会への諮問又は報告の記録がありません"
    assert warning["line"] == line_of(text, "[[filings]]")
    strict = todokede("--registry", str(minimal_register), "check", "--strict")
    assert strict.returncode == 1
    assert f"{BROKEN}:{warning['line']}: エラー: filings[1]: 審議会への" in strict.stdout


def test_filings_before_the_first_council_item_are_not_judged(
    minimal_register: Path, todokede: CliRunner
) -> None:
    text = PROCESS.replace("{file}", "健康相談記録ファイル").replace(
        'consultation = "平成28年度諮問第9号"\n', ""
    ) + CONSULTATION.replace("2017-02-21", "2018-02-20").replace("2017-05-23", "2018-05-22")
    (minimal_register / BROKEN).write_text(text, "utf-8")
    result = todokede("--registry", str(minimal_register), "check", "--strict")
    assert result.returncode == 0, result.stdout


def test_a_register_without_council_items_is_not_judged(
    minimal_register: Path, todokede: CliRunner
) -> None:
    text = PROCESS.replace("{file}", "健康相談記録ファイル").replace(
        'consultation = "平成28年度諮問第9号"\n', ""
    )
    (minimal_register / BROKEN).write_text(text, "utf-8")
    result = todokede("--registry", str(minimal_register), "check", "--strict")
    assert result.returncode == 0, result.stdout
