"""Hostile input: ids and paths leading out of entries/, huge and deep files, hidden text.

Every command that takes an id or reads files is tried: ``check``, ``file``,
``new``, ``log``, ``diff``, and the TUI's loading (``load_register``). Each
refusal is one line and an exit code of the contract; nothing outside the
register is read or written; nothing hangs. Text from commits and old files
(authors, summaries, values) is shown with hidden and bidi characters as marks
and never as rich markup.
"""

from __future__ import annotations

import io
import os
import subprocess
import time
from pathlib import Path

import pytest
from rich.console import Console

from tests.support.gitrepos import ENTRY_ID, committed_register, git
from tests.support.samples import MINIMAL_CONFIG, TODOKEDE, VALID_ENTRY
from todokede.registry.files.store import load_register
from todokede.registry.git.history import register_log
from todokede.registry.views.display import has_hidden, visible
from todokede.tui.cli import cli
from todokede.tui.cli.clihelp import run
from todokede.tui.cli.history import log_table

SECRET = "外部の秘密ファイル"
OUTSIDE_ENTRY = VALID_ENTRY.replace("個人住民税賦課事務", SECRET)
BAD_IDS = [
    "../outside",
    "/etc/passwd",
    "a/b",
    "..",
    "entries/x",
    "x\u202ey",
    "Ａ",
    "x" * 65,
    "x.toml",
]


