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
from datetime import date
from pathlib import Path

import pytest

from tests.support.reports import Golden
from tests.support.samples import PROJECT_ROOT, CliRunner
from todokede.registry.files.store import load_register
from todokede.reports.statutory_book import build_statutory_book

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
    """Before 令和5年4月1日 the sample held no file: every file of today's book is
    added, each by the filing that added it."""
    added = json.loads(changes(todokede, demo, WHOLE, "--format", "json"))["added"]
    register = load_register(PROJECT_ROOT)
    book = build_statutory_book(
        register.config,
        register.catalog,
        [(item.id, item.entry) for item in register.ordered()],
        date(2026, 11, 27),
    )
    assert [f["file"] for f in added] == [f.file for f in book.files]
    assert all(f["filings"] and f"「{f['name']}」" in f["filings"][0]["summary"] for f in added), [
        f for f in added if not f["filings"]
    ]


def _later_filings(todokede: CliRunner, demo: Path, copy: Path) -> Path:
    """The demo with two filings of today: 課税課 drops a record item of its 課税台帳
    ファイル, gives it a new recipient and no longer keeps its 申告書綴; 学務課
    abolishes 就学援助事務 (its two files leave the book)."""
    import shutil

    shutil.copytree(demo, copy, symlinks=True)
    entry = copy / "entries" / "kazei-kojin-juminzei.toml"
    text = entry.read_text(encoding="utf-8")
    ledger = '"年金の受給状況", "勤務先", "税額"]\npersons = 85000'
    assert ledger in text
    text = text.replace(ledger, '"年金の受給状況", "税額"]\npersons = 85000')
    recipients = '"情報提供ネットワークシステムによる情報照会者（番号法第19条第8号）"]'
    assert recipients in text
    text = text.replace(recipients, recipients[:-1] + ', "東京都（地方税法第294条）"]', 1)
    start = text.index('[[files]]\nname = "個人住民税申告書綴"')
    text = text[:start] + text[text.index("\n[", start + 1) + 1 :]
    entry.write_text(text, encoding="utf-8")
    for entry_id, kind in (("kazei-kojin-juminzei", "change"), ("gakumu-shugaku-enjo", "abolish")):
        done = todokede("--registry", str(copy), "file", entry_id, "--kind", kind,
                        "--date", "2026-11-30")  # fmt: skip
        assert done.returncode == 0, done.stderr
    return copy


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "json"])
def test_a_correction_and_removals_after_the_demo(
    todokede: CliRunner, demo: Path, golden: Golden, tmp_path: Path, fmt: str
) -> None:
    """From the demo's last filing (令和8年4月1日) to today's two: one file corrected
    (記録項目, 経常的提供先, and its 種別's マニュアル処理 part), three removed."""
    later = _later_filings(todokede, demo, tmp_path / "later")
    out = changes(todokede, later, ("2026-04-30", "2099-12-31"), "--format", fmt)
    if fmt == "json":  # today's commits: their ids change with every run
        data = json.loads(out)
        for change in data["corrected"] + data["removed"]:
            assert all(len(f.pop("commit")) == 40 for f in change["filings"])
        assert [len(data[key]) for key in ("added", "corrected", "removed")] == [0, 1, 3]
        out = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    golden(f"book-changes-later.{fmt}", out)
