"""``todokede import`` of a 5,000-row 事務登録簿, measured against a bare calamine read.

``python benchmarks/bench_import.py [--rows 5000] [--runs 3] [--seed 1] [--keep DIR]``
writes (deterministically for a seed) an xlsx 事務登録簿 with openpyxl — a title
row, one header row (事務の名称, 担当課, 事務の目的, 根拠法令, 対象者の範囲,
記録項目, 収集方法, 委託先, 開始年月日), one row per 事務 with a unique name, a
課 of ``tests/fixtures/import/registry.toml``, record items of its catalog
separated by 、 and a start date in 和暦 — then times, best of ``--runs``, each
run a fresh process that times only the call (its imports done before):

- the floor: ``CalamineWorkbook.from_path(p).get_sheet_by_name(name).to_python()``;
- ``plan_import(root, path, check=False)`` on a fresh register (the fixture's
  ``registry.toml``, no entries): reading, matching and building the entries;
- the same with ``check=True`` (shown, no target).

Targets: the plan without check within 3× the floor, and its peak resident memory
(the process's, from ``os.wait4``) under 300 MB. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

PROJECT: Final = Path(__file__).resolve().parent.parent
FIXTURE_REGISTRY: Final = PROJECT / "tests" / "fixtures" / "import" / "registry.toml"
PYTHON: Final = sys.executable
SHEET: Final = "事務登録簿"
TITLE: Final = "個人情報取扱事務登録簿（ベンチマーク用の合成データ）"
HEADER: Final = (
    "事務の名称",
    "担当課",
    "事務の目的",
    "根拠法令",
    "対象者の範囲",
    "記録項目",
    "収集方法",
    "委託先",
    "開始年月日",
)
TOPICS: Final = (
    "申請受付", "給付", "賦課", "相談", "認定", "登録", "調査", "検診", "助成",
    "貸付", "許可", "届出受理", "台帳管理", "訪問指導", "講座運営", "利用者管理",
)  # fmt: skip
LAWS: Final = (
    "地方自治法", "個人情報の保護に関する法律", "地方税法", "住民基本台帳法",
    "介護保険法", "児童手当法", "生活保護法", "健康増進法", "学校教育法",
)  # fmt: skip
METHODS: Final = ("申請書", "届出書", "窓口", "電子申請", "郵送", "関係機関からの通知")
CONTRACTORS: Final = (
    "株式会社武蔵野情報サービス",
    "株式会社多摩データ",
    "東京計算センター株式会社",
)
#: What split_list cuts a cell at: an item holding one would be read as two.
_SEPARATORS: Final = frozenset("、・,，;；\n\r､･")
#: The eras a start date may fall in: first day, name.
_ERAS: Final = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
)
FIRST_DAY: Final = date(1985, 4, 1)
LAST_DAY: Final = date(2024, 3, 31)

#: The floor: calamine's read of the sheet, nothing more (imports before the timer).
FLOOR_CHILD: Final = """
import json, sys, time
from python_calamine import CalamineWorkbook
path, sheet = sys.argv[1:3]
started = time.perf_counter()
rows = CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(rows)}))
"""
#: The import's plan (imports before the timer; pykakasi loads inside the call).
PLAN_CHILD: Final = """
import json, sys, time
from pathlib import Path
from todokede.reports.imports.plan import plan_import
root, path, check = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
started = time.perf_counter()
plan = plan_import(root, path, check=check)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds, "entries": len(plan.entries), "errors": len(plan.errors),
    "check_errors": len(plan.check_errors),
}))
"""


def wareki(day: date) -> str:
    """A date as 和暦 text: 平成28年4月1日, 令和元年5月1日."""
    for first, era in _ERAS:
        if day >= first:
            year = day.year - first.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    raise ValueError(f"{day} is before 昭和")


def catalog_items(registry: Path = FIXTURE_REGISTRY) -> list[str]:
    """The record items of the register's catalog that a 、-list can hold whole."""
    from todokede.registry.files.store import load_config_or_raise

    with tempfile.TemporaryDirectory(prefix="todokede-bench-config-") as folder:
        shutil.copyfile(registry, Path(folder) / "registry.toml")
        catalog = load_config_or_raise(Path(folder)).build_catalog()
    return [item.name for item in catalog.items if not _SEPARATORS & set(item.name)]


def departments(registry: Path = FIXTURE_REGISTRY) -> list[str]:
    """The 課 of the register's ``departments``."""
    import tomllib

    listed = tomllib.loads(registry.read_text(encoding="utf-8"))["departments"]
    return [str(name) for name in listed]


