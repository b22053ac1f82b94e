"""Registers for the report tests: entries written from parts, the golden files."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "reports" / "golden"

UPDATE_ENV = "UPDATE_GOLDEN"

Golden = Callable[[str, "str | bytes"], None]


def compare_golden(name: str, data: str | bytes) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path = GOLDEN / name
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_bytes(raw)
        return
    assert path.is_file(), (
        f"golden file {name} is missing: run {UPDATE_ENV}=1 .venv/bin/pytest tests/reports"
    )
    expected = path.read_bytes()
    if raw == expected:
        return
    diff = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        raw.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"golden/{name}",
        tofile="output",
    )
    pytest.fail(
        f"output differs from golden/{name} ({UPDATE_ENV}=1 to accept):\n" + "".join(diff)[:8000]
    )


MakeRegister = Callable[..., Path]

CONFIG = """\
name = "個人情報取扱業務登録簿"
municipality = "{municipality}"
review_interval_years = 10
review_warning_months = 6
departments = [{departments}]
"""


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def entry_text(
    name: str,
    department: str,
    filings: list[tuple[str, str]] | list[tuple[str, str, str]],
    record_items: tuple[str, ...] = ("氏名", "住所"),
    purpose: str = "事務を行うため",
) -> str:
    """An entry file; filings are (ISO date, kind[, summary])."""
    lines = [
        f"name = {toml_string(name)}",
        f"department = {toml_string(department)}",
        f"purpose = {toml_string(purpose)}",
        'subjects = ["市民"]',
        "record_items = [" + ", ".join(toml_string(i) for i in record_items) + "]",
        f'status = "{"abolished" if filings and filings[-1][1] == "abolish" else "active"}"',
    ]
    for day, kind, *rest in filings:
        summary = rest[0] if rest else ""
        lines += ["", "[[filings]]", f"date = {day}", f'kind = "{kind}"']
        lines.append(f"summary = {toml_string(summary)}")
    return "\n".join(lines) + "\n"


def write_register(
    root: Path,
    entries: dict[str, str],
    departments: tuple[str, ...] = ("総務課", "課税課", "健康増進課"),
    municipality: str = "東村山市",
) -> Path:
    """Write a register at ``root``: ``{"id": entry_text(...)}`` and its departments."""
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(
        CONFIG.format(
            municipality=municipality.replace('"', '\\"'),
            departments=", ".join(toml_string(d) for d in departments),
        ),
        encoding="utf-8",
    )
    for entry_id, text in entries.items():
        (root / "entries" / f"{entry_id}.toml").write_text(text, encoding="utf-8")
    return root
