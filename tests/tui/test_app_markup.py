"""Text from the register and from git shown as it is, never read as markup.

Names, purposes, summaries, record items, file names, git authors and commit
messages may hold ``[`` … ``]``: Textual and rich would read a plain ``str``
as markup (``[/oops]`` is a MarkupError that closes the app, ``[bold red]x[/]``
would be styled, ``[@click=app.quit]q[/]`` a link that quits). A real
register in git whose texts hold such brackets, and a git author holding a
bidi override, is opened on every screen: the app stays up and the literal text
is what the screen shows (read from an SVG export of the screen). Hidden
characters from git are shown as ``⟨U+202E⟩``.
"""

from __future__ import annotations

import ast
import html
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, TabbedContent

from tests.support.gitrepos import git
from tests.support.samples import PROJECT_ROOT
from tests.support.tui import (
    main_screen,
    make_app,
    open_history,
    open_reminders,
    opened,
    press_commit,
    ready,
    settle,
    until,
)
from todokede.tui.dialogs.catalog_picker import CatalogPicker
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.dialogs.filing import FilingDialog
from todokede.tui.dialogs.sync import SyncDialog
from todokede.tui.screens.entry_form import EntryFormScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.screens.report import ReportScreen
from todokede.tui.widgets.form_fields import RowsEditor

ENTRY = "kazei-kojin-juminzei"
#: An unknown closing tag: read as markup, it raises MarkupError.
OOPS = "[/oops]"
NAME = f"個人住民税{OOPS}賦課事務"
DEPARTMENT = f"課税課{OOPS}"
SECTION = "[bold red]x[/]係"
PURPOSE = "[@click=app.quit]q[/] 個人住民税を賦課するため"
RETENTION = "[/]7年"
ITEM = f"{OOPS}特記事項"
NEW_ITEM = "[red]新項目[/red]"
CONTRACTOR = "[b]株式会社[/b]武蔵野情報サービス"
SUMMARY = f"[bold red]x[/] 記録項目を追加{OOPS}"
REGISTER_NAME = f"個人情報取扱業務登録簿{OOPS}"
#: A git author: brackets, and a right-to-left override that would turn the line around.
AUTHOR_NAME = "[/oops]税務\u202e太郎 [bold red]x[/]"
AUTHOR_SHOWN = "[/oops]税務⟨U+202E⟩太郎 [bold red]x[/]"
COMMIT_MESSAGE = f"[bold red]x[/] 見本の登録簿{OOPS}"
#: A record item registry.toml adds to the catalog.
CATALOG_ITEM = "[b]ペット[/b]の名前"


#: The width of one terminal cell in Textual's SVG export.
CELL = 12.2
_SVG_TEXT = re.compile(
    r'<text class="terminal-(?:\d+-)?r\d+" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>'
)


def screen_text(app: App[None]) -> str:
    """What the terminal shows, line by line, as an SVG export of the screen holds it."""
    lines: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for x, y, text in _SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(text).replace("\xa0", " ").rstrip("\n")
        lines[float(y)].append((float(x), text))
    shown = []
    for _, parts in sorted(lines.items()):
        line = ""
        for x, text in sorted(parts):
            line += " " * (round(x / CELL) - cell_len(line)) + text
        shown.append(line)
    return "\n".join(shown)


async def assert_shown(
    pilot: Pilot[None], *literals: str, typed: bool = False, timeout: float = 10
) -> str:
    """Each literal is on screen as written (once the screen has been drawn), and no
    bidi override reached the screen (but in a field the user types in, when
    ``typed``); what the screen shows."""
    deadline = time.monotonic() + timeout
    while True:
        shown = screen_text(pilot.app)
        if all(literal in shown for literal in literals) or time.monotonic() > deadline:
            break
        await pilot.pause(0.05)
    for literal in literals:
        assert literal in shown, (literal, shown)
    assert typed or "\u202e" not in shown
    return shown


