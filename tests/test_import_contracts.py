"""The layer contracts of pyproject.toml, checked by import-linter on the real code.

``lint-imports`` must pass on the project as it is, and fail on a copy of it
with one import that goes against a layer: a contract that cannot fail proves
nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.samples import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with ``root``'s contracts, finding ``todokede`` in ``root`` first."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=300,
        check=False,
    )


def copy_of_the_package(target: Path) -> Path:
    """The package laid out as installed (``todokede/registry`` …), with the contracts."""
    package = target / "todokede"
    shutil.copytree(
        PROJECT_ROOT / "todokede",
        package,
        symlinks=False,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", target / "pyproject.toml")
    return package


def test_the_project_keeps_every_contract() -> None:
    result = lint(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("registry/schema/wareki.py", "import textual", "use no terminal or spreadsheet"),
        ("registry/files/locate.py", "from todokede.registry.git import sync", "Inside the core"),
        (
            "registry/views/display.py",
            "from todokede.reports import table",
            "tui → reports → registry",
        ),
        (
            "tui/widgets/marks.py",
            "from todokede.tui.screens import main",
            "Inside the terminal app",
        ),
    ],
)
def test_one_import_against_a_layer_breaks_its_contract(
    tmp_path: Path, module: str, bad_import: str, contract: str
) -> None:
    package = copy_of_the_package(tmp_path)
    with (package / module).open("a", encoding="utf-8") as handle:
        handle.write(f"\n{bad_import}  # against the layers\n")
    result = lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if line.rstrip().endswith("BROKEN")]
    assert len(broken) >= 1 and any(contract in line for line in broken), result.stdout
