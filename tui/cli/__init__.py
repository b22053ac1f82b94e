"""``todokede``: the command line. Heavy modules load inside each command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from todokede import __version__
from todokede.tui.cli.app import tui
from todokede.tui.cli.clihelp import run
from todokede.tui.cli.council import answer, council
from todokede.tui.cli.history import HISTORY_COMMANDS
from todokede.tui.cli.hook import hook
from todokede.tui.cli.imports import import_register
from todokede.tui.cli.register import check, init, new
from todokede.tui.cli.reports import export, reminders, report


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--registry",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=None,
    help="登録簿のフォルダ（省略時は TODOKEDE_REGISTRY、次に現在のフォルダから上を探す）",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="検査結果のキャッシュを使わない（環境変数 TODOKEDE_CACHE=0 と同じ）",
)
@click.version_option(
    __version__, "--version", prog_name="todokede", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, registry: Path | None, no_cache: bool) -> None:
    """todokede — 個人情報取扱業務の届出登録簿（TOML + git）。"""
    if no_cache:
        # Read by the register's loader in this process (entry_cache.CACHE_VAR).
        os.environ["TODOKEDE_CACHE"] = "0"
    if ctx.invoked_subcommand is None:
        ctx.exit(ctx.invoke(tui) or 0)


for command in (
    init,
    new,
    check,
    report,
    reminders,
    export,
    council,
    answer,
    import_register,
    tui,
    *HISTORY_COMMANDS,
    hook,
):
    cli.add_command(command)


def main() -> None:
    sys.exit(run(cli))
