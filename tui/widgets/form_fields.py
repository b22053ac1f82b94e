"""The pieces of the entry form: labelled fields with their messages, line lists,
the record-item editor, date inputs and editable rows (委託・結合・提供, and the
個人情報ファイル, each a block of its columns with their record items picked from
the process's).

Widgets only collect text and show messages; turning text into entry data and
checking it is :mod:`todokede.registry.views.draft`'s job.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Final

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.fields import FIELDS_BY_KEY, FieldSpec, Kind
from todokede.registry.schema.personal_files import EXEMPTIONS
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
    read_count,
    row_columns,
    split_lines,
)
from todokede.tui.plain import literal, outside
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


#: A row's message: the column it is about (empty: the whole row) and the message.
RowMessage = tuple[str, FieldMessage]
#: The words of the add buttons that do not simply name the first column.
ADD_WORDS: Final[dict[str, str]] = {"files": "個人情報ファイル"}
#: 法75条2項's codes as the exemption column offers them (blank: the book lists the file).
EXEMPTION_BLANK: Final = "空欄（ファイル簿に載せる）"


def _choice_select(spec: FieldSpec, value: str, classes: str, *, blank: str = "") -> Select[str]:
    """A CHOICE column (or the exemption codes) as a Select; a value that is none of
    the choices is offered too, so that nothing written is lost."""
    if spec.key == "exemption":
        options = [(Text(f"{code} {reason}"), code) for code, reason in EXEMPTIONS.items()]
    else:
        options = [(Text(label), code) for code, label in spec.choices]
    if value and value not in {code for _, code in options}:
        options.append((outside(value), value))
    return Select(
        options,
        value=value if value else Select.NULL,
        allow_blank=bool(blank),
        prompt=blank or spec.label,
        classes=classes,
        tooltip=spec.label + (f"（{spec.help}）" if spec.help else ""),
        compact=True,
    )


def column_widget(kind: str, spec: FieldSpec, value: str | bool) -> Widget:
    """The widget editing one column of a row, by what the column holds."""
    classes = f"row-input col-{spec.key}"
    tooltip = spec.label + (f"（{spec.help}）" if spec.help else "")
    if spec.kind is Kind.BOOL:
        return Checkbox(spec.label, bool(value), classes=classes, compact=True)
    text = value if isinstance(value, str) else ""
    if spec.kind is Kind.CHOICE:
        return _choice_select(spec, text, classes)
    if kind == "files" and spec.key == "exemption":
        return _choice_select(spec, text, classes, blank=EXEMPTION_BLANK)
    if spec.kind is Kind.TEXT_LIST:
        area = LinesArea(split_lines(text))
        area.add_class(*classes.split())
        area.tooltip = tooltip
        return area
    if spec.kind is Kind.DATE:
        return FormInput(
            text,
            placeholder=DATE_PLACEHOLDER,
            tooltip=spec.label + "（和暦・西暦）",
            validators=[DateValidator()],
            classes=classes + " date-input",
            compact=True,
        )
    if spec.kind is Kind.INT:
        return FormInput(
            text,
            placeholder=spec.prompt or spec.label,
            tooltip=tooltip,
            restrict=COUNT_CHARACTERS,
            classes=classes + " count-input",
            compact=True,
        )
    return FormInput(
        text,
        placeholder=spec.help if kind == "files" and spec.help else spec.label,
        tooltip=tooltip,
        classes=classes,
        compact=True,
    )


#: What a count column takes: digits (half- or full-width) and thousands separators.
COUNT_CHARACTERS: Final = r"[0-9０-９,，]*"


def column_value(widget: Widget) -> str | bool:
    """What a column's widget holds, as a row keeps it (lists one item per line)."""
    if isinstance(widget, FileItemsPicker):
        return join_lines(widget.chosen())
    if isinstance(widget, Select):
        return widget.value if isinstance(widget.value, str) else ""
    if isinstance(widget, Checkbox):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Input):
        return widget.value
    raise NotImplementedError(f"a row cannot read {widget!r}")


def column_reading(spec: FieldSpec, value: str | bool) -> Text | None:
    """How a typed column reads (a date in 和暦 and ISO, 本人の数 with separators, an
    exemption's reason); an error when it cannot be read; None when nothing to say."""
    if not isinstance(value, str) or not value.strip():
        return None
    if spec.kind is Kind.DATE:
        try:
            return Text(f"{spec.label}: {date_reading(value)}", "dim")
        except WarekiError as error:
            return message_text([(str(error), "error")])
    if spec.kind is Kind.INT:
        count = read_count(value)
        if count is None:
            return message_text([("0以上の整数で書いてください（例: 85000）", "error")])
        return Text(f"{count:,}人", "dim")
    if spec.key == "exemption" and value in EXEMPTIONS:
        return Text(EXEMPTIONS[value], "dim")
    return None


