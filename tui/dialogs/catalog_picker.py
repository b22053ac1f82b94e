"""Pick record items from the catalog, grouped by category, 要配慮 and 個人番号 marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from todokede.registry.schema.catalog import Catalog, CatalogItem
from todokede.registry.views.search import fold_text
from todokede.tui.plain import literal
from todokede.tui.widgets.form_fields import FormInput
from todokede.tui.widgets.marks import MY_NUMBER, SENSITIVE

ITEM_PREFIX = "item:"


def item_prompt(item: CatalogItem, chosen: bool, present: bool) -> Text:
    """One line of the picker: a check box, the name and its flags."""
    box = "[済]" if present else ("[✓]" if chosen else "[ ]")
    text = Text(box + " ", "dim" if present else ("bold green" if chosen else ""))
    text.append(item.name, "dim" if present else "")
    if item.my_number:
        text.append(" ")
        text.append(MY_NUMBER[0], MY_NUMBER[1])
        text.append("個人番号", "dim")
    if item.sensitive:
        text.append(" ")
        text.append(SENSITIVE[0], SENSITIVE[1])
        text.append("要配慮", "dim")
    if present:
        text.append("（記入済み）", "dim")
    return text


class CatalogPicker(ModalScreen[list[str] | None]):
    """Choose catalog items to add; dismisses with their names in catalog order."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "add", "追加", id="picker-add"),
        Binding("escape", "cancel", "取消", id="picker-cancel"),
        Binding("space", "toggle_item", "選択", show=False, id="picker-toggle"),
        # From the filter (the list's own ↓ moves in the list).
        Binding("down", "to_list", "一覧へ", show=False, id="picker-to-list"),
    ]

    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(self, catalog: Catalog, present: Sequence[str]) -> None:
        super().__init__()
        self._catalog = catalog
        self._present = {catalog.canonical(name) for name in present}
        self._chosen: list[str] = []
        self._items = {item.name: item for _, items in catalog.by_category() for item in items}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("記録項目を項目一覧から選ぶ", id="picker-title")
            yield FormInput(
                placeholder="絞り込み（例: 病歴、番号、ﾏｲﾅﾝﾊﾞｰ）", id="picker-filter", compact=True
            )
            yield OptionList(id="picker-list")
            yield Static(id="picker-status")
            with Horizontal(id="picker-buttons"):
                yield Button("追加 (ctrl+s)", id="picker-add", variant="primary", compact=True)
                yield Button("取消 (esc)", id="picker-cancel", compact=True)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # no toast over the picker's buttons
        self._fill("")
        self._update_status()
        self.filter_input.focus()

    @property
    def filter_input(self) -> Input:
        return self.query_one("#picker-filter", Input)

    @property
    def chosen(self) -> tuple[str, ...]:
        """The items chosen so far, in the order they were chosen."""
        return tuple(self._chosen)

    def on_key(self, event: events.Key) -> None:
        """Typing filters wherever the focus is: a character (space aside, which
        chooses in the list) or backspace in the list goes to the filter."""
        field = self.filter_input
        if field.has_focus:
            return
        if event.is_printable and event.character and event.character != " ":
            field.focus()
            field.insert_text_at_cursor(event.character)
        elif event.key == "backspace" and field.value:
            field.focus()
            field.action_delete_left()
        else:
            return
        event.stop()
        event.prevent_default()

    def action_to_list(self) -> None:
        self.query_one(OptionList).focus()

    def _fill(self, query: str) -> None:
        terms = fold_text(query).split()
        options: list[Option] = []
        for category, items in self._catalog.by_category():
            shown = [item for item in items if self._matches(item, terms)]
            if not shown:
                continue
            options.append(Option(literal(category, "bold underline"), disabled=True))
            for item in shown:
                present = item.name in self._present
                options.append(
                    Option(
                        item_prompt(item, item.name in self._chosen, present),
                        id=ITEM_PREFIX + item.name,
                        disabled=present,
                    )
                )
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        for index, option in enumerate(options):
            if not option.disabled:
                option_list.highlighted = index
                break

    @staticmethod
    def _matches(item: CatalogItem, terms: list[str]) -> bool:
        names = fold_text("\x00".join((item.name, item.category, *item.aliases)))
        return all(term in names for term in terms)

    def _update_status(self) -> None:
        chosen = "、".join(self._chosen) if self._chosen else "なし"
        self.query_one("#picker-status", Static).update(
            literal(
                f"選択中: {chosen}\n"
                "文字を打つと絞り込み、↓ で一覧へ、enter / space で選択・解除、ctrl+s で追加"
            )
        )

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _to_list(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._toggle(event.option)

    def action_toggle_item(self) -> None:
        option_list = self.query_one(OptionList)
        option = option_list.highlighted_option
        if option is not None and option_list.has_focus:
            self._toggle(option)

    def _toggle(self, option: Option) -> None:
        if option.id is None or not option.id.startswith(ITEM_PREFIX):
            return
        name = option.id.removeprefix(ITEM_PREFIX)
        if name in self._present:
            return
        if name in self._chosen:
            self._chosen.remove(name)
        else:
            self._chosen.append(name)
        self.query_one(OptionList).replace_option_prompt(
            option.id, item_prompt(self._items[name], name in self._chosen, False)
        )
        self._update_status()

    @on(Button.Pressed, "#picker-add")
    def action_add(self) -> None:
        order = list(self._items)
        self.dismiss(sorted(self._chosen, key=order.index))

    @on(Button.Pressed, "#picker-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
