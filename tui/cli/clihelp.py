"""Shared pieces of the command line: dates, the register, errors, exit codes.

Only ``click`` is imported at the top: ``todokede --help`` and ``check`` must
stay fast and never pull in Textual, GitPython or openpyxl.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Final, NoReturn, TypeVar

import click

FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)

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
        from todokede.registry.schema.wareki import WarekiError, parse_date

        try:
            return parse_date(str(value))
        except WarekiError as error:
            from todokede.registry.views.display import visible

            self.fail(visible(str(error)), param, ctx)


DATE: Final = DateType()


class Choice(click.Choice[str]):
    """click's Choice refusing in Japanese, with what was typed: 「xml」は使えません（…）."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        choices = "、".join(str(choice) for choice in self.choices)
        return f"「{value}」は使えません（{choices} のどれか）"


def text_or_json_option(func: FC) -> FC:
    """``--format text|json`` (text by default): check, log and diff."""
    return click.option(
        "--format",
        "fmt",
        type=Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="出力形式",
    )(func)


def registry_root(ctx: click.Context) -> Path:
    """The register's root from ``--registry``, the environment or the cwd."""
    from todokede.registry.files.store import RegisterError, find_registry

    try:
        return find_registry(ctx.find_root().params.get("registry"))
    except RegisterError as error:
        fail(str(error))


def echo_error(message: str) -> None:
    """One line on stderr; a hidden or bidi character in it shown as ``⟨U+202E⟩``."""
    from todokede.registry.views.display import visible

    click.echo(f"エラー: {visible(message)}", err=True)


def run(command: click.Command, args: list[str] | None = None) -> int:
    """Run the click command and turn every failure into one line and a code."""
    from todokede.registry.schema.errors import RegisterError

    try:
        result = command.main(args=args, prog_name="todokede", standalone_mode=False)
    except CommandFailed as error:
        echo_error(error.message)
        return error.code
    except RegisterError as error:
        from todokede.tui.cli.refusals import refusal_line

        for note in getattr(error, "__notes__", ()):  # done before the refusal
            click.echo(note)
        echo_error(refusal_line(error))
        return EXIT_CONTENT
    except click.exceptions.Abort:
        echo_error("中断しました")
        return EXIT_CONTENT
    except click.exceptions.NoArgsIsHelpError as error:  # a group alone: its help, as asked
        error.show()
        return error.exit_code
    except click.UsageError as error:  # it may quote what was typed: echo_error marks it
        echo_error(usage_message(error, _command_path(command, args)))
        return error.exit_code
    except click.ClickException as error:
        echo_error(error.format_message())
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


# -- click's usage errors in Japanese ------------------------------------------------------

#: click's English details that have a Japanese line of their own (the rest keep
#: click's detail after a Japanese prefix).
_EXTRA_ARGUMENTS: Final = re.compile(r"^Got unexpected extra arguments? \((.*)\)$", re.S)
_IS_A_FILE: Final = re.compile(r"^Directory (.*) is a file\.$", re.S)
_IS_A_FOLDER: Final = re.compile(r"^File (.*) is a directory\.$", re.S)
_DOES_NOT_EXIST: Final = re.compile(r"^(?:File|Directory|Path) (.*) does not exist\.$", re.S)


def param_name(param: click.Parameter | None, hint: object = None) -> str:
    """How the user typed a parameter: ``--output`` (the long form), ``ID``."""
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    if param is not None:
        return param.human_readable_name
    if isinstance(hint, str):
        return hint.strip("'\"")
    if isinstance(hint, (list, tuple)):
        return " / ".join(str(h).strip("'\"") for h in hint)
    return "値"


def _did_you_mean(possibilities: list[str] | None) -> str:
    return f"{'、'.join(possibilities)} のことですか。" if possibilities else ""


def _value_message(message: str) -> str:
    """A bad value's detail: click.Path's English made Japanese, any other kept."""
    if found := _IS_A_FILE.match(message):
        return f"{found.group(1)} はファイルです（フォルダを指定してください）"
    if found := _IS_A_FOLDER.match(message):
        return f"{found.group(1)} はフォルダです（ファイルを指定してください）"
    if found := _DOES_NOT_EXIST.match(message):
        return f"{found.group(1)} がありません"
    return message


def _command_path(command: click.Command, args: list[str] | None) -> str:
    """``todokede check``: the (sub)command the arguments name, for an error click
    raised before it had a context (an option given a value it takes none of)."""
    names = ["todokede"]
    for arg in sys.argv[1:] if args is None else args:
        if isinstance(command, click.Group) and arg in command.commands:
            command = command.commands[arg]
            names.append(arg)
    return " ".join(names)


def usage_message(error: click.UsageError, fallback_path: str = "todokede") -> str:
    """A click usage error as one Japanese line, ending with where help is.

    What has a translation gets one (a missing option, a bad value, an unknown
    option or command, an option's value missing or not wanted, extra
    arguments); anything else keeps click's detail after a Japanese prefix.
    """
    path = error.ctx.command_path if error.ctx is not None else fallback_path
    where = f"{path} --help"
    message = error.message.strip()
    if isinstance(error, click.MissingParameter):
        return f"{param_name(error.param, error.param_hint)} を指定してください（{where}）"
    if isinstance(error, click.BadParameter):
        name = param_name(error.param, error.param_hint)
        return f"{name} の値が正しくありません: {_value_message(message)}"
    if isinstance(error, click.NoSuchOption):
        maybe = _did_you_mean(error.possibilities)
        return f"{error.option_name} というオプションはありません（{maybe}{where}）"
    if isinstance(error, click.exceptions.NoSuchCommand):
        maybe = _did_you_mean(error.possibilities)
        return f"{error.command_name} というコマンドはありません（{maybe}{where}）"
    if isinstance(error, click.BadOptionUsage):
        name = error.option_name
        if "requires" in message:
            return f"{name} に値を指定してください（{where}）"
        if "does not take a value" in message:
            return f"{name} は値を取りません（{where}）"
        return f"{name} の使い方が正しくありません: {message}（{where}）"
    if found := _EXTRA_ARGUMENTS.match(message):
        return f"余分な引数があります: {found.group(1)}（{where}）"
    if message.startswith("Missing command"):
        return f"コマンドを指定してください（{where}）"
    return f"使い方が正しくありません: {message}（{where}）"


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
