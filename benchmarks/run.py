"""The design's budgets, measured as ratios against floors in one run.

``python benchmarks/run.py [--entries 5000] [--filings 20000] [--runs 5]``
builds a synthetic register once (benchmarks/generate.py, with its git
history), then times each figure as a whole process against its floor,
alternating the two, and prints one line per budget: the median ratio, the
budget and PASS/FAIL. It exits 1 when a budget fails (0 with ``--smoke``,
which CI uses at a small size to show the benchmarks still run).

``--growth 1000,5000,20000`` prints the same figures for several sizes as a
table, to see that cost grows no worse than linearly.

Floors:
- ``check`` and ``report``: a bare Python process that only reads and
  ``tomllib``-parses the same files;
- ``diff``: ``git diff --name-only`` between the two commits plus reading and
  parsing both sides of those files (one ``git cat-file --batch``);
- ``--help``: ``python -c "import pydantic"``;
- TUI ready: ``todokede check`` on the same register.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.bench_tui import keystrokes, timed_tui_ready  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

TODOKEDE = Path(sys.executable).with_name("todokede")
PYTHON = sys.executable
DIFF_CHANGED = 500
HEAVY = ("textual", "git", "openpyxl")

PARSE_FLOOR = """
import sys, tomllib
from pathlib import Path
root = Path(sys.argv[1])
tomllib.loads((root / "registry.toml").read_text(encoding="utf-8"))
for path in sorted((root / "entries").glob("*.toml")):
    tomllib.loads(path.read_text(encoding="utf-8"))
"""

DIFF_FLOOR = """
import subprocess, sys, tomllib
root, old, new = sys.argv[1:4]
names = subprocess.run(
    ["git", "-C", root, "diff", "--name-only", old, new, "--", "entries"],
    capture_output=True, text=True, check=True,
).stdout.split()
specs = "".join(f"{rev}:{name}\\n" for name in names for rev in (old, new))
out = subprocess.run(
    ["git", "-C", root, "cat-file", "--batch"], input=specs.encode(),
    capture_output=True, check=True,
).stdout
pos = 0
while pos < len(out):
    header_end = out.index(b"\\n", pos)
    header = out[pos:header_end].split()
    if header[-1] == b"missing":
        pos = header_end + 1
        continue
    size = int(header[2])
    tomllib.loads(out[header_end + 1 : header_end + 1 + size].decode("utf-8"))
    pos = header_end + 1 + size + 1
"""


@dataclass(frozen=True)
class Figure:
    """One budget: the measured value, its floor and the limit on their ratio."""

    name: str
    value: float
    floor: float
    limit: float
    unit: str = "s"

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor else float("inf")

    @property
    def passed(self) -> bool:
        return self.ratio <= self.limit

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{self.name:44} {self.ratio:6.2f}×  budget ≤ {self.limit:.2f}×  {verdict}"
            f"   ({self.value:.3f} {self.unit} vs {self.floor:.3f} {self.unit})"
        )


@dataclass(frozen=True)
class Shown(Figure):
    """A ratio shown for comparison, with no budget of its own."""

    @property
    def passed(self) -> bool:
        return True

    def line(self) -> str:
        return (
            f"{self.name:44} {self.ratio:6.2f}×  (for comparison, no budget)"
            f"   ({self.value:.3f} {self.unit} vs {self.floor:.3f} {self.unit})"
        )


@dataclass(frozen=True)
class Absolute:
    """A budget on an absolute figure (milliseconds, megabytes)."""

    name: str
    value: float
    limit: float
    unit: str
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.value < self.limit

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{self.name:44} {self.value:7.1f} {self.unit:3} budget < {self.limit:g} "
            f"{self.unit}  {verdict}   {self.detail}"
        ).rstrip()


def wall(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Seconds ``command`` took, start to exit (RuntimeError if it failed)."""
    started = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, check=False, env={**os.environ, **(env or {})}
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode()[-500:]}"
        )
    return time.perf_counter() - started


