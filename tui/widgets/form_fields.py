"""The pieces of the entry form: labelled fields with their messages, line lists,
the record-item editor, date inputs and editable rows (委託・結合・提供).

Widgets only collect text and show messages; turning text into entry data and
checking it is :mod:`todokede.registry.views.draft`'s job.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any, ClassVar, Final

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea

from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.fields import FIELDS_BY_KEY
from todokede.registry.schema.problems import Severity
from todokede.registry.schema.wareki import WarekiError
from todokede.registry.views.display import visible
from todokede.registry.views.draft import (
    DATE_COLUMNS,
    ROW_FIELDS,
    ROW_TYPES,
    Row,
    date_reading,
    join_lines,
    row_columns,
    split_lines,
)
from todokede.tui.widgets.marks import MY_NUMBER, SENSITIVE

#: Column labels of the row lists, in the order of :func:`todokede.registry.views.draft.row_columns`.
COLUMN_LABELS: Final[dict[str, dict[str, str]]] = {
    kind: {column.key: column.label for column in FIELDS_BY_KEY[kind].columns}
    for kind in ROW_FIELDS
}
DATE_PLACEHOLDER: Final = "例 H22.4.1"

FieldMessage = tuple[str, Severity]


def message_text(messages: Sequence[FieldMessage]) -> Text:
    """Messages under a field: errors in red, warnings in yellow.

    A message may quote what was typed (a date that cannot be read, a character
    that is refused): hidden characters in it are shown as marks."""
    text = Text()
    for index, (message, severity) in enumerate(messages):
        if index:
            text.append("\n")
        if severity == "error":
            text.append("✖ " + visible(message, multiline=True), "bold red")
        else:
            text.append("▲ " + visible(message, multiline=True), "yellow")
    return text


class FormInput(Input):
    """A one-line field of a form.

    Focusing it puts the cursor at the end with nothing selected (Textual selects
    the whole value, so the first key would replace it), and ctrl+z / ctrl+y undo
    and redo within the field: Textual 8.2.8's ``Input`` has no undo (its
    ``TextArea`` has, with the same keys). Edits closer together than
    :attr:`UNDO_GROUP` seconds are undone as one, as the ``TextArea`` does.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "入力を元に戻す", show=False, id="field-undo"),
        Binding("ctrl+y", "redo", "入力をやり直す", show=False, id="field-redo"),
    ]
    UNDO_GROUP: ClassVar[float] = 1.0

    def __init__(self, value: str | None = None, **options: Any) -> None:
        options.setdefault("select_on_focus", False)
        self._undo: list[str] = []
        self._redo: list[str] = []
        self._restoring = False
        self._last_edit = -math.inf
        super().__init__(value, **options)  # sets the value: the fields above first

    def watch_value(self, old: str, new: str) -> None:
        if self._restoring or old == new or not self.is_mounted:
            return
        now = time.monotonic()
        if not self._undo or now - self._last_edit > self.UNDO_GROUP:
            self._undo.append(old)
        self._last_edit = now
        self._redo.clear()

    def _restore(self, value: str) -> None:
        current = self.value
        same = 0
        for a, b in zip(current, value, strict=False):
            if a != b:
                break
            same += 1
        self._restoring = True
        try:
            self.value = value
        finally:
            self._restoring = False
        self.cursor_position = same + max(0, len(value) - len(current))
        self._last_edit = -math.inf  # what is typed next is a step of its own

    def action_undo(self) -> None:
        """Back to the value before the last edit (a burst of typing is one edit)."""
        if not self._undo:
            self.app.bell()
            return
        self._redo.append(self.value)
        self._restore(self._undo.pop())

    def action_redo(self) -> None:
        """The edit undone last, again."""
        if not self._redo:
            self.app.bell()
            return
        self._undo.append(self.value)
        self._restore(self._redo.pop())


