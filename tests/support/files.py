"""個人情報ファイル written into a sample entry for the TUI tests (whatever the sample holds)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.tui import ENTRY

#: Two files of the tax process: one listed, one exempt under 74-2-6.
TWO_FILES = """\
[[files]]
name = "個人住民税課税台帳ファイル"
kind = "computer"
record_items = ["氏名", "住所", "個人番号", "税額"]
persons = 85000
recipients = ["東京都（地方税法第294条）"]
since = 2005-04-01

[[files]]
name = "個人住民税申告書綴"
kind = "manual"
record_items = ["住所", "氏名", "所得の状況"]
persons = 12000
exemption = "74-2-6"
since = 2005-04-01
"""

_FILES_TABLE = re.compile(r"^\[\[files\]\]\n(?:(?!\[).*(?:\n|$))*", re.MULTILINE)


def without_files(text: str) -> str:
    """An entry file's text without its ``[[files]]`` tables."""
    return _FILES_TABLE.sub("", text)


def write_files(root: Path, files: str = TWO_FILES, entry_id: str = ENTRY) -> Path:
    """The entry's ``[[files]]`` replaced by ``files`` (none when empty)."""
    path = root / "entries" / f"{entry_id}.toml"
    text = without_files(path.read_text("utf-8")).rstrip("\n") + "\n"
    path.write_text(text + (f"\n{files}" if files else ""), "utf-8")
    return path
