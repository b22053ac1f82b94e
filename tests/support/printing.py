"""The distribution's printing tools for the print tests: found, or skipped (failed under CI)."""

from __future__ import annotations

import os
import shutil

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
