"""The form that edits a process (e) or creates one (n): every field, errors beside it.

Saving checks the draft with the register's own rules (:func:`todokede.registry.views.draft.check_draft`):
errors block and stay beside their fields with everything typed kept; warnings
(an item not in the catalog, not yet filed) are shown and do not block. A
valid draft is written with comments and layout kept, atomically. Leaving with
unsaved edits asks first. The fields, their order, labels and help lines are
those of the field table (:mod:`todokede.registry.schema.fields`).

The write runs in a worker: it takes the repository's lock, which a filing or a
sync may hold for a while (the save waits up to ``SAVE_LOCK_WAIT``). Meanwhile
the form answers (it scrolls, ? opens the keys), says it is saving and holds its
fields as typed; a failure leaves them all there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import ContentText
from textual.screen import Screen
from textual.validation import Function, ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Select, Static, TextArea

from todokede.registry.files.store import EntryFile
from todokede.registry.schema.fields import ENTRY_FIELDS, FieldSpec, Kind, SetBy
from todokede.registry.schema.problems import Violation
from todokede.registry.views.display import visible
from todokede.registry.views.draft import (
    LIST_FIELDS,
    ROW_FIELDS,
    ChangedOnDisk,
    DraftCheck,
    EntryDraft,
    check_draft,
    new_id_problem,
    reread,
    save_draft,
)
from todokede.registry.views.overview import RegisterOverview
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.failures import describe_failure
from todokede.tui.plain import literal, outside, shown
from todokede.tui.widgets.entry_detail import filings_view
from todokede.tui.widgets.form_fields import (
    COLUMN_LABELS,
    FieldBox,
    FieldMessage,
    FormInput,
    LinesArea,
    RecordItemsEditor,
    RowMessage,
    RowsEditor,
)

#: The fields the form shows, in the field table's order (the status follows the filings).
#: Derived fields and the secretariat's records (council, assessment) are not in the form.
FORM_FIELDS: Final = tuple(s for s in ENTRY_FIELDS if s.set_by not in (SetBy.DERIVED, SetBy.RECORD))
#: The id's label and each field's as the form heads it (目的外利用・外部提供).
FIELD_LABELS: Final[dict[str, str]] = {
    "id": "業務ID",
    **{spec.key: spec.form_label for spec in ENTRY_FIELDS},
}


@dataclass(frozen=True)
class EntrySaved:
    """What the form did: the entry written, and the warnings it still has."""

    entry_id: str
    created: bool
    changed: bool
    warnings: tuple[str, ...] = ()


class EntryIdValidator(Validator):
    """A new entry's id: valid and not taken."""

    def __init__(self, overview: RegisterOverview) -> None:
        super().__init__()
        self._overview = overview

    def validate(self, value: str) -> ValidationResult:
        problem = new_id_problem(self._overview.root, value.strip())
        return self.failure(problem) if problem else self.success()


def _not_blank(label: str) -> Function:
    return Function(lambda value: bool(value.strip()), f"{label}を入力してください")


def place_of(violation: Violation) -> str:
    """Where a violation is, in the user's words: ``記録項目 3行目``."""
    loc = violation.loc
    head = str(loc[0]) if loc else ""
    label = FIELD_LABELS.get(head, head or "全体")
    if head in LIST_FIELDS and len(loc) > 1 and isinstance(loc[1], int):
        return f"{label} {loc[1] + 1}行目"
    if head in ROW_FIELDS and len(loc) > 1 and isinstance(loc[1], int):
        column = COLUMN_LABELS[head].get(str(loc[2]), "") if len(loc) > 2 else ""
        return f"{label} {loc[1] + 1}件目" + (f"の{column}" if column else "")
    if head == "filings" and len(loc) > 1 and isinstance(loc[1], int):
        return f"{label} {loc[1] + 1}件目"
    return label


