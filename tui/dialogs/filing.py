"""The filing dialog (f, after a save, a): kind, date, 見直し and a summary, then commit.

What would be committed is drafted by :func:`todokede.registry.git.filing.draft_filing` in a
worker whenever the kind, the date or the review flag changes: the summary is
pre-filled from it (until the user types their own), the record items added
and removed are shown, and a refusal is shown beside the fields. Committing
calls :func:`todokede.registry.git.filing.file_entry` (the code of ``todokede file``) in a
worker; a refusal then keeps the dialog and everything typed. What the filing
did before it was refused (a filing a crash interrupted, finished: the
error's ``__notes__``) is said above the refusal, as ``todokede file`` says it.
When the change needs the council (the draft's ``council_warning``), a 審議会
choice offers what may cover it (the draft's ``coverings``: the entry's reports,
the register's answered consultations), filed as ``--reported`` or
``--consultation``; the draft's warnings (the council's, the 特定個人情報保護評価's)
are shown above the buttons and never stop the filing.
Refusals are worded by :func:`todokede.tui.failures.describe_failure` (区分「変更」,
「見直し」, days in 和暦); the drafts follow the fields through
:class:`todokede.tui.debounce.Debounce`.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import ClassVar, Final, cast

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from todokede.registry.git.filing import Filed, FilingDraft
from todokede.registry.git.history import KIND_WORDS
from todokede.registry.schema.council_rules import Covering
from todokede.registry.schema.model import FilingKind
from todokede.registry.schema.wareki import WarekiError, format_short
from todokede.registry.views.diff_lines import changed_labels
from todokede.registry.views.display import visible
from todokede.registry.views.draft import date_reading, read_date
from todokede.tui.debounce import Debounce
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.failures import describe_failure
from todokede.tui.plain import literal, outside
from todokede.tui.widgets.form_fields import FormInput

KINDS: Final[tuple[FilingKind, ...]] = ("start", "change", "abolish")
KIND_BUTTON_LABELS: Final[dict[str, str]] = {"start": "開始", "change": "変更", "abolish": "廃止"}
#: What says where the 届出者 shown came from.
AUTHOR_NOTES: Final[dict[str, str]] = {
    "remembered": "この登録簿で前回使った届出者",
    "git": "git の利用者の設定から",
    "typed": "この届出者でコミットします",
}
#: What cannot be changed while the commit is on its way.
LOCKED_WHILE_COMMITTING: Final = (
    "#filing-box Button, #filing-box RadioSet, #filing-review, #filing-author, #filing-council"
)
#: The council choice's blank: the filing names no consultation and no report.
NO_COVERING: Final = "記録しない（諮問・報告なし）"
#: How long typing in the date waits before the filing is drafted again.
DRAFT_DELAY: Final = 0.25


def changes_view(draft: FilingDraft) -> RenderableType:
    """What the filing records: items added and removed, and the fields that changed."""
    filing = draft.filing
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold")
    if filing.items_added:
        table.add_row(Text("追加", "green"), literal("、".join(filing.items_added)))
    if filing.items_removed:
        table.add_row(Text("削除", "red"), outside("、".join(filing.items_removed)))
    if filing.kind == "start":  # a new process: what it holds is recorded as it is
        items = draft.entry.record_items
        table.add_row(
            Text("記録項目", "dim"), literal(f"{len(items)}件（{'、'.join(items)}）を届け出ます")
        )
    elif not filing.items_added and not filing.items_removed:
        table.add_row(Text("記録項目", "dim"), Text("追加・削除なし", "dim"))
    diff = draft.diff
    labels = [label for label in changed_labels(diff) if label != "届出"] if diff else []
    if labels:
        table.add_row(Text("変更", "yellow"), outside("、".join(labels)))
    return table


class FilingDialog(ModalScreen[Filed | None]):
    """File one process: dismisses with the commit made, or None when cancelled."""

    HELP_TITLE: ClassVar[str] = "届出"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "commit", "届け出る", id="commit-filing"),
        Binding("escape", "cancel", "やめる", id="cancel-filing"),
        Binding("ctrl+r", "reset_summary", "概要を自動作成に戻す", id="reset-summary"),
        # A modal screen hides the app's keys: the key list is offered here again.
        Binding("question_mark,f1", "app.help", "キー一覧", id="filing-help"),
    ]

    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(
        self,
        root: Path,
        entry_id: str,
        *,
        name: str,
        department: str,
        kind: FilingKind,
        today: date,
        confirmed_abolish: bool = False,
    ) -> None:
        super().__init__()
        self.root = root
        self.entry_id = entry_id
        self._entry_name = name
        self._department = department
        self._initial_kind: FilingKind = kind
        self._today = today
        self._abolish_confirmed = confirmed_abolish
        """True when the user already said yes to abolishing (a)."""
        self.draft: FilingDraft | None = None
        """The last draft of what would be committed (None: not yet, or refused)."""
        self.refusal: str | None = None
        """Why the last draft or commit was refused, in the dialog's words."""
        self.notes: tuple[str, ...] = ()
        """What a refused commit did first (a filing a crash interrupted, finished):
        the files changed, so the register is read again when the dialog closes."""
        self.auto_summary = ""
        """The summary the last draft wrote; the field follows it until the user types."""
        self.committing = False
        self._drafting = Debounce(self, DRAFT_DELAY, self._start_draft, "draft-filing")
        """The drafts that follow the kind, the date and the review flag."""
        self._author_origin = "none"
        """Where the 届出者 shown first came from (remembered, git, none)."""
        self._author_raw = ""
        self._author_shown = ""
        self._coverings: dict[str, Covering] = {}
        """The council items the filing may name, by the choice's value."""
        self._drafted_with: tuple[str, date | None] = ("", None)
        """The council choice the latest draft was asked with."""

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="filing-box"):
            yield Static(self._heading_for(self._initial_kind), id="filing-title")
            yield Static(
                literal(f"{self._department} {self._entry_name}（{self.entry_id}）"),
                id="filing-entry",
            )
            with Horizontal(classes="filing-row"):
                yield Label("区分", classes="filing-label")
                with RadioSet(id="filing-kind", compact=True):
                    for kind in KINDS:
                        yield RadioButton(
                            KIND_BUTTON_LABELS[kind],
                            value=kind == self._initial_kind,
                            id=f"kind-{kind}",
                            compact=True,
                        )
            with Horizontal(classes="filing-row"):
                yield Label("届出日", classes="filing-label")
                yield FormInput(
                    format_short(self._today),
                    id="filing-date",
                    placeholder="例 R7.4.1",
                    compact=True,
                )
                yield Static("", id="filing-date-reading")
            with Horizontal(classes="filing-row"):
                yield Label("届出者", classes="filing-label")
                yield FormInput(
                    "",
                    id="filing-author",
                    placeholder="氏名 <メール>",
                    compact=True,
                )
                yield Static("", id="filing-author-note")
            with Horizontal(classes="filing-row"):
                yield Label("見直し", classes="filing-label")
                yield Checkbox(
                    "見直しを兼ねる（変更がなくても届け出られます）",
                    False,
                    id="filing-review",
                    compact=True,
                )
            with Horizontal(classes="filing-row"):
                yield Label("概要", classes="filing-label")
                yield TextArea(
                    "",
                    placeholder="空欄なら変更内容から自動で作ります",
                    id="filing-summary",
                    soft_wrap=True,
                    compact=True,
                    tab_behavior="focus",
                )
            yield Static("", id="filing-summary-note")
            with Horizontal(classes="filing-row"):
                yield Label("記録項目", classes="filing-label")
                yield Static(Text("作成中…", "dim"), id="filing-changes")
            with Horizontal(classes="filing-row", id="filing-council-row"):
                yield Label("審議会", classes="filing-label")
                yield Select[str](
                    [], prompt=NO_COVERING, allow_blank=True, id="filing-council", compact=True
                )
            yield Static("", id="filing-warnings")
            yield Static("", id="filing-message")
            with Horizontal(id="filing-buttons"):
                yield Button(
                    "届け出る (ctrl+s)", id="filing-commit", variant="primary", compact=True
                )
                yield Button("やめる (esc)", id="filing-cancel", compact=True)

    def on_mount(self) -> None:
        from todokede.registry.git.author import default_author

        self.app.clear_notifications()  # no toast over the dialog's buttons
        start = default_author(self.root)
        self._author_origin = start.origin
        # A name from git's config may hold hidden or bidi characters: shown as
        # marks (⟨U+202E⟩), and committed as git has it while left as shown.
        self._author_raw = start.author
        self._author_shown = visible(start.author)
        author = self.query_one("#filing-author", Input)
        with author.prevent(Input.Changed):
            author.value = self._author_shown
        self._show_author_note()
        self._show_date_reading()
        self._show_summary_note()
        self.query_one("#filing-summary", TextArea).focus()
        self._drafting.now()

    @staticmethod
    def _heading_for(kind: FilingKind) -> str:
        return f"{KIND_WORDS[kind]}を出す"

    # -- what is typed ----------------------------------------------------------

    @property
    def kind(self) -> FilingKind:
        pressed = self.query_one("#filing-kind", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return self._initial_kind
        return cast(FilingKind, pressed.id.removeprefix("kind-"))

    @property
    def author(self) -> str:
        """The 届出者 (``氏名 <メール>``): as typed, or as git has it while the field
        still shows it."""
        typed = self.query_one("#filing-author", Input).value
        if typed == self._author_shown:
            return self._author_raw.strip()
        return typed.strip()

    @property
    def covering(self) -> Covering | None:
        """The consultation or report chosen as covering the change (None: neither)."""
        value = self.query_one("#filing-council", Select).value
        return self._coverings.get(value) if isinstance(value, str) else None

    def _council_arguments(self) -> tuple[str, date | None]:
        """``--consultation`` and ``--reported`` as the choice gives them."""
        chosen = self.covering
        if chosen is None:
            return "", None
        if chosen.kind == "consultation":
            return chosen.number, None
        return "", chosen.day

    @property
    def review(self) -> bool:
        return self.query_one("#filing-review", Checkbox).value

    @property
    def summary(self) -> str:
        return self.query_one("#filing-summary", TextArea).text

    def _day(self) -> date | None:
        """The typed date; None (and the reason beside it) when it cannot be read."""
        try:
            day = read_date(self.query_one("#filing-date", Input).value)
        except WarekiError:
            return None
        return day

    @property
    def busy(self) -> bool:
        """Whether a draft or the commit is still on its way."""
        return self.committing or self._drafting.busy

    @property
    def summary_touched(self) -> bool:
        """Whether the user wrote their own summary (it is then never replaced)."""
        return self.summary.strip() != self.auto_summary.strip()

    # -- reactions --------------------------------------------------------------

    @on(RadioSet.Changed, "#filing-kind")
    def _kind_changed(self) -> None:
        self.query_one("#filing-title", Static).update(self._heading_for(self.kind))
        self._drafting.now()

    @on(Checkbox.Changed, "#filing-review")
    def _review_changed(self) -> None:
        self._drafting.now()

    @on(Select.Changed, "#filing-council")
    def _covering_changed(self) -> None:
        if self._council_arguments() != self._drafted_with:
            self._drafting.now()  # a choice, not the options set again

    @on(Input.Changed, "#filing-date")
    def _date_changed(self) -> None:
        self._show_date_reading()
        self._drafting.later()

    @on(Input.Changed, "#filing-author")
    def _author_changed(self) -> None:
        self._author_origin = "typed"
        self._show_author_note()

    def _author_problem(self) -> str | None:
        """Why the 届出者 typed cannot be committed as, or None."""
        from todokede.registry.git.author import author_refusal

        refusal = author_refusal(self.author)
        return describe_failure(refusal) if refusal is not None else None

    def _show_author_note(self) -> None:
        note = self.query_one("#filing-author-note", Static)
        problem = self._author_problem()
        if problem is not None:
            if self._author_origin == "none" and not self.author:
                problem = "git の利用者が設定されていません。届出者を「氏名 <メール>」の形で入力してください"
            note.update(outside(f"✖ {problem}"))
        else:
            note.update(AUTHOR_NOTES.get(self._author_origin, ""))
        note.set_class(problem is not None, "-error")

    @on(TextArea.Changed, "#filing-summary")
    def _summary_changed(self) -> None:
        self._show_summary_note()

    def _show_date_reading(self) -> None:
        reading = self.query_one("#filing-date-reading", Static)
        try:
            text = date_reading(self.query_one("#filing-date", Input).value)
        except WarekiError as error:  # it quotes what was typed
            reading.update(outside(f"✖ {error}"))
            reading.add_class("-error")
            return
        reading.update(literal(text or "✖ 届出日を入力してください"))
        reading.set_class(not text, "-error")

    def _show_summary_note(self) -> None:
        note = self.query_one("#filing-summary-note", Static)
        if self.summary_touched:
            note.update("入力した概要で届け出ます（ctrl+r で自動作成の概要に戻す）")
        elif self.auto_summary:
            note.update("変更内容から自動作成した概要です（そのまま直せます）")
        else:
            note.update("")

    def _show_message(self, message: str | None, *, working: bool = False) -> None:
        """The box under the fields: what was done first (notes), then ``message``."""
        box = self.query_one("#filing-message", Static)
        lines = [outside(note, "yellow") for note in self.notes]
        if message:
            lines.append(outside(message, "" if working else "bold", multiline=True))
        box.update(Text("\n").join(lines))
        box.set_class(bool(lines), "-visible")
        box.set_class(working, "-working")

    def _set_refusal(self, refusal: str | None) -> None:
        self.refusal = refusal
        self._show_message(f"✖{refusal}" if refusal else None)
        self.query_one("#filing-commit", Button).disabled = refusal is not None

    # -- drafting ---------------------------------------------------------------

    def flush_draft(self) -> None:
        """Draft now what the date's pause would draft (enter in the date does this)."""
        self._drafting.flush()

    @on(Input.Submitted, "#filing-date")
    def _date_submitted(self) -> None:
        self.flush_draft()

    def _start_draft(self) -> None:
        """Draft the filing again for the kind, date and review flag shown."""
        from todokede.registry.git.filing import draft_filing

        day = self._day()
        if day is None:
            self._drafting.settle()
            self.draft = None
            self._set_refusal("届出日を正しく入力してください（例: R7.4.1、2025-04-01）")
            return
        consultation, reported = self._council_arguments()
        self._drafted_with = (consultation, reported)
        work = partial(
            draft_filing,
            self.root,
            self.entry_id,
            self.kind,
            day,
            None,
            self.review,
            consultation,
            reported,
        )
        self._drafting.run(work, self._drafted)

    def _drafted(self, result: FilingDraft | Exception) -> None:
        if self.committing:
            return  # the commit decides now
        changes = self.query_one("#filing-changes", Static)
        if isinstance(result, Exception):  # refused: beside the fields, never a traceback
            self.draft = None
            changes.update(Text("—", "dim"))
            self._set_refusal(describe_failure(result))
            return
        self.draft = result
        if not self.summary_touched:
            self.query_one("#filing-summary", TextArea).load_text(result.summary)
        self.auto_summary = result.summary
        self._show_summary_note()
        changes.update(changes_view(result))
        self._show_council(result)
        self._set_refusal(None)

    def _show_council(self, draft: FilingDraft) -> None:
        """Offer the council items that may cover the change when it needs one (or one
        is chosen), and say what the council and the assessment should have heard."""
        choice = self.query_one("#filing-council", Select)
        offered = {c.key: c for c in draft.coverings}
        if offered.keys() != self._coverings.keys():
            kept = choice.value
            with choice.prevent(Select.Changed):
                choice.set_options([(literal(c.label), key) for key, c in offered.items()])
                if isinstance(kept, str) and kept in offered:
                    choice.value = kept
            self._coverings = offered
        chosen = self.covering is not None
        self.query_one("#filing-council-row").set_class(
            bool(draft.council_warning) or chosen, "-visible"
        )
        lines: list[Text] = []
        if draft.council_warning:
            hint = (
                "答申を受けた諮問か、この業務の報告を「審議会」で選んでください（選ばずに届け出ることもできます）"
                if offered
                else "登録簿に答申済みの諮問も、この業務の報告もありません（このまま届け出ることもできます）"
            )
            lines.append(outside(f"⚠{draft.council_warning}。{hint}", multiline=True))
        if draft.assessment_warning:
            lines.append(outside(f"⚠{draft.assessment_warning}", multiline=True))
        warnings = self.query_one("#filing-warnings", Static)
        warnings.update(Text("\n").join(lines))
        warnings.set_class(bool(lines), "-visible")

    # -- committing -------------------------------------------------------------

    def action_commit(self) -> None:
        """Commit the filing (after one more question for an abolition)."""
        if self.committing:
            return
        day = self._day()
        if day is None:
            self._show_date_reading()
            self._set_refusal("届出日を正しく入力してください（例: R7.4.1、2025-04-01）")
            self.query_one("#filing-date", Input).focus()
            self.app.bell()
            return
        if problem := self._author_problem():
            self._show_author_note()
            self._show_message(f"✖{problem}")
            self.query_one("#filing-author", Input).focus()
            self.app.bell()
            return
        if self.kind == "abolish" and not self._abolish_confirmed:
            self.app.push_screen(
                ConfirmDialog(
                    f"「{self._entry_name}」を廃止します。廃止届の後は届出できません。よろしいですか？",
                    title="業務の廃止",
                    yes="廃止する",
                    no="やめる",
                ),
                self._abolish_answered,
            )
            return
        self._start_commit(day)

    def _abolish_answered(self, yes: bool | None) -> None:
        if yes:
            self._abolish_confirmed = True
            self.action_commit()

    def _start_commit(self, day: date) -> None:
        self.committing = True
        self._drafting.drop()  # drafts still running are of no interest now
        self._show_message("届け出ています（コミット中）…", working=True)
        for widget in self.query(LOCKED_WHILE_COMMITTING):
            widget.disabled = True
        summary = self.summary.strip() or None
        self._commit(self.kind, day, summary, self.review, self.author, *self._council_arguments())

    @work(thread=True, exclusive=True, group="commit-filing", exit_on_error=False)
    def _commit(
        self,
        kind: FilingKind,
        day: date,
        summary: str | None,
        review: bool,
        author: str,
        consultation: str,
        reported: date | None,
    ) -> None:
        from todokede.registry.git.author import remember_author
        from todokede.registry.git.filing import file_entry

        result: Filed | str
        notes: tuple[str, ...] = ()
        try:
            result = file_entry(
                self.root,
                self.entry_id,
                kind,
                day,
                summary,
                review,
                author,
                consultation,
                reported,
            )
        except Exception as error:  # the dialog stays with everything typed
            result = describe_failure(error)
            notes = tuple(getattr(error, "__notes__", ()))  # done before the refusal
        else:
            try:  # the next filing of this register on this machine starts from it
                remember_author(self.root, author)
            except Exception as error:  # the filing is made: only the memory failed
                result.notes.append(
                    f"届出者を次回のために覚えられませんでした（{describe_failure(error)}）"
                )
        self.app.call_from_thread(self._committed, result, notes)

    def _committed(self, result: Filed | str, notes: tuple[str, ...] = ()) -> None:
        self.committing = False
        self.notes += notes
        self._drafting.settle()
        for widget in self.query(LOCKED_WHILE_COMMITTING):
            widget.disabled = False
        if isinstance(result, str):
            self._set_refusal(f"届け出られませんでした: {result}（入力した内容はそのままです）")
            self.app.bell()
            return
        self.dismiss(result)

    def action_reset_summary(self) -> None:
        """Back to the summary written from the changes."""
        if self.auto_summary:
            self.query_one("#filing-summary", TextArea).load_text(self.auto_summary)

    def has_unsaved_edits(self) -> bool:
        """Whether closing would lose a summary the user wrote."""
        return self.summary_touched and bool(self.summary.strip())

    def action_cancel(self) -> None:
        """Close without filing; a summary the user wrote is not dropped without asking."""
        if self.committing:
            return
        if not self.has_unsaved_edits():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                "入力した概要は届け出ていません。捨てて閉じますか？",
                title="届出をやめますか",
                yes="捨てて閉じる",
                no="入力を続ける",
            ),
            answered,
        )

    @on(Button.Pressed, "#filing-commit")
    def _commit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_commit()

    @on(Button.Pressed, "#filing-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
