"""``export --book files --changes`` over the demo's history, against golden files.

``todokede demo PATH --no-tui`` replays the sample register's filings as commits
dated on their filing dates, the filings that added the 個人情報ファイル (after
令和5年4月1日) among them. From the register as of 令和5年3月31日 (no file yet)
to 令和8年11月27日 every listed file is added; 令和6年度 shows that year's own
changes. Text formats byte for byte; regenerate with ``UPDATE_GOLDEN=1
.venv/bin/pytest tests/reports`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.reports import Golden
from tests.support.samples import CliRunner

#: The whole time of the amended law in the sample, and one fiscal year (令和6年度).
WHOLE = ("2023-03-31", "2026-11-27")
FISCAL_2024 = ("2024-03-31", "2025-03-31")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo register built by the real command (once for this module)."""
    import os
    import subprocess

    from tests.support.samples import TODOKEDE

    base = tmp_path_factory.mktemp("changes-demo")
    env = {**os.environ, "HOME": str(base), "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("TODOKEDE_REGISTRY", None)
    done = subprocess.run(
        [str(TODOKEDE), "demo", str(base / "demo"), "--no-tui"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return base / "demo"


def changes(todokede: CliRunner, demo: Path, period: tuple[str, str], *args: str) -> str:
    start, end = period
    done = todokede(
        "--registry", str(demo), "export", "--book", "files", "--changes",
        "--from", start, "--to", end, *args,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
def test_the_whole_period(
    todokede: CliRunner, demo: Path, golden: Golden, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"changes.{fmt}"
    changes(todokede, demo, WHOLE, "-o", str(target))
    golden(f"book-changes.{fmt}", target.read_bytes())


def test_one_fiscal_year(todokede: CliRunner, demo: Path, golden: Golden) -> None:
    golden("book-changes-r6.md", changes(todokede, demo, FISCAL_2024))
    golden("book-changes-r6.json", changes(todokede, demo, FISCAL_2024, "--format", "json"))


def test_the_whole_period_adds_every_listed_file_of_the_book(
    todokede: CliRunner, demo: Path
) -> None:
    """Before 令和5年4月1日 the sample held no file: every file of today's book is added."""
    added = json.loads(changes(todokede, demo, WHOLE, "--format", "json"))["added"]
    done = todokede("--registry", str(demo), "export", "--format", "json")
    assert done.returncode == 0, done.stderr
    book = json.loads(done.stdout)
    if "agencies" not in book:  # the statutory book's export is not on this branch yet
        pytest.skip("export --book files has no JSON of the book here")
    listed = [f["file"] for agency in book["agencies"] for f in agency["files"]]
    assert sorted(f["file"] for f in added) == sorted(listed)
    assert all(f["filings"] for f in added)
