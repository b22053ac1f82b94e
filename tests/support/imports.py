"""What a fresh interpreter loads: for the layering and start-up tests."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.samples import PROJECT_ROOT


def loaded_after(code: str) -> set[str]:
    """Top-level modules loaded by a fresh interpreter after running ``code``."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def run_cli_in_process(*args: str) -> str:
    return (
        "import sys\nfrom todokede.tui.cli import cli\nfrom todokede.tui.cli.clihelp import run\n"
        f"sys.argv = ['todokede', *{list(args)!r}]\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    run(cli, {list(args)!r})\n"
    )
