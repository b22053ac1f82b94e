"""The design's budgets, measured as ratios against floors in one run.

``python benchmarks/run.py [--entries 5000] [--filings 20000] [--runs 5]``
builds a synthetic register once (benchmarks/generate.py, with its git
history), then times each figure as a whole process against its floor,
alternating the two, and prints one line per budget: the median ratio, the
budget and PASS/FAIL. It exits 1 when a budget fails (0 with ``--smoke``,
which CI uses at a small size to show the benchmarks still run).

``--growth 1000,5000,20000`` prints the same figures for several sizes as a
table, to see that cost grows no worse than linearly.

``--warnings 0.33 --errors 0.1`` builds a register with that share of its entry
files warning and erring (generate.py). ``check`` with errors exits 1, which is
expected; ``report`` refuses such a register right after loading it, so with
errors it is measured on a second register of the same seed with the warnings
only (``<register>-warnings-only``, built beside it and kept with it).

Every figure but the warm ones runs cold, with the entry cache off
(``TODOKEDE_CACHE=0``). The warm ones prime the cache with one ``check`` first:
``check`` with nothing changed, ``check`` after one entry file's comment line
was rewritten (before each run, outside the timing) and TUI ready, each against
the tomllib floor.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.bench_tui import keystrokes, timed_tui_ready  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

TODOKEDE = Path(sys.executable).with_name("todokede")
PYTHON = sys.executable
DIFF_CHANGED = 500
#: The entry cache off (every figure but the warm ones) and on.
COLD = {"TODOKEDE_CACHE": "0"}
WARM = {"TODOKEDE_CACHE": "1"}
#: The name of a flawed register's warnings-only twin, beside it (report's register).
WARNINGS_ONLY = "{}-warnings-only"
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


def wall(command: Sequence[str], env: dict[str, str] | None = None, expected: int = 0) -> float:
    """Seconds ``command`` took, start to exit (RuntimeError if it exited other than
    ``expected``: 1 for ``check`` on a register with errors)."""
    started = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, check=False, env={**os.environ, **(env or {})}
    )
    if result.returncode != expected:
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


@contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    """``variables`` set in this process's environment for the block (for what runs here)."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def edit_comment(path: Path, counter: int) -> None:
    """Rewrite the first line of ``path`` (the generator's comment) with ``counter``,
    so its bytes, and nothing it means, change."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if not first.startswith("#"):
        raise RuntimeError(f"{path} does not start with a comment line")
    stem = first.split(" — 編集", 1)[0]
    path.write_text(f"{stem} — 編集{counter}\n{rest}", encoding="utf-8")


def peak_memory_mb(
    command: Sequence[str], env: dict[str, str] | None = None, expected: int = 0
) -> float:
    """The peak resident memory of a command with its helper processes together.

    The kernel's accounting (wait4) gives the largest single process; the helpers
    that parse alongside add theirs, so the process tree's resident memory is
    also sampled every few milliseconds and the larger figure is taken.
    """
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    sampled = 0
    while True:
        done, status, usage = os.wait4(child.pid, os.WNOHANG)
        if done:
            break
        sampled = max(sampled, _tree_rss_kib(child.pid))
        time.sleep(0.002)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != expected:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode})")
    return max(usage.ru_maxrss, sampled) / 1024  # KiB on Linux


def heavy_imports(args: Sequence[str]) -> list[str]:
    """Heavy packages that ``todokede ARGS`` imports (from ``-X importtime``)."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", str(TODOKEDE), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **COLD},
    )
    if result.returncode not in (0, 1):  # 1: check of a register with errors
        raise RuntimeError(f"todokede {' '.join(args)} failed: {result.stderr[-500:]}")
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


