"""The main screen through Pilot: tree, marks, tabs, filter, header, bad files, keys."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.dom import DOMNode
from textual.widgets import Input, Static, TabbedContent

from tests.support.samples import PROJECT_ROOT
from tests.support.tui import label_of, listed_ids, main_screen, make_app, plain, ready, static_text
from todokede.registry.schema.catalog import builtin_catalog
from todokede.tui.dialogs.help import HelpScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.widgets.entry_detail import EntryDetail
from todokede.tui.widgets.register_header import RegisterHeader
from todokede.tui.widgets.register_tree import (
    DepartmentData,
    EntryData,
    ProblemFileData,
    ProblemGroupData,
    RegisterTree,
)

SIZES = [(80, 24), (120, 40)]


def my_number_holders(root: Path) -> set[str]:
    catalog = builtin_catalog()
    holders = set()
    for path in (root / "entries").glob("*.toml"):
        items = tomllib.loads(path.read_text(encoding="utf-8"))["record_items"]
        if any(catalog.is_my_number(item) for item in items):
            holders.add(path.stem)
    return holders


@pytest.mark.parametrize("size", SIZES)
async def test_departments_in_register_order_with_first_process_shown(
    sample_copy: Path, size: tuple[int, int]
) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        tree = screen.register_tree
        config = tomllib.loads((sample_copy / "registry.toml").read_text(encoding="utf-8"))
        shown = [
            n.data.department for n in tree.root.children if isinstance(n.data, DepartmentData)
        ]
        assert shown == config["departments"]
        assert tree.has_focus
        # a small register opens every department, and the first process is shown
        assert all(n.is_expanded for n in tree.root.children if n.children)
        assert screen.detail.entry_id == "soumu-joho-kokai-kaiji-seikyu"
        assert len(listed_ids(tree)) == 32


async def test_header_shows_name_municipality_and_counts(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        header = screen.query_one(RegisterHeader)
        assert "東村山市 個人情報取扱業務登録簿" in static_text(screen, "#header-title")
        counts = plain(header.query_one("#header-counts", Static).content)
        assert "届出中 29件・廃止 3件" in counts
        assert "期限経過" in counts


async def test_marks_for_abolished_my_number_sensitive_and_overdue(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.overview is not None
        overview = screen.overview
        labels = {
            leaf.data.entry_id: label_of(leaf)
            for dept in screen.register_tree.root.children
            for leaf in dept.children
            if isinstance(leaf.data, EntryData)
        }

        def marks(entry_id: str) -> str:
            item = overview.get(entry_id)
            assert item is not None
            label = labels[entry_id]
            prefix = label[: label.index(item.entry.name)]
            # names line up: three two-cell slots (four when some process's files
            # need a look: 簿, tested in test_app_files.py) and a space before every name
            slots = 4 if overview.any_files_wrong else 3
            assert cell_len(prefix) == 2 * slots + 1, entry_id
            return prefix.replace(" ", "").replace("簿", "")

        assert marks("soumu-tokubetsu-teigaku-kyufukin") == "廃"
        assert marks("kazei-kojin-juminzei") == "番要"
        assert marks("kazei-kotei-shisan-zei-kazei") == "番"
        assert marks("kenko-zoshin-i-gan-risk-kenshin").endswith("要")
        # 学齢簿: started 昭和55年, never reviewed: overdue on 2025-04-01
        assert marks("gakumu-gakureibo") == "期"
        for entry_id in labels:
            marks(entry_id)


async def test_tabs_show_the_selected_process(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.select_entry("kazei-kojin-juminzei")
        await pilot.pause()
        detail = screen.query_one(EntryDetail)
        assert detail.entry_id == "kazei-kojin-juminzei"
        summary = static_text(screen, "#summary-body")
        assert "個人住民税賦課事務" in summary and "課税課" in summary
        assert "個人番号" in summary and "要配慮個人情報" in summary
        items = static_text(screen, "#items-body")
        assert "基本的事項" in items and "資産・収入等" in items
        assert "番 個人番号" in items
        links = static_text(screen, "#links-body")
        assert "委託" in links and "外部結合" in links
        filings = static_text(screen, "#filings-body")
        assert "平成" in filings and "開始" in filings
        # tabs switch with the keyboard-free API the tabs widget offers
        screen.query_one(TabbedContent).active = "tab-items"
        await pilot.pause()
        assert detail.active_tab == "tab-items"
        # moving the cursor shows the next process in the same tab
        await pilot.press("down")
        await pilot.pause()
        assert detail.entry_id != "kazei-kojin-juminzei"
        assert detail.active_tab == "tab-items"


async def test_filter_by_name_as_you_type_and_escape_clears(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        await pilot.press("slash")
        assert screen.filter_input.has_focus
        await pilot.press(*"住民税")
        await pilot.pause()
        assert listed_ids(screen.register_tree) == ["kazei-kojin-juminzei"]
        assert static_text(screen, "#filter-status").strip() == "32件中 1件"
        # only the department holding it is listed, opened
        departments = screen.register_tree.root.children
        assert len(departments) == 1 and departments[0].is_expanded
        await pilot.press("enter")
        assert screen.register_tree.has_focus
        assert screen.detail.entry_id == "kazei-kojin-juminzei"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.filter_input.value == ""
        assert len(listed_ids(screen.register_tree)) == 32


@pytest.mark.parametrize("query", ["個人番号", "マイナンバー", "ﾏｲﾅﾝﾊﾞｰ"])
async def test_filter_my_number_lists_every_holder(sample_copy: Path, query: str) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        await pilot.press("slash", *query)
        await pilot.pause()
        listed = set(listed_ids(screen.register_tree))
        holders = my_number_holders(sample_copy)
        assert len(holders) >= 10
        assert holders <= listed
        # nothing else, except processes that name 個人番号 in their name or purpose
        for entry_id in listed - holders:
            text = (sample_copy / "entries" / f"{entry_id}.toml").read_text(encoding="utf-8")
            assert "個人番号" in text


async def test_filter_matches_department_and_record_items(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        screen.filter_input.value = "収納課"
        await pilot.pause()
        assert set(listed_ids(screen.register_tree)) == {
            "shuno-shizei-shuno",
            "shuno-shizei-taino-seiri",
        }
        screen.filter_input.value = "病歴"
        await pilot.pause()
        ids = listed_ids(screen.register_tree)
        assert ids and all(
            "病歴" in (sample_copy / "entries" / f"{i}.toml").read_text(encoding="utf-8")
            or "既往歴" in (sample_copy / "entries" / f"{i}.toml").read_text(encoding="utf-8")
            for i in ids
        )
        screen.filter_input.value = "存在しない業務"
        await pilot.pause()
        assert listed_ids(screen.register_tree) == []
        assert static_text(screen, "#filter-status").strip() == "32件中 0件"


async def test_typing_in_the_filter_does_not_trigger_keys(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", "e", "n", "question_mark")
        await pilot.pause()
        screen = main_screen(app)
        assert app.screen is screen
        assert screen.query_one("#filter", Input).value == "en?"


async def test_a_file_with_errors_is_listed_and_explained(sample_copy: Path) -> None:
    broken = sample_copy / "entries" / "kazei-broken.toml"
    broken.write_text(
        'name = "壊れた事務"\ndepartment = "課税課"\npurpose = "目的"\n'
        'subjects = ["市民"]\nrecord_items = ["氏名"]\n\n[[filings]]\n'
        'date = "平成28年3月22日"\nkind = "start"\n',
        encoding="utf-8",
    )
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        tree = screen.register_tree
        group = tree.root.children[-1]
        assert isinstance(group.data, ProblemGroupData)
        assert group.data.stems == ("kazei-broken",)
        assert "エラーのあるファイル" in label_of(group)
        tree.move_cursor(group.children[0])
        await pilot.pause()
        problems = static_text(screen, "#problems-body", 120)
        assert "entries/kazei-broken.toml は読み込めませんでした" in problems
        assert "2016-03-22" in problems
        messages = [n.message for n in app._notifications]
        assert any("エラーが 1件あります" in m and "kazei-broken" in m for m in messages)
        # editing is not offered for a file that could not be read
        assert screen.check_action("edit_entry", ()) is None


async def test_a_long_list_of_files_with_errors_is_built_when_opened(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like a department, a group of more files than the tree opens by itself is
    shown closed (a register with thousands of broken files still types fast) and
    built when opened."""
    from todokede.tui.widgets import register_tree

    monkeypatch.setattr(register_tree, "AUTO_EXPAND_LIMIT", 1)
    for stem in ("kazei-broken", "hoken-broken"):
        (sample_copy / "entries" / f"{stem}.toml").write_text('name = "閉じていない\n')
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        tree = main_screen(app).register_tree
        group = tree.root.children[-1]
        assert isinstance(group.data, ProblemGroupData)
        assert not group.is_expanded and not group.children
        group.expand()
        await pilot.pause()
        assert [child.data for child in group.children] == [
            ProblemFileData("hoken-broken"),
            ProblemFileData("kazei-broken"),
        ]


