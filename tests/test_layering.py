"""Dependencies point one way: tui → reports → registry.

``registry`` and ``reports`` never import Textual (nor the TUI); the command
line's ``--help`` and ``check`` never import Textual, GitPython or openpyxl.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.imports import loaded_after, run_cli_in_process
from tests.support.samples import PROJECT_ROOT

CORE_PACKAGES = ("registry", "reports")
FORBIDDEN_IN_CORE = ("textual", "todokede.tui")


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_source_never_imports_textual_or_tui(package: str) -> None:
    files = sorted((PROJECT_ROOT / package).rglob("*.py"))
    assert files
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}: {name}"
        for path in files
        for name in imported_modules(path)
        if any(within(name, forbidden) for forbidden in FORBIDDEN_IN_CORE)
    ]
    assert offenders == []


def test_registry_never_imports_reports() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sorted((PROJECT_ROOT / "registry").rglob("*.py"))
        if any(within(name, "todokede.reports") for name in imported_modules(path))
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_textual() -> None:
    modules = [
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        for package in CORE_PACKAGES
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
    ]
    loaded = loaded_after("\n".join(f"import {m.removesuffix('.__init__')}" for m in modules))
    assert "registry" in loaded
    assert "textual" not in loaded
    assert "tui" not in loaded


def test_the_diff_the_filing_plan_and_the_message_codec_load_no_git() -> None:
    """They are functions of texts and data: the versions they compare are read by
    registry/git/revision_diff.py, history.py and filing.py."""
    loaded = loaded_after(
        "import todokede.registry.views.diff, todokede.registry.git.filing_plan\n"
        "import todokede.registry.git.message"
    )
    assert "pydantic" in loaded  # the plan validates the entry
    assert "git" not in loaded


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["check"], ["check", "--format", "json"]]
)
def test_help_and_check_import_no_textual_git_or_openpyxl(args: list[str]) -> None:
    loaded = loaded_after(
        f"import os\nos.chdir({str(PROJECT_ROOT)!r})\n" + run_cli_in_process(*args)
    )
    assert {"textual", "git", "openpyxl"} & loaded == set()
    assert "click" in loaded
    # check really ran (it validates with pydantic); --help stays lighter still
    assert ("pydantic" in loaded) == (args[0] == "check")


def test_opening_the_app_imports_only_what_the_register_screen_needs() -> None:
    """The main screen comes up without git, diffs, filing, reports or the other
    screens: each is imported by the action that opens it (start-up time)."""
    script = "import sys, json\nfrom todokede.tui.app import TodokedeApp\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "todokede.tui.screens.main" in loaded
    assert {"git", "openpyxl", "reports"} & {name.split(".")[0] for name in loaded} == set()
    later = {
        "todokede.registry.views.diff",
        "todokede.registry.git.filing",
        "todokede.registry.git.filing_plan",
        "todokede.registry.git.filing_journal",
        "todokede.registry.git.message",
        "todokede.registry.git.revision_diff",
        "todokede.registry.git.history",
        "todokede.registry.git.sync",
        "todokede.registry.views.draft",
        "todokede.tui.screens.entry_form",
        "todokede.tui.screens.history",
        "todokede.tui.screens.report",
        "todokede.tui.screens.reminders",
        "todokede.tui.dialogs.filing",
        "todokede.tui.dialogs.sync",
        "todokede.tui.dialogs.confirm",
        "todokede.tui.dialogs.catalog_picker",
        "todokede.tui.dialogs.help",
        "todokede.tui.widgets.history_view",
    }
    assert later & loaded == set()
