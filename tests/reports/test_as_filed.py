"""A past period prints the names as filed (issue 12, item 15).

Through real git: the demo register (its filings replayed as commits), a rename
and a move to another 課 committed after the 平成28年 filings, then the 平成28年
report read again. Without a repository the report falls back to today's names.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.support.gitrepos import copy_demo, git
from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import load_register
from todokede.registry.git.asfiled import FilingKey, names_as_filed
from todokede.registry.git.filing import file_entry
from todokede.reports.council import build_council_report
from todokede.reports.output import render

ENTRY = "kazei-kojin-juminzei"
OLD_NAME = "個人住民税賦課事務"
NEW_NAME = "個人住民税賦課徴収事務"
H28 = (date(2016, 1, 1), date(2016, 9, 13))
AUTHOR = "総務課 担当者 <soumu@example.lg.jp>"


@pytest.fixture
def demo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory, tmp_path / "demo")


def edit(root: Path, old: str, new: str) -> None:
    path = root / "entries" / f"{ENTRY}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def row_of(root: Path, start: date, end: date, entry: str = ENTRY) -> tuple[str, str]:
    report = build_council_report(load_register(root), start, end, created=end)
    found = [r for r in report.rows if r.entry == entry]
    assert found, report.rows
    return found[-1].department, found[-1].name


def test_a_rename_filed_later_leaves_the_past_report_as_it_was(demo: Path) -> None:
    before = render(build_council_report(load_register(demo), *H28, created=H28[1]), "md")
    assert row_of(demo, *H28) == ("課税課", OLD_NAME)
    # renamed and moved to 収納課, filed as a change in 令和6年 (after the sample's last filing)
    edit(demo, f'name = "{OLD_NAME}"', f'name = "{NEW_NAME}"')
    edit(demo, 'department = "課税課"', 'department = "収納課"')
    file_entry(demo, ENTRY, "change", date(2024, 4, 1), "業務の名称と担当課を変更", author=AUTHOR)
    register = load_register(demo)
    assert register.entries[ENTRY].entry.name == NEW_NAME  # today's name …
    # … but the 平成28年 report prints what was filed then, in the same place
    after = build_council_report(register, *H28, created=H28[1])
    assert render(after, "md") == before
    row = next(r for r in after.rows if r.entry == ENTRY)
    assert (row.department, row.name) == ("課税課", OLD_NAME)
    assert [r.department for r in after.rows[1:]] == ["課税課"] * 4  # still among 課税課
    # the filing that renamed it is reported under its new name
    assert row_of(demo, date(2024, 1, 1), date(2024, 12, 31)) == ("収納課", NEW_NAME)
    # every format, JSON too, prints the name as filed
    for fmt in ("html", "csv", "json"):
        text = str(render(after, fmt))
        assert OLD_NAME in text and NEW_NAME not in text


def test_a_rename_committed_without_a_filing_changes_nothing_either(demo: Path) -> None:
    edit(demo, f'name = "{OLD_NAME}"', f'name = "{NEW_NAME}"')
    git(
        demo,
        "-c",
        "user.name=x",
        "-c",
        "user.email=x@example.jp",
        "commit",
        "-q",
        "-am",
        "名称変更",
    )
    assert row_of(demo, *H28) == ("課税課", OLD_NAME)
    # a rename on disk, not committed: the filing's commit still says how it was filed
    edit(demo, f'name = "{NEW_NAME}"', 'name = "さらに別の名称"')
    assert row_of(demo, *H28) == ("課税課", OLD_NAME)


def every_filing(root: Path) -> dict[FilingKey, tuple[str, str]]:
    """Every filing of the register on disk, with its process's 課 and name today."""
    return {
        (item.id, filing.date, filing.kind): (item.entry.department, item.entry.name)
        for item in load_register(root).entries.values()
        for filing in item.entry.filings
    }


def test_three_git_processes_at_most_for_all_filings(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_run = subprocess.run

    def counting_run(args: list[str], **kwargs: Any) -> Any:
        calls.append(args[1])
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    wanted = every_filing(demo)
    assert len(wanted) > 60
    # filed under today's names: the subjects say so, the log alone answers
    filed = names_as_filed(demo, wanted)
    assert calls == ["log"]
    assert all(filed.lookup(key) == today for key, today in wanted.items())
    # renamed on disk: every filing of that process is read from its commit, in one batch
    edit(demo, f'name = "{OLD_NAME}"', f'name = "{NEW_NAME}"')
    calls.clear()
    filed = names_as_filed(demo, every_filing(demo))
    assert calls == ["log", "cat-file", "cat-file"]
    assert filed.lookup((ENTRY, date(2016, 3, 22), "change")) == ("課税課", OLD_NAME)


def test_a_register_in_a_folder_of_a_larger_repository(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    root = outer / "書類" / "登録簿"
    root.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "registry.toml", root / "registry.toml")
    shutil.copytree(PROJECT_ROOT / "entries", root / "entries")
    (outer / "README").write_text("他の書類\n", encoding="utf-8")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", ".")
    git(outer, "-c", "user.name=x", "-c", "user.email=x@example.jp", "commit", "-q", "-m", "取込")
    edit(root, '"税額"]', '"税額", "金融機関口座"]')
    file_entry(root, ENTRY, "change", date(2026, 4, 1), "記録項目を追加", author=AUTHOR)
    edit(root, f'name = "{OLD_NAME}"', f'name = "{NEW_NAME}"')  # renamed since, on disk
    filed = names_as_filed(root, every_filing(root))
    assert filed.lookup((ENTRY, date(2026, 4, 1), "change")) == ("課税課", OLD_NAME)
    # the filings copied in without their commits: no commit filed them, today's names
    assert filed.lookup((ENTRY, date(2016, 3, 22), "change")) is None
    assert row_of(root, date(2016, 1, 1), date(2016, 12, 31)) == ("課税課", NEW_NAME)
    assert row_of(root, date(2026, 1, 1), date(2026, 12, 31)) == ("課税課", OLD_NAME)


def test_a_register_without_git_prints_todays_names(sample_copy: Path) -> None:
    assert names_as_filed(sample_copy, every_filing(sample_copy)).found == {}
    edit(sample_copy, f'name = "{OLD_NAME}"', f'name = "{NEW_NAME}"')
    assert row_of(sample_copy, *H28) == ("課税課", NEW_NAME)


def test_a_repository_without_commits_prints_todays_names(sample_copy: Path) -> None:
    git(sample_copy, "init", "-q")
    assert names_as_filed(sample_copy, every_filing(sample_copy)).found == {}
    assert row_of(sample_copy, *H28) == ("課税課", OLD_NAME)