def _replace(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text("utf-8")
    for old, new in pairs:
        assert old in text, (path, old)
        text = text.replace(old, new)
    path.write_text(text, "utf-8")


@pytest.fixture
def marked_register(sample_copy: Path, git_identity: None) -> Path:
    """The sample register in git, its texts and its only commit's author full of brackets.

    個人住民税賦課事務 has markup-like text in its name, department, section,
    purpose, retention, a record item, a contractor and a filing of this year
    (so the report lists it); without its 2016 review it is overdue (so the
    reminders list it). The catalog has an item of the same kind. The commit's
    author holds a bidi override.
    """
    root = sample_copy
    _replace(
        root / "registry.toml",
        ('"課税課",', f'"{DEPARTMENT}",'),
        ('name = "個人情報取扱業務登録簿"', f'name = "{REGISTER_NAME}"'),
    )
    with (root / "registry.toml").open("a", encoding="utf-8") as file:
        file.write(f'\n[[catalog.items]]\nname = "{CATALOG_ITEM}"\ncategory = "その他"\n')
    for path in (root / "entries").glob("kazei-*.toml"):
        _replace(path, ('department = "課税課"', f'department = "{DEPARTMENT}"'))
    _replace(
        root / "entries" / f"{ENTRY}.toml",
        ('name = "個人住民税賦課事務"', f'name = "{NAME}"'),
        ('section = "市民税係"', f'section = "{SECTION}"'),
        (
            'purpose = "地方税法に基づき個人住民税（市民税・都民税）を賦課するため"',
            f'purpose = "{PURPOSE}"',
        ),
        ('retention = "7年"', f'retention = "{RETENTION}"'),
        ('"税額"]', f'"税額", "{ITEM}"]'),
        ('contractor = "株式会社武蔵野情報サービス"', f'contractor = "{CONTRACTOR}"'),
        ("review = true\n", ""),
    )
    with (root / "entries" / f"{ENTRY}.toml").open("a", encoding="utf-8") as file:
        file.write(
            f'\n[[filings]]\ndate = 2025-03-01\nkind = "change"\nsummary = "{SUMMARY}"\n'
            f'items_added = ["{ITEM}"]\n'
        )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "registry.toml", "entries")
    git(
        root,
        "-c",
        f"user.name={AUTHOR_NAME}",
        "-c",
        "user.email=zeimu@example.jp",
        "commit",
        "-q",
        "-m",
        COMMIT_MESSAGE,
    )
    return root


async def opened_on_entry(app: App[None], pilot: Pilot[None]) -> MainScreen:
    await ready(pilot)
    screen = main_screen(app)
    assert screen.overview is not None and not screen.overview.register.errors
    assert screen.select_entry(ENTRY)
    await pilot.pause()
    return screen


async def test_main_screen_and_every_tab_show_the_text_as_written(marked_register: Path) -> None:
    app = make_app(marked_register)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await opened_on_entry(app, pilot)
        await assert_shown(pilot, REGISTER_NAME, DEPARTMENT, NAME)  # header and tree
        tabs = screen.query_one(TabbedContent)
        await assert_shown(pilot, NAME, SECTION, PURPOSE, RETENTION)
        tabs.active = "tab-items"
        await pilot.pause()
        await assert_shown(pilot, ITEM)
        tabs.active = "tab-links"
        await pilot.pause()
        await assert_shown(pilot, CONTRACTOR)
        tabs.active = "tab-filings"
        await pilot.pause()
        await assert_shown(pilot, SUMMARY, f"追加: {ITEM}")
        tabs.active = "tab-history"
        await until(pilot, lambda: not app.workers._workers)
        await pilot.pause()
        await assert_shown(pilot, AUTHOR_SHOWN, COMMIT_MESSAGE)
        # the filter finds it by its brackets, and the palette offers it by name
        await pilot.press("slash", *"[/oops]")
        await pilot.pause()
        assert screen.register_tree.listed >= 1
        await assert_shown(pilot, NAME)
        await pilot.press("escape", "ctrl+p", *"賦課事務")
        await until(pilot, lambda: bool(app.screen.query(OptionList)))
        await pilot.pause(0.3)
        await assert_shown(pilot, f"{NAME}（{DEPARTMENT}）")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.is_running


