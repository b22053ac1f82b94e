"""The import benchmark's generated 事務登録簿 imports cleanly (so the generator cannot rot)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from benchmarks.bench_import import fresh_register, make_rows, wareki, write_workbook
from todokede.reports.imports.plan import plan_import


def test_a_generated_workbook_plans_one_entry_per_row_without_errors(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "jimu.xlsx", rows=50, seed=1)
    root = fresh_register(tmp_path / "register")

    plan = plan_import(root, book, check=False)

    assert plan.layout == "table"
    assert plan.errors == []
    assert len(plan.entries) == 50
    assert len({imported.entry_id for imported in plan.entries}) == 50
    warned = {p.message for p in plan.problems if p.severity == "warning"}
    assert not any("項目一覧にありません" in message for message in warned)  # catalog items only
    assert all(imported.started is not None for imported in plan.entries)


def test_the_generator_is_deterministic_and_names_are_unique() -> None:
    rows = make_rows(200, seed=3)
    assert rows == make_rows(200, seed=3)
    assert len({row[0] for row in rows}) == 200


def test_dates_are_written_in_wareki() -> None:
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2016, 4, 1)) == "平成28年4月1日"
    assert wareki(date(1989, 1, 7)) == "昭和64年1月7日"