async def test_help_lists_the_keys_with_their_ids(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = plain(app.screen.query_one("#help-body", Static).content)
        for words in ("絞り込み", "編集", "新規", "終了", "期限経過", "個人番号"):
            assert words in body
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


def test_every_binding_has_an_id() -> None:
    from textual.binding import Binding

    from todokede.tui.app import TodokedeApp
    from todokede.tui.dialogs.catalog_picker import CatalogPicker
    from todokede.tui.dialogs.confirm import ConfirmDialog
    from todokede.tui.dialogs.help import HelpScreen
    from todokede.tui.screens.entry_form import EntryFormScreen
    from todokede.tui.screens.main import FilterInput

    owners: list[type[DOMNode]] = [
        TodokedeApp,
        MainScreen,
        EntryFormScreen,
        ConfirmDialog,
        HelpScreen,
        CatalogPicker,
        RegisterTree,
        FilterInput,
    ]
    for owner in owners:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding), owner
            assert binding.id, (owner.__name__, binding.key)


async def test_command_palette_jumps_to_a_process(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"介護保険")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        screen = main_screen(app)
        assert screen.detail.entry_id == "korei-kaigo-kaigo-hoken"


async def test_reload_reads_the_register_again(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        (sample_copy / "entries" / "kazei-keijidosha-zei.toml").unlink()
        await pilot.press("ctrl+r")
        await ready(pilot)
        assert "kazei-keijidosha-zei" not in listed_ids(screen.register_tree)
        assert len(listed_ids(screen.register_tree)) == 31


async def test_enter_reads_the_process_and_escape_comes_back(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        await pilot.press("slash", *"住民税", "enter")  # type, then from the filter to the list
        assert screen.register_tree.has_focus
        await pilot.press("enter")  # from the list into the tabs
        await pilot.pause()
        focused = app.focused
        assert focused is not None and screen.detail in focused.ancestors
        await pilot.press("escape")  # back to the list, the filter kept
        await pilot.pause()
        assert screen.register_tree.has_focus
        assert screen.filter_input.value == "住民税"
        await pilot.press("escape")  # and from the list, the filter cleared
        await pilot.pause()
        assert screen.filter_input.value == ""


async def test_command_palette_runs_actions_and_says_when_nothing_matches(
    sample_copy: Path,
) -> None:
    from textual.command import CommandList, CommandPalette

    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"zzzz")
        await pilot.pause(0.8)
        commands = palette.query_one(CommandList)
        prompts = [
            str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
        ]
        assert any("見つかりません" in p for p in prompts), prompts
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"新規作成")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        from todokede.tui.screens.entry_form import EntryFormScreen

        assert isinstance(app.screen, EntryFormScreen)
        assert app.screen.is_new


