"""Sync (s): fetch, rebase the local filings, push — with a clear result.

:func:`todokede.registry.git.sync.sync_register` runs in a worker while the dialog shows a
loading indicator and the seconds gone by. The result is one of: 取得 N件・
送信 N件, 最新です, a conflict naming the processes (nothing local is lost),
or a refusal in one line. What the sync did first (a filing a crash
interrupted, finished: :attr:`SyncResult.notes`, or the notes of a refusal) is
said too, as ``todokede sync`` says it. The dialog dismisses with True when the
register may have changed (the main screen then reloads it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, LoadingIndicator, Static

from todokede.registry.git.sync import SyncConflict, SyncResult
from todokede.registry.views.display import visible
from todokede.tui.failures import describe_failure
from todokede.tui.plain import outside


def notes_view(notes: Sequence[str]) -> list[Text]:
    """What was done besides (a filing a crash interrupted, finished), one line each."""
    return [outside(note, "yellow") for note in notes]


def result_view(result: SyncResult) -> RenderableType:
    """取得 N件・送信 N件, or 最新です; then what was done besides."""
    where = visible(f"{result.remote}/{result.branch}")
    if not result.received and not result.sent:
        head = Text.assemble(("最新です", "bold green"), f"（{where} と同じです）")
    else:
        head = Text.assemble(
            ("同期しました", "bold green"),
            f"（{where}）: 取得 {result.received}件・送信 {result.sent}件",
        )
    lines: list[RenderableType] = [head]
    if result.attempts > 1:
        lines.append(
            Text(
                f"他の端末が先に送信していたため、取り込み直して送り直しました"
                f"（{result.attempts}回目で完了）",
                "dim",
            )
        )
    if result.upstream_set:
        lines.append(Text(f"このブランチは今後 {where} と同期します", "dim"))
    lines += notes_view(result.notes)
    return Group(*lines)


def conflict_view(conflict: SyncConflict, notes: Sequence[str] = ()) -> RenderableType:
    """What was done first; then the processes changed on both sides, by name
    (their names as the remote's files hold them); nothing local was lost."""
    lines: list[RenderableType] = [
        *notes_view(notes),
        Text("同期を中止しました: 同じ業務が他の端末でも変更されていました", "bold red"),
    ]
    for entry_id, name in conflict.entries:
        lines.append(outside(f"・{name}（{entry_id}）" if name else f"・{entry_id}"))
    if not conflict.entries:
        lines.append(outside(str(conflict), multiline=True))
    lines.append(
        Text(
            "手元の届出はそのまま残しています。git pull --rebase で内容を突き合わせてください",
            "dim",
        )
    )
    return Group(*lines)


def refusal_view(message: str, notes: Sequence[str] = ()) -> RenderableType:
    """What was done first, then why the sync could not be done, in one line."""
    refusal = Text.assemble(("同期できませんでした: ", "bold red"), outside(message))
    return Group(*notes_view(notes), refusal)


class SyncDialog(ModalScreen[bool]):
    """Run a sync and show what it did; True when the register may have changed."""

    HELP_TITLE: ClassVar[str] = "同期"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "閉じる", id="sync-close"),
        # A modal screen hides the app's keys: the key list is offered here again.
        Binding("question_mark,f1", "app.help", "キー一覧", id="sync-help"),
    ]

    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(self, root: Path, remote: str | None = None) -> None:
        super().__init__()
        self.root = root
        self.remote = remote
        self.running = True
        self.outcome: SyncResult | SyncConflict | str | None = None
        """What the sync did: its result, the conflict, or the refusal."""
        self.notes: tuple[str, ...] = ()
        """What the sync did first (a filing a crash interrupted, finished)."""
        self._started = time.monotonic()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("同期 — 共有先と届出をやりとりします", id="sync-title")
            yield LoadingIndicator(id="sync-progress")
            yield Static("同期しています…", id="sync-result")
            with Horizontal(id="sync-buttons"):
                yield Button("閉じる (enter)", id="sync-close", compact=True, disabled=True)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # no toast over the dialog's result
        self.set_interval(1, self._tick)
        self._sync()

    def _tick(self) -> None:
        if self.running:
            seconds = int(time.monotonic() - self._started)
            self.query_one("#sync-result", Static).update(
                Text(f"同期しています…（取得・載せ直し・送信、{seconds}秒経過）")
            )

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync(self) -> None:
        from todokede.registry.git.sync import sync_register

        outcome: SyncResult | SyncConflict | str
        notes: tuple[str, ...] = ()
        try:
            outcome = sync_register(self.root, self.remote)
            notes = outcome.notes
        except SyncConflict as conflict:
            outcome = conflict
            notes = tuple(getattr(conflict, "__notes__", ()))
        except Exception as error:  # shown on screen: a user never sees a traceback
            outcome = describe_failure(error)
            notes = tuple(getattr(error, "__notes__", ()))  # done before the refusal
        self.app.call_from_thread(self._done, outcome, notes)

    def _done(self, outcome: SyncResult | SyncConflict | str, notes: tuple[str, ...] = ()) -> None:
        self.running = False
        self.outcome = outcome
        self.notes = notes
        self.query_one(LoadingIndicator).display = False
        shown: RenderableType
        if isinstance(outcome, SyncResult):
            shown = result_view(outcome)
        elif isinstance(outcome, SyncConflict):
            shown = conflict_view(outcome, notes)
        else:
            shown = refusal_view(outcome, notes)
        self.query_one("#sync-result", Static).update(shown)
        close = self.query_one("#sync-close", Button)
        close.disabled = False
        close.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return not self.running
        return True

    def action_close(self) -> None:
        if not self.running:  # a finished filing changed the files, even if refused after
            self.dismiss(isinstance(self.outcome, SyncResult) or bool(self.notes))

    @on(Button.Pressed, "#sync-close")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()
