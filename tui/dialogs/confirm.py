"""A yes/no question: はい dismisses with True, いいえ (or escape) with False.

The question may name a process or a file: it is shown as written, never read
as markup (:mod:`todokede.tui.plain`).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from todokede.tui.plain import literal, outside


class ConfirmDialog(ModalScreen[bool]):
    """Ask before doing something that cannot be undone or loses edits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "はい", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "いいえ", id="confirm-no"),
        Binding("left,right", "switch", show=False, id="confirm-switch"),
    ]

    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(
        self,
        question: str,
        *,
        title: str = "確認",
        yes: str = "はい",
        no: str = "いいえ",
        default_yes: bool = False,
    ) -> None:
        super().__init__()
        self._question = question
        self._title = title
        self._yes = yes
        self._no = no
        self._default_yes = default_yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal(self._title), id="confirm-title")
            yield Static(outside(self._question, multiline=True), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(literal(f"{self._yes} (y)"), id="yes", variant="warning", compact=True)
                yield Button(literal(f"{self._no} (n)"), id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # no toast over the question's buttons
        self.query_one("#yes" if self._default_yes else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_switch(self) -> None:
        focused = self.focused
        target = "#no" if focused is not None and focused.id == "yes" else "#yes"
        self.query_one(target, Button).focus()
