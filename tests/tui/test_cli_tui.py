"""``todokede`` alone and ``todokede tui``: the register found, the app opened, or one line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from tests.support.imports import loaded_after, run_cli_in_process
from tests.support.samples import CliRunner
from todokede.tui.app import TodokedeApp
from todokede.tui.cli import cli
from todokede.tui.cli.clihelp import run

Opened = list[tuple[Path, date]]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Opened:
    """Record the app's runs instead of taking over the terminal."""
    runs: Opened = []

    def fake_run(self: TodokedeApp, *args: object, **kwargs: object) -> None:
        runs.append((self.root, self.as_of))

    monkeypatch.setattr(TodokedeApp, "run", fake_run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    return runs


def test_todokede_alone_opens_the_app_on_the_register_found_from_cwd(
    sample_copy: Path, opened: Opened, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_copy / "entries")
    assert run(cli, []) == 0
    assert opened == [(sample_copy.resolve(), date.today())]


def test_tui_takes_the_registry_option_the_environment_and_as_of(
    sample_copy: Path, opened: Opened, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(cli, ["--registry", str(sample_copy), "tui", "--as-of", "H28.9.13"]) == 0
    monkeypatch.setenv("TODOKEDE_REGISTRY", str(sample_copy))
    assert run(cli, []) == 0
    assert opened == [
        (sample_copy.resolve(), date(2016, 9, 13)),
        (sample_copy.resolve(), date.today()),
    ]


def test_no_register_is_one_line_and_exit_1(tmp_path: Path, todokede: CliRunner) -> None:
    result = todokede(cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("エラー: 登録簿が見つかりません")
    assert len(result.stderr.strip().splitlines()) == 1
    given = todokede("--registry", str(tmp_path / "none"), "tui")
    assert given.returncode == 1
    assert len(given.stderr.strip().splitlines()) == 1
    assert "Traceback" not in given.stderr


def test_without_a_terminal_it_says_so_instead_of_drawing(
    sample_copy: Path, todokede: CliRunner
) -> None:
    result = todokede(cwd=sample_copy)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "端末で開いてください" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_tui_help_imports_no_textual() -> None:
    loaded = loaded_after(run_cli_in_process("tui", "--help"))
    assert "textual" not in loaded
    assert "click" in loaded
