"""Registers with a dated history of 個人情報ファイル, for the book's changes.

Real git: each step writes the files and commits them with real ``git commit``,
author and committer dated on the step's day (09:00 +0900), the message a
filing's (the project's codec) or any subject for another commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit

from tests.support.gitrepos import git
from todokede.registry.git.message import filing_message
from todokede.registry.schema.model import FilingKind

#: Two organs: the mayor (総務課, 課税課) and the board of education (学務課).
BOOK_CONFIG: dict[str, Any] = {
    "name": "個人情報取扱業務登録簿",
    "municipality": "東村山市",
    "departments": ["総務課", "課税課", "学務課"],
    "agencies": [
        {
            "name": "東村山市長",
            "departments": ["総務課", "課税課"],
            "disclosure_office": "総務部総務課情報公開係",
            "disclosure_address": "東京都東村山市本町一丁目2番地の3",
        },
        {
            "name": "東村山市教育委員会",
            "departments": ["学務課"],
            "disclosure_office": "総務部総務課情報公開係",
            "disclosure_address": "東京都東村山市本町一丁目2番地の3",
        },
    ],
    "divisions": {"総務部": ["総務課"], "市民部": ["課税課"], "教育部": ["学務課"]},
}


def a_file(name: str, persons: int = 5000, **fields: Any) -> dict[str, Any]:
    """A ``[[files]]`` table: a computer file of the entry's 氏名 and 住所 by default."""
    return {
        "name": name,
        "kind": "computer",
        "record_items": ["氏名", "住所"],
        "persons": persons,
        **fields,
    }


def an_entry(
    name: str,
    department: str,
    files: list[dict[str, Any]],
    filings: list[tuple[str, str, str]],
    record_items: tuple[str, ...] = ("氏名", "住所", "生年月日", "電話番号"),
) -> dict[str, Any]:
    """An entry's data; filings are (ISO date, kind, summary)."""
    return {
        "name": name,
        "department": department,
        "purpose": f"{name}を行うため",
        "subjects": ["市民"],
        "record_items": list(record_items),
        "status": "abolished" if filings and filings[-1][1] == "abolish" else "active",
        "files": files,
        "filings": [
            {"date": date.fromisoformat(day), "kind": kind, "summary": summary}
            for day, kind, summary in filings
        ],
    }


@dataclass
class BookHistory:
    """A register in its own repository, written and committed step by step."""

    root: Path
    config: dict[str, Any] = field(default_factory=lambda: dict(BOOK_CONFIG))
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        (self.root / "entries").mkdir(parents=True)
        git(self.root, "init", "-q", "-b", "main")

    def write(self) -> None:
        (self.root / "registry.toml").write_text(tomlkit.dumps(self.config), encoding="utf-8")
        for entry_id, data in self.entries.items():
            path = self.root / "entries" / f"{entry_id}.toml"
            path.write_text(tomlkit.dumps(data), encoding="utf-8")

    def commit(self, day: str, message: str) -> str:
        """Write everything, commit it dated ``day``; the new commit's sha."""
        self.write()
        git(self.root, "add", "-A")
        stamp = f"{day}T09:00:00+09:00"
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        git(self.root, "-c", "user.name=総務課 担当者", "-c", "user.email=soumu@example.jp",
            "commit", "-q", "--allow-empty", "-m", message, env=env)  # fmt: skip
        return git(self.root, "rev-parse", "HEAD").strip()

    def file(self, entry_id: str, kind: FilingKind, day: str, summary: str) -> str:
        """Record a filing in the entry (its [[filings]] and status) and commit it."""
        data = self.entries[entry_id]
        data["filings"].append({"date": date.fromisoformat(day), "kind": kind, "summary": summary})
        if kind == "abolish":
            data["status"] = "abolished"
        message = filing_message(
            kind, data["department"], data["name"], summary, date.fromisoformat(day), entry_id
        )
        return self.commit(day, message)
