"""Sync (s) from the TUI against a real bare repository shared by two clones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import LoadingIndicator, Static

from tests.support.gitrepos import ENTRY_ID, committed_register, git, head, lock_held
from tests.support.samples import VALID_ENTRY
from tests.support.tui import interrupted_filing, main_screen, make_app, plain, ready, until
from todokede.registry.git.filing import file_entry
from todokede.registry.git.sync import sync_register
from todokede.tui.app import TodokedeApp
from todokede.tui.dialogs.sync import SyncDialog
from todokede.tui.screens.main import MainScreen

OTHER_ID = "kenko-gan-kenshin"
OTHER = (
    VALID_ENTRY.replace("課税課", "健康増進課")
    .replace("個人住民税賦課事務", "がん検診事務")
    .replace('"地方税法に基づき個人住民税を賦課するため"', '"がん検診を実施するため"')
)


@pytest.fixture
def machines(tmp_path: Path, git_identity: None) -> tuple[Path, Path, Path]:
    """The shared bare repository and two clones of the register in it."""
    remote = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    first = committed_register(tmp_path / "kazei-pc", (ENTRY_ID, VALID_ENTRY), (OTHER_ID, OTHER))
    git(first, "remote", "add", "origin", str(remote))
    git(first, "push", "-q", "-u", "origin", "main")
    second = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(remote), str(second))
    return remote, first, second


def file_item(root: Path, entry_id: str, item: str, day: date) -> str:
    """Add a record item to an entry and file the change (as ``todokede file`` does)."""
    path = root / "entries" / f"{entry_id}.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"生年月日"]', f'"生年月日", "{item}"]'), "utf-8")
    return file_entry(root, entry_id, "change", day).commit


def remote_head(remote: Path) -> str:
    return git(remote, "rev-parse", "refs/heads/main").strip()


async def synced(app: TodokedeApp, pilot: Pilot[None]) -> SyncDialog:
    """s, and wait until the sync has answered."""
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, SyncDialog) and not app.screen.running)
    dialog = app.screen
    assert isinstance(dialog, SyncDialog)
    return dialog


def result_text(dialog: SyncDialog) -> str:
    return plain(dialog.query_one("#sync-result", Static).content)


async def test_sync_sends_and_receives_then_the_register_reloads(
    machines: tuple[Path, Path, Path],
) -> None:
    remote, first, second = machines
    file_item(first, ENTRY_ID, "個人番号", date(2016, 3, 22))
    file_item(second, OTHER_ID, "電話番号", date(2016, 4, 1))
    sync_register(second)

    app = make_app(first)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        main = main_screen(app)
        dialog = await synced(app, pilot)
        assert "同期しました（origin/main）: 取得 1件・送信 1件" in result_text(dialog)
        assert head(first) == remote_head(remote)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is main)

        def received() -> bool:
            other = main.overview.get(OTHER_ID) if main.overview is not None else None
            return other is not None and "電話番号" in other.entry.record_items

        # reloaded: the other department's filing is on screen now
        await until(pilot, received)

        again = await synced(app, pilot)
        assert "最新です" in result_text(again)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_conflict_names_the_processes_and_keeps_the_local_filing(
    machines: tuple[Path, Path, Path],
) -> None:
    remote, first, second = machines
    local = file_item(first, ENTRY_ID, "個人番号", date(2016, 3, 22))
    file_item(second, ENTRY_ID, "電話番号", date(2016, 4, 1))
    sync_register(second)
    shared = remote_head(remote)

    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        dialog = await synced(app, pilot)
        text = result_text(dialog)
        assert "同期を中止しました" in text
        assert "・個人住民税賦課事務（kazei-kojin-juminzei）" in text
        assert "手元の届出はそのまま残しています" in text
        assert head(first) == local
        assert remote_head(remote) == shared
        assert git(first, "status", "--porcelain").strip() == ""


async def test_a_refusal_is_one_line(tmp_path: Path, git_identity: None) -> None:
    alone = committed_register(tmp_path / "alone")
    app = make_app(alone)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = await synced(app, pilot)
        text = result_text(dialog).strip()
        assert text.startswith("同期できませんでした: リモートが設定されていません")
        assert "\n" not in plain(dialog.query_one("#sync-result", Static).content, 400).strip()


async def test_while_syncing_a_loading_indicator_shows_and_escape_waits(
    machines: tuple[Path, Path, Path],
) -> None:
    """A filing in another terminal holds the repository: the sync waits for it (a real lock)."""
    remote, first, _ = machines
    filed = file_item(first, ENTRY_ID, "電話番号", date(2025, 3, 1))
    app = make_app(first)
    with lock_held(first / ".git") as holder:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, SyncDialog))
            dialog = app.screen
            assert isinstance(dialog, SyncDialog)
            assert dialog.running
            assert dialog.query_one(LoadingIndicator).display
            assert "同期しています" in result_text(dialog)
            await pilot.press("escape")
            await pilot.pause()
            assert dialog.is_current  # a sync is not left half-seen
            holder.kill()  # the other filing ends
            await until(pilot, lambda: not dialog.running)
            assert not dialog.query_one(LoadingIndicator).display
            assert "取得 0件・送信 1件" in result_text(dialog)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
    assert remote_head(remote) == filed


async def test_a_sync_says_it_finished_an_interrupted_filing(
    machines: tuple[Path, Path, Path],
) -> None:
    remote, first, _ = machines
    interrupted_filing(first, "電子メールアドレス")
    app = make_app(first)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        dialog = await synced(app, pilot)
        text = result_text(dialog)
        assert "同期しました（origin/main）: 取得 0件・送信 1件" in text
        assert len(dialog.notes) == 1 and "仕上げました" in dialog.notes[0]
        assert dialog.notes[0] in text.replace("\n", "")
        assert text.index("同期しました") < text.index("仕上げました")  # as todokede sync says
    assert head(first) == remote_head(remote)
    assert git(first, "status", "--porcelain").strip() == ""


async def test_a_refused_sync_says_first_what_it_finished(
    tmp_path: Path, git_identity: None
) -> None:
    """A crash left a filing half done; the sync finishes it, then finds no remote."""
    root = committed_register(tmp_path / "reg", (ENTRY_ID, VALID_ENTRY))
    interrupted_filing(root, "電子メールアドレス")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        main = main_screen(app)
        loaded = main.overview
        dialog = await synced(app, pilot)
        assert len(dialog.notes) == 1 and "仕上げました" in dialog.notes[0]
        said = result_text(dialog).strip().replace("\n", "")  # as wrapped on screen
        assert said.startswith(dialog.notes[0])  # what was done, then the refusal
        assert said[len(dialog.notes[0]) :].startswith(
            "同期できませんでした: リモートが設定されていません"
        )
        # the files changed: the register is read again once the dialog closes
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is main)
        await until(pilot, lambda: main.overview is not loaded and main.overview is not None)