def alternate(
    measured: Callable[[], float], floor: Callable[[], float], runs: int
) -> tuple[float, float]:
    """Medians of ``measured`` and ``floor``, run one after the other ``runs`` times."""
    values, floors = [], []
    for _ in range(runs):
        values.append(measured())
        floors.append(floor())
    return statistics.median(values), statistics.median(floors)


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants now, from /proc (0 once gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/statm").read_text().split()
            total += int(fields[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
    return total


def peak_memory_mb(command: Sequence[str]) -> float:
    """The peak resident memory of a command with its helper processes together.

    The kernel's accounting (wait4) gives the largest single process; the helpers
    that parse alongside add theirs, so the process tree's resident memory is
    also sampled every few milliseconds and the larger figure is taken.
    """
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampled = 0
    while True:
        done, status, usage = os.wait4(child.pid, os.WNOHANG)
        if done:
            break
        sampled = max(sampled, _tree_rss_kib(child.pid))
        time.sleep(0.002)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode})")
    return max(usage.ru_maxrss, sampled) / 1024  # KiB on Linux


def heavy_imports(args: Sequence[str]) -> list[str]:
    """Heavy packages that ``todokede ARGS`` imports (from ``-X importtime``)."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", str(TODOKEDE), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return sorted(set(HEAVY) & loaded)


def git_lines(root: Path, *args: str) -> list[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout.splitlines()


def diff_range(root: Path, changed: int) -> tuple[str, str, str, str, int]:
    """Two dates (and their commits) between which about ``changed`` entries changed.

    Walks back from the newest commit, whole days at a time, until enough
    entries were touched; the range starts the day before the oldest day taken.
    """
    lines = git_lines(root, "log", "--first-parent", "--format=@%H %cs", "--name-only")
    seen: set[str] = set()
    newest_day = newest_sha = oldest_day = before_sha = ""
    for line in lines:
        if line.startswith("@"):
            sha, day = line[1:].split()
            if not newest_day:
                newest_day, newest_sha = day, sha
            if len(seen) >= changed and day != oldest_day:
                before_sha = sha
                break
            oldest_day = day
        elif line.startswith("entries/"):
            seen.add(line)
    if not before_sha:
        raise RuntimeError(f"fewer than {changed} entries changed in the whole history")
    start = (date.fromisoformat(oldest_day) - timedelta(days=1)).isoformat()
    return start, newest_day, before_sha, newest_sha, len(seen)


def measure(root: Path, runs: int) -> tuple[list[Figure | Absolute], dict[str, float]]:
    """Every figure on the register at ``root``."""
    registry = ["--registry", str(root)]
    parse_floor = [PYTHON, "-c", PARSE_FLOOR, str(root)]
    figures: list[Figure | Absolute] = []
    raw: dict[str, float] = {}

    check, floor = alternate(
        lambda: wall([str(TODOKEDE), *registry, "check"]), lambda: wall(parse_floor), runs
    )
    figures.append(Figure("check vs tomllib floor", check, floor, 1.5))
    raw.update(check=check, parse_floor=floor)
    # The floor parses in one process; check also parses in helper processes
    # (todokede.registry.files.parse_pool). What check costs without them, for comparison:
    alone, floor = alternate(
        lambda: wall([str(TODOKEDE), *registry, "check"], env={"TODOKEDE_HELPERS": "0"}),
        lambda: wall(parse_floor),
        runs,
    )
    figures.append(Shown("check in one process (TODOKEDE_HELPERS=0)", alone, floor, 1.5))
    raw["check_alone"] = alone

    last_day = git_lines(root, "log", "-1", "--format=%cs")[0]
    ten_years_ago = (date.fromisoformat(last_day) - timedelta(days=3652)).isoformat()
    report_cmd = [str(TODOKEDE), *registry, "report", "--from", ten_years_ago]
    report_cmd += ["--to", last_day, "--format", "json"]
    report, floor = alternate(lambda: wall(report_cmd), lambda: wall(parse_floor), runs)
    figures.append(Figure("report --format json (10 years)", report, floor, 1.5))
    raw["report"] = report

    entries = sum(1 for _ in (root / "entries").glob("*.toml"))
    start, end, old_sha, new_sha, changed = diff_range(root, min(DIFF_CHANGED, entries // 2))
    diff_cmd = [str(TODOKEDE), *registry, "diff", "--from", start, "--to", end]
    diff_cmd += ["--format", "json"]
    diff_floor = [PYTHON, "-c", DIFF_FLOOR, str(root), old_sha, new_sha]
    diff, floor = alternate(lambda: wall(diff_cmd), lambda: wall(diff_floor), runs)
    figures.append(Figure(f"diff {start}..{end} ({changed} entries)", diff, floor, 3.0))
    raw["diff"] = diff

    help_cmd = [str(TODOKEDE), "--help"]
    pydantic_floor = [PYTHON, "-c", "import pydantic"]
    helped, floor = alternate(lambda: wall(help_cmd), lambda: wall(pydantic_floor), runs)
    figures.append(Figure("--help vs import pydantic", helped, floor, 1.5))
    for args in (["--help"], [*registry, "check"]):
        loaded = heavy_imports(args)
        name = f"{' '.join(a for a in args if a != str(root))} imports"
        figures.append(
            Absolute(name.replace("--registry ", ""), len(loaded), 1, "mod", ", ".join(loaded))
        )

    ready, check_again = alternate(
        lambda: timed_tui_ready(root),
        lambda: wall([str(TODOKEDE), *registry, "check"]),
        runs,
    )
    figures.append(Figure("TUI ready vs check", ready, check_again, 2.0))
    raw["tui_ready"] = ready
    typed = asyncio.run(keystrokes(root))
    keystroke_ms = statistics.median(typed) * 1000
    figures.append(
        Absolute(
            "filter keystroke (median)",
            keystroke_ms,
            100,
            "ms",
            f"worst {max(typed) * 1000:.0f} ms over {len(typed)} keys",
        )
    )
    raw["keystroke_ms"] = keystroke_ms

    memory = statistics.median(
        peak_memory_mb([str(TODOKEDE), *registry, "check"]) for _ in range(3)
    )
    figures.append(Absolute("peak memory of check", memory, 200, "MB"))
    raw["memory_mb"] = memory
    return figures, raw


def build(root: Path, entries: int, filings: int) -> float:
    started = time.perf_counter()
    generate(root, entries=entries, filings=filings, seed=1)
    return time.perf_counter() - started


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = model.group(1) if model else cpu
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def single(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="todokede-bench-") as temp:
        root = args.keep or Path(temp) / "register"
        if args.reuse:
            root = args.reuse
            print(f"register: {root} (reused)")
        else:
            seconds = build(root, args.entries, args.filings)
            print(
                f"register: {args.entries} entries, {args.filings} filings, built in {seconds:.1f} s"
            )
        print(f"machine:  {machine()}")
        print(f"median of {args.runs} runs, each a fresh process, measured against its floor:")
        figures, _ = measure(root, args.runs)
    for figure in figures:
        print(figure.line())
    failed = [f.name for f in figures if not f.passed]
    if args.smoke:
        print(
            "smoke run: at a few hundred entries fixed start-up costs dominate, so the "
            "ratios are not the budgets' figures (those are for 5,000 entries)"
        )
    if failed:
        print(f"{len(failed)} budget(s) missed: {', '.join(failed)}")
    return 0 if args.smoke or not failed else 1


def growth(args: argparse.Namespace) -> int:
    sizes = [int(size) for size in args.growth.split(",")]
    print(f"machine: {machine()}; median of {args.runs} runs")
    header = (
        "| entries | filings | check s | floor s | check × | report × | diff s | "
        "TUI ready s | keystroke ms | memory MB |"
    )
    rows = [header, "|" + "---:|" * 10]
    for size in sizes:
        filings = max(size, min(4 * size, args.filings))
        with tempfile.TemporaryDirectory(prefix="todokede-growth-") as temp:
            # --keep DIR keeps each size in DIR/<entries>-<filings> and reuses it next time
            base = args.keep or Path(temp)
            root = base / f"{size}-{filings}"
            if not (root / "registry.toml").is_file():
                build(root, size, filings)
            _, raw = measure(root, args.runs)
        rows.append(
            f"| {size:,} | {filings:,} | {raw['check']:.2f} | {raw['parse_floor']:.2f} | "
            f"{raw['check'] / raw['parse_floor']:.2f} | {raw['report'] / raw['parse_floor']:.2f} | "
            f"{raw['diff']:.2f} | {raw['tui_ready']:.2f} | {raw['keystroke_ms']:.0f} | "
            f"{raw['memory_mb']:.0f} |"
        )
        print(rows[-1], flush=True)
    print("\n".join(rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--filings", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep", type=Path, help="build the register here and keep it (--growth: reuse it)"
    )
    parser.add_argument("--reuse", type=Path, help="measure a register built before (--keep)")
    parser.add_argument("--smoke", action="store_true", help="report but never fail (CI)")
    parser.add_argument("--growth", help="comma-separated sizes, e.g. 1000,5000,20000")
    args = parser.parse_args(argv)
    return growth(args) if args.growth else single(args)


if __name__ == "__main__":
    sys.exit(main())
