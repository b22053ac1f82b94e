"""What an export refuses before it writes, checked once for the CLI and the TUI
(issue 13, item 5): formats, targets, a file already there."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from todokede.reports.target import DocumentKind, ExportRefused, check_export


def refused(
    path: Path | None, fmt: str | None = None, document: DocumentKind = "council", **kw: bool
) -> tuple[str, dict[str, str]]:
    with pytest.raises(ExportRefused) as refusal:
        check_export(document, path, fmt, overwrite=kw.get("overwrite", False))
    return refusal.value.reason, refusal.value.fields


def test_the_format_comes_from_the_option_the_suffix_or_the_document(tmp_path: Path) -> None:
    assert check_export("council", tmp_path / "a.xlsx", None, overwrite=False) == "xlsx"
    assert check_export("council", None, None, overwrite=False) == "md"
    assert check_export("reminders", None, None, overwrite=False) == "text"
    assert check_export("filebook", tmp_path / "a.txt", "csv", overwrite=False) == "csv"


def test_formats_a_document_does_not_have(tmp_path: Path) -> None:
    assert refused(None, "xlsx", "reminders") == ("needs-file", {"fmt": "xlsx"})
    assert refused(None, "text", "filebook") == ("no-such-format", {"fmt": "text"})
    assert refused(None, "xlsx") == ("needs-file", {"fmt": "xlsx"})
    target = tmp_path / "a.xlsx"
    assert refused(target, "csv")[0] == "suffix-mismatch"
    assert refused(tmp_path / "a.pdf")[0] == "suffix-unknown"


def test_targets_that_are_no_regular_file(tmp_path: Path) -> None:
    assert refused(tmp_path) == ("folder", {"path": str(tmp_path)})
    assert refused(tmp_path / "none" / "a.md")[0] == "no-folder"
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "target.md")
    assert refused(link)[0] == "not-writable"
    sock = tmp_path / "s.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock))
        assert refused(sock, overwrite=True)[0] == "not-writable"
    assert refused(Path(f"{tmp_path}/a\0b.md"))[0] == "not-writable"


def test_a_file_already_there_needs_a_yes_a_fifo_never(tmp_path: Path) -> None:
    target = tmp_path / "報告書.md"
    target.write_text("前の内容", "utf-8")
    assert refused(target) == ("exists", {"path": str(target), "name": "報告書.md"})
    assert check_export("council", target, None, overwrite=True) == "md"
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    assert check_export("council", fifo, None, overwrite=False) == "md"
    assert target.read_text("utf-8") == "前の内容"