class FileItemsPicker(SelectionList[str]):
    """A file's 記録項目, picked from the process's record items as typed in the form.

    The items the file held keep their order and spelling; an item the process no
    longer lists stays (chosen, marked) until it is unchosen, so that nothing is
    lost and the check can say so."""

    def __init__(
        self,
        chosen: Sequence[str],
        entry_items: Sequence[str],
        canonical: Callable[[str], str],
        *,
        classes: str = "",
    ) -> None:
        self._first = [item for item in chosen if item.strip()]
        self._canonical = canonical
        self._entry_items: list[str] = []
        super().__init__(
            *self._selections(entry_items, set(self._first)), classes=classes, compact=True
        )

    def _selections(self, entry_items: Sequence[str], chosen: set[str]) -> list[Selection[str]]:
        items: list[str] = []
        for item in entry_items:
            item = item.strip()
            if item and item not in items:
                items.append(item)
        self._entry_items = items
        known = {self._canonical(item) for item in items}
        selections = [Selection(literal(item), item, item in chosen) for item in items]
        for item in self._first + sorted(chosen - set(self._first)):
            if item in items or item not in chosen:
                continue
            prompt = literal(item)
            if self._canonical(item) not in known:
                prompt.append("  業務の記録項目にない", "yellow")
            selections.append(Selection(prompt, item, True))
        return selections

    def set_entry_items(self, entry_items: Sequence[str]) -> None:
        """The process's record items changed: offer those, keep what is chosen."""
        wanted = [item.strip() for item in entry_items if item.strip()]
        if wanted == self._entry_items:
            return
        chosen = set(self.selected)
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self._selections(wanted, chosen))
        if highlighted is not None and self.option_count:
            self.highlighted = min(highlighted, self.option_count - 1)

    def chosen(self) -> list[str]:
        """The chosen items: those the file held first, in their order, then the
        newly chosen in the process's order."""
        selected = set(self.selected)
        first = [item for item in self._first if item in selected]
        offered = [self.get_option_at_index(i).value for i in range(self.option_count)]
        return first + [item for item in offered if item in selected and item not in first]


class RowEditor(Widget):
    """One row of a row list: a widget per column and a delete button."""

    class DeleteRequested(Message):
        """The user asked to remove this row."""

        def __init__(self, row: RowEditor) -> None:
            super().__init__()
            self.row = row

    def __init__(self, kind: str, row: Row) -> None:
        super().__init__(classes="row-editor")
        self.kind = kind
        self._row = row

    @property
    def specs(self) -> tuple[FieldSpec, ...]:
        return FIELDS_BY_KEY[self.kind].columns

    def compose(self) -> ComposeResult:
        with Horizontal():
            for spec in self.specs:
                yield column_widget(self.kind, spec, getattr(self._row, spec.key))
            yield Button("削除", classes="row-delete", compact=True, variant="error")
        yield Static("", classes="row-message")

    def on_mount(self) -> None:
        self._show_reading()

    def column(self, key: str) -> Widget:
        """The widget of one column."""
        return self.query_one(f".col-{key}")

    def value(self) -> Row:
        """The row as typed."""
        values: dict[str, Any] = {
            column: column_value(self.column(column)) for column in row_columns(self.kind)
        }
        return ROW_TYPES[self.kind](**values)

    def first_input(self) -> Widget:
        return self.column(row_columns(self.kind)[0])

    @on(Input.Changed, ".date-input")
    def _show_reading(self) -> None:
        self.refresh_readings()

    def refresh_readings(self) -> None:
        """A date was typed: say how it reads (the row's errors go until the next save)."""
        self.show_messages([])

    def show_messages(self, messages: Sequence[RowMessage]) -> None:
        """Errors of this row (each after its column's name), or else how its dates read."""
        labels = COLUMN_LABELS[self.kind]
        shown: list[Text] = []
        if messages:
            shown.append(
                message_text(
                    [
                        (f"{labels[column]}: {text}" if column in labels else text, severity)
                        for column, (text, severity) in messages
                    ]
                )
            )
        else:
            for spec in self.specs:
                if spec.key in DATE_COLUMNS:
                    reading = column_reading(spec, column_value(self.column(spec.key)))
                    if reading is not None:
                        shown.append(reading)
        self.query_one(".row-message", Static).update(Text("\n").join(shown))

    @on(Button.Pressed, ".row-delete")
    def _delete(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.DeleteRequested(self))


