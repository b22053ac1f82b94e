"""click's own usage errors as one Japanese line on stderr, exit 2 (the contract).

Every case runs the real command group through ``run()`` as ``todokede`` does;
a few also through the installed console script.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.samples import CliRunner
from todokede.tui.cli import cli
from todokede.tui.cli.clihelp import run

CASES: list[tuple[list[str], str]] = [
    (["new", "x", "--name", "名称"], "エラー: --department を指定してください（todokede new --help）"),
    (["report", "--to", "2016-01-01", "--from", "xx"], "エラー: --from の値が正しくありません: 日付として読めません: 「xx」"),
    (["file", "--kind", "change", "--date", "2016-01-01"], "エラー: ID を指定してください（todokede file --help）"),
    (["file", "x", "--kind"], "エラー: --kind に値を指定してください（todokede file --help）"),
    (["file", "x", "--kind", "modify", "--date", "2016-01-01"], "エラー: --kind の値が正しくありません: 「modify」は使えません（start、change、abolish のどれか）"),
    (["check", "--format", "xml"], "エラー: --format の値が正しくありません: 「xml」は使えません（text、json のどれか）"),
    (["report", "--from", "2016-01-01", "--to", "2016-02-01", "--format", "pdf"], "「pdf」は使えません（md、html、csv、xlsx、json のどれか）"),
    (["check", "--xyzzy"], "エラー: --xyzzy というオプションはありません（todokede check --help）"),
    (["check", "--boo"], "エラー: --boo というオプションはありません（--book のことですか。todokede check --help）"),
    (["check", "--stric"], "エラー: --stric というオプションはありません（--strict のことですか。todokede check --help）"),
    (["chek"], "エラー: chek というコマンドはありません（check のことですか。todokede --help）"),
    (["nosuchcmd"], "エラー: nosuchcmd というコマンドはありません（todokede --help）"),
    (["check", "--strict=1"], "エラー: --strict は値を取りません（todokede check --help）"),
    (["check", "extra"], "エラー: 余分な引数があります: extra（todokede check --help）"),
    (["--registry", "/etc/passwd", "check"], "エラー: --registry の値が正しくありません: '/etc/passwd' はファイルです（フォルダを指定してください）"),
    (["hook", "install"], "エラー: PATH を指定してください（todokede hook install --help）"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "expected"), CASES)
def test_usage_errors_are_one_japanese_line_and_exit_2(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = run(cli, args)
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("エラー: ")
    assert expected in err
    for english in ("Usage:", "Try '", "Error:", "Invalid value", "Missing", "No such"):
        assert english not in err


def test_through_the_console_script(todokede: CliRunner, tmp_path: Path) -> None:
    result = todokede("new", "x", "--name", "名称", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "エラー: --department を指定してください（todokede new --help）\n"


def test_a_group_without_its_command_still_shows_its_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(cli, ["hook"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "install" in err  # the list of its commands, as before


def test_hidden_characters_typed_are_shown_as_marks(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(cli, ["check", "--format", "te\u202ext\nx"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1
    assert "⟨U+202E⟩" in err and "\u202e" not in err
