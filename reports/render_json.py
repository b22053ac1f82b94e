"""JSON: the contract's shapes (DESIGN.md), every date an ISO string.

``report``, ``reminders`` and the statutory book (``export --book files``)
follow the contract key for key. The ファイル簿
export has no contract shape; its keys mirror the entry fields plus derived
flags (see :func:`filebook_json`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from todokede.registry.views.review import Reminder
from todokede.reports.council import CouncilReport
from todokede.reports.filebook import FileBook, FileBookRow
from todokede.reports.reminders import RemindersReport
from todokede.reports.statutory_book import StatutoryBook


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def council_json(report: CouncilReport) -> dict[str, Any]:
    return {
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "counts": {
            "start": report.counts.start,
            "change": report.counts.change,
            "abolish": report.counts.abolish,
            "total_active": report.counts.total_active,
        },
        "filings": [
            {
                "entry": row.entry,
                "name": row.name,
                "department": row.department,
                "kind": row.kind,
                "date": row.date.isoformat(),
                "summary": row.summary,
                "items_added": row.items_added,
                "items_removed": row.items_removed,
                "review": row.review,
            }
            for row in report.rows
        ],
    }


def _reminder(reminder: Reminder) -> dict[str, Any]:
    return {
        "entry": reminder.entry,
        "name": reminder.name,
        "department": reminder.department,
        "basis": reminder.basis.isoformat(),
        "due": reminder.due.isoformat(),
    }


def reminders_json(report: RemindersReport) -> dict[str, Any]:
    return {
        "as_of": report.as_of.isoformat(),
        "overdue": [_reminder(r) for r in report.overdue],
        "due_soon": [_reminder(r) for r in report.due_soon],
        "assessments": [
            {
                "entry": r.entry,
                "name": r.name,
                "department": r.department,
                "evaluated": r.evaluated.isoformat(),
                "due": r.due.isoformat(),
                "reason": r.reason,
            }
            for r in report.assessments
        ],
    }


def _filebook_entry(row: FileBookRow) -> dict[str, Any]:
    return {
        "entry": row.entry,
        "name": row.name,
        "department": row.department,
        "section": row.section,
        "purpose": row.purpose,
        "legal_basis": row.legal_basis,
        "subjects": row.subjects,
        "record_items": [item.name for item in row.record_items],
        "sensitive_items": [item.name for item in row.record_items if item.sensitive],
        "sensitive": row.sensitive,
        "my_number": row.my_number,
        "sources": row.sources,
        "collection_methods": row.collection_methods,
        "provisions": [{"recipient": p.recipient, "basis": p.basis} for p in row.provisions],
        "outsourcing": [
            {"contractor": o.contractor, "scope": o.scope, "since": _iso(o.since)}
            for o in row.outsourcing
        ],
        "connections": [
            {"partner": c.partner, "purpose": c.purpose, "since": _iso(c.since)}
            for c in row.connections
        ],
        "computer_processing": row.computer_processing,
        "retention": row.retention,
        "status": row.status,
        "started_on": _iso(row.started_on),
        "last_filing": _iso(row.last_filing),
        "abolished_on": _iso(row.abolished_on),
    }


def filebook_json(book: FileBook) -> dict[str, Any]:
    """``{"municipality", "register", "include_abolished", "entries": [...]}``.

    Each entry mirrors the entry file's fields (``name``, ``department``,
    ``section``, ``purpose``, ``legal_basis``, ``subjects``, ``record_items``,
    ``sources``, ``collection_methods``, ``provisions``, ``outsourcing``,
    ``connections``, ``computer_processing``, ``retention``, ``status``) plus
    ``entry`` (the id) and derived keys: ``sensitive_items`` (the record items
    that are 要配慮個人情報), ``sensitive`` and ``my_number`` (whether any item
    is), ``started_on``, ``last_filing`` and ``abolished_on`` (ISO dates or null).
    """
    return {
        "municipality": book.municipality,
        "register": book.register_name,
        "include_abolished": book.include_abolished,
        "entries": [_filebook_entry(row) for row in book.rows],
    }


#: One encoder for every item: ``json.dumps`` with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _compact(value: object) -> str:
    return _ENCODER.encode(value)


def dumps(data: dict[str, Any]) -> str:
    """Pretty enough to read and diff: a key per line, a list item per line.

    ``json.dumps(indent=...)`` falls back to the pure-Python encoder, which
    costs more than building the whole report on a large register; compact
    items go through the C encoder.
    """
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {_compact(item)}" for item in value)
            lines.append(f"  {_compact(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def book_dumps(book: StatutoryBook) -> str:
    """The statutory book as DESIGN.md has it, ``{"agencies": [{"name", "files"}]}``,
    one file per line (each organ's files nested under it)."""
    agencies = []
    for agency in book.as_json()["agencies"]:
        files = ",\n".join(f"        {_compact(f)}" for f in agency["files"])
        body = f"[\n{files}\n      ]" if files else "[]"
        agencies.append(
            f'    {{\n      "name": {_compact(agency["name"])},\n      "files": {body}\n    }}'
        )
    inner = ",\n".join(agencies)
    return '{\n  "agencies": [\n' + inner + "\n  ]\n}\n" if agencies else '{\n  "agencies": []\n}\n'
