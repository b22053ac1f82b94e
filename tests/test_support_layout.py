"""No test imports another test module: shared helpers live in ``tests/support``.

pre-commit's ``testing/`` package is the model: a helper is found in one place,
and a test module can be read, moved or deleted without breaking another.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.samples import PROJECT_ROOT

TESTS = PROJECT_ROOT / "tests"


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }


def is_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "tests" and (parts[-1].startswith("test_") or parts[-1] == "conftest")


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        if "__snapshots__" not in path.parts
        for name in sorted(imported(path))
        if is_test_module(name)
    ]
    assert offenders == []


def test_the_support_package_imports_no_test_module() -> None:
    support = sorted((TESTS / "support").glob("*.py"))
    assert len(support) >= 5
    assert all(not is_test_module(name) for path in support for name in imported(path))