async def test_form_and_its_department_list_show_the_text_as_written(
    marked_register: Path,
) -> None:
    app = make_app(marked_register)
    async with app.run_test(size=(120, 50)) as pilot:
        await opened_on_entry(app, pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EntryFormScreen))
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        await assert_shown(pilot, f"業務の編集: {NAME}（{ENTRY}）", DEPARTMENT, NAME)
        form.query_one("#input-department", Select).expanded = True
        await pilot.pause()
        await assert_shown(pilot, DEPARTMENT)
        form.query_one("#input-department", Select).expanded = False
        # a date typed with a bidi override is quoted beside its row with the mark
        row = form.query_one("#rows-outsourcing", RowsEditor).editors()[0]
        row.query_one(".col-since", Input).value = f"{OOPS}H11\u202e.4.1"
        row.scroll_visible(animate=False, top=True)
        await assert_shown(pilot, f"✖ 日付として読めません: 「{OOPS}H11⟨U+202E⟩.4.1」", typed=True)
        row.query_one(".col-since", Input).value = "H11.4.1"
        # the catalog picker lists the register's own item, and says it is chosen
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, CatalogPicker))
        picker = app.screen
        picker.query_one("#picker-filter", Input).value = "ペット"
        await pilot.pause()
        picker.query_one(OptionList).focus()
        await pilot.press("enter")
        await assert_shown(pilot, f"[✓] {CATALOG_ITEM}", f"選択中: {CATALOG_ITEM}")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is form)
        # saved: the filing dialog names the process as written
        form.query_one("#input-section", Input).value = f"{SECTION}2"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FilingDialog))
        await settle(pilot)
        await assert_shown(pilot, f"{DEPARTMENT} {NAME}（{ENTRY}）")


async def test_filing_dialog_and_its_notice_show_the_text_as_written(
    marked_register: Path,
) -> None:
    git(marked_register, "config", "user.name", AUTHOR_NAME)
    path = marked_register / "entries" / f"{ENTRY}.toml"
    _replace(path, (f'"税額", "{ITEM}"]', f'"税額", "{ITEM}", "{NEW_ITEM}"]'))
    app = make_app(marked_register)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await opened_on_entry(app, pilot)
        await pilot.press("f")
        dialog = await opened(pilot)
        await assert_shown(pilot, f"{DEPARTMENT} {NAME}（{ENTRY}）", NEW_ITEM)
        # a date that cannot be read is quoted beside the field, brackets and all
        date_input = dialog.query_one("#filing-date", Input)
        date_input.value = OOPS
        await settle(pilot)
        await assert_shown(pilot, f"✖ 日付として読めません: 「{OOPS}」")
        date_input.value = "R7.4.1"
        await settle(pilot)
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any(AUTHOR_SHOWN in n.message for n in app._notifications)
        # the notice, on screen (short: the process and who filed it)
        await assert_shown(pilot, f"{DEPARTMENT} {NAME}", "[/oops]税務⟨U+202E⟩太郎")


