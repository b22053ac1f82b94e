"""The import screen (i): a fixture's register previewed, a column's field changed,
then imported into a real git register and shown on the main screen."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from tests.support.importing import FIXTURES, import_register
from tests.support.tui import main_screen, make_app, plain, ready, until
from todokede.tui.app import TodokedeApp
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.dialogs.field_picker import FieldPicker
from todokede.tui.screens.import_register import ImportScreen
from todokede.tui.screens.main import MainScreen


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty register with the fixtures' registry.toml; the fixtures in the cwd."""
    root = import_register(tmp_path / "reg")
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    for name in ("jimu_toroku.xlsx", "tanpyo.xlsx"):
        shutil.copyfile(FIXTURES / name, sheets / name)
    monkeypatch.chdir(sheets)
    return root


async def open_import(app: TodokedeApp, pilot: Pilot[None], name: str) -> ImportScreen:
    await ready(pilot)
    await pilot.press("i")
    await until(pilot, lambda: isinstance(app.screen, ImportScreen))
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#import-path", Input).value = name
    await settled(pilot, screen)
    return screen


async def settled(pilot: Pilot[None], screen: ImportScreen) -> None:
    await pilot.pause()
    screen.flush_plan()
    await until(pilot, lambda: not screen.busy)
    await pilot.pause()


def preview(screen: ImportScreen) -> str:
    return plain(screen.query_one("#import-plan", Static).content, 200)


async def test_a_register_is_previewed_a_column_fixed_and_imported(register: Path) -> None:
    app = make_app(register)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_import(app, pilot, "jimu_toroku.xlsx")
        plan = screen.plan
        assert plan is not None and len(plan.entries) == 12
        text = preview(screen)
        assert "取り込む業務 12件" in text and "kazei-kojin-juminzei-fuka" in text
        assert "見出し「番号」の列は読み込みません" in text
        table = screen.query_one("#import-columns", DataTable)
        assert table.row_count == len(plan.header.columns) if plan.header else False
        assert plain(table.get_row_at(1)[2]).strip() == "業務の名称"

        # 番号 (column A) read as 備考: the warning goes, the column says so
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FieldPicker))
        picker = app.screen
        assert isinstance(picker, FieldPicker)
        options = picker.query_one("#field-picker-list", OptionList)
        assert options.has_focus
        keys = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert keys[options.highlighted or 0] == "ignore"  # 番号 reads as nothing yet
        options.highlighted = keys.index("notes")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await settled(pilot, screen)
        assert screen.overrides == {0: "notes"}
        assert "見出し「番号」の列は読み込みません" not in preview(screen)
        assert plain(table.get_row_at(0)[2]).strip() == "備考"

        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await ready(pilot)
        assert main_screen(app).select_entry("kazei-kojin-juminzei-fuka")
    written = sorted(p.stem for p in (register / "entries").glob("*.toml"))
    assert len(written) == 12


async def test_a_file_that_cannot_be_read_is_said_and_nothing_is_written(
    register: Path,
) -> None:
    Path("壊れた.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    app = make_app(register)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(app, pilot, "壊れた.xlsx")
        assert screen.plan is None
        assert "パスワードで保護されています" in preview(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        status = plain(screen.query_one("#import-status", Static).content, 200)
        assert "取り込む内容がまだありません" in status

        screen.query_one("#import-path", Input).value = "ない.xlsx"
        await settled(pilot, screen)
        assert "ファイルがありません" in preview(screen)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
    assert list((register / "entries").iterdir()) == []


async def test_a_register_of_single_sheets_is_read_sheet_by_sheet(register: Path) -> None:
    app = make_app(register)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(app, pilot, "tanpyo.xlsx")
        plan = screen.plan
        assert plan is not None and plan.layout == "forms" and len(plan.sheets) == 20
        assert "取り込む業務 10件" in preview(screen)
        assert screen.query_one("#import-columns", DataTable).row_count == 0


SnapCompare = Callable[..., bool]


def test_import_screen_snapshot(snap_compare: SnapCompare, register: Path) -> None:
    """The 事務登録簿 fixture previewed at 80×24 (a relative name: no temporary path)."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, TodokedeApp)
        await open_import(app, pilot, "jimu_toroku.xlsx")
        await ready(pilot)

    assert snap_compare(make_app(register), terminal_size=(80, 24), run_before=run_before)
