"""個人情報ファイル in the TUI: the ファイル tab, the form's file blocks (add, remove,
inline errors, record items picked from the process's), filing a new file, the
filter on file names and the 簿 mark."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Button, Checkbox, Input, Select, Static

from tests.support.files import TWO_FILES, write_files
from tests.support.gitrepos import git
from tests.support.tui import (
    ENTRY,
    decline_filing,
    label_of,
    listed_ids,
    main_screen,
    make_app,
    open_form,
    opened,
    plain,
    press_commit,
    ready,
    static_text,
    until,
)
from todokede.tui.screens.entry_form import EntryFormScreen
from todokede.tui.screens.main import MainScreen
from todokede.tui.widgets.entry_detail import NO_FILES
from todokede.tui.widgets.form_fields import FileEditor, FileItemsPicker, LinesArea, RowsEditor
from todokede.tui.widgets.register_tree import EntryData, ProblemFileData

OTHER = "kazei-kotei-shisan-zei-kazei"  # 固定資産税賦課事務 (課税課)


def commit_all(root: Path, message: str = "ファイルを記録") -> None:
    git(root, "commit", "-qam", message)


def files_of(form: EntryFormScreen) -> RowsEditor:
    return form.query_one("#rows-files", RowsEditor)


def file_editor(form: EntryFormScreen, index: int) -> FileEditor:
    editor = files_of(form).editors()[index]
    assert isinstance(editor, FileEditor)
    return editor


def column_message(editor: FileEditor, key: str) -> str:
    return plain(editor.query_one(f".file-col-{key} .col-message", Static).content, 200)


def leaf_labels(screen: MainScreen) -> dict[str, str]:
    return {
        leaf.data.entry_id: label_of(leaf)
        for department in screen.register_tree.root.children
        for leaf in department.children
        if isinstance(leaf.data, EntryData)
    }


async def test_the_files_tab_shows_each_file_its_kind_persons_items_and_listing(
    sample_copy: Path,
) -> None:
    write_files(sample_copy)
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.select_entry(ENTRY)
        await pilot.pause()
        screen.detail.active_tab = "tab-files"
        await pilot.pause()
        body = static_text(screen, "#files-body", 60)
        assert "個人情報ファイル 2件" in body
        assert "個人住民税課税台帳ファイル" in body and "個人住民税申告書綴" in body
        assert "電算処理" in body and "マニュアル処理" in body
        assert "85,000人" in body and "12,000人" in body
        assert "氏名、住所、個人番号、税額" in body
        assert "記載" in body
        assert "除外 74-2-6（一年以内に消去することとなる記録情報のみを記録するもの）" in (
            static_text(screen, "#files-body", 200)
        )
        # every tab's label is in sight at 80 columns (the long one shortened)
        tabs = [tab.label.plain for tab in screen.detail.query("Tab")]  # type: ignore[attr-defined]
        assert tabs == ["概要", "記録項目", "ファイル", "委託等", "届出履歴", "変更履歴"]
        assert all(tab.region.right <= 80 for tab in screen.detail.query("Tab"))


async def test_the_files_tab_says_when_a_process_has_no_file_and_the_tree_marks_it(
    sample_copy: Path,
) -> None:
    write_files(sample_copy)
    write_files(sample_copy, "", OTHER)
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.select_entry(OTHER)
        await pilot.pause()
        body = static_text(screen, "#files-body", 200)
        assert NO_FILES in body and "簿" in body
        labels = leaf_labels(screen)
        assert "簿" in labels[OTHER].split("固定資産税")[0]
        assert "簿" not in labels[ENTRY]  # it has its files
        assert "ファイル簿の要確認" in static_text(screen, "#summary-body", 200)
        assert "簿ファイル簿の要確認" in static_text(screen, "#legend", 200).replace(" ", "")


async def test_a_file_left_out_of_the_book_by_mistake_is_marked(sample_copy: Path) -> None:
    # 74-2-9 with 5,000 本人: an error, so the file is listed with the files that
    # could not be loaded, marked; 74-2-7 holding more than contact items: a warning
    # on a process that loads, marked, and said in the ファイル tab.
    write_files(
        sample_copy,
        '[[files]]\nname = "個人住民税少数ファイル"\nkind = "manual"\n'
        'record_items = ["氏名"]\npersons = 5000\nexemption = "74-2-9"\n',
    )
    write_files(
        sample_copy,
        '[[files]]\nname = "固定資産税送付先ファイル"\nkind = "computer"\n'
        'record_items = ["氏名", "住所", "個人番号"]\npersons = 3000\nexemption = "74-2-7"\n',
        OTHER,
    )
    app = make_app(sample_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        problem_leaves = [
            label_of(leaf)
            for group in screen.register_tree.root.children
            for leaf in group.children
            if isinstance(leaf.data, ProblemFileData)
        ]
        assert f"簿 {ENTRY}.toml" in problem_leaves
        assert "簿" in leaf_labels(screen)[OTHER]
        assert screen.select_entry(OTHER)
        await pilot.pause()
        body = static_text(screen, "#files-body", 200)
        assert "除外 74-2-7" in body
        assert "▲ 74-2-7 は送付・連絡に必要な事項のみのファイルですが" in body


async def test_the_filter_finds_a_process_by_its_file_name(sample_copy: Path) -> None:
    write_files(
        sample_copy, TWO_FILES.replace("個人住民税課税台帳ファイル", "市民税課税台帳ファイル")
    )
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        await pilot.press("slash", *"市民税課税台帳", "enter")
        await pilot.pause()
        assert listed_ids(screen.register_tree) == [ENTRY]
        await pilot.press("slash", *["backspace"] * 7, *"課税台帳", "enter")
        await pilot.pause()
        assert ENTRY in listed_ids(screen.register_tree)


async def test_saving_unchanged_files_keeps_the_file_and_an_edit_changes_only_that(
    git_register: Path,
) -> None:
    path = write_files(git_register)
    commit_all(git_register)
    before = path.read_text("utf-8")
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        assert len(files_of(form).editors()) == 2
        assert not form.has_unsaved_edits()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert path.read_bytes() == before.encode("utf-8")

        form = await open_form(app, pilot)
        second = file_editor(form, 1)
        picker = second.query_one(FileItemsPicker)
        assert picker.chosen() == ["住所", "氏名", "所得の状況"]  # the file's order
        persons = second.column("persons")
        assert isinstance(persons, Input) and persons.value == "12000"
        persons.value = "13,000"
        await pilot.pause()
        assert "13,000人" in column_message(second, "persons")
        assert form.has_unsaved_edits()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EntryFormScreen))
        await decline_filing(app, pilot, "change")
    after = path.read_text("utf-8")
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [("persons = 12000", "persons = 13000")]


async def test_file_columns_show_their_errors_and_a_failed_save_keeps_the_form(
    git_register: Path,
) -> None:
    path = write_files(git_register)
    commit_all(git_register)
    before = path.read_text("utf-8")
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        # the process no longer lists 税額: the file keeps it (marked) until unchosen
        items = form.query_one("#input-record_items", LinesArea)
        items.load_text("\n".join(line for line in items.items if line != "税額"))
        await pilot.pause()
        first = file_editor(form, 0)
        picker = first.query_one(FileItemsPicker)
        assert picker.chosen() == ["氏名", "住所", "個人番号", "税額"]
        prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert "税額  業務の記録項目にない" in prompts
        exemption = first.column("exemption")
        assert isinstance(exemption, Select)
        exemption.value = "74-2-9"  # 85,000 本人: not fewer than 1,000
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused: the form and what was typed stay
        assert "税額" in column_message(first, "record_items")
        assert "74-2-9 にはあたりません" in column_message(first, "exemption")
        for key in ("record_items", "exemption"):
            assert first.query_one(f".file-col-{key}").has_class("-error")
        assert form.focused is not None and first in form.focused.ancestors
        summary = plain(form.query_one("#form-summary", Static).content, 200)
        assert "個人情報ファイル 1件目の記録項目" in summary
        assert exemption.value == "74-2-9" and "税額" in picker.chosen()

        # put right; then a count that is not one
        picker.deselect("税額")
        exemption.value = Select.NULL
        second = file_editor(form, 1)
        persons = second.column("persons")
        assert isinstance(persons, Input)
        persons.value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "0以上の整数" in column_message(second, "persons")
        assert column_message(first, "record_items").strip() == ""
        summary = plain(form.query_one("#form-summary", Static).content, 200)
        assert "個人情報ファイル 2件目の本人の数" in summary
        assert persons.value == ""
        assert path.read_text("utf-8") == before


async def test_add_a_file_in_the_form_save_and_file_it(git_register: Path) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    app = make_app(git_register)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        rows = files_of(form)
        count = len(rows.editors())
        rows.query_one(".row-add", Button).press()
        await until(pilot, lambda: len(rows.editors()) == count + 1)
        added = file_editor(form, count)
        # the cursor is in the new file's name
        await until(pilot, lambda: app.focused is added.column("name"))
        await pilot.press(*"個人住民税特別徴収ファイル")
        kind = added.column("kind")
        assert isinstance(kind, Select) and kind.value == "computer"
        kind.value = "manual"
        picker = added.query_one(FileItemsPicker)
        picker.focus()
        await pilot.press("space", "down", "down", "down", "down", "space")  # 氏名, 住所
        persons = added.column("persons")
        assert isinstance(persons, Input)
        persons.focus()
        await pilot.press(*"4,500円")  # only digits and separators are taken
        assert persons.value == "4,500"
        since = added.column("since")
        assert isinstance(since, Input)
        since.value = "R7.4.1"
        proposals = added.column("proposals")
        assert isinstance(proposals, Checkbox)
        proposals.value = True
        await pilot.pause()
        assert "令和7年4月1日" in column_message(added, "since")
        await pilot.press("ctrl+s")
        dialog = await opened(pilot)
        assert dialog.kind == "change"
        summary = dialog.query_one("#filing-summary").text  # type: ignore[attr-defined]
        assert "個人住民税特別徴収ファイル" in summary
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
    data = tomllib.loads(path.read_text("utf-8"))
    new = data["files"][-1]
    assert new["name"] == "個人住民税特別徴収ファイル"
    assert new["kind"] == "manual"
    assert new["record_items"] == ["氏名", "住所"]
    assert new["persons"] == 4500
    assert new["proposals"] is True
    assert str(new["since"]) == "2025-04-01"
    subject = git(git_register, "log", "-1", "--format=%s").strip()
    assert subject.startswith("変更届: 課税課 個人住民税賦課事務 — ")
    assert "個人住民税特別徴収ファイル" in subject
    assert git(git_register, "status", "--porcelain").strip() == ""


async def test_a_file_can_be_removed_and_a_provision_kind_chosen(git_register: Path) -> None:
    path = write_files(git_register)
    commit_all(git_register)
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        rows = files_of(form)
        file_editor(form, 0).query_one(".row-delete", Button).press()
        await until(pilot, lambda: len(rows.editors()) == 1)
        assert "個人情報ファイル 1" in plain(
            file_editor(form, 0).query_one(".file-number", Static).content
        )
        provision = form.query_one("#rows-provisions", RowsEditor).editors()[0]
        kind = provision.column("kind")
        assert isinstance(kind, Select) and kind.value in ("provision", "internal")
        chosen = "provision" if kind.value == "internal" else "internal"
        kind.value = chosen
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EntryFormScreen))
        await decline_filing(app, pilot, "change")
    data = tomllib.loads(path.read_text("utf-8"))
    assert [f["name"] for f in data["files"]] == ["個人住民税申告書綴"]
    assert data["provisions"][0].get("kind", "provision") == chosen
