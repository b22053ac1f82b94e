"""Marks and counts: abolished, 個人番号, 要配慮, and the review clock on a fixed day."""

from __future__ import annotations

from datetime import date

from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import load_register
from todokede.registry.schema.catalog import builtin_catalog
from todokede.registry.schema.model import Entry, Filing, RegistryConfig
from todokede.registry.views.overview import entry_marks, register_counts, register_marks

CONFIG = RegistryConfig(name="登録簿", municipality="市", departments=["課税課"])


def entry(items: list[str], filings: list[Filing]) -> Entry:
    abolished = bool(filings) and filings[-1].kind == "abolish"
    return Entry(
        name="事務",
        department="課税課",
        purpose="目的",
        subjects=["市民"],
        record_items=items,
        filings=filings,
        status="abolished" if abolished else "active",
    )


def test_marks_of_items_and_review_clock() -> None:
    catalog = builtin_catalog()
    started = [Filing(date=date(2010, 4, 1), kind="start")]
    marks = entry_marks(
        entry(["氏名", "マイナンバー", "病歴"], started), CONFIG, catalog, date(2020, 4, 1)
    )
    assert marks.my_number and marks.sensitive and not marks.abolished
    assert marks.overdue and not marks.due_soon
    soon = entry_marks(entry(["氏名"], started), CONFIG, catalog, date(2019, 12, 1))
    assert soon.due_soon and not soon.my_number and not soon.sensitive
    fine = entry_marks(entry(["氏名"], started), CONFIG, catalog, date(2015, 1, 1))
    assert fine.review == "ok"


def test_abolished_and_unfiled_never_remind() -> None:
    catalog = builtin_catalog()
    abolished = entry(
        ["氏名"],
        [
            Filing(date=date(1990, 4, 1), kind="start"),
            Filing(date=date(1995, 4, 1), kind="abolish"),
        ],
    )
    marks = entry_marks(abolished, CONFIG, catalog, date(2024, 1, 1))
    assert marks.abolished and marks.review is None and not marks.overdue
    assert entry_marks(entry(["氏名"], []), CONFIG, catalog, date(2024, 1, 1)).review is None


def test_counts_of_the_sample_register() -> None:
    register = load_register(PROJECT_ROOT)
    marks = register_marks(
        register.entries.values(), register.config, register.catalog, date(2025, 4, 1)
    )
    counts = register_counts(register, marks)
    assert counts.active + counts.abolished == len(register.entries)
    assert counts.abolished == 3
    assert counts.overdue > 0
    assert counts.my_number > 0 and counts.sensitive > 0
    assert counts.errors == 0 and counts.invalid_files == 0


def test_file_book_flags_from_the_problems() -> None:
    from todokede.registry.schema.problems import Problem
    from todokede.registry.views.overview import EntryMarks, file_book_flags, with_file_flags

    flags = file_book_flags(
        [
            Problem("entries/a.toml", 3, "files", "個人情報ファイルがありません", "warning"),
            Problem("entries/b.toml", 9, "files[1].exemption", "74-2-9 にはあたりません"),
            Problem("entries/b.toml", 4, "files[0].record_items[2]", "記録項目"),
            Problem("entries/c.toml", 4, "files[0].name", "重複"),
            Problem("registry.toml", 1, "files", "not an entry", "warning"),
        ]
    )
    assert flags["a"].missing and not flags["a"].misexempt
    assert flags["b"].misexempt == (1,) and not flags["b"].missing
    assert "c" not in flags and "registry" not in flags
    marks = with_file_flags(EntryMarks(False, False, False, None), flags["b"])
    assert marks.files_wrong and marks.files_misexempt == (1,)
    assert not EntryMarks(False, False, False, None).files_wrong