def cli_run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    """The real command line, in-process (same code as the console script)."""
    code = run(cli, ["--registry", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def register(tmp_path: Path, git_identity: None) -> Path:
    return committed_register(tmp_path / "reg")


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_that_are_not_plain_names_are_refused_by_every_command(
    register: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    commands = [
        ("file", bad, "--kind", "change", "--date", "2016-03-22"),
        ("new", bad, "--department", "課税課", "--name", "名称"),
        ("log", bad),
        ("diff", bad),
    ]
    for args in commands:
        code, out, err = cli_run(capsys, register, *args)
        assert code == 2, (args, out, err)
        assert f"ID「{visible(bad)}」は使えません" in one_error(err)
        assert "\u202e" not in err
    assert sorted(p.name for p in (register / "entries").iterdir()) == [f"{ENTRY_ID}.toml"]
    assert not (register.parent / "outside.toml").exists()


def test_a_symlinked_entry_is_neither_read_nor_written(
    register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text(OUTSIDE_ENTRY, encoding="utf-8")
    link = register / "entries" / "link.toml"
    link.symlink_to(outside)
    code, out, _ = cli_run(capsys, register, "check")
    assert (
        code == 1 and "entries/link.toml: エラー: シンボリックリンク" in out and SECRET not in out
    )
    code, _, err = cli_run(
        capsys, register, "file", "link", "--kind", "start", "--date", "2016-01-01"
    )
    assert code == 1 and "シンボリックリンクです" in one_error(err)
    code, out, _ = cli_run(capsys, register, "diff")
    assert code == 0 and SECRET not in out and "TOML として読めない版があります" in out
    code, out, _ = cli_run(capsys, register, "diff", "link", "--format", "json")
    assert code == 0 and SECRET not in out
    (register / "entries" / "dangling.toml").symlink_to(tmp_path / "created-outside.toml")
    code, _, err = cli_run(
        capsys, register, "new", "dangling", "--department", "課税課", "--name", "x"
    )
    assert code == 1 and "シンボリックリンクです" in one_error(err)
    assert not (tmp_path / "created-outside.toml").exists()
    assert outside.read_text(encoding="utf-8") == OUTSIDE_ENTRY
    loaded = load_register(register)  # what the TUI opens
    assert "link" not in loaded.entries and "dangling" not in loaded.entries


def test_a_symlinked_entries_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], git_identity: None
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.toml").write_text(OUTSIDE_ENTRY, encoding="utf-8")
    root = tmp_path / "reg"
    root.mkdir()
    (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "entries").symlink_to(elsewhere, target_is_directory=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "registry.toml")
    git(root, "commit", "-q", "-m", "x")
    code, out, _ = cli_run(capsys, root, "check", "--format", "json")
    assert code == 1 and SECRET not in out
    assert '"entries": 0' in out and "フォルダがシンボリックリンクです" in out
    for args in (
        ("file", "secret", "--kind", "start", "--date", "2016-01-01"),
        ("new", "fresh", "--department", "課税課", "--name", "x"),
        ("diff",),
    ):
        code, _, err = cli_run(capsys, root, *args)
        assert code == 1 and "シンボリックリンクです" in one_error(err), args
    assert sorted(p.name for p in elsewhere.iterdir()) == ["secret.toml"]
    assert load_register(root).entries == {}


def test_a_symlinked_registry_toml_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "reg"
    (root / "entries").mkdir(parents=True)
    (tmp_path / "real.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "registry.toml").symlink_to(tmp_path / "real.toml")
    code, out, _ = cli_run(capsys, root, "check")
    assert (
        code == 1
        and "registry.toml: エラー: シンボリックリンクは登録簿のファイルにできません" in out
    )


def timed(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    began = time.monotonic()
    result = subprocess.run(
        [str(TODOKEDE), *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    return result, time.monotonic() - began


def test_huge_and_deep_files_are_refused_quickly_by_every_reader(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = register / "entries" / "huge.toml"
    huge.write_text(VALID_ENTRY + "# " + "x" * (10 * 1024 * 1024) + "\n", encoding="utf-8")
    deep = register / "entries" / "deep.toml"
    deep.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    nested = register / "entries" / "nested.toml"  # readable by tomllib, yet too deep
    nested.write_text(VALID_ENTRY + "extra = " + "[" * 150 + "]" * 150 + "\n", encoding="utf-8")
    result, seconds = timed("check", cwd=register)
    assert result.returncode == 1 and seconds < 20, seconds
    assert "entries/huge.toml: エラー: ファイルが大きすぎます（10,486," in result.stdout
    assert "entries/deep.toml: エラー: " in result.stdout
    assert "entries/nested.toml: エラー: 入れ子が深すぎて読めません（32段まで）" in result.stdout
    assert result.stderr == ""
    for entry_id in ("huge", "deep", "nested"):
        code, _, err = cli_run(
            capsys, register, "file", entry_id, "--kind", "start", "--date", "2016-01-01"
        )
        assert code == 1 and f"entries/{entry_id}.toml" in one_error(err)
    code, out, _ = cli_run(capsys, register, "diff")
    assert code == 0 and out.count("TOML として読めない版があります") == 2  # huge, deep
    loaded = load_register(register)
    assert set(loaded.invalid) == {"huge", "deep", "nested"}
    # The same files committed by plain git: history reads them without hanging.
    git(register, "add", "entries")
    git(register, "commit", "-q", "-m", "大きなファイル")
    result, seconds = timed("log", cwd=register)
    assert result.returncode == 0 and seconds < 20
    result, seconds = timed(
        "diff", "--from", "HEAD~1", "--to", "HEAD", "--format", "json", cwd=register
    )
    assert result.returncode == 0 and seconds < 20
    assert '"entry": "huge"' in result.stdout


def test_a_fifo_in_entries_does_not_hang(register: Path) -> None:
    os.mkfifo(register / "entries" / "pipe.toml")
    result, seconds = timed("check", cwd=register)
    assert result.returncode == 1 and seconds < 20
    assert "entries/pipe.toml: エラー: 通常のファイルではありません" in result.stdout
    result, _ = timed("diff", cwd=register)
    assert result.returncode == 0


def test_hidden_characters_in_entry_fields_are_refused(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register / "entries" / f"{ENTRY_ID}.toml"
    kinds = {
        "\u202e": "文字の向きを変える制御文字",
        "\u2066": "文字の向きを変える制御文字",
        "\u200e": "文字の向きを変える制御文字",
        "\u200f": "文字の向きを変える制御文字",
        "\u061c": "文字の向きを変える制御文字",
        "\u2028": "Unicode の区切り文字",
        "\u2029": "Unicode の区切り文字",
        "\x1b": "制御文字",
        "\x07": "制御文字",
    }
    for char, kind in kinds.items():
        escaped = f"\\u{ord(char):04x}"
        path.write_text(VALID_ENTRY.replace("個人住民税賦課事務", f"個人{escaped}住民税"), "utf-8")
        code, out, _ = cli_run(capsys, register, "check")
        assert code == 1
        assert f"entries/{ENTRY_ID}.toml:2: エラー: name: {kind}（U+{ord(char):04X}）" in out
        assert not has_hidden(out)
    (register / "entries" / "x\u202eltxt.toml").write_text(VALID_ENTRY, "utf-8")
    code, out, _ = cli_run(capsys, register, "check")
    assert "entries/x⟨U+202E⟩ltxt.toml: エラー: ファイル名が不正です" in out and not has_hidden(out)


def hostile_commit(root: Path, author: str, subject: str) -> None:
    """A commit by plain git with an author and subject git accepts as they are."""
    path = root / "entries" / f"{ENTRY_ID}.toml"
    old = git(root, "show", f"HEAD:entries/{ENTRY_ID}.toml")
    hostile_value = old.replace("個人住民税賦課事務", "課税\u202e事務[/oops]")
    path.write_text(hostile_value, encoding="utf-8")
    git(root, "add", "entries")
    git(
        root,
        "-c",
        f"user.name={author}",
        "-c",
        "user.email=evil@example.jp",
        "commit",
        "-q",
        "-m",
        subject,
    )


AUTHOR = "[bold red]総務\x1e\x1f課\u202e[/] \x1b[31m"


def test_commit_text_is_shown_harmlessly_in_log_and_diff(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile_commit(register, AUTHOR, "概要\u202eです [link=http://evil]x[/link] \x1e\x1f")
    code, out, _ = cli_run(capsys, register, "log")
    assert code == 0 and not has_hidden(out) and "\x1b" not in out
    assert "[bold red]総務⟨U+001E⟩⟨U+001F⟩課⟨U+202E⟩[/] ⟨U+001B⟩[31m" in out
    assert "概要⟨U+202E⟩です [link=http://evil]x[/link]" in out
    assert "2件（届出 0件・その他 2件）" in out  # the record separators in the text split nothing
    code, out, _ = cli_run(capsys, register, "diff", "--from", "HEAD~1", "--to", "HEAD")
    assert code == 0 and not has_hidden(out)
    assert "課税⟨U+202E⟩事務[/oops]" in out
    items = register_log(register)
    assert items[0].author == AUTHOR  # the data stays as git holds it (JSON too)
    # On a terminal the log is a rich table: its cells are text, never markup.
    terminal = io.StringIO()
    Console(file=terminal, width=200, force_terminal=True, color_system=None).print(
        log_table(items)
    )
    shown = terminal.getvalue()
    assert "[bold red]総務⟨U+001E⟩⟨U+001F⟩課⟨U+202E⟩[/]" in shown and "[link=http://evil]" in shown
    assert "\x1b" not in shown and "\u202e" not in shown


def test_hidden_characters_in_a_report_source_are_refused_before_any_report(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reports read only loaded registers; the model refuses hidden characters first."""
    config = register / "registry.toml"
    config.write_text(MINIMAL_CONFIG.replace('"東村山市"', '"東村山\\u202e市"'), "utf-8")
    for args in (("report", "--from", "2016-01-01", "--to", "2016-12-31"), ("export",)):
        code, out, err = cli_run(capsys, register, *args)
        assert code == 1, (args, out, err)
        assert "municipality" in one_error(err) and "U+202E" in err and "\u202e" not in err + out


def test_visible_marks_only_what_hides_or_turns_text() -> None:
    assert visible("個人住民税 (tab)\tand\nline") == "個人住民税 (tab)⟨U+0009⟩and⟨U+000A⟩line"
    assert visible("a\tb\nc", multiline=True) == "a\tb\nc"
    assert visible("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") == "".join(
        f"⟨U+{c:04X}⟩"
        for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)
    )
    assert visible("\u200e\u200f\u061c\u2028\u2029\x7f\x85\x00") == (
        "⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩⟨U+2028⟩⟨U+2029⟩⟨U+007F⟩⟨U+0085⟩⟨U+0000⟩"
    )
    plain = "マイナンバー（個人番号）・ＡＢＣ・[bold]"
    assert visible(plain) is plain
