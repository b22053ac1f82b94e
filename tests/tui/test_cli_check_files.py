"""``todokede check`` and ``check --book`` on 個人情報ファイル: every rule, every bad input.

Each broken entry sits beside a valid one (tests/support/samples.py): the run
exits 1, prints one clear line per problem naming file, line and field, never a
traceback, and the valid file is still read and counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.samples import MINIMAL_CONFIG, CliRunner

BROKEN = "entries/zz-broken.toml"  # after the valid entry: a duplicate name is reported here
PROCESS = """\
name = "健康相談事業"
department = "健康増進課"
purpose = "健康増進法に基づき市民の健康相談に応じるため"
subjects = ["健康相談の利用者"]
record_items = ["氏名", "住所", "電話番号", "相談内容"]

[[filings]]
date = 2010-04-01
kind = "start"
"""
GOOD_FILE = """
[[files]]
name = "健康相談記録ファイル"
kind = "computer"
record_items = ["氏名", "相談内容"]
persons = 3000
"""


def file_entry(**changes: str) -> str:
    """PROCESS with GOOD_FILE, lines of the file replaced: {"old line": "new line(s)"}."""
    text = GOOD_FILE
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return PROCESS + text


CASES: dict[str, tuple[str, str, str, str]] = {
    # name: (file text, field, the line's text, fragment of the message)
    "unknown_exemption": (
        file_entry(**{"persons = 3000": 'persons = 3000\nexemption = "74-2-99"'}),
        "files[0].exemption",
        'exemption = "74-2-99"',
        "除外の理由「74-2-99」はありません",
    ),
    "fewer_persons_with_5000": (
        file_entry(**{"persons = 3000": 'persons = 5000\nexemption = "74-2-9"'}),
        "files[0].exemption",
        'exemption = "74-2-9"',
        "本人の数 5,000人は政令で定める数（1,000人）以上なので 74-2-9 にはあたりません",
    ),
    "item_not_in_the_process": (
        file_entry(**{'"相談内容"]': '"相談内容", "病歴"]'}),
        "files[0].record_items[2]",
        'record_items = ["氏名", "相談内容", "病歴"]',
        "記録項目「病歴」はこの業務の record_items にありません",
    ),
    "duplicate_name_in_the_entry": (
        file_entry() + GOOD_FILE.replace('"computer"', '"manual"'),
        "files[1].name",
        'name = "健康相談記録ファイル"',
        "ファイル名「健康相談記録ファイル」が重複しています（1番目と同じ）",
    ),
    "duplicate_name_in_the_register": (
        file_entry(**{'name = "健康相談記録ファイル"': 'name = "個人住民税賦課事務ファイル"'}),
        "files[0].name",
        'name = "個人住民税賦課事務ファイル"',
        "entries/kazei-kojin-juminzei.toml の1番目のファイルと同じです",
    ),
    "withheld_item_the_file_does_not_hold": (
        file_entry(**{"persons = 3000": 'persons = 3000\nwithheld = ["item:住所"]'}),
        "files[0].withheld[0]",
        'withheld = ["item:住所"]',
        "記録項目「住所」はこのファイルの record_items にありません",
    ),
    "withheld_of_no_known_form": (
        file_entry(**{"persons = 3000": 'persons = 3000\nwithheld = ["相談内容"]'}),
        "files[0].withheld[0]",
        'withheld = ["相談内容"]',
        "「相談内容」は書けません",
    ),
    "negative_persons": (
        file_entry(**{"persons = 3000": "persons = -5"}),
        "files[0].persons",
        "persons = -5",
        "本人の数は0以上の整数で書いてください",
    ),
    "fractional_persons": (
        file_entry(**{"persons = 3000": "persons = 3000.5"}),
        "files[0].persons",
        "persons = 3000.5",
        "本人の数は0以上の整数で書いてください",
    ),
    "persons_as_a_string": (
        file_entry(**{"persons = 3000": 'persons = "3000人"'}),
        "files[0].persons",
        'persons = "3000人"',
        "本人の数は0以上の整数で書いてください",
    ),
    "persons_missing": (
        file_entry(**{"persons = 3000\n": ""}),
        "files[0].persons",
        "[[files]]",
        "必須項目がありません",
    ),
    "unknown_kind": (
        file_entry(**{'kind = "computer"': 'kind = "paper"'}),
        "files[0].kind",
        'kind = "paper"',
        "computer / manual（「paper」は使えません）",
    ),
    "unknown_provision_kind": (
        PROCESS + '\n[[provisions]]\nrecipient = "東京都"\nkind = "outside"\n' + GOOD_FILE,
        "provisions[0].kind",
        'kind = "outside"',
        "provision / internal（「outside」は使えません）",
    ),
}


def line_of(text: str, line: str) -> int:
    """The 1-based number of the last line of ``text`` that is ``line``."""
    lines = text.splitlines()
    return len(lines) - lines[::-1].index(line)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_file_is_one_clear_error(
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
    expected_line = None if line == "[[files]]" else line_of(text, line)
    if expected_line is not None:
        assert error["line"] == expected_line
    assert fragment in error["message"]
    assert "\n" not in error["message"]
    assert (minimal_register / BROKEN).read_bytes() == before  # nothing on disk harmed
    text_run = todokede("--registry", str(minimal_register), "check")
    assert text_run.returncode == 1
    [shown] = [ln for ln in text_run.stdout.splitlines() if "エラー:" in ln]
    assert shown.startswith(f"{BROKEN}:") and fragment in shown


def test_a_department_in_two_agencies_is_an_error_in_registry_toml(
    minimal_register: Path, todokede: CliRunner
) -> None:
    config = MINIMAL_CONFIG + (
        '\n[[agencies]]\nname = "東村山市教育委員会"\ndepartments = ["健康増進課", "課税課"]\n'
        'disclosure_office = "教育部教育総務課"\ndisclosure_address = "東京都東村山市本町一丁目2番地の3"\n'
    )
    (minimal_register / "registry.toml").write_text(config, "utf-8")
    (minimal_register / BROKEN).write_text(file_entry(), "utf-8")

    result = todokede("--registry", str(minimal_register), "check", "--format", "json")

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["entries"] == 2
    assert [(e["file"], e["field"]) for e in report["errors"]] == [
        ("registry.toml", "agencies[1].departments[0]"),
        ("registry.toml", "agencies[1].departments[1]"),
    ]
    assert "「健康増進課」は既に「東村山市長」の課です" in report["errors"][0]["message"]
    lines = config.splitlines()
    assert report["errors"][0]["line"] == lines.index('departments = ["健康増進課", "課税課"]') + 1


def test_an_entry_without_files_is_a_warning_and_an_error_with_strict(
    minimal_register: Path, todokede: CliRunner
) -> None:
    (minimal_register / BROKEN).write_text(PROCESS, "utf-8")

    plain = json.loads(
        todokede("--registry", str(minimal_register), "check", "--format", "json").stdout
    )
    assert plain["ok"] is True
    assert [(w["file"], w["field"]) for w in plain["warnings"]] == [(BROKEN, "files")]
    strict = todokede("--registry", str(minimal_register), "check", "--strict", "--format", "json")
    assert strict.returncode == 1
    assert [e["field"] for e in json.loads(strict.stdout)["errors"]] == ["files"]


def test_a_register_without_agencies_still_loads_with_a_warning(
    minimal_register: Path, todokede: CliRunner
) -> None:
    bare = MINIMAL_CONFIG.split("\n[[agencies]]")[0] + "\n"
    (minimal_register / "registry.toml").write_text(bare, "utf-8")

    result = todokede("--registry", str(minimal_register), "check", "--format", "json")

    assert result.returncode == 0
    [warning] = json.loads(result.stdout)["warnings"]
    assert (warning["file"], warning["field"]) == ("registry.toml", "agencies")
    assert "「東村山市長」の1つ" in warning["message"]


def test_check_book_lists_only_the_books_problems_in_one_list(
    minimal_register: Path, todokede: CliRunner
) -> None:
    config = MINIMAL_CONFIG.replace(
        'departments = ["総務課", "課税課", "健康増進課"]\ndisclosure',
        'departments = ["総務課", "課税課"]\ndisclosure',
    )
    assert config != MINIMAL_CONFIG
    (minimal_register / "registry.toml").write_text(config, "utf-8")
    broken = file_entry(**{"persons = 3000": 'persons = 5000\nexemption = "74-2-9"'})
    (minimal_register / BROKEN).write_text(broken.replace('"健康増進課"', '"税務課"'), "utf-8")
    (minimal_register / "entries" / "no-files.toml").write_text(
        PROCESS.replace("健康相談事業", "がん検診事業"), "utf-8"
    )

    result = todokede("--registry", str(minimal_register), "check", "--book")

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    exemption_line = line_of(broken, 'exemption = "74-2-9"')
    assert lines[:-1] == [
        f"{BROKEN}:{exemption_line}: エラー: files[0].exemption: "
        "本人の数 5,000人は政令で定める数（1,000人）以上なので 74-2-9 にはあたりません"
        "（ファイル簿に載せてください）",
        "entries/no-files.toml: 警告: files: 個人情報ファイルがありません（[[files]] に"
        "この業務の個人情報ファイルを書いてください。ファイル簿に載せないものも除外の理由を"
        "書いて登録します）",
        "registry.toml:5: 警告: departments[2]: 課「健康増進課」はどの機関（[[agencies]]）にも"
        "ありません（「東村山市長」の課として扱います）",
    ]
    assert lines[-1] == (
        "個人情報ファイル簿を検査しました（エントリ 3件）: エラー 1件、警告 2件 — エラーがあります"
        "（ほかに登録簿の問題が 1件あります: todokede check）"
    )
    as_json = json.loads(
        todokede("--registry", str(minimal_register), "check", "--book", "--format", "json").stdout
    )
    assert as_json["ok"] is False and as_json["entries"] == 3
    assert [e["field"] for e in as_json["errors"]] == ["files[0].exemption"]
    assert (
        todokede("--registry", str(minimal_register), "check", "--book", "--audit").returncode == 2
    )
