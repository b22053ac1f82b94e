"""The distribution's printing tools for the print tests: found, or skipped (failed under CI)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TOOLS = {
    "chromium": ("chromium", "chromium-browser", "google-chrome"),
    "pdfinfo": ("pdfinfo",),
    "pdftotext": ("pdftotext",),
    "fc-list": ("fc-list",),
}
INSTALL = "apt-get install chromium fonts-noto-cjk poppler-utils"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}（CI では必須です: {INSTALL}）")
    pytest.skip(f"{reason}: {INSTALL} で入れると実行されます")


def tool(name: str) -> str:
    for candidate in TOOLS[name]:
        if found := shutil.which(candidate):
            return found
    missing(f"{name} が見つかりません")
    raise AssertionError("unreachable")


def print_html(html: str, folder: Path) -> Path:
    """``html`` printed to PDF by headless Chromium as a clerk would (print CSS, A4,
    no header or footer); needs a Japanese font."""
    import subprocess

    chromium = tool("chromium")
    fonts = subprocess.run(
        [tool("fc-list"), ":lang=ja", "family"], capture_output=True, text=True, check=True
    ).stdout
    if not fonts.strip():
        missing("日本語フォントがありません（fonts-noto-cjk）")
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    pdf = folder / "page.pdf"
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and pdf.is_file(), result.stderr[-2000:]
    return pdf


def pdf_pages(pdf: Path, *options: str) -> list[str]:
    """The text of each page (``pdftotext`` in reading order, each column of a table
    whole unless ``-layout`` is given), split at form feeds."""
    import subprocess

    text = subprocess.run(
        [tool("pdftotext"), *options, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages
