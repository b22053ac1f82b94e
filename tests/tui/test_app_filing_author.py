"""届出者 in the filing dialog: shown from git, editable, checked as ``--author`` is,
committed as, and remembered for the register on this machine (never committed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support.gitrepos import git
from tests.support.tui import (
    add_item,
    dialog_of,
    file_selected,
    main_screen,
    make_app,
    press_commit,
    ready,
    settle,
    shown,
)
from todokede.registry.git.author import CONFIG_KEY, default_author
from todokede.tui.screens.main import MainScreen

OTHER = "kazei-keijidosha-zei"
TYPED = "課税 花子 <kazei-hanako@example.jp>"


def add_item_to(root: Path, entry_id: str, item: str) -> None:
    path = root / "entries" / f"{entry_id}.toml"
    text = path.read_text("utf-8")
    before, sep, after = text.partition("record_items = [")
    path.write_text(f'{before}{sep}"{item}", {after}', "utf-8")


def last_author(root: Path) -> str:
    return git(root, "log", "-1", "--format=%an <%ae>").strip()


async def test_the_dialog_shows_who_files_and_remembers_a_typed_one(git_register: Path) -> None:
    add_item(git_register, "電子メールアドレス")
    add_item_to(git_register, OTHER, "電子メールアドレス")
    app = make_app(git_register)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        dialog = await file_selected(app, pilot)
        author = dialog.query_one("#filing-author", Input)
        assert author.value == "総務 太郎 <soumu@example.jp>"  # git's identity
        assert "git の利用者の設定から" in shown(dialog, "#filing-author-note")

        author.value = "課税 花子"  # not the form --author takes
        await settle(pilot)
        assert "届出者は「氏名 <メール>」の形で書いてください" in shown(
            dialog, "#filing-author-note"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused, everything kept
        assert "--author" not in shown(dialog, "#filing-message")
        assert "届出者は" in shown(dialog, "#filing-message")

        author.value = TYPED
        await settle(pilot)
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        assert last_author(git_register) == TYPED
        assert any("課税 花子" in n.message for n in app._notifications)
        # remembered in the repository's own config, nothing in the work tree
        assert git(git_register, "config", "--local", "--get", CONFIG_KEY).strip() == TYPED
        assert (
            git(git_register, "status", "--porcelain", "--", "entries", "registry.toml").count("\n")
            == 1
        )  # only the other entry's edit, waiting to be filed

        assert main_screen(app).select_entry(OTHER)
        await pilot.press("f")
        await settle(pilot)
        dialog = dialog_of(app)
        assert dialog.query_one("#filing-author", Input).value == TYPED
        assert "前回使った届出者" in shown(dialog, "#filing-author-note")
        # git's own identity again: filed as it, and nothing is remembered any more
        dialog.query_one("#filing-author", Input).value = "総務 太郎 <soumu@example.jp>"
        await settle(pilot)
        await press_commit(pilot)
        assert last_author(git_register) == "総務 太郎 <soumu@example.jp>"
        assert default_author(git_register).origin == "git"


@pytest.fixture
def register_without_identity(sample_copy: Path) -> Path:
    """The sample register committed by a one-off identity; git has none configured."""
    git(sample_copy, "init", "-q", "-b", "main")
    git(sample_copy, "add", "registry.toml", "entries")
    git(sample_copy, "-c", "user.name=導入", "-c", "user.email=setup@example.jp",
        "commit", "-q", "-m", "見本の登録簿")  # fmt: skip
    probe = subprocess.run(["git", "-C", str(sample_copy), "config", "user.name"], check=False)
    assert probe.returncode != 0
    return sample_copy


async def test_without_a_git_identity_the_dialog_asks_for_the_filer(
    register_without_identity: Path,
) -> None:
    root = register_without_identity
    add_item(root, "電子メールアドレス")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = await file_selected(app, pilot)
        author = dialog.query_one("#filing-author", Input)
        assert author.value == ""
        note = shown(dialog, "#filing-author-note")
        assert "git の利用者が設定されていません" in note and "--author" not in note
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "届出者を「氏名 <メール>」の形で入力してください" in shown(dialog, "#filing-message")
        assert app.focused is author
        await pilot.press(*"課税 花子 <kazei-hanako@example.jp>")
        await settle(pilot)
        await press_commit(pilot)
        assert isinstance(app.screen, MainScreen)
        assert last_author(root) == TYPED
        assert default_author(root).author == TYPED  # remembered: git has no identity
