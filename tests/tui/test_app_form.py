"""The entry form through Pilot, on a real git register: save, refuse, ask, create."""

from __future__ import annotations

import time
import tomllib
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList, Select, Static, TextArea

from tests.support.gitrepos import git, lock_held
from tests.support.tui import ENTRY, decline_filing, form_of, make_app, open_form, ready, until
from todokede.registry.git.filing import file_entry
from todokede.registry.views import draft
from todokede.tui.dialogs.catalog_picker import CatalogPicker
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.dialogs.help import HelpScreen
from todokede.tui.screens.entry_form import EntryFormScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.widgets.form_fields import FieldBox, LinesArea, RowsEditor


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def message(form: EntryFormScreen, key: str) -> str:
    box = form.query_one(f"#field-{key}", FieldBox)
    return str(box.query_one(".field-message", Static).content)


async def test_edit_and_save_writes_the_toml_keeping_comments(git_register: Path) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    before = path.read_text(encoding="utf-8")
    head = git(git_register, "rev-parse", "HEAD")
    app = make_app(git_register)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        form.query_one("#input-section", Input).value = "市民税第二係"
        items = form.query_one("#input-record_items", LinesArea)
        items.load_text(items.text + "\n電子メールアドレス")
        await pilot.press("ctrl+s")
        await ready(pilot)  # the save runs in a worker
        await decline_filing(app, pilot, "change")
        after = path.read_text(encoding="utf-8")
        data = tomllib.loads(after)
        assert data["section"] == "市民税第二係"
        assert data["record_items"][-1] == "電子メールアドレス"
        assert comments(after) == comments(before)
        assert data["filings"] == tomllib.loads(before)["filings"]
        # written, not filed: the file is modified in the work tree, nothing committed
        assert git(git_register, "status", "--porcelain", "--", str(path)).startswith(" M")
        assert git(git_register, "rev-parse", "HEAD") == head
        # the main screen reads it back and shows it
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.detail.entry_id == ENTRY
        assert screen.overview is not None
        saved = screen.overview.get(ENTRY)
        assert saved is not None and saved.entry.section == "市民税第二係"
        assert any("まだ届出していません" in n.message for n in app._notifications)


async def test_a_failed_save_keeps_the_form_and_shows_errors_beside_fields(
    git_register: Path,
) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    before = path.read_bytes()
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        name = form.query_one("#input-name", Input)
        name.value = "   "
        purpose = form.query_one("#input-purpose", TextArea)
        purpose.load_text("新しい目的（保存されないはず）")
        rows = form.query_one("#rows-outsourcing", RowsEditor)
        await rows.add_row()
        await pilot.pause()
        editor = rows.editors()[-1]
        editor.query_one(".col-contractor", Input).value = "株式会社テスト"
        editor.query_one(".col-since", Input).value = "平成32年1月1日"
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.screen_stack[-1] is form
        assert path.read_bytes() == before
        # everything typed is still there
        assert name.value == "   "
        assert purpose.text == "新しい目的（保存されないはず）"
        assert editor.query_one(".col-contractor", Input).value == "株式会社テスト"
        # errors beside their fields, and a summary on top
        assert "空にはできません" in message(form, "name")
        assert form.query_one("#field-name", FieldBox).has_class("-error")
        row_message = str(editor.query_one(".row-message", Static).content)
        assert "開始日" in row_message and "平成にない日付" in row_message
        summary = str(form.query_one("#form-summary", Static).content)
        assert "保存できません: エラーが 2件" in summary
        assert form.focused is name

        # fixing the errors saves
        name.value = "個人住民税賦課事務（改）"
        editor.query_one(".col-since", Input).value = "H22.4.1"
        await pilot.press("ctrl+s")
        await ready(pilot)  # the save runs in a worker
        await decline_filing(app, pilot, "change")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data["name"] == "個人住民税賦課事務（改）"
        assert data["outsourcing"][-1]["contractor"] == "株式会社テスト"
        assert str(data["outsourcing"][-1]["since"]) == "2010-04-01"


async def test_warnings_are_shown_but_do_not_block(git_register: Path) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        items = form.query_one("#input-record_items", LinesArea)
        items.load_text(items.text + "\n独自の項目")
        await pilot.pause()
        notes = str(form.query_one("#record-items-notes", Static).content)
        assert "項目一覧にない項目" in notes
        await pilot.press("ctrl+s")
        await ready(pilot)  # the save runs in a worker
        await decline_filing(app, pilot, "change")
        data = tomllib.loads(
            (git_register / "entries" / f"{ENTRY}.toml").read_text(encoding="utf-8")
        )
        assert data["record_items"][-1] == "独自の項目"
        assert any("警告 1件" in n.message for n in app._notifications)