FREEZE_SCRIPT = """
import asyncio, gc, sys, weakref
from datetime import date
from pathlib import Path
from todokede.tui.app import TodokedeApp


class Cycle:
    def __init__(self) -> None:
        self.me = self  # only the cyclic collector frees it


async def open_app() -> None:
    app = TodokedeApp(Path(sys.argv[1]), as_of=date(2025, 4, 1))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.overview is not None


async def main() -> None:
    cycle = Cycle()
    canary = weakref.ref(cycle)
    await open_app()
    frozen = gc.get_freeze_count()
    del cycle
    gc.collect()
    alive_after_first = canary() is not None
    await open_app()
    print(frozen, alive_after_first, canary() is not None)


asyncio.run(main())
"""


def test_the_loaded_register_is_frozen_and_nothing_piles_up(sample_copy: Path) -> None:
    """Once loaded, the register's objects are out of the cyclic collector's sight
    (gc.freeze: every full collection would walk them all); what was frozen with them
    and became garbage since is unfrozen and collected before the next load.

    In a process of its own: the collector's state is the whole process's."""
    result = subprocess.run(
        [sys.executable, "-c", FREEZE_SCRIPT, str(sample_copy)],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    frozen, alive_after_first, alive_after_second = result.stdout.split()
    assert int(frozen) > 0
    assert alive_after_first == "True"  # frozen with the register: no collection sees it
    assert alive_after_second == "False"  # the next load unfroze and collected it first