class EntryFormScreen(Screen[EntrySaved | None]):
    """Edit an entry, or create one when ``item`` is None."""

    HELP_TITLE: ClassVar[str] = "業務の編集"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="save-entry"),
        Binding("escape", "cancel", "戻る", id="cancel-form"),
        Binding("ctrl+t", "pick_items", "項目一覧", id="pick-record-items"),
    ]

    CSS_PATH = "../styles/entry_form.tcss"
    HELD_WHILE_SAVING: ClassVar[str] = (
        "#form-body Input, #form-body TextArea, #form-body Select, #form-body Checkbox, "
        "#form-body SelectionList, #form-body Button, #form-buttons Button"
    )
    """What cannot be changed while the save is on its way (held as typed)."""

    def __init__(
        self,
        overview: RegisterOverview,
        item: EntryFile | None = None,
        department: str | None = None,
    ) -> None:
        super().__init__()
        self.overview = overview
        self._disk_text: str | None = None
        """The file's text the form started from (compared again when saving)."""
        if item is not None:  # as the file says it now, not as it was loaded
            start = reread(item, overview.config, overview.catalog)
            item, self._disk_text = start.item, start.text
        self.item = item
        """The entry edited; None when creating one."""
        if item is not None:
            self.initial = EntryDraft.from_entry(item.entry)
        else:
            self.initial = EntryDraft(department=department or "")
        self.last_check: DraftCheck | None = None
        """The result of the last save attempt (for tests and phase-2 dialogs)."""
        self.saving = False
        """Whether a save is on its way (its worker waits for the lock, or writes)."""
        self._focus_before_save: Widget | None = None
        self._save_label: ContentText = ""
        self._saved_later: Callable[[], None] | None = None
        """A save's answer that came while another screen was on top."""

    @property
    def is_new(self) -> bool:
        return self.item is None

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(literal(self._title()), id="form-title")
        with VerticalScroll(id="form-body"):
            yield Static(id="form-summary")
            if self.is_new:
                yield self._id_box()
            for spec in FORM_FIELDS:
                widget, key, required = self._widget(spec), spec.key, spec.required
                yield FieldBox(spec.form_label, widget, key=key, required=required, hint=spec.help)
        with Horizontal(id="form-buttons"):
            yield Button("保存 (ctrl+s)", id="form-save", variant="primary", compact=True)
            yield Button("戻る (esc)", id="form-cancel", compact=True)
        yield Footer()

    def _title(self) -> str:
        if self.item is None:
            return "業務の新規作成"
        return f"業務の編集: {self.item.entry.name}（{self.item.id}）"

    def _id_box(self) -> FieldBox:
        """The new entry's id: its file's name, not a field of the entry."""
        return FieldBox(
            "業務ID",
            FormInput(
                id="input-id",
                placeholder="例: kazei-kojin-juminzei",
                validators=[EntryIdValidator(self.overview)],
                compact=True,
            ),
            key="id",
            required=True,
            hint="ファイル名になります。半角英小文字・数字・ハイフン",
        )

    def _widget(self, spec: FieldSpec) -> Widget:
        """The widget editing one field of the table (the filings: showing them)."""
        if spec.set_by is SetBy.FILING:
            return self._filings_view()
        value: Any = getattr(self.initial, spec.key)
        key = f"input-{spec.key}"
        if spec.picks == "departments":
            return self._department_select(spec.prompt)
        if spec.picks == "catalog":
            return RecordItemsEditor(self.overview.catalog, value)
        if spec.kind is Kind.ROWS:
            return RowsEditor(
                spec.key, value, self.initial.record_items, self.overview.catalog.canonical
            )
        if spec.kind is Kind.TEXT_LIST:
            return LinesArea(value, id=key)
        if spec.kind is Kind.BOOL:
            return Checkbox(spec.prompt, value, id=key, compact=True)
        if spec.kind is Kind.TEXT and spec.multiline:
            return TextArea(value, id=key, soft_wrap=True, compact=True, tab_behavior="focus")
        if spec.kind is Kind.TEXT:
            checks = [_not_blank(spec.label)] if spec.required else []
            return FormInput(
                value, id=key, placeholder=spec.prompt, validators=checks, compact=True
            )
        raise NotImplementedError(f"the form has no widget for {spec.key} ({spec.kind.value})")

    def _filings_view(self) -> Static:
        content = (
            filings_view(self.item.entry)
            if self.item is not None
            else Text("新しい業務です。保存の後に開始届を出します。", "dim")
        )
        return Static(content, id="form-filings")

    def _department_select(self, prompt: str) -> Select[str]:
        departments = list(self.overview.config.departments)
        current = self.initial.department
        if current and current not in departments:
            departments.append(current)
        return Select(
            [(literal(name), name) for name in departments],
            value=current if current else Select.NULL,
            allow_blank=not current,
            prompt=prompt,
            id="input-department",
            compact=True,
        )

    def on_mount(self) -> None:
        self.query_one("#form-title").add_class("title-bar")  # the screens' one title bar
        first = "#input-id" if self.is_new else "#input-name"
        self.query_one(first, Input).focus()

    # -- collecting -----------------------------------------------------------

    def collect(self) -> EntryDraft:
        """Everything typed, as a draft (nothing is dropped or normalised)."""
        return EntryDraft(**{s.key: self._typed(s) for s in FORM_FIELDS if s.set_by is SetBy.FORM})

    def _typed(self, spec: FieldSpec) -> Any:
        """What one field's widget holds, as the draft keeps it."""
        if spec.kind is Kind.ROWS:
            return self.query_one(f"#rows-{spec.key}", RowsEditor).rows()
        widget = self.query_one(f"#input-{spec.key}")
        if isinstance(widget, Select):
            return widget.value if isinstance(widget.value, str) else ""
        if isinstance(widget, LinesArea):
            return widget.items
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Checkbox | Input):
            return widget.value
        raise NotImplementedError(f"the form cannot read {spec.key} from {widget!r}")

    @property
    def typed_id(self) -> str:
        return self.query_one("#input-id", Input).value.strip() if self.is_new else ""

    def has_unsaved_edits(self) -> bool:
        """Whether anything typed would change what is saved."""
        if self.is_new and self.typed_id:
            return True
        return self.collect().normalized() != self.initial.normalized()

    # -- messages -------------------------------------------------------------

    def show_check(self, check: DraftCheck, id_problem: str | None = None) -> None:
        """Show every violation beside its field and a summary of the errors on top."""
        by_field: dict[str, list[FieldMessage]] = defaultdict(list)
        by_row: dict[str, dict[int, list[RowMessage]]] = defaultdict(lambda: defaultdict(list))
        for violation in check.violations:
            loc = violation.loc
            head = str(loc[0]) if loc else "filings"
            entry = (violation.message, violation.severity)
            if head in LIST_FIELDS and len(loc) > 1 and isinstance(loc[1], int):
                by_field[head].append(
                    (f"{loc[1] + 1}行目: {violation.message}", violation.severity)
                )
            elif head in ROW_FIELDS and len(loc) > 1 and isinstance(loc[1], int):
                column = str(loc[2]) if len(loc) > 2 else ""
                by_row[head][loc[1]].append((column, entry))
            elif head in FIELD_LABELS and head not in ("status",):
                by_field[head].append(entry)
            else:
                by_field["filings"].append(
                    (f"{place_of(violation)}: {violation.message}", violation.severity)
                )
        if id_problem:
            by_field["id"].append((id_problem, "error"))
        for box in self.query(FieldBox):
            box.show_messages(by_field.get(box.key, []))
        for kind in ROW_FIELDS:
            self.query_one(f"#rows-{kind}", RowsEditor).show_messages(by_row.get(kind, {}))
            rows = by_row.get(kind, {})
            if any(s == "error" for messages in rows.values() for _, (_, s) in messages):
                box = self.query_one(f"#field-{kind}", FieldBox)
                box.set_class(True, "-error")
        errors = [
            *([("業務ID", id_problem)] if id_problem else []),
            *((place_of(v), v.message) for v in check.errors),
        ]
        self._show_summary(errors)

    def _show_summary(self, errors: list[tuple[str, str]], heading: str | None = None) -> None:
        summary = self.query_one("#form-summary", Static)
        if not errors and heading is None:
            summary.set_class(False, "-visible")
            summary.update("")
            return
        text = outside(
            heading
            or f"保存できません: エラーが {len(errors)}件あります（入力した内容はそのままです）",
            "bold",
        )
        for place, message in errors[:6]:
            text.append(visible(f"\n・{place}: {message}", multiline=True))
        if len(errors) > 6:
            text.append(f"\n…ほか {len(errors) - 6}件")
        summary.update(text)
        summary.set_class(True, "-visible")

    def _focus_first_error(self) -> None:
        self.query_one("#form-body", VerticalScroll).scroll_home(animate=False)
        for box in self.query(FieldBox):
            if box.has_class("-error"):
                fields = "Input, TextArea, Select, Checkbox, SelectionList"
                candidates = [
                    *(
                        w
                        for column in box.query(".file-column.-error")
                        for w in column.query(fields)
                    ),
                    *box.query(fields),
                ]
                target = next((w for w in candidates if w.focusable), None)
                if target is not None:
                    target.focus()
                box.scroll_visible(animate=False)
                return

    # -- live checks ----------------------------------------------------------

    @on(Input.Changed, "#input-id, #input-name")
    def _live_input(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("input-")
        result = event.validation_result
        messages: list[FieldMessage] = []
        if result is not None and not result.is_valid:
            messages = [(d, "error") for d in result.failure_descriptions]
        self.query_one(f"#field-{key}", FieldBox).show_messages(messages)

    # -- actions --------------------------------------------------------------

    def action_save(self) -> None:
        if self._still_saving():
            return
        draft = self.collect()
        id_problem = new_id_problem(self.overview.root, self.typed_id) if self.is_new else None
        base = self.item.entry if self.item is not None else None
        check = check_draft(draft, base, self.overview.config, self.overview.catalog)
        self.last_check = check
        self.show_check(check, id_problem)
        if id_problem or not check.ok or check.entry is None:
            self._focus_first_error()
            return
        if self.item is not None and _read(self.item) != self._disk_text:
            self._ask_overwrite(check)
            return
        self._write(check, self._disk_text)

    def _ask_overwrite(self, check: DraftCheck) -> None:
        assert self.item is not None
        seen = _read(self.item)  # a yes overwrites this, and only this
        question = (
            f"{self.item.path.name} はこの画面を開いた後に変更されています。"
            "この内容で上書きしますか？"
        )
        self.app.push_screen(
            ConfirmDialog(
                question, title="ファイルが変更されています", yes="上書きする", no="やめる"
            ),
            lambda overwrite: self._write(check, seen) if overwrite else None,
        )

    def _write(self, check: DraftCheck, expected_text: str | None) -> None:
        """Save in a worker; with ``expected_text`` only while the file still says it."""
        assert check.entry is not None
        entry_id = self.typed_id if self.is_new else (self.item.id if self.item else "")
        self._hold_while_saving(True)
        self._save(check, entry_id, self.is_new, expected_text)

    @work(thread=True, exclusive=True, group="save-entry", exit_on_error=False)
    def _save(self, check: DraftCheck, entry_id: str, new: bool, expected_text: str | None) -> None:
        assert check.entry is not None
        result: bool | Exception
        try:
            result = save_draft(
                self.overview.root, entry_id, check.entry, new=new, expected_text=expected_text
            )
        except Exception as error:  # answered on the app's thread: the form and its text stay
            result = error
        self.app.call_from_thread(self._saved, check, entry_id, new, result)

    def _saved(self, check: DraftCheck, entry_id: str, new: bool, result: bool | Exception) -> None:
        if self.app.screen is not self:  # the key list (or a question) is on top: once back
            self._saved_later = partial(self._saved, check, entry_id, new, result)
            return
        self._hold_while_saving(False)
        if isinstance(result, ChangedOnDisk):  # changed since the check: ask, as there
            self._ask_overwrite(check)
            return
        if isinstance(result, Exception):
            detail = describe_failure(result)
            self._show_summary(
                [], heading=f"保存できませんでした: {detail}（入力した内容はそのままです）"
            )
            self.notify(f"保存できませんでした: {shown(detail)}", severity="error", markup=False)
            return
        warnings = tuple(f"{place_of(v)}: {v.message}" for v in check.warnings)
        self.dismiss(EntrySaved(entry_id, new, result, warnings))

    def _hold_while_saving(self, saving: bool) -> None:
        """While the save is on its way: the fields and buttons held as typed (not
        editable), the body focused so that it still scrolls, the save said on top
        and on its button; afterwards all as it was, the field that had the focus
        focused again."""
        self.saving = saving
        if saving:
            self._focus_before_save = self.focused
        for widget in self.query(self.HELD_WHILE_SAVING):
            widget.disabled = saving
        save = self.query_one("#form-save", Button)
        if saving:
            self._save_label, save.label = save.label, "保存しています…"
        else:
            save.label = self._save_label
        summary = self.query_one("#form-summary", Static)
        summary.set_class(saving, "-working")
        if saving:
            summary.update(Text("保存しています…（書き込みが終わるまでお待ちください）"))
            summary.set_class(True, "-visible")
            self.query_one("#form-body", VerticalScroll).focus()
            return
        self._show_summary([])
        before, self._focus_before_save = self._focus_before_save, None
        if before is not None and before.is_attached and before.focusable:
            before.focus()

    def on_screen_resume(self) -> None:
        """Back on top: finish a save that ended meanwhile."""
        if self._saved_later is not None:
            finish, self._saved_later = self._saved_later, None
            self.call_later(finish)

    def _still_saving(self) -> bool:
        """Whether a save is on its way (then said, and the key does nothing)."""
        if self.saving:
            self.notify("保存しています。終わるまでお待ちください", timeout=3, markup=False)
        return self.saving

    def action_cancel(self) -> None:
        if self._still_saving():
            return
        if not self.has_unsaved_edits():
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmDialog(
                "保存していない変更があります。変更を捨てて一覧に戻りますか？",
                title="変更を捨てますか",
                yes="捨てて戻る",
                no="編集を続ける",
            ),
            self._cancel_answered,
        )

    def _cancel_answered(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(None)

    def action_pick_items(self) -> None:
        if self._still_saving():
            return
        from todokede.tui.dialogs.catalog_picker import CatalogPicker

        area = self.query_one("#input-record_items", LinesArea)
        self.app.push_screen(
            CatalogPicker(self.overview.catalog, area.items),
            self._items_picked,
        )

    def _items_picked(self, names: list[str] | None) -> None:
        if names:
            area = self.query_one("#input-record_items", LinesArea)
            area.add_items(names)
            area.focus()

    @on(TextArea.Changed, "#input-record_items")
    def _record_items_changed(self, event: TextArea.Changed) -> None:
        """The files pick their items from the process's, as typed now."""
        area = event.text_area
        if isinstance(area, LinesArea):
            self.query_one("#rows-files", RowsEditor).set_entry_items(area.items)

    @on(RecordItemsEditor.PickRequested)
    def _pick_requested(self) -> None:
        self.action_pick_items()

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def _read(item: EntryFile) -> str | None:
    try:
        return item.path.read_text(encoding="utf-8")
    except OSError:
        return None