async def test_leaving_with_unsaved_edits_asks_first(git_register: Path) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    before = path.read_bytes()
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        form.query_one("#input-section", Input).value = "変更した係"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen_stack[-1] is form
        assert form.query_one("#input-section", Input).value == "変更した係"

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert path.read_bytes() == before


async def test_leaving_without_edits_just_leaves(git_register: Path) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        # typing and undoing it is no edit; blank trailing lines are none either
        form.query_one("#input-section", Input).value = "x"
        form.query_one("#input-section", Input).value = "市民税係"
        sources = form.query_one("#input-sources", LinesArea)
        sources.load_text(sources.text + "\n\n")
        assert not form.has_unsaved_edits()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_quitting_with_unsaved_edits_asks_first(git_register: Path) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        form.query_one("#input-name", Input).value = "変えた名前"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen_stack[-1] is form
        assert app.is_running


async def test_new_entry_creates_the_file_with_the_given_id(git_register: Path) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        main.select_entry(ENTRY)
        await pilot.press("n")
        await pilot.pause()
        form = form_of(app)
        assert form.is_new
        # the department under the cursor is chosen already
        assert form.query_one("#input-department", Select).value == "課税課"

        id_input = form.query_one("#input-id", Input)
        assert id_input.has_focus
        await pilot.press(*ENTRY)
        await pilot.pause()
        assert "既に使われています" in message(form, "id")
        id_input.value = "kazei-hoteigai-fuka"
        await pilot.pause()
        assert message(form, "id") == ""
        form.query_one("#input-name", Input).value = "法定外税賦課事務"
        form.query_one("#input-purpose", TextArea).load_text("法定外税を賦課するため")
        form.query_one("#input-subjects", LinesArea).load_text("納税義務者")
        form.query_one("#input-record_items", LinesArea).load_text("氏名\n住所\nマイナンバー")
        await pilot.press("ctrl+s")
        await ready(pilot)  # the save runs in a worker

        await decline_filing(app, pilot, "start")
        path = git_register / "entries" / "kazei-hoteigai-fuka.toml"
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# 課税課 法定外税賦課事務\n")
        data = tomllib.loads(text)
        assert data["department"] == "課税課"
        assert data["record_items"] == ["氏名", "住所", "マイナンバー"]
        assert data["status"] == "active"
        assert "filings" not in data
        assert main.detail.entry_id == "kazei-hoteigai-fuka"
        assert main.overview is not None
        assert main.overview.marks["kazei-hoteigai-fuka"].my_number


async def test_new_entry_refuses_an_existing_id(git_register: Path) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    before = path.read_bytes()
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = form_of(app)
        form.query_one("#input-id", Input).value = ENTRY
        form.query_one("#input-name", Input).value = "重複"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen_stack[-1] is form
        assert "既に使われています" in message(form, "id")
        assert "業務ID" in str(form.query_one("#form-summary", Static).content)
        assert path.read_bytes() == before


async def test_catalog_picker_adds_items_grouped_and_marked(git_register: Path) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CatalogPicker)
        picker.query_one("#picker-filter", Input).value = "病歴"
        await pilot.pause()
        options = picker.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0] == "心身の状況"
        assert "病歴" in prompts[1] and "要配慮" in prompts[1]
        options.focus()
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen_stack[-1] is form
        items = form.query_one("#input-record_items", LinesArea).items
        assert items[-1] == "病歴"


@pytest.mark.parametrize("kind", ["outsourcing", "connections", "provisions"])
async def test_rows_can_be_added_and_removed(git_register: Path, kind: str) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        rows = form.query_one(f"#rows-{kind}", RowsEditor)
        count = len(rows.editors())
        await rows.add_row()
        await pilot.pause()
        assert len(rows.editors()) == count + 1
        assert isinstance(app.focused, Input)
        rows.editors()[-1].query_one(".row-delete", Button).press()
        await pilot.pause()
        assert len(rows.editors()) == count