def measure(
    root: Path, runs: int, report_root: Path | None = None
) -> tuple[list[Figure | Absolute], dict[str, float]]:
    """Every figure on the register at ``root`` (``report`` on ``report_root``, by
    default the same register: see :data:`WARNINGS_ONLY`)."""
    registry = ["--registry", str(root)]
    check_cmd = [str(TODOKEDE), *registry, "check"]
    parse_floor = [PYTHON, "-c", PARSE_FLOOR, str(root)]
    figures: list[Figure | Absolute] = []
    raw: dict[str, float] = {}
    # 0 for a register without errors, 1 with (and its problems are what is timed)
    status = subprocess.run(check_cmd, capture_output=True, env={**os.environ, **COLD}).returncode
    if status not in (0, 1):
        raise RuntimeError(f"todokede check failed ({status})")

    def cold_check() -> float:
        return wall(check_cmd, env=COLD, expected=status)

    check, floor = alternate(cold_check, lambda: wall(parse_floor), runs)
    figures.append(Figure("check vs tomllib floor (cold)", check, floor, 1.5))
    raw.update(check=check, parse_floor=floor)
    # The floor parses in one process; check also parses in helper processes
    # (todokede.registry.files.parse_pool). What check costs without them, for comparison:
    alone, floor = alternate(
        lambda: wall(check_cmd, env={**COLD, "TODOKEDE_HELPERS": "0"}, expected=status),
        lambda: wall(parse_floor),
        runs,
    )
    figures.append(Shown("check in one process (TODOKEDE_HELPERS=0)", alone, floor, 1.5))
    raw["check_alone"] = alone

    # Warm: the cache primed by one check, then nothing changed.
    wall(check_cmd, env=WARM, expected=status)
    warm, floor = alternate(
        lambda: wall(check_cmd, env=WARM, expected=status), lambda: wall(parse_floor), runs
    )
    figures.append(Figure("check warm (cache, nothing changed)", warm, floor, 0.30))
    raw["check_warm"] = warm
    # One entry file edited before each run (its comment line; outside the timing).
    edited_path = sorted((root / "entries").glob("*.toml"))[0]
    original = edited_path.read_bytes()
    edits = iter(range(1, 2 * runs + 2))

    def edited_check() -> float:
        edit_comment(edited_path, next(edits))
        return wall(check_cmd, env=WARM, expected=status)

    try:
        edited, floor = alternate(edited_check, lambda: wall(parse_floor), runs)
    finally:
        edited_path.write_bytes(original)
    figures.append(Figure("check after editing one file", edited, floor, 0.35))
    raw["check_edited"] = edited
    wall(check_cmd, env=WARM, expected=status)  # the cache again of the register as it is
    tui_warm, floor = alternate(
        lambda: timed_tui_ready(root, env=WARM), lambda: wall(parse_floor), runs
    )
    figures.append(Figure("TUI ready warm vs tomllib floor", tui_warm, floor, 0.80))
    raw["tui_warm"] = tui_warm

    report_root = report_root or root
    last_day = git_lines(report_root, "log", "-1", "--format=%cs")[0]
    ten_years_ago = (date.fromisoformat(last_day) - timedelta(days=3652)).isoformat()
    report_cmd = [str(TODOKEDE), "--registry", str(report_root), "report"]
    report_cmd += ["--from", ten_years_ago, "--to", last_day, "--format", "json"]
    report_floor = [PYTHON, "-c", PARSE_FLOOR, str(report_root)]
    report, floor = alternate(lambda: wall(report_cmd, env=COLD), lambda: wall(report_floor), runs)
    twin = " (warnings only)" if report_root != root else ""
    figures.append(Figure(f"report json 10 years, cold{twin}", report, floor, 1.5))
    raw["report"] = report
    raw["report_floor"] = floor

    # A snapshot (one commit, generate.py --snapshot) has no history to diff.
    if int(git_lines(root, "rev-list", "--count", "HEAD")[0]) > 1:
        entries = sum(1 for _ in (root / "entries").glob("*.toml"))
        start, end, old_sha, new_sha, changed = diff_range(root, min(DIFF_CHANGED, entries // 2))
        diff_cmd = [str(TODOKEDE), *registry, "diff", "--from", start, "--to", end]
        diff_cmd += ["--format", "json"]
        diff_floor = [PYTHON, "-c", DIFF_FLOOR, str(root), old_sha, new_sha]
        diff, floor = alternate(lambda: wall(diff_cmd, env=COLD), lambda: wall(diff_floor), runs)
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

    ready, check_again = alternate(lambda: timed_tui_ready(root, env=COLD), cold_check, runs)
    figures.append(Figure("TUI ready vs check (cold)", ready, check_again, 2.0))
    raw["tui_ready"] = ready
    with environment(COLD):
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
        peak_memory_mb(check_cmd, env=COLD, expected=status) for _ in range(3)
    )
    figures.append(Absolute("peak memory of check (cold)", memory, 200, "MB"))
    raw["memory_mb"] = memory
    return figures, raw


def build(
    root: Path,
    entries: int,
    filings: int,
    warnings: float = 0.0,
    errors: float = 0.0,
    snapshot: bool = False,
) -> float:
    """Seconds to generate the register at ``root`` (seed 1), with its warnings-only twin
    beside it when it has errors (:data:`WARNINGS_ONLY`); ``snapshot``: one commit."""
    started = time.perf_counter()
    made = partial(generate, entries=entries, filings=filings, seed=1, snapshot=snapshot)
    made(root, warnings=warnings, errors=errors)
    if errors:
        made(root.with_name(WARNINGS_ONLY.format(root.name)), warnings=warnings)
    return time.perf_counter() - started


def twin_of(root: Path) -> Path | None:
    """The warnings-only twin of the register at ``root``, if one was built."""
    twin = root.with_name(WARNINGS_ONLY.format(root.name))
    return twin if (twin / "registry.toml").is_file() else None


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
            seconds = build(
                root, args.entries, args.filings, args.warnings, args.errors, args.snapshot
            )
            flawed = (
                f", {args.warnings:g} of the files warning, {args.errors:g} erring"
                if args.warnings or args.errors
                else ""
            )
            print(
                f"register: {args.entries} entries, {args.filings} filings{flawed}, "
                f"built in {seconds:.1f} s"
            )
        report_root = twin_of(root)
        if report_root:
            print(f"report:   on {report_root} (the same register with warnings only)")
        print(f"machine:  {machine()}")
        print(f"median of {args.runs} runs, each a fresh process, measured against its floor:")
        figures, _ = measure(root, args.runs, report_root)
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


def _cell(raw: dict[str, float], key: str) -> str:
    """A figure of the growth table in seconds, with its ratio to the tomllib floor."""
    return f"{raw[key]:.2f} ({raw[key] / raw['parse_floor']:.2f})"


def growth(args: argparse.Namespace) -> int:
    """The growth table: each size's figures, cold and warm, and the cost per 1,000
    entries of the floor and of a cold check (linear growth keeps it flat)."""
    sizes = [int(size) for size in args.growth.split(",")]
    print(f"machine: {machine()}; median of {args.runs} runs")
    header = (
        "| entries | filings | floor s | check cold s (×) | check warm s (×) | "
        "one edit s (×) | report × | TUI ready cold s | TUI ready warm s (×) | "
        "keystroke ms | memory MB | floor ms/1k | check ms/1k |"
    )
    rows = [header, "|" + "---:|" * 13]
    for size in sizes:
        filings = max(size, min(4 * size, args.filings))
        with tempfile.TemporaryDirectory(prefix="todokede-growth-") as temp:
            # --keep DIR keeps each size in DIR/<entries>-<filings> and reuses it next time
            base = args.keep or Path(temp)
            root = base / f"{size}-{filings}{'-snapshot' if args.snapshot else ''}"
            if not (root / "registry.toml").is_file():
                build(root, size, filings, args.warnings, args.errors, args.snapshot)
            _, raw = measure(root, args.runs, twin_of(root))
        floor = raw["parse_floor"]
        rows.append(
            f"| {size:,} | {filings:,} | {floor:.2f} | {_cell(raw, 'check')} | "
            f"{_cell(raw, 'check_warm')} | {_cell(raw, 'check_edited')} | "
            f"{raw['report'] / raw['report_floor']:.2f} | {raw['tui_ready']:.2f} | "
            f"{_cell(raw, 'tui_warm')} | {raw['keystroke_ms']:.0f} | {raw['memory_mb']:.0f} | "
            f"{floor / size * 1e6:.0f} | {raw['check'] / size * 1e6:.0f} |"
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
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="registers committed in one commit, not one per filing (no diff figure)",
    )
    parser.add_argument(
        "--warnings", type=float, default=0.0, metavar="FRACTION", help="share of files warning"
    )
    parser.add_argument(
        "--errors", type=float, default=0.0, metavar="FRACTION", help="share of files erring"
    )
    args = parser.parse_args(argv)
    if not (0 <= args.warnings <= 1 and 0 <= args.errors <= 1 and args.warnings + args.errors <= 1):
        parser.error("--warnings and --errors are shares from 0 to 1, together at most 1")
    return growth(args) if args.growth else single(args)


if __name__ == "__main__":
    sys.exit(main())