class FileEditor(RowEditor):
    """One 個人情報ファイル: its columns one under another, each with its name on the
    left and its messages under it (a file has too many columns for one line)."""

    def __init__(
        self,
        row: Row,
        entry_items: Sequence[str],
        canonical: Callable[[str], str],
        number: int,
    ) -> None:
        super().__init__("files", row)
        self.add_class("file-editor")
        self._entry_items = list(entry_items)
        self._canonical = canonical
        self._number = number
        self._messages: list[RowMessage] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="file-head"):
            yield Static(Text(f"個人情報ファイル {self._number}", "bold"), classes="file-number")
            yield Button("このファイルを削除", classes="row-delete", compact=True, variant="error")
        for spec in self.specs:
            value = getattr(self._row, spec.key)
            if spec.key == "record_items":
                widget: Widget = FileItemsPicker(
                    split_lines(value),
                    self._entry_items,
                    self._canonical,
                    classes=f"row-input col-{spec.key}",
                )
            else:
                widget = column_widget(self.kind, spec, value)
            label = "" if spec.kind is Kind.BOOL else spec.label + (" *" if spec.required else "")
            with Horizontal(classes=f"file-column file-col-{spec.key}"):
                yield Label(label, classes="file-label")
                with Vertical(classes="file-body"):
                    yield widget
                    yield Static("", classes="col-message")

    def renumber(self, number: int) -> None:
        self._number = number
        if self.is_mounted:
            self.query_one(".file-number", Static).update(
                Text(f"個人情報ファイル {number}", "bold")
            )

    def set_entry_items(self, entry_items: Sequence[str]) -> None:
        self._entry_items = list(entry_items)
        if self.is_mounted:
            self.query_one(FileItemsPicker).set_entry_items(entry_items)

    def first_input(self) -> Widget:
        return self.column("name")

    @on(Input.Changed, ".count-input")
    @on(Select.Changed, ".col-exemption")
    def _show_file_reading(self) -> None:
        self.refresh_readings()

    def refresh_readings(self) -> None:
        """A column was typed: say how it reads (its messages stay until the next save)."""
        self.show_messages(self._messages)

    def show_messages(self, messages: Sequence[RowMessage]) -> None:
        """Each message under its column (the file's own above its first); a column
        without one says how it reads."""
        self._messages = list(messages)
        by_column: dict[str, list[FieldMessage]] = {}
        for column, message in messages:
            key = column if column in COLUMN_LABELS[self.kind] else "name"
            by_column.setdefault(key, []).append(message)
        for spec in self.specs:
            found = by_column.get(spec.key, [])
            box = self.query_one(f".file-col-{spec.key}", Horizontal)
            box.set_class(any(s == "error" for _, s in found), "-error")
            slot = box.query_one(".col-message", Static)
            reading = None if found else column_reading(spec, column_value(self.column(spec.key)))
            content = message_text(found) if found else reading
            slot.update(content if content is not None else "")
            slot.display = content is not None


class RowsEditor(Widget):
    """An editable list of rows with an add button."""

    #: "＋ 委託先を追加": each list's button names what its first column names.
    BUTTON_LABELS: ClassVar[dict[str, str]] = {
        kind: f"＋ {ADD_WORDS.get(kind, FIELDS_BY_KEY[kind].columns[0].label)}を追加"
        for kind in ROW_FIELDS
    }

    def __init__(
        self,
        kind: str,
        rows: Sequence[Row],
        entry_items: Sequence[str] = (),
        canonical: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(id=f"rows-{kind}")
        self.kind = kind
        self._initial = list(rows)
        self._entry_items = list(entry_items)
        self._canonical: Callable[[str], str] = canonical or (lambda item: item)

    def _editor(self, row: Row, number: int) -> RowEditor:
        if self.kind == "files":
            return FileEditor(row, self._entry_items, self._canonical, number)
        return RowEditor(self.kind, row)

    def compose(self) -> ComposeResult:
        with Vertical(classes="rows"):
            for number, row in enumerate(self._initial, start=1):
                yield self._editor(row, number)
        yield Static("なし", classes="rows-empty")
        yield Button(self.BUTTON_LABELS[self.kind], classes="row-add", compact=True)

    def on_mount(self) -> None:
        self._update_empty()

    def editors(self) -> list[RowEditor]:
        return list(self.query_one(".rows").query_children(RowEditor))

    def rows(self) -> list[Row]:
        return [editor.value() for editor in self.editors()]

    def set_entry_items(self, entry_items: Sequence[str]) -> None:
        """The process's record items as typed now (the files pick from them)."""
        self._entry_items = list(entry_items)
        for editor in self.editors():
            if isinstance(editor, FileEditor):
                editor.set_entry_items(entry_items)

    def _update_empty(self) -> None:
        editors = self.editors()
        self.query_one(".rows-empty").display = not editors
        for number, editor in enumerate(editors, start=1):
            if isinstance(editor, FileEditor):
                editor.renumber(number)

    @on(Button.Pressed, ".row-add")
    async def add_row(self, event: Button.Pressed | None = None) -> None:
        """Add an empty row and put the cursor in it."""
        if event is not None:
            event.stop()
        editor = self._editor(ROW_TYPES[self.kind](), len(self.editors()) + 1)
        await self.query_one(".rows").mount(editor)
        self._update_empty()
        editor.first_input().focus()
        editor.scroll_visible(animate=False)

    @on(RowEditor.DeleteRequested)
    async def _delete(self, event: RowEditor.DeleteRequested) -> None:
        event.stop()
        await event.row.remove()
        self._update_empty()

    def show_messages(self, by_row: dict[int, list[RowMessage]]) -> None:
        for index, editor in enumerate(self.editors()):
            editor.show_messages(by_row.get(index, []))