async def test_a_file_changed_on_disk_meanwhile_is_not_overwritten_without_asking(
    git_register: Path,
) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        form.query_one("#input-section", Input).value = "画面で直した係"
        outside = path.read_text(encoding="utf-8").replace("市民税係", "エディタで直した係")
        path.write_text(outside, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen_stack[-1] is form
        assert path.read_text(encoding="utf-8") == outside
        assert form.query_one("#input-section", Input).value == "画面で直した係"

        await pilot.press("ctrl+s")
        await pilot.pause()
        again = outside.replace("エディタで直した係", "もう一度直した係")
        path.write_text(again, encoding="utf-8")  # while the question is open
        await pilot.press("y")  # a yes overwrites what was asked about, not this
        await ready(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert path.read_text(encoding="utf-8") == again
        await pilot.press("y")
        await ready(pilot)
        await decline_filing(app, pilot, "change")
        assert tomllib.loads(path.read_text(encoding="utf-8"))["section"] == "画面で直した係"


async def test_a_filing_from_another_terminal_is_kept_by_a_later_save(
    git_register: Path,
) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)  # the register is loaded; then, elsewhere, a review is filed
        before = len(tomllib.loads(path.read_text(encoding="utf-8"))["filings"])
        file_entry(git_register, ENTRY, "change", date(2026, 11, 27), review=True)
        form = await open_form(app, pilot)
        form.query_one("#input-section", Input).value = "画面で直した係"
        await pilot.press("ctrl+s")
        await ready(pilot)  # the save runs in a worker
        await decline_filing(app, pilot, "change")  # saved without a question
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["section"] == "画面で直した係"
    assert len(data["filings"]) == before + 1 and data["filings"][-1]["review"] is True


async def test_a_write_that_fails_keeps_the_form(
    git_register: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filing or sync holds the repository (a real lock, in another process)."""
    path = git_register / "entries" / f"{ENTRY}.toml"
    before = path.read_bytes()
    monkeypatch.setenv("TODOKEDE_LOCK_TIMEOUT", "0.2")
    with lock_held(git_register / ".git") as holder:
        app = make_app(git_register)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            form = await open_form(app, pilot)
            form.query_one("#input-section", Input).value = "書けない係"
            await pilot.press("ctrl+s")
            await ready(pilot)  # the save runs in a worker: waits 0.2 s, then fails
            assert app.screen_stack[-1] is form
            assert form.query_one("#input-section", Input).value == "書けない係"
            summary = str(form.query_one("#form-summary", Static).content)
            assert "保存できませんでした: 同じ登録簿で別の todokede" in summary
            assert "入力した内容はそのままです" in summary
            assert path.read_bytes() == before

            holder.kill()  # the filing ends: the same form saves
            holder.wait()
            await pilot.press("ctrl+s")
            await ready(pilot)  # the save runs in a worker
            await decline_filing(app, pilot, "change")
            assert tomllib.loads(path.read_text(encoding="utf-8"))["section"] == "書けない係"


async def test_the_form_answers_while_its_save_waits_for_the_lock(
    git_register: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filing or a sync in a real second process holds the repository: the save waits
    for it in its worker, and meanwhile the form says it is saving, holds what was typed
    and answers keys (the key list opens and closes, the body scrolls); once the lock is
    free the same save goes through, and what came while the key list was open waits
    for the form to be back on top."""
    path = git_register / "entries" / f"{ENTRY}.toml"
    before = path.read_bytes()
    # Waits longer than SAVE_LOCK_WAIT (3 s), so that a slow machine cannot time it out.
    monkeypatch.setattr(draft, "SAVE_LOCK_WAIT", 60.0)
    monkeypatch.delenv("TODOKEDE_LOCK_TIMEOUT", raising=False)
    with lock_held(git_register / ".git") as holder:
        app = make_app(git_register)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            form = await open_form(app, pilot)
            section = form.query_one("#input-section", Input)
            section.value = "待っている係"
            await pilot.press("ctrl+s")
            await pilot.pause()
            started = time.monotonic()
            assert form.saving and app.screen is form
            summary = str(form.query_one("#form-summary", Static).content)
            assert "保存しています" in summary
            assert section.disabled and form.query_one("#form-save", Button).disabled

            await pilot.press("f1")  # the UI answers while the save waits
            await until(pilot, lambda: isinstance(app.screen, HelpScreen))
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is form)
            body = form.query_one("#form-body")
            await pilot.press("end")
            await until(pilot, lambda: body.scroll_y > 0)
            await pilot.press("ctrl+s")  # a second save is not started, and said so
            await pilot.press("escape")  # nor is the form left
            await pilot.pause()
            assert app.screen is form and form.saving
            assert path.read_bytes() == before  # still waiting for the lock
            assert time.monotonic() - started < 60

            await pilot.press("f1")  # the save ends while the key list is on top
            await until(pilot, lambda: isinstance(app.screen, HelpScreen))
            holder.kill()
            holder.wait()
            await ready(pilot)
            assert isinstance(app.screen, HelpScreen)
            assert tomllib.loads(path.read_text(encoding="utf-8"))["section"] == "待っている係"
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, (HelpScreen, EntryFormScreen)))
            assert not form.saving
            await decline_filing(app, pilot, "change")


async def test_a_failed_save_gives_the_fields_back_as_typed(
    git_register: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TODOKEDE_LOCK_TIMEOUT", "0.2")
    with lock_held(git_register / ".git"):
        app = make_app(git_register)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            form = await open_form(app, pilot)
            section = form.query_one("#input-section", Input)
            section.value = "書けない係"
            section.focus()
            await pilot.press("ctrl+s")
            await ready(pilot)
            assert not form.saving and app.screen is form
            assert not section.disabled and app.focused is section
            assert section.value == "書けない係"
            assert str(form.query_one("#form-save", Button).label) == "保存 (ctrl+s)"
            assert not form.query_one("#form-summary", Static).has_class("-working")