def make_rows(rows: int, seed: int = 1) -> list[tuple[str, ...]]:
    """``rows`` rows of the 事務登録簿 under :data:`HEADER`, deterministic for a seed."""
    rng = random.Random(seed)
    units = departments()
    items = catalog_items()
    base = [i for i in ("氏名", "住所", "生年月日") if i in items]
    extra = [i for i in items if i not in base]
    span = (LAST_DAY - FIRST_DAY).days
    made: list[tuple[str, ...]] = []
    for index in range(rows):
        department = units[index % len(units)]
        topic = TOPICS[rng.randrange(len(TOPICS))]
        picked = [*base, *rng.sample(extra, rng.randrange(2, 9))]
        laws = rng.sample(LAWS, rng.randrange(1, 4))
        contractor = CONTRACTORS[rng.randrange(len(CONTRACTORS))] if rng.random() < 0.3 else ""
        made.append(
            (
                f"{department.removesuffix('課')}{topic}事務（第{index + 1}号）",
                department,
                f"{department}が所管する{topic}の事務を適正かつ円滑に行うため",
                "、".join(laws),
                f"市内に住所を有する者、{topic}の申請者",
                "、".join(picked),
                "、".join(rng.sample(METHODS, rng.randrange(1, 4))),
                contractor,
                wareki(FIRST_DAY + timedelta(days=rng.randrange(span + 1))),
            )
        )
    return made


def write_workbook(path: Path, rows: int = 5000, seed: int = 1) -> Path:
    """The 事務登録簿 workbook at ``path``: a title row, the header, ``rows`` rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append([TITLE])
    sheet.append(list(HEADER))
    for row in make_rows(rows, seed):
        sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def fresh_register(root: Path, registry: Path = FIXTURE_REGISTRY) -> Path:
    """A register at ``root`` with the fixture's ``registry.toml`` and no entries."""
    if root.exists():
        shutil.rmtree(root)
    (root / "entries").mkdir(parents=True)
    shutil.copyfile(registry, root / "registry.toml")
    return root


@dataclass(frozen=True)
class Run:
    """One measured process: the seconds its call took, its peak RSS and what it said."""

    seconds: float
    rss_mb: float
    said: dict[str, Any]


def run_child(code: str, args: Sequence[str]) -> Run:
    """Run ``python -c code args`` and read its JSON line; its peak RSS from wait4."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [PYTHON, "-c", code, *args], stdout=subprocess.PIPE, stderr=errors, cwd=PROJECT
        )
        assert child.stdout is not None
        stdout = child.stdout.read()  # read, not communicate(): that would reap the child
        child.stdout.close()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(
                f"child failed ({child.returncode}): {errors.read().decode()[-800:]}"
            )
    said: dict[str, Any] = json.loads(stdout.decode().strip().splitlines()[-1])
    return Run(float(said["seconds"]), usage.ru_maxrss / 1024, said)  # KiB on Linux


def best(code: str, args: Sequence[str], runs: int) -> Run:
    """The fastest of ``runs`` fresh processes (the largest RSS of them kept)."""
    done = [run_child(code, args) for _ in range(runs)]
    fastest = min(done, key=lambda run: run.seconds)
    return Run(fastest.seconds, max(run.rss_mb for run in done), fastest.said)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", type=Path, help="write the workbook here and keep it (reused when there)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="todokede-bench-import-") as temp:
        folder = args.keep or Path(temp)
        book = folder / f"jimu_toroku-{args.rows}-{args.seed}.xlsx"
        if book.is_file():
            print(f"workbook: {book} (reused)")
        else:
            started = time.perf_counter()
            write_workbook(book, args.rows, args.seed)
            print(
                f"workbook: {book}, {args.rows} rows, written in {time.perf_counter() - started:.1f} s"
            )
        root = fresh_register(Path(temp) / "register")
        print(f"best of {args.runs} runs, each a fresh process timing only the call:")
        floor = best(FLOOR_CHILD, [str(book), SHEET], args.runs)
        plan = best(PLAN_CHILD, [str(root), str(book), "0"], args.runs)
        checked = best(PLAN_CHILD, [str(root), str(book), "1"], args.runs)
    for name, run in (("plan", plan), ("plan+check", checked)):
        if run.said["entries"] != args.rows or run.said["errors"]:
            print(f"warning: {name} gave {run.said} for {args.rows} rows")
    ratio = plan.seconds / floor.seconds
    check_ratio = checked.seconds / floor.seconds
    time_ok = ratio <= 3.0
    memory_ok = plan.rss_mb < 300
    print(f"{'calamine read (floor)':34} {floor.seconds:8.3f} s")
    print(f"{'plan_import, check=False':34} {plan.seconds:8.3f} s")
    print(f"{'plan_import, check=True':34} {checked.seconds:8.3f} s")
    print(f"{'plan vs floor':34} {ratio:8.2f}×  target within 3×  {verdict(time_ok)}")
    print(f"{'plan+check vs floor':34} {check_ratio:8.2f}×  (informative, no target)")
    print(
        f"{'peak memory of plan (RSS)':34} {plan.rss_mb:8.1f} MB target under 300 MB  "
        f"{verdict(memory_ok)}"
    )
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
