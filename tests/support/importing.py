"""The import tests' register: the fixtures' registry.toml, an empty entries/, one commit."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.gitrepos import git
from tests.support.samples import PROJECT_ROOT

#: The spreadsheets of tests/fixtures/import/ (made by make_fixtures.py there).
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "import"


def import_register(root: Path) -> Path:
    """An empty register at ``root`` with the fixtures' config, committed by 総務課."""
    (root / "entries").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "registry.toml", root / "registry.toml")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "総務課")
    git(root, "config", "user.email", "soumu@example.jp")
    git(root, "add", "registry.toml")
    git(root, "commit", "-q", "-m", "登録簿を作成")
    return root