class FieldBox(Widget):
    """A label on the left; the field and its messages on the right."""

    def __init__(
        self,
        label: str,
        *widgets: Widget,
        key: str,
        required: bool = False,
        hint: str = "",
    ) -> None:
        super().__init__(id=f"field-{key}")
        self.key = key
        self._label = label + (" *" if required else "")
        self._widgets = widgets
        self._hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        with Vertical(classes="field-body"):
            yield from self._widgets
            if self._hint:
                yield Static(self._hint, classes="field-hint")
            yield Static("", classes="field-message")

    def show_messages(self, messages: Sequence[FieldMessage]) -> None:
        """Show messages beside the field (none clears them)."""
        self.query_one(".field-message", Static).update(message_text(messages))
        self.set_class(bool(messages), "-has-message")
        self.set_class(any(s == "error" for _, s in messages), "-error")


class LinesArea(TextArea):
    """A list edited one item per line."""

    def __init__(self, items: Sequence[str] = (), *, id: str | None = None) -> None:
        super().__init__(
            join_lines(list(items)),
            id=id,
            soft_wrap=True,
            show_line_numbers=True,
            compact=True,
            tab_behavior="focus",
        )

    @property
    def items(self) -> list[str]:
        """The lines typed, trailing blank lines dropped."""
        return split_lines(self.text)

    def add_items(self, names: Sequence[str]) -> None:
        """Append items as new lines at the end."""
        lines = self.items
        lines.extend(names)
        self.load_text(join_lines(lines))
        self.move_cursor((len(lines) - 1, len(lines[-1]) if lines else 0))


def item_annotation(catalog: Catalog, written: str) -> Text:
    """What a typed record item is in the catalog: category and flags, or unknown."""
    if not written.strip():
        return Text("")
    known = catalog.lookup(written)
    if known is None:
        return Text("項目一覧にない項目", "yellow")
    text = Text(known.category, "dim")
    if known.name != written.strip():
        text.append(f" → {known.name}", "dim")
    if known.my_number:
        text.append(" ")
        text.append(MY_NUMBER[0], MY_NUMBER[1])
    if known.sensitive:
        text.append(" ")
        text.append(SENSITIVE[0], SENSITIVE[1])
    return text


class RecordItemsEditor(Widget):
    """Record items one per line, each annotated from the catalog as it is typed."""

    class PickRequested(Message):
        """The user asked for the catalog picker."""

    def __init__(self, catalog: Catalog, items: Sequence[str]) -> None:
        super().__init__(id="record-items-editor")
        self._catalog = catalog
        self._items = list(items)

    def compose(self) -> ComposeResult:
        with Horizontal():
            area = LinesArea(self._items, id="input-record_items")
            area.soft_wrap = False
            yield area
            yield Static(id="record-items-notes")
        yield Button("項目一覧から追加 (ctrl+t)", id="pick-items", compact=True)

    def on_mount(self) -> None:
        self._annotate()

    @property
    def area(self) -> LinesArea:
        return self.query_one(LinesArea)

    @on(TextArea.Changed)
    def _annotate(self) -> None:
        lines = self.area.text.split("\n")
        notes = Text("\n").join(item_annotation(self._catalog, line) for line in lines)
        self.query_one("#record-items-notes", Static).update(notes)

    @on(Button.Pressed, "#pick-items")
    def _pick(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.PickRequested())


class DateValidator(Validator):
    """A date written as ISO or 和暦 (blank allowed)."""

    def validate(self, value: str) -> ValidationResult:
        try:
            date_reading(value)
        except WarekiError as error:
            return self.failure(str(error))
        return self.success()


