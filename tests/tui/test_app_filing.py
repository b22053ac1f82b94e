"""Filing from the TUI on a real git register: after a save, with f, refused, abolished.

Every commit is made by :func:`todokede.registry.git.filing.file_entry` (the code of
``todokede file``); the dialog's pre-filled summary is checked against
:func:`todokede.registry.git.filing.draft_filing`.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from textual.widgets import Button, Checkbox, Input, RadioButton, Static, TextArea

from tests.support.gitrepos import commit_count, git, head, trailers
from tests.support.tui import (
    AS_OF,
    ENTRY,
    add_item,
    file_selected,
    interrupted_filing,
    main_screen,
    make_app,
    open_form,
    opened,
    plain,
    press_commit,
    ready,
    settle,
    shown,
    until,
)
from todokede.registry.files.pending import JOURNAL_NAME
from todokede.registry.git.filing import draft_filing
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.dialogs.filing import FilingDialog
from todokede.tui.screens.main import MainScreen
from todokede.tui.widgets.form_fields import LinesArea

AUTHOR = "総務 太郎 <soumu@example.jp>"


def summary_of(dialog: FilingDialog) -> str:
    return dialog.query_one("#filing-summary", TextArea).text


async def test_edit_save_then_file_from_the_offered_dialog(git_register: Path) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    app = make_app(git_register)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        items = form.query_one("#input-record_items", LinesArea)
        items.load_text(items.text + "\n電子メールアドレス")
        await pilot.press("ctrl+s")
        dialog = await opened(pilot)
        assert dialog.kind == "change"  # filed before: a change by default
        assert dialog.query_one("#filing-date", Input).value == "R7.4.1"  # the app's day
        assert "令和7年4月1日（2025-04-01）" in shown(dialog, "#filing-date-reading")
        expected = draft_filing(git_register, ENTRY, "change", AS_OF)
        assert summary_of(dialog) == expected.summary == "記録項目に「電子メールアドレス」を追加"
        assert "追加" in shown(dialog, "#filing-changes")
        assert "電子メールアドレス" in shown(dialog, "#filing-changes")
        assert not dialog.query_one("#filing-commit", Button).disabled

        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        data = tomllib.loads(path.read_text("utf-8"))
        last = data["filings"][-1]
        assert last == {
            "date": AS_OF,
            "kind": "change",
            "summary": "記録項目に「電子メールアドレス」を追加",
            "items_added": ["電子メールアドレス"],
        }
        subject = git(git_register, "log", "-1", "--format=%s")
        assert subject.strip() == (
            "変更届: 課税課 個人住民税賦課事務 — 記録項目に「電子メールアドレス」を追加"
        )
        assert trailers(git_register) == {
            "Filing-Kind": "change",
            "Filing-Date": "2025-04-01",
            "Entry": ENTRY,
        }
        assert git(git_register, "log", "-1", "--format=%an <%ae>").strip() == AUTHOR
        assert git(git_register, "status", "--porcelain").strip() == ""
        sha = head(git_register)[:7]
        assert any(
            sha in n.message and "変更届を記録しました" in n.title for n in app._notifications
        )
        # the main screen shows the process as filed
        screen = main_screen(app)
        item = screen.current_entry()
        assert item is not None and item.id == ENTRY
        assert item.entry.filings[-1].summary == "記録項目に「電子メールアドレス」を追加"


async def test_a_review_filing_with_the_summary_drafted_and_kept_once_typed(
    git_register: Path,
) -> None:
    before = commit_count(git_register)
    app = make_app(git_register)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        dialog = await file_selected(app, pilot)
        # unchanged since its last filing: refused beside the fields, in the dialog's words
        assert dialog.refusal is not None
        message = shown(dialog, "#filing-message")
        assert "前回の届出から変わっていません" in message and "「見直し」" in message
        assert "--review" not in message
        assert dialog.query_one("#filing-commit", Button).disabled

        # a review needs no change: drafted again, the summary pre-filled
        dialog.query_one("#filing-review", Checkbox).value = True
        await settle(pilot)
        assert dialog.refusal is None
        drafted = draft_filing(git_register, ENTRY, "change", AS_OF, review=True).summary
        assert summary_of(dialog) == drafted == "見直し（変更なし）"

        # a summary the user typed is never replaced by a new draft
        dialog.query_one("#filing-summary", TextArea).load_text("10年経過による見直し")
        dialog.query_one("#filing-date", Input).value = "令和7年3月31日"
        await settle(pilot)
        assert "令和7年3月31日（2025-03-31）" in shown(dialog, "#filing-date-reading")
        assert summary_of(dialog) == "10年経過による見直し"
        assert dialog.auto_summary == drafted
        # until it is reset
        await pilot.press("ctrl+r")
        assert summary_of(dialog) == drafted
        dialog.query_one("#filing-summary", TextArea).load_text("10年経過による見直し")

        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
    assert commit_count(git_register) == before + 1
    assert trailers(git_register)["Filing-Review"] == "true"
    assert trailers(git_register)["Filing-Date"] == "2025-03-31"
    data = tomllib.loads((git_register / "entries" / f"{ENTRY}.toml").read_text("utf-8"))
    assert data["filings"][-1]["summary"] == "10年経過による見直し"
    assert data["filings"][-1]["review"] is True


async def test_a_refused_filing_keeps_the_dialog_and_the_typed_summary(
    git_register: Path,
) -> None:
    path = add_item(git_register, "電子メールアドレス")
    on_disk = path.read_bytes()
    commit = head(git_register)
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = await file_selected(app, pilot)
        assert dialog.refusal is None
        dialog.query_one("#filing-summary", TextArea).load_text("メールでの連絡のため追加")

        # a date that does not exist: said beside the date, nothing committed
        dialog.query_one("#filing-date", Input).value = "令和7年2月30日"
        await settle(pilot)
        assert "存在しない日付" in shown(dialog, "#filing-date-reading")
        await press_commit(pilot)
        assert app.screen_stack[-1] is dialog

        # before the last filing: refused by the draft, and again by the commit
        dialog.query_one("#filing-date", Input).value = "H10.1.1"
        await settle(pilot)
        assert "前回の届出日" in shown(dialog, "#filing-message")
        assert dialog.query_one("#filing-commit", Button).disabled
        await press_commit(pilot)
        assert app.screen_stack[-1] is dialog
        assert "届け出られませんでした" in shown(dialog, "#filing-message")
        assert summary_of(dialog) == "メールでの連絡のため追加"
        assert path.read_bytes() == on_disk
        assert head(git_register) == commit

        # fixed: committed with the summary typed
        dialog.query_one("#filing-date", Input).value = "2025-04-01"
        await settle(pilot)
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
    assert head(git_register) != commit
    assert (
        git(git_register, "log", "-1", "--format=%s").strip().endswith("— メールでの連絡のため追加")
    )


async def test_abolish_asks_first(git_register: Path) -> None:
    path = git_register / "entries" / f"{ENTRY}.toml"
    commit = head(git_register)
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.select_entry(ENTRY)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert "「個人住民税賦課事務」（課税課）を廃止しますか" in plain(
            question.query_one("#confirm-question", Static).content
        )
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert head(git_register) == commit

        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        dialog = await opened(pilot)
        assert dialog.kind == "abolish"
        assert dialog.query_one("#kind-abolish", RadioButton).value
        assert summary_of(dialog) == "業務を廃止"
        await press_commit(pilot)
        assert app.screen is screen
        data = tomllib.loads(path.read_text("utf-8"))
        assert data["status"] == "abolished"
        assert data["filings"][-1]["kind"] == "abolish"
        assert trailers(git_register)["Filing-Kind"] == "abolish"
        assert screen.overview is not None and screen.overview.marks[ENTRY].abolished
        # nothing more to abolish
        assert screen.check_action("abolish_entry", ()) is None


async def test_choosing_abolish_in_the_dialog_asks_too(git_register: Path) -> None:
    commit = head(git_register)
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = await file_selected(app, pilot)
        dialog.query_one("#kind-abolish", RadioButton).value = True
        await settle(pilot)
        assert dialog.kind == "abolish"
        assert dialog.query_one("#filing-title", Static).content == "廃止届を出す"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen_stack[-1] is dialog
        assert head(git_register) == commit
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert head(git_register) == commit


async def test_a_process_never_filed_is_started(git_register: Path) -> None:
    new_id = "kazei-hoteigai-fuka"
    path = git_register / "entries" / f"{new_id}.toml"
    path.write_text(
        'name = "法定外税賦課事務"\ndepartment = "課税課"\npurpose = "法定外税を賦課するため"\n'
        'subjects = ["納税義務者"]\nrecord_items = ["氏名", "住所"]\n',
        encoding="utf-8",
    )
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.select_entry(new_id)
        await pilot.press("f")
        dialog = await opened(pilot)
        assert dialog.kind == "start"
        assert dialog.query_one("#filing-title", Static).content == "開始届を出す"
        assert summary_of(dialog) == "業務開始"
        await press_commit(pilot)
        assert app.screen is screen
        item = screen.current_entry()
        assert item is not None and item.id == new_id
        assert [f.kind for f in item.entry.filings] == ["start"]
    assert trailers(git_register)["Filing-Kind"] == "start"
    assert git(git_register, "status", "--porcelain").strip() == ""


async def test_a_written_summary_is_not_dropped_without_asking(git_register: Path) -> None:
    add_item(git_register, "電子メールアドレス")
    commit = head(git_register)
    app = make_app(git_register)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = await file_selected(app, pilot)
        # the drafted summary is no edit: escape just closes
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("f")
        dialog = await opened(pilot)
        dialog.query_one("#filing-summary", TextArea).load_text("自分で書いた概要")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await until(pilot, lambda: dialog.is_current)
        assert summary_of(dialog) == "自分で書いた概要"
        # quitting asks too
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await until(pilot, lambda: dialog.is_current)
        assert app.is_running
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
    assert head(git_register) == commit


async def test_a_refusal_after_finishing_an_interrupted_filing_says_what_was_finished(
    git_register: Path,
) -> None:
    path = interrupted_filing(git_register, "電子メールアドレス")
    commit = head(git_register)
    app = make_app(git_register)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.select_entry(ENTRY)
        loaded = screen.overview
        await pilot.press("f")
        dialog = await opened(pilot)
        assert dialog.notes == ()
        # the file still lacks the committed filing: the commit finishes that filing
        # first, then finds nothing left to file
        await press_commit(pilot)
        assert app.screen_stack[-1] is dialog
        assert len(dialog.notes) == 1
        assert "中断した" in dialog.notes[0] and "仕上げました" in dialog.notes[0]
        message = shown(dialog, "#filing-message")
        assert message.index("仕上げました") < message.index("届け出られませんでした")
        assert not (git_register / ".git" / JOURNAL_NAME).exists()
        assert head(git_register) == commit  # nothing more was committed
        # closed: the register is read again, the finished filing on screen
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, lambda: screen.overview is not loaded and screen.overview is not None)
        await ready(pilot)
        item = screen.current_entry()
        assert item is not None and item.id == ENTRY
        assert item.entry.filings[-1].date == date(2025, 3, 1)
    assert git(git_register, "show", f"HEAD:entries/{ENTRY}.toml") == path.read_text("utf-8")


async def test_a_filing_that_finished_an_interrupted_one_says_so(git_register: Path) -> None:
    interrupted_filing(git_register, "電子メールアドレス")
    app = make_app(git_register)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.select_entry(ENTRY)
        # a review needs no change: filed once the interrupted filing is finished
        await pilot.press("f")
        dialog = await opened(pilot)
        dialog.query_one("#filing-review", Checkbox).value = True
        dialog.query_one("#filing-date", Input).value = "R7.4.1"
        await settle(pilot)
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        notice = next(n for n in app._notifications if "を記録しました" in n.title)
        assert "仕上げました" in notice.message
        assert notice.severity == "warning"
    data = tomllib.loads((git_register / "entries" / f"{ENTRY}.toml").read_text("utf-8"))
    assert [f["date"] for f in data["filings"][-2:]] == [date(2025, 3, 1), AS_OF]
