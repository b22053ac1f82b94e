"""Make ``docs/screenshot.svg``: the TUI's main screen on the demo register.

Run from the repository root: ``.venv/bin/python docs/make_screenshot.py``.
The demo register is built in a temporary folder and the review clock reads a
fixed day, so the picture changes only when the app or the sample does.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date
from pathlib import Path

from todokede.registry.git.demo import build_demo
from todokede.tui.app import TodokedeApp
from todokede.tui.screens.main import MainScreen

ROOT = Path(__file__).resolve().parent.parent

#: The day the review clock reads (the demo's last filing is on 令和8年4月1日).
AS_OF = date(2026, 4, 1)
SIZE = (120, 34)
ENTRY = "kazei-kojin-juminzei"
OUTPUT = ROOT / "docs" / "screenshot.svg"


async def shoot(root: Path, output: Path) -> None:
    """Open the app on ``root``, show a process and save the screen as SVG."""
    app = TodokedeApp(root, as_of=AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.select_entry(ENTRY)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(filename=output.name, path=str(output.parent))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        demo = build_demo(Path(folder) / "todokede-demo").root
        asyncio.run(shoot(demo, OUTPUT))
    print(f"書き出しました: {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