class RowEditor(Widget):
    """One row of a row list: an input per column and a delete button."""

    class DeleteRequested(Message):
        """The user asked to remove this row."""

        def __init__(self, row: RowEditor) -> None:
            super().__init__()
            self.row = row

    def __init__(self, kind: str, row: Row) -> None:
        super().__init__(classes="row-editor")
        self.kind = kind
        self._row = row

    def compose(self) -> ComposeResult:
        labels = COLUMN_LABELS[self.kind]
        with Horizontal():
            for column in row_columns(self.kind):
                is_date = column in DATE_COLUMNS
                yield FormInput(
                    str(getattr(self._row, column)),
                    placeholder=DATE_PLACEHOLDER if is_date else labels[column],
                    tooltip=labels[column] + ("（和暦・西暦）" if is_date else ""),
                    validators=[DateValidator()] if is_date else [],
                    classes=f"row-input col-{column}" + (" date-input" if is_date else ""),
                    compact=True,
                )
            yield Button("削除", classes="row-delete", compact=True, variant="error")
        yield Static("", classes="row-message")

    def on_mount(self) -> None:
        self._show_reading()

    def value(self) -> Row:
        """The row as typed."""
        values: dict[str, Any] = {
            column: self.query_one(f".col-{column}", Input).value
            for column in row_columns(self.kind)
        }
        return ROW_TYPES[self.kind](**values)

    def first_input(self) -> Input:
        return self.query(Input).first()

    @on(Input.Changed, ".date-input")
    def _show_reading(self) -> None:
        self.show_messages([])

    def show_messages(self, messages: Sequence[FieldMessage]) -> None:
        """Errors of this row, or else how its dates read."""
        shown: list[Text] = []
        if messages:
            shown.append(message_text(messages))
        else:
            for column in row_columns(self.kind):
                if column not in DATE_COLUMNS:
                    continue
                typed = self.query_one(f".col-{column}", Input).value
                try:
                    reading = date_reading(typed)
                except WarekiError as error:
                    shown.append(message_text([(str(error), "error")]))
                    continue
                if reading:
                    label = COLUMN_LABELS[self.kind][column]
                    shown.append(Text(f"{label}: {reading}", "dim"))
        self.query_one(".row-message", Static).update(Text("\n").join(shown))

    @on(Button.Pressed, ".row-delete")
    def _delete(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.DeleteRequested(self))


class RowsEditor(Widget):
    """An editable list of rows with an add button."""

    #: "＋ 委託先を追加": each list's button names what its first column names.
    BUTTON_LABELS: ClassVar[dict[str, str]] = {
        kind: f"＋ {FIELDS_BY_KEY[kind].columns[0].label}を追加" for kind in ROW_FIELDS
    }

    def __init__(self, kind: str, rows: Sequence[Row]) -> None:
        super().__init__(id=f"rows-{kind}")
        self.kind = kind
        self._initial = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical(classes="rows"):
            for row in self._initial:
                yield RowEditor(self.kind, row)
        yield Static("なし", classes="rows-empty")
        yield Button(self.BUTTON_LABELS[self.kind], classes="row-add", compact=True)

    def on_mount(self) -> None:
        self._update_empty()

    def editors(self) -> list[RowEditor]:
        return list(self.query_one(".rows").query_children(RowEditor))

    def rows(self) -> list[Row]:
        return [editor.value() for editor in self.editors()]

    def _update_empty(self) -> None:
        self.query_one(".rows-empty").display = not self.editors()

    @on(Button.Pressed, ".row-add")
    async def add_row(self, event: Button.Pressed | None = None) -> None:
        """Add an empty row and put the cursor in it."""
        if event is not None:
            event.stop()
        editor = RowEditor(self.kind, ROW_TYPES[self.kind]())
        await self.query_one(".rows").mount(editor)
        self._update_empty()
        editor.first_input().focus()

    @on(RowEditor.DeleteRequested)
    async def _delete(self, event: RowEditor.DeleteRequested) -> None:
        event.stop()
        await event.row.remove()
        self._update_empty()

    def show_messages(self, by_row: dict[int, list[FieldMessage]]) -> None:
        for index, editor in enumerate(self.editors()):
            editor.show_messages(by_row.get(index, []))
