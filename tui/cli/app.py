"""``todokede tui`` (and ``todokede`` alone): open the register in the terminal app.

Textual is imported only here, inside the command, so ``--help`` and ``check``
stay light.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from todokede.tui.cli.clihelp import DATE, EXIT_OK, EXIT_USAGE, fail, registry_root


def run_tui(root: Path, as_of: date | None = None) -> int:
    """Run the app on the register at ``root`` until the user quits."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        fail(
            "画面（TUI）は端末で開いてください。コマンドの一覧は todokede --help で表示されます",
            EXIT_USAGE,
        )
    from todokede.tui.app import TodokedeApp

    app = TodokedeApp(root, as_of=as_of)
    app.run()
    return app.return_code or EXIT_OK


@click.command()
@click.option(
    "--as-of",
    type=DATE,
    default=None,
    help="見直し期限（期限経過・期限間近）を判定する日（省略時は今日）",
)
@click.pass_context
def tui(ctx: click.Context, as_of: date | None) -> int:
    """登録簿を画面（TUI）で開く（todokede だけでも開きます）。"""
    return run_tui(registry_root(ctx), as_of)
