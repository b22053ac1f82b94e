"""Choose what a column of an imported sheet fills: a field, or 読み込まない.

Dismisses with the field's key (``purpose`` …, ``ignore``), or None when
cancelled. The fields and their Japanese names are the importer's
(:data:`todokede.reports.imports.labels.FIELD_TITLES`).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from todokede.reports.imports.labels import FIELD_TITLES, ITEM
from todokede.tui.plain import literal


class FieldPicker(ModalScreen[str | None]):
    """The fields a column may fill, the current one highlighted."""

    HELP_TITLE: ClassVar[str] = "列の項目"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "やめる", id="field-picker-cancel"),
    ]

    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(self, column: str, current: str | None) -> None:
        super().__init__()
        self._column = column
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="field-picker"):
            yield Static(literal(f"{self._column} に読み込む項目"), id="field-picker-title")
            yield OptionList(
                *(
                    Option(literal(title), id=key)
                    for key, title in FIELD_TITLES.items()
                    if key != ITEM
                ),
                id="field-picker-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [key for key in FIELD_TITLES if key != ITEM]
        if self._current in keys:
            options.highlighted = keys.index(self._current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
