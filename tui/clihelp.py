"""Shared pieces of the command line: dates, the register, errors, exit codes.

Only ``click`` is imported at the top: ``todokede --help`` and ``check`` must
stay fast and never pull in Textual, GitPython or openpyxl.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
from datetime import date
from pathlib import Path
from typing import Any, Final, NoReturn

import click

EXIT_OK: Final = 0
EXIT_CONTENT: Final = 1
EXIT_USAGE: Final = 2
DEBUG_ENV: Final = "TODOKEDE_DEBUG"


class CommandFailed(Exception):
    """A refusal to report as one line with an exit code (1 unless told)."""

    def __init__(self, message: str, code: int = EXIT_CONTENT) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def fail(message: str, code: int = EXIT_CONTENT) -> NoReturn:
    raise CommandFailed(message, code)


class DateType(click.ParamType[date, Any]):
    """A date in ISO or 和暦 (平成28年9月13日, H28.9.13, full-width digits)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from registry.wareki import WarekiError, parse_date

        try:
            return parse_date(str(value))
        except WarekiError as error:
            from registry.display import visible

            self.fail(visible(str(error)), param, ctx)


DATE: Final = DateType()


def registry_root(ctx: click.Context) -> Path:
    """The register's root from ``--registry``, the environment or the cwd."""
    from registry.store import RegisterError, find_registry

    try:
        return find_registry(ctx.find_root().params.get("registry"))
    except RegisterError as error:
        fail(str(error))


def echo_error(message: str) -> None:
    """One line on stderr; a hidden or bidi character in it shown as ``⟨U+202E⟩``."""
    from registry.display import visible

    click.echo(f"エラー: {visible(message)}", err=True)


def run(command: click.Command, args: list[str] | None = None) -> int:
    """Run the click command and turn every failure into one line and a code."""
    from registry.errors import RegisterError

    try:
        result = command.main(args=args, prog_name="todokede", standalone_mode=False)
    except CommandFailed as error:
        echo_error(error.message)
        return error.code
    except RegisterError as error:
        for note in getattr(error, "__notes__", ()):  # done before the refusal
            click.echo(note)
        echo_error(str(error))
        return EXIT_CONTENT
    except click.exceptions.Abort:
        echo_error("中断しました")
        return EXIT_CONTENT
    except click.ClickException as error:
        from registry.display import visible

        shown = io.StringIO()
        error.show(file=shown)  # it may quote what was typed: hidden characters as marks
        click.echo(visible(shown.getvalue(), multiline=True), err=True, nl=False)
        return error.exit_code
    except click.exceptions.Exit as error:
        return error.exit_code
    except KeyboardInterrupt:
        echo_error("中断しました")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except Exception as error:  # the last line of defence: never a traceback
        if os.environ.get(DEBUG_ENV):
            traceback.print_exc()
        echo_error(
            f"予期しないエラーです（{type(error).__name__}: {error}）。"
            f"{DEBUG_ENV}=1 を付けて実行すると詳細が表示されます"
        )
        return EXIT_CONTENT
    return result if isinstance(result, int) else EXIT_OK


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
