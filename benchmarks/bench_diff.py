"""How fast is ``todokede diff`` across a long history? Figures, not a pass/fail test.

``python benchmarks/bench_diff.py [--commits 2000] [--entries 250] [--runs 5] [--keep DIR]``
generates a register whose git history has ``--commits`` commits (one per
filing, written by benchmarks/generate.py through one ``git fast-import``, not
a process per commit) and prints the median wall time of fresh ``todokede``
processes (median of ``--runs``):

- ``diff first..last``: every entry added across the whole history;
- ``diff middle``: from a third of the history to two thirds;
- ``diff dates``: the same kind of range given as dates (resolved from the log);
- ``log``: every commit of the register, read back as filings;
- and, for scale, a bare ``python -c pass`` and ``git diff --stat`` of the whole range.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.generate import generate  # noqa: E402

TODOKEDE = Path(sys.executable).with_name("todokede")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def median_seconds(command: Sequence[str], cwd: Path, runs: int) -> float:
    """The median wall time of ``command`` as a fresh process (output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench(root: Path, commits: int, runs: int) -> list[tuple[str, float, str]]:
    first = git(root, "rev-list", "--max-parents=0", "HEAD")
    last = git(root, "rev-parse", "HEAD")
    third = git(root, "rev-parse", f"HEAD~{2 * commits // 3}")
    two_thirds = git(root, "rev-parse", f"HEAD~{commits // 3}")
    day = git(root, "log", "-1", "--format=%cs", third)
    later = git(root, "log", "-1", "--format=%cs", two_thirds)
    cases: list[tuple[str, list[str], str]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], "reference"),
        ("git diff --stat first..last", ["git", "diff", "--stat", first, last], "reference"),
        ("diff first..last", [str(TODOKEDE), "diff", "--from", first, "--to", last], ""),
        ("diff first..last --format json", [str(TODOKEDE), "diff", "--from", first, "--to", last, "--format", "json"], ""),
        ("diff middle third", [str(TODOKEDE), "diff", "--from", third, "--to", two_thirds], ""),
        ("diff dates", [str(TODOKEDE), "diff", "--from", day, "--to", later], f"{day}..{later}"),
        ("log (whole register)", [str(TODOKEDE), "log", "--format", "json"], ""),
    ]  # fmt: skip
    return [(label, median_seconds(cmd, root, runs), note) for label, cmd, note in cases]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=250)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as temp:
        root = args.keep or Path(temp) / "register"
        started = time.perf_counter()
        # One commit for registry.toml, then one per filing.
        generate(root, entries=args.entries, filings=args.commits - 1, seed=1)
        built = time.perf_counter() - started
        count = int(git(root, "rev-list", "--count", "HEAD"))
        print(f"{count} commits, {args.entries} entries generated in {built:.2f} s")
        print(f"median of {args.runs} runs, each a fresh process:")
        for label, seconds, note in bench(root, count, args.runs):
            print(f"  {label:32} {seconds * 1000:8.0f} ms  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
