"""``TodokedeApp``: the register in a terminal. Thin: screens do the work.

Only the main screen is imported with the app: every other screen and dialog
(and what it needs: git, diffs, reports, filing) is imported by the action that
opens it, so that the register is on screen sooner.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from todokede.tui.palette import EntryJumpProvider, TodokedeCommands, TodokedePalette
from todokede.tui.screens.main import MainScreen

DEBUG_ENV = "TODOKEDE_DEBUG"


def holds_unsaved_edits(screen: Screen[object]) -> bool:
    """Whether leaving ``screen`` would lose what was typed: the entry form and the
    filing dialog say so through ``has_unsaved_edits`` (asked without importing them)."""
    has_unsaved_edits = getattr(screen, "has_unsaved_edits", None)
    return callable(has_unsaved_edits) and bool(has_unsaved_edits())


class TodokedeApp(App[None]):
    """The register at ``root``; ``as_of`` is the day the review clock reads."""

    TITLE = "todokede"
    #: What every screen shares, the widgets' own styles, and the main screen's (the
    #: default screen: Textual reads no CSS_PATH of it); the other screens and the
    #: dialogs load theirs through their own CSS_PATH.
    CSS_PATH: ClassVar = ["styles/app.tcss", "styles/widgets.tcss", "styles/main.tcss"]
    COMMANDS: ClassVar = {TodokedeCommands, EntryJumpProvider}
    # Textual declares this attribute without ClassVar, so it cannot be annotated here.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "終了", priority=True, id="quit"),
        Binding("question_mark,f1", "help", "キー一覧", id="help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "コマンド",
            show=False,
            priority=True,
            id="command-palette",
        ),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="help-quit"),
    ]

    def __init__(self, root: Path, *, as_of: date | None = None) -> None:
        super().__init__()
        self.root = root
        self.as_of = as_of or date.today()

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.root, self.as_of)

    # -- keys and commands ------------------------------------------------------

    def action_help(self) -> None:
        from todokede.tui.dialogs.help import HelpScreen, screen_keys

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        title = str(getattr(screen, "HELP_TITLE", "todokede"))
        legend = bool(getattr(screen, "HELP_LEGEND", False))
        self.push_screen(HelpScreen(title, screen_keys(screen), show_legend=legend))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(TodokedePalette())

    def action_help_quit(self) -> None:
        self.notify("終了するには ctrl+q を押してください", title="終了しますか？", markup=False)

    async def action_quit(self) -> None:
        """Quit, but ask first when a form or the filing dialog holds unsaved edits."""
        if not any(holds_unsaved_edits(s) for s in self.screen_stack):
            self.exit()
            return
        from todokede.tui.dialogs.confirm import ConfirmDialog

        if any(isinstance(s, ConfirmDialog) for s in self.screen_stack):
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(
            ConfirmDialog(
                "保存または届出していない入力があります。捨てて終了しますか？",
                title="終了しますか",
                yes="捨てて終了",
                no="編集を続ける",
            ),
            answered,
        )

    # -- the last line of defence -------------------------------------------------

    def _fatal_error(self) -> None:
        """An unexpected error: one line for the user, the traceback only when debugging.

        Overrides Textual's private hook, which otherwise prints a full
        traceback on exit; with ``TODOKEDE_DEBUG=1`` Textual's own output is kept.
        """
        import os

        from todokede.registry.views.display import visible

        if os.environ.get(DEBUG_ENV):
            super()._fatal_error()
            return
        error = self._exception
        detail = (
            visible(f"{type(error).__name__}: {error}") if error is not None else "不明なエラー"
        )
        self.bell()
        self._exit_renderables.append(
            Text(
                f"エラー: 予期しないエラーで終了しました（{detail}）。"
                f"{DEBUG_ENV}=1 を付けて実行すると詳細が表示されます",
                style="red",
            )
        )
        self._close_messages_no_wait()
