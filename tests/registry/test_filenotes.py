"""The notes a new entry starts with ("not filed yet") are dropped by its filing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.support.gitrepos import git, head
from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY
from todokede.registry.files.filenotes import (
    FILL_IN_NOTE,
    NOT_FILED_NOTE,
    without_notes_until_filed,
)
from todokede.registry.git.filing import file_entry
from todokede.registry.git.setup import skeleton_text

UNFILED = VALID_ENTRY.split("[[filings]]")[0].rstrip() + "\n"


def test_only_those_comment_lines_at_the_top_go() -> None:
    text = (
        "# 課税課 個人住民税賦課事務\n"
        f"# {NOT_FILED_NOTE}\n"
        f"#{FILL_IN_NOTE}\n"
        "# 担当: 市民税係\n"
        'name = "x"\n'
        f"# {NOT_FILED_NOTE}\n"  # below the first key: a comment of the user's, kept
    )
    assert without_notes_until_filed(text) == (
        f'# 課税課 個人住民税賦課事務\n# 担当: 市民税係\nname = "x"\n# {NOT_FILED_NOTE}\n'
    )
    assert without_notes_until_filed(UNFILED) == UNFILED
    assert FILL_IN_NOTE in skeleton_text("名称", "課税課")


def test_a_start_filing_drops_them_and_keeps_the_other_comments(
    tmp_path: Path, git_identity: None
) -> None:
    root = tmp_path / "reg"
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, "utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "registry.toml")
    git(root, "commit", "-q", "-m", "登録簿")
    path = root / "entries" / "kazei-kojin-juminzei.toml"
    path.write_text(f"# {NOT_FILED_NOTE}\n# {FILL_IN_NOTE}\n{UNFILED}", "utf-8")
    file_entry(root, "kazei-kojin-juminzei", "start", date(2025, 4, 1))
    text = path.read_text("utf-8")
    assert NOT_FILED_NOTE not in text and FILL_IN_NOTE not in text
    assert text.startswith("# 課税課 個人住民税賦課事務\n")
    committed = git(root, "show", f"{head(root)}:entries/kazei-kojin-juminzei.toml")
    assert committed == text  # the commit holds the file as written