async def test_abolish_question_shows_the_name_as_written(marked_register: Path) -> None:
    app = make_app(marked_register)
    async with app.run_test(size=(120, 40)) as pilot:
        await opened_on_entry(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await assert_shown(pilot, f"「{NAME}」（{DEPARTMENT}）を廃止し")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_history_screen_shows_author_and_message_as_written(marked_register: Path) -> None:
    app = make_app(marked_register)
    async with app.run_test(size=(160, 40)) as pilot:
        await opened_on_entry(app, pilot)
        screen = await open_history(app, pilot)
        assert screen.items is not None and len(screen.items) == 1
        shown = await assert_shown(
            pilot, f"変更履歴: {DEPARTMENT} {NAME}（{ENTRY}）", AUTHOR_SHOWN, COMMIT_MESSAGE
        )
        assert f"{AUTHOR_SHOWN} <zeimu@example.jp>" in shown  # the commit's own view
        # the raw diff: the file as added, every line of it
        screen.query_one("#history-raw").scroll_visible(animate=False, top=True)
        await assert_shown(pilot, f'+purpose = "{PURPOSE}"', f'+retention = "{RETENTION}"')


async def test_report_preview_and_its_date_fields_show_the_text_as_written(
    marked_register: Path,
) -> None:
    app = make_app(marked_register)
    async with app.run_test(size=(160, 50)) as pilot:
        await opened_on_entry(app, pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen) and not app.screen.busy)
        report = app.screen
        assert isinstance(report, ReportScreen) and report.report is not None
        await assert_shown(pilot, DEPARTMENT, NAME, SUMMARY, ITEM)
        # a date that cannot be read is quoted beside the field
        report.query_one("#report-start", Input).value = OOPS
        report.flush_preview()
        await until(pilot, lambda: not report.busy)
        await assert_shown(pilot, f"✖ 日付として読めません: 「{OOPS}」")
        # an output folder that does not exist is named as typed
        report.query_one("#report-start", Input).value = "R7.1.1"
        report.query_one("#report-path", Input).value = f"{OOPS}/x.md"
        await pilot.press("ctrl+s")
        await assert_shown(pilot, f"出力先のフォルダがありません: {Path.cwd() / OOPS}")


async def test_reminders_show_the_text_as_written(marked_register: Path) -> None:
    app = make_app(marked_register)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_reminders(app, pilot)
        assert screen.report is not None
        assert ENTRY in {r.entry for r in screen.report.overdue}
        await assert_shown(pilot, DEPARTMENT)
        shown = screen_text(app)
        assert "個人住民税[/oops]" in shown  # the name, folded over two lines if need be


async def test_sync_refusal_shows_the_text_as_written(marked_register: Path) -> None:
    app = make_app(marked_register)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        dialog = SyncDialog(marked_register, remote=OOPS)
        await app.push_screen(dialog)
        await until(pilot, lambda: not dialog.running)
        await assert_shown(pilot, "同期できませんでした", OOPS)


async def test_files_that_cannot_be_read_are_named_as_they_are(sample_copy: Path) -> None:
    """File names are whatever the folder holds: brackets as written, a bidi override
    as a mark, in the tree, in the file's problems and in the notice of errors."""
    entries = sample_copy / "entries"
    (entries / "[bold red]x.toml").write_text('name = "x"\n', "utf-8")
    (entries / "bad\u202ename.toml").write_text('name = "y"\n', "utf-8")
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.overview is not None and screen.overview.register.errors
        assert any("登録簿の検査" in n.title for n in app._notifications)
        tree = screen.register_tree
        group = tree.root.children[-1]
        files = {str(node.label): node for node in group.children}
        tree.move_cursor(group.children[-1])  # the tree scrolls down to the files
        await assert_shown(pilot, "[bold red]x.toml", "bad⟨U+202E⟩name.toml")
        tree.move_cursor(files["[bold red]x.toml"])
        await assert_shown(pilot, "entries/[bold red]x.toml は読み込めませんでした")
        tree.move_cursor(files["bad⟨U+202E⟩name.toml"])
        await assert_shown(pilot, "entries/bad⟨U+202E⟩name.toml は読み込めませんでした")


def test_every_notification_is_plain_text() -> None:
    """Every ``notify`` in the app passes ``markup=False``: its message may quote the
    register, git or an error, and Textual would read a plain ``str`` as markup."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "tui").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "notify"
            ):
                plain = any(
                    k.arg == "markup"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value is False
                    for k in node.keywords
                )
                if not plain:
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert offenders == []
