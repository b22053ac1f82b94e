"""Marks and counts: abolished, 個人番号, 要配慮, and the review clock on a fixed day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import load_register, summary_of
from todokede.registry.schema.catalog import builtin_catalog
from todokede.registry.schema.model import Entry, Filing, RegistryConfig
from todokede.registry.views.overview import (
    RegisterOverview,
    entry_marks,
    register_counts,
    register_marks,
)
from todokede.registry.views.review import review_of, review_state

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


# -- from summaries (the entry cache's), as from entries ---------------------------------

SAMPLE = load_register(PROJECT_ROOT)


@given(st.dates(min_value=date(1985, 1, 1), max_value=date(2040, 12, 31)))
@settings(max_examples=60, deadline=None)
def test_review_state_from_a_summary_is_the_review_clock(as_of: date) -> None:
    for item in SAMPLE.entries.values():
        review = review_of(item.entry, SAMPLE.config, as_of)
        expected = review.state if review is not None else None
        assert review_state(summary_of(item.entry).filings, SAMPLE.config, as_of) == expected


def test_an_overview_from_the_cache_is_the_overview_from_the_files(sample_copy: Path) -> None:
    """The second load answers from the entry cache (summaries, no entry decoded):
    the same order, groups, marks and counts as the first."""
    root = sample_copy
    day = date(2025, 4, 1)
    cold = RegisterOverview(load_register(root), day)
    warm = RegisterOverview(load_register(root), day)
    assert warm.ordered_ids() == cold.ordered_ids()
    assert warm.marks == cold.marks
    assert warm.counts == cold.counts
    assert {k: [e.id for e in v] for k, v in warm.grouped().items()} == {
        k: [e.id for e in v] for k, v in cold.grouped().items()
    }
    assert not any(item._entry for item in warm.register.entries.values())


def test_filtered_groups_keep_the_register_order_after_a_refresh(sample_copy: Path) -> None:
    root = sample_copy
    overview = RegisterOverview(load_register(root), date(2025, 4, 1))
    first = overview.ordered_ids()[0]
    text = (root / "entries" / f"{first}.toml").read_text(encoding="utf-8")
    item = overview.get(first)
    assert item is not None
    (root / "entries" / "aaa-copy.toml").write_text(
        text.replace(item.entry.name, "あああ新しい事務"), encoding="utf-8"
    )
    overview.refresh_entry("aaa-copy")
    for query in ("氏名", "事務", "課"):
        result = overview.search(query)
        expected = {
            name: [item.id for item in items if item.id in result.members]
            for name, items in overview.grouped().items()
        }
        got = {
            name: [item.id for item in items] for name, items in overview.grouped(result).items()
        }
        assert got == expected


def test_invalid_files_match_the_filter(sample_copy: Path) -> None:
    root = sample_copy
    for stem in ("broken-kazei", "broken-hoken"):
        (root / "entries" / f"{stem}.toml").write_text('name = "閉じていない\n', encoding="utf-8")
    overview = RegisterOverview(load_register(root), date(2025, 4, 1))
    assert overview.invalid_files() == ["broken-hoken", "broken-kazei"]
    assert overview.invalid_files(overview.search("ＫＡＺＥＩ")) == ["broken-kazei"]
    assert overview.invalid_files(overview.search("broken hoken")) == ["broken-hoken"]
