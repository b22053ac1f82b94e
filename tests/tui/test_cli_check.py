"""``todokede check`` through the real entry point: every rule, every bad input.

Each broken file sits beside a valid one: the run exits 1, prints one clear
line per problem naming file, line and field, never a traceback, and the valid
file is still read and counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.samples import VALID_ENTRY, CliRunner

BROKEN = "entries/broken.toml"


def entry(**changes: str) -> str:
    """VALID_ENTRY with whole lines replaced: {"old line": "new line(s)"}."""
    text = VALID_ENTRY
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


# The second filing stands where a second filing of VALID_ENTRY would: before its files.
ENTRY_WITH_FILINGS = VALID_ENTRY.replace(
    "\n[[files]]\n",
    """
[[filings]]
date = 2016-03-22
kind = "change"
summary = "番号法の施行に伴い記録項目に個人番号を追加"

[[files]]
""",
)

CASES: dict[str, tuple[str, str | None, int | None, str]] = {
    # name: (file text, field, line, fragment of the message)
    "toml_syntax_error": (
        VALID_ENTRY.replace('purpose = "地方税法', "purpose = 地方税法"),
        None,
        4,
        "TOML の書き方に誤りがあります",
    ),
    "unclosed_string": (
        VALID_ENTRY.replace('summary = "業務開始"', 'summary = "業務開始'),
        None,
        12,
        "引用符の閉じ忘れ",
    ),
    "unknown_department": (
        entry(**{'department = "課税課"': 'department = "税務課"'}),
        "department",
        3,
        "担当課「税務課」は registry.toml の departments にありません",
    ),
    "impossible_toml_date": (
        entry(**{"date = 2005-04-01": "date = 2005-02-30"}),
        None,
        10,
        "日付が正しくありません",
    ),
    "wareki_string_date": (
        entry(**{"date = 2005-04-01": 'date = "平成17年4月1日"'}),
        "filings[0].date",
        10,
        "「平成17年4月1日」ではなく 2005-04-01",
    ),
    "impossible_wareki_string_date": (
        entry(**{"date = 2005-04-01": 'date = "平成32年4月1日"'}),
        "filings[0].date",
        10,
        "TOML の日付で書いてください",
    ),
    "datetime_instead_of_date": (
        entry(**{"date = 2005-04-01": "date = 2005-04-01T09:00:00"}),
        "filings[0].date",
        10,
        "日付に時刻は書けません: 2005-04-01",
    ),
    "filings_out_of_order": (
        ENTRY_WITH_FILINGS.replace("date = 2016-03-22", "date = 2001-03-22"),
        "filings[1].date",
        15,
        "前の届出（2005-04-01）より前です",
    ),
    "first_filing_not_start": (
        entry(**{'kind = "start"': 'kind = "change"'}),
        "filings[0].kind",
        11,
        "最初の届出は開始（start）",
    ),
    "filing_after_abolish": (
        ENTRY_WITH_FILINGS.replace('kind = "start"', 'kind = "start"\n')
        .replace('status = "active"', 'status = "abolished"')
        .replace(
            "[[filings]]\ndate = 2016-03-22",
            '[[filings]]\ndate = 2010-03-31\nkind = "abolish"\n\n[[filings]]\ndate = 2016-03-22',
        ),
        "filings[2].kind",
        21,
        "廃止届（2010-03-31）の後に届出はできません",
    ),
    "status_abolished_without_abolish": (
        entry(**{'status = "active"': 'status = "abolished"'}),
        "status",
        7,
        "最後の届出が廃止ではありません",
    ),
    "status_active_after_abolish": (
        VALID_ENTRY + '\n[[filings]]\ndate = 2020-03-31\nkind = "abolish"\n',
        "status",
        7,
        'status = "abolished" にしてください',
    ),
    "unknown_status": (
        entry(**{'status = "active"': 'status = "closed"'}),
        "status",
        7,
        "次のどれかを書いてください: active / abolished（「closed」は使えません）",
    ),
    "unknown_kind": (
        entry(**{'kind = "start"': 'kind = "begin"'}),
        "filings[0].kind",
        11,
        "start / change / abolish（「begin」は使えません）",
    ),
    "missing_required_field": (
        entry(**{'purpose = "地方税法に基づき個人住民税を賦課するため"\n': ""}),
        "purpose",
        None,
        "必須項目がありません",
    ),
    "blank_required_field": (
        entry(**{'name = "個人住民税賦課事務"': 'name = "  "'}),
        "name",
        2,
        "空にはできません",
    ),
    "empty_record_items": (
        entry(**{'record_items = ["氏名", "住所", "生年月日"]': "record_items = []"}),
        "record_items",
        6,
        "空にはできません",
    ),
    "record_items_not_a_list": (
        entry(**{'record_items = ["氏名", "住所", "生年月日"]': 'record_items = "氏名"'}),
        "record_items",
        6,
        "配列で書いてください",
    ),
    "misspelt_field": (
        entry(
            **{
                'record_items = ["氏名", "住所", "生年月日"]': 'recod_items = ["氏名"]\nrecord_items = ["氏名", "住所", "生年月日"]'
            }
        ),
        "recod_items",
        6,
        "この項目名は使えません",
    ),
    "control_character": (
        entry(**{'name = "個人住民税賦課事務"': 'name = "個人住民税\\u202e賦課事務"'}),
        "name",
        2,
        "文字の向きを変える制御文字（U+202E）",
    ),
}


def write_broken(root: Path, text: str, name: str = "broken.toml") -> None:
    """Write a copy of VALID_ENTRY beside it, its file renamed (file names are unique
    in a register: the same name would be one more error)."""
    text = text.replace('name = "個人住民税賦課事務ファイル"', 'name = "検査用ファイル"')
    (root / "entries" / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_input_is_one_clear_error(
    case: str, minimal_register: Path, todokede: CliRunner
) -> None:
    text, field, line, fragment = CASES[case]
    write_broken(minimal_register, text)

    result = todokede("--registry", str(minimal_register), "check", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["entries"] == 2  # the valid file was read too
    assert len(report["errors"]) == 1, report["errors"]
    error = report["errors"][0]
    assert error["file"] == BROKEN
    assert error["line"] == line
    assert error["field"] == (field or "")
    assert fragment in error["message"]

    text_result = todokede("--registry", str(minimal_register), "check")
    assert text_result.returncode == 1
    lines = text_result.stdout.strip().splitlines()
    place = BROKEN if line is None else f"{BROKEN}:{line}"
    assert lines[0].startswith(f"{place}: エラー:")
    assert fragment in lines[0]
    assert len(lines) == 2  # the problem, then the summary
    assert "エラー 1件" in lines[1]


def test_several_problems_are_all_reported_one_line_each(
    minimal_register: Path, todokede: CliRunner
) -> None:
    write_broken(minimal_register, CASES["unknown_department"][0], "a.toml")
    write_broken(minimal_register, CASES["toml_syntax_error"][0], "b.toml")
    write_broken(minimal_register, CASES["filings_out_of_order"][0], "c.toml")
    result = todokede("--registry", str(minimal_register), "check", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["entries"] == 4
    assert [e["file"] for e in report["errors"]] == [
        "entries/a.toml",
        "entries/b.toml",
        "entries/c.toml",
    ]


@pytest.mark.parametrize(
    "name", ["Kazei.toml", "kazei_juminzei.toml", "-kazei.toml", "日本語.toml"]
)
def test_invalid_file_name_is_an_error(
    name: str, minimal_register: Path, todokede: CliRunner
) -> None:
    write_broken(minimal_register, VALID_ENTRY, name)
    result = todokede("--registry", str(minimal_register), "check", "--format", "json")
    assert result.returncode == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["file"], e["line"]) for e in errors] == [(f"entries/{name}", None)]
    assert "ファイル名が不正です" in errors[0]["message"]


def test_unknown_record_item_is_a_warning_and_an_error_with_strict(
    minimal_register: Path, todokede: CliRunner
) -> None:
    write_broken(
        minimal_register,
        entry(
            **{
                'record_items = ["氏名", "住所", "生年月日"]': 'record_items = ["氏名", "ペットの名前"]'
            }
        ),
    )
    result = todokede("--registry", str(minimal_register), "check", "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["errors"] == []
    assert report["warnings"] == [
        {
            "file": BROKEN,
            "line": 6,
            "field": "record_items[1]",
            "message": "記録項目「ペットの名前」は項目一覧にありません（registry.toml の [catalog] に追加できます）",
        }
    ]

    strict = todokede("--registry", str(minimal_register), "check", "--strict", "--format", "json")
    assert strict.returncode == 1
    strict_report = json.loads(strict.stdout)
    assert strict_report["warnings"] == []
    assert [e["field"] for e in strict_report["errors"]] == ["record_items[1]"]


def test_registry_catalog_additions_silence_the_warning(
    minimal_register: Path, todokede: CliRunner
) -> None:
    config = minimal_register / "registry.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[catalog.items]]\nname = "ペットの名前"\ncategory = "その他"\n',
        encoding="utf-8",
    )
    write_broken(
        minimal_register,
        entry(
            **{
                'record_items = ["氏名", "住所", "生年月日"]': 'record_items = ["氏名", "ペットの名前"]'
            }
        ),
    )
    result = todokede("--registry", str(minimal_register), "check", "--strict")
    assert result.returncode == 0, result.stdout


def test_non_utf8_file(minimal_register: Path, todokede: CliRunner) -> None:
    (minimal_register / "entries" / "broken.toml").write_bytes(
        VALID_ENTRY.encode("utf-8").replace("業務開始".encode(), "業務開始".encode("shift_jis"))
    )
    result = todokede("--registry", str(minimal_register), "check")
    assert result.returncode == 1
    assert result.stdout.startswith(f"{BROKEN}:12: エラー: UTF-8 の文字として読めません")


def test_huge_file_is_refused_quickly(minimal_register: Path, todokede: CliRunner) -> None:
    (minimal_register / "entries" / "broken.toml").write_text(
        VALID_ENTRY + "# " + "あ" * 4_000_000 + "\n", encoding="utf-8"
    )
    result = todokede("--registry", str(minimal_register), "check")
    assert result.returncode == 1
    assert "ファイルが大きすぎます" in result.stdout


def test_deeply_nested_toml_is_refused(minimal_register: Path, todokede: CliRunner) -> None:
    write_broken(minimal_register, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = todokede("--registry", str(minimal_register), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert BROKEN in result.stdout


def test_broken_registry_toml_is_reported(minimal_register: Path, todokede: CliRunner) -> None:
    (minimal_register / "registry.toml").write_text(
        'name = "登録簿"\nmunicipality = "東村山市"\ndepartments = []\n', encoding="utf-8"
    )
    result = todokede("--registry", str(minimal_register), "check", "--format", "json")
    assert result.returncode == 1
    errors = json.loads(result.stdout)["errors"]
    assert errors[0] == {
        "file": "registry.toml",
        "line": 3,
        "field": "departments",
        "message": "空にはできません（1つ以上書いてください）",
    }


def test_sample_register_checks_clean(todokede: CliRunner) -> None:
    from tests.support.samples import PROJECT_ROOT

    result = todokede("--registry", str(PROJECT_ROOT), "check", "--strict", "--format", "json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert set(report) == {"ok", "entries", "errors", "warnings"}
    assert report["ok"] is True
    assert report["entries"] >= 25
    assert report["errors"] == [] and report["warnings"] == []


def test_register_is_found_from_env_then_cwd(
    minimal_register: Path, todokede: CliRunner, tmp_path: Path
) -> None:
    from_env = todokede("check", cwd=tmp_path, env={"TODOKEDE_REGISTRY": str(minimal_register)})
    assert from_env.returncode == 0, from_env.stderr
    nested = minimal_register / "entries"
    from_cwd = todokede("check", cwd=nested)
    assert from_cwd.returncode == 0
    assert "エントリ 1件" in from_cwd.stdout
    nowhere = todokede("check", cwd=tmp_path)
    assert nowhere.returncode == 1
    assert nowhere.stderr.startswith("エラー: 登録簿が見つかりません")
    wrong = todokede("--registry", str(tmp_path), "check")
    assert wrong.returncode == 1
    assert "registry.toml がありません" in wrong.stderr


def test_bad_usage_exits_2(minimal_register: Path, todokede: CliRunner) -> None:
    result = todokede("--registry", str(minimal_register), "check", "--format", "yaml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert todokede("no-such-command").returncode == 2
