"""Is the TUI responsive on a municipal-scale register? Figures, not a pass/fail test.

``python benchmarks/bench_tui.py [--entries 5000] [--keep DIR]`` generates a
register (benchmarks/generate.py, files only) in a temporary folder and prints:

- ``check``: wall time of ``todokede check`` on it (a fresh process, median of 3);
- ``tui ready``: wall time from starting a fresh process that opens the app
  (headless) until its tree shows the departments (median of 3), and the ratio
  to ``check`` (budget: within 2×);
- ``keystroke``: the median and the worst time from a key typed in the filter
  until the tree lists what the index says it should and the screen is
  rendered again (budget: median under 100 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.generate import generate  # noqa: E402

if TYPE_CHECKING:
    from textual.pilot import Pilot

TODOKEDE = Path(sys.executable).with_name("todokede")
READY = "READY"
#: Typed one character at a time, then erased with backspace: broad and narrow queries.
QUERIES = ("課税課", "個人番号", "氏名", "申請受付", "ﾏｲﾅﾝﾊﾞｰ", "病歴 相談")

CHILD = """
import asyncio, sys
from datetime import date
from pathlib import Path
sys.path.insert(0, {project!r})
from todokede.tui.app import TodokedeApp

async def run() -> None:
    app = TodokedeApp(Path({root!r}), as_of=date(2026, 4, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        while app.screen.overview is None or not app.screen.register_tree.root.children:
            await asyncio.sleep(0.005)
        await pilot.pause()
        print({ready!r}, flush=True)

asyncio.run(run())
"""


def timed_check(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(TODOKEDE), "--registry", str(root), "check"],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def timed_tui_ready(root: Path, env: dict[str, str] | None = None) -> float:
    """Seconds from starting a fresh app process on ``root`` until its tree shows
    (``env``: variables set for that process, e.g. ``TODOKEDE_CACHE``)."""
    code = CHILD.format(project=str(PROJECT), root=str(root), ready=READY)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
        env={**os.environ, **(env or {})},
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == READY:
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("the app did not get ready")
    child.wait()
    return elapsed


async def keystrokes(root: Path) -> list[float]:
    """Time each key from its arrival to the tree rendered with the new list.

    The key goes to the app the way the terminal driver sends it; the clock
    stops when every message it caused is handled (the filter's change, the
    tree's rebuild) and the screen has been laid out and rendered once more.
    Pilot's ``press`` is not used for the timed keys: it sleeps to detect
    idleness, and that sleep would be measured too.
    """
    from datetime import date

    from todokede.tui.app import TodokedeApp
    from todokede.tui.screens.main import MainScreen

    app = TodokedeApp(root, as_of=date(2026, 4, 1))
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.overview is not None
        overview = screen.overview
        tree = screen.register_tree
        await pilot.press("slash")
        await pilot.pause()
        for query in QUERIES:
            typed = ""
            for key in [*query, *(["backspace"] * len(query))]:
                typed = typed[:-1] if key == "backspace" else typed + key
                expected = len(overview.index.search(typed))
                started = time.perf_counter()
                send_key(pilot, key)
                while tree.listed != expected or screen.filter_input.value != typed:
                    await settle(pilot)
                await settle(pilot)
                app.screen._on_timer_update()  # lay out and render now, as the refresh timer does
                times.append(time.perf_counter() - started)
                await pilot.pause()
    return times


def send_key(pilot: Pilot[None], key: str) -> None:
    """Hand a key to the app as the terminal driver does."""
    from textual import events

    name = "space" if key == " " else key
    driver = pilot.app._driver
    assert driver is not None
    driver.send_message(events.Key(name, key if len(key) == 1 else None))


async def settle(pilot: Pilot[None]) -> None:
    """Let the screen and its widgets handle every pending message (no sleeping)."""
    await pilot._wait_for_screen()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="generate here (must not exist) and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="todokede-bench-") as temp:
        root = args.keep or Path(temp) / "register"
        started = time.perf_counter()
        generate(root, entries=args.entries, filings=args.entries * 4, git=False)
        print(f"generated {args.entries} entries in {time.perf_counter() - started:.1f} s")
        check = statistics.median(timed_check(root) for _ in range(3))
        ready = statistics.median(timed_tui_ready(root) for _ in range(3))
        typed = asyncio.run(keystrokes(root))
    median_ms = statistics.median(typed) * 1000
    worst_ms = max(typed) * 1000
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"check:      {check:.2f} s")
    print(f"tui ready:  {ready:.2f} s  ({ready / check:.2f}× check; budget 2×)")
    print(
        f"keystroke:  median {median_ms:.0f} ms, worst {worst_ms:.0f} ms over "
        f"{len(typed)} keys (budget: median < 100 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
