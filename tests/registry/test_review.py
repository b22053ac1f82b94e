"""The review clock: due dates, the warning window's edges, who is reminded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import EntryFile, load_register
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.registry.views.review import add_months, add_years, reminders, review_of

CONFIG = RegistryConfig(
    name="個人情報取扱業務登録簿",
    municipality="東村山市",
    review_interval_years=10,
    review_warning_months=6,
    departments=["総務課", "課税課", "健康増進課"],
)


def make_entry(*filings: dict[str, Any], department: str = "課税課", name: str = "業務") -> Entry:
    return Entry.model_validate(
        {
            "name": name,
            "department": department,
            "purpose": "目的",
            "subjects": ["市民"],
            "record_items": ["氏名"],
            "status": "abolished" if filings and filings[-1]["kind"] == "abolish" else "active",
            "filings": list(filings),
        }
    )


def filing(day: date, kind: str = "start", review: bool = False) -> dict[str, Any]:
    return {"date": day, "kind": kind, "summary": "", "review": review}


def item(entry_id: str, entry: Entry) -> EntryFile:
    return EntryFile(entry_id, Path(f"entries/{entry_id}.toml"), entry)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 22), -6, date(2025, 9, 22)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2024, 8, 31), -6, date(2024, 2, 29)),
        (date(2026, 5, 31), -1, date(2026, 4, 30)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 3, 22), 0, date(2026, 3, 22)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_add_years_turns_29_february_into_28_february() -> None:
    assert add_years(date(2016, 2, 29), 10) == date(2026, 2, 28)
    assert add_years(date(2016, 2, 29), 4) == date(2020, 2, 29)
    assert add_years(date(2016, 3, 22), 10) == date(2026, 3, 22)


@given(st.dates(date(1900, 1, 1), date(2200, 12, 31)), st.integers(-240, 240))
def test_add_months_lands_in_the_right_month_on_the_nearest_day(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


DUE = date(2026, 3, 22)
BASIS = date(2016, 3, 22)
WARN_FROM = date(2025, 9, 22)


@pytest.mark.parametrize(
    ("as_of", "state"),
    [
        (WARN_FROM - timedelta(days=1), "ok"),
        (WARN_FROM, "due_soon"),
        (DUE - timedelta(days=1), "due_soon"),  # the last day of the warning window
        (DUE, "overdue"),  # due exactly on --as-of
        (DUE + timedelta(days=1), "overdue"),
    ],
)
def test_the_edges_of_the_warning_window(as_of: date, state: str) -> None:
    review = review_of(make_entry(filing(BASIS)), CONFIG, as_of)
    assert review is not None
    assert (review.due, review.warn_from, review.state) == (DUE, WARN_FROM, state)
    assert review.days_left == (DUE - as_of).days


def test_the_basis_is_the_latest_start_or_review_filing() -> None:
    entry = make_entry(
        filing(date(1990, 4, 1)),
        filing(date(2005, 4, 1), "change", review=True),
        filing(date(2012, 6, 1), "change"),  # not a review: the clock does not move
    )
    review = review_of(entry, CONFIG, date(2015, 1, 1))
    assert review is not None
    assert review.basis.date == date(2005, 4, 1)
    assert review.due == date(2015, 4, 1)
    assert review.state == "due_soon"


def test_abolished_and_unfiled_processes_never_remind() -> None:
    abolished = make_entry(filing(date(1990, 4, 1)), filing(date(1995, 4, 1), "abolish"))
    assert review_of(abolished, CONFIG, date(2026, 1, 1)) is None
    assert review_of(make_entry(), CONFIG, date(2026, 1, 1)) is None
    found = reminders(
        [item("abolished", abolished), item("draft", make_entry())], CONFIG, date(2026, 1, 1)
    )
    assert found.overdue == found.due_soon == ()


def test_a_warning_of_zero_months_only_reports_overdue() -> None:
    config = CONFIG.model_copy(update={"review_warning_months": 0})
    entry = make_entry(filing(BASIS))
    before = review_of(entry, config, DUE - timedelta(days=1))
    on = review_of(entry, config, DUE)
    assert before is not None and before.state == "ok"
    assert on is not None and on.state == "overdue"


def test_reminders_are_split_and_ordered_soonest_due_first() -> None:
    as_of = date(2026, 1, 1)
    entries = [
        item("b-late", make_entry(filing(date(2016, 5, 1)), department="総務課", name="B")),
        item("a-old", make_entry(filing(date(2000, 1, 1)), department="健康増進課", name="A")),
        item("c-same-day", make_entry(filing(date(2016, 5, 1)), department="課税課", name="C")),
        item("d-first", make_entry(filing(date(2015, 12, 31)), department="課税課", name="D")),
        item("e-fine", make_entry(filing(date(2020, 1, 1)), name="E")),
        item("f-today", make_entry(filing(date(2016, 1, 1)), name="F")),
    ]
    found = reminders(entries, CONFIG, as_of)
    assert [r.entry for r in found.overdue] == ["a-old", "d-first", "f-today"]
    # same due date: the department order of registry.toml decides (総務課 before 課税課)
    assert [r.entry for r in found.due_soon] == ["b-late", "c-same-day"]
    assert [(r.basis, r.due) for r in found.due_soon] == [
        (date(2016, 5, 1), date(2026, 5, 1)),
        (date(2016, 5, 1), date(2026, 5, 1)),
    ]


def test_sample_register_on_a_fixed_day() -> None:
    register = load_register(PROJECT_ROOT)
    found = reminders(register.entries.values(), register.config, date(2026, 11, 27))
    overdue = {r.entry for r in found.overdue}
    # the four 課税課 processes reviewed in 平成28年 fell due in 令和8年
    assert {
        "kazei-kojin-juminzei",
        "kazei-keijidosha-zei",
        "kazei-kotei-shisan-zei-kazei",
        "kazei-kotei-toshikeikaku-tokubetsu-tochi",
    } <= overdue
    abolished = {i.id for i in register.entries.values() if i.entry.is_abolished}
    assert abolished and not abolished & (overdue | {r.entry for r in found.due_soon})
    dues = [r.due for r in found.overdue]
    assert dues == sorted(dues)


def test_a_past_day_counts_only_the_filings_made_by_then() -> None:
    entry = make_entry(
        filing(date(1986, 4, 1)),
        filing(date(2016, 3, 22), "change", review=True),
        filing(date(2020, 3, 31), "abolish"),
    )
    before_review = review_of(entry, CONFIG, date(2016, 1, 1))
    assert before_review is not None
    assert before_review.basis.date == date(1986, 4, 1)
    assert before_review.state == "overdue"
    after_review = review_of(entry, CONFIG, date(2016, 3, 22))
    assert after_review is not None and after_review.basis.date == date(2016, 3, 22)
    assert after_review.state == "ok"
    assert review_of(entry, CONFIG, date(2020, 3, 30)) is not None  # abolished the next day
    assert review_of(entry, CONFIG, date(2020, 3, 31)) is None
    assert review_of(entry, CONFIG, date(1986, 3, 31)) is None  # not started yet
    found = reminders([item("kazei", entry)], CONFIG, date(2016, 1, 1))
    assert [r.entry for r in found.overdue] == ["kazei"]
