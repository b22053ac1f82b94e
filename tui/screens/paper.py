"""What the report screen (r) and the meeting screen (c) share: a document's days
above, its format and file below them, a live preview, and the export.

A subclass composes its own fields (:meth:`PaperScreen.compose_fields`), says
what they ask for (:meth:`PaperScreen.request`: how to build the document and
the file name it proposes, or why it cannot be built yet) and how the built
document is previewed (:meth:`PaperScreen.preview_of`). Every change of a field
is previewed after a short pause (:class:`todokede.tui.debounce.Debounce`); the
export renders with :func:`todokede.reports.output.render` and writes atomically
with :func:`todokede.reports.output.write_output`. What the export would refuse
(a folder, a format the suffix contradicts, a link or a device, a file already
there without a yes) is checked first by :func:`todokede.reports.target.check_export`,
the check the CLI's ``-o`` makes. A relative path is taken from the folder
todokede was started in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Final

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from todokede.registry.files.store import Register
from todokede.reports.council import PeriodError
from todokede.reports.target import SUFFIX_FORMATS, DocumentKind, ExportRefused, check_export
from todokede.tui.debounce import Debounce
from todokede.tui.dialogs.confirm import ConfirmDialog
from todokede.tui.failures import describe_failure
from todokede.tui.plain import outside, shown

#: How long the preview waits after a keystroke in a field.
PREVIEW_DELAY: Final = 0.3


@dataclass(frozen=True)
class Request:
    """What the fields ask for: the document's builder and the file name proposed
    for a format."""

    build: Callable[[], Any]
    file_name: Callable[[str], str]


@dataclass(frozen=True)
class Unready:
    """Why the fields ask for nothing yet: a line for the status and the field to fix."""

    message: str
    field: str


class PaperScreen(Screen[None]):
    """A document of the register: its fields, a preview, and the export to a file."""

    #: The ids' first word: ``report`` gives ``#report-path``, ``#report-body`` …
    PREFIX: ClassVar[str]
    #: The document's kind for :func:`check_export`.
    DOCUMENT: ClassVar[DocumentKind]
    #: The formats offered, as the Select lists them; the first is the default.
    FORMATS: ClassVar[tuple[tuple[str, str], ...]]
    #: The title bar's text.
    TITLE_TEXT: ClassVar[str]
    #: Where the preview tells what to do while the fields ask for nothing.
    WAITING_TEXT: ClassVar[str]
    #: The notification's title once written.
    NOTIFY_TITLE: ClassVar[str]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "書き出す", id="paper-export"),
        Binding("escape", "back", "戻る", id="paper-back"),
    ]

    CSS_PATH = "../styles/paper.tcss"

    def __init__(self, register: Register) -> None:
        super().__init__()
        self.register = register
        self.document: Any = None
        """The document previewed; None while the fields cannot be read."""
        self.written: Path | None = None
        """The last file written."""
        self.auto_path = ""
        """The file name the screen proposed; the field follows it until the user types."""
        self._previewing = Debounce(
            self, PREVIEW_DELAY, self._start_preview, f"{self.PREFIX}-preview"
        )
        """The previews that follow the fields."""
        self.exporting = False

    # -- what a subclass says ----------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        """The rows above the format (the document's days)."""
        yield from ()

    def request(self) -> Request | Unready:
        """What the fields ask for, or why they ask for nothing yet."""
        raise NotImplementedError

    def show_fields(self) -> None:
        """Say beside each field how it reads (called on every change)."""

    def preview_of(self, document: Any) -> RenderableType:
        """The built document as the preview shows it (in the preview's worker)."""
        raise NotImplementedError

    def built(self, document: Any) -> None:
        """A preview's document has arrived (a subclass may keep what it read)."""

    def ident(self, name: str) -> str:
        """``#report-path`` for ``path``."""
        return f"#{self.PREFIX}-{name}"

    # -- the screen ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        prefix = self.PREFIX
        yield Static(self.TITLE_TEXT, id=f"{prefix}-title", classes="title-bar")
        with Vertical(id=f"{prefix}-form", classes="paper-form"):
            yield from self.compose_fields()
            with Horizontal(classes="paper-row"):
                yield Label("形式", classes="paper-label")
                yield Select(
                    self.FORMATS,
                    value=self.FORMATS[0][1],
                    allow_blank=False,
                    id=f"{prefix}-format",
                    classes="paper-format",
                    compact=True,
                )
            with Horizontal(classes="paper-row"):
                yield Label("出力先", classes="paper-label")
                yield Input(self.auto_path, id=f"{prefix}-path", classes="paper-path", compact=True)
                yield Button(
                    "書き出す (ctrl+s)", id=f"{prefix}-export", classes="paper-export", compact=True
                )
            yield Static(
                "相対パスは todokede を起動したフォルダに書き出します",
                id=f"{prefix}-status",
                classes="paper-status",
            )
        with VerticalScroll(id=f"{prefix}-preview", classes="paper-preview"):
            yield Static("", id=f"{prefix}-body")
        yield Footer()

    def on_mount(self) -> None:
        self.fields_changed()
        self._previewing.now()

    def fields_changed(self) -> None:
        """A field changed: say how it reads, follow the file name, preview after a pause."""
        self.show_fields()
        request = self.request()
        if isinstance(request, Request):
            self._propose_path(request, self.fmt)
        self._previewing.later()

    def flush_preview(self) -> None:
        """Preview now what the fields' pause would preview (enter in a field does this)."""
        self._previewing.flush()

    def _start_preview(self) -> None:
        request = self.request()
        if isinstance(request, Unready):
            self._previewing.settle()
            self.document = None
            self.query_one(self.ident("body"), Static).update(Text(self.WAITING_TEXT, "dim"))
            return
        self._previewing.run(partial_build(self, request), self._built)

    def _built(self, result: tuple[Any, RenderableType] | Exception) -> None:
        body = self.query_one(self.ident("body"), Static)
        if isinstance(result, Exception):  # shown on screen: a user never sees a traceback
            self.document = None
            message = (
                str(result)
                if isinstance(result, PeriodError)
                else f"{self.NOTIFY_TITLE}を作れませんでした: {describe_failure(result)}"
            )
            body.update(outside(message, "red", multiline=True))
            return
        self.document, view = result
        self.built(self.document)
        body.update(view)

    # -- the file ------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        value = self.query_one(self.ident("format"), Select).value
        return value if isinstance(value, str) else self.FORMATS[0][1]

    def _propose_path(self, request: Request, fmt: str) -> None:
        """Follow the fields and the format, unless the user typed their own name."""
        path = self.query_one(self.ident("path"), Input)
        proposed = request.file_name(fmt)
        typed = path.value.strip()
        if typed == self.auto_path or not typed:
            path.value = proposed
        elif SUFFIX_FORMATS.get(Path(typed).suffix.lower()) not in (None, fmt):
            path.value = str(Path(typed).with_suffix(f".{fmt}"))
        self.auto_path = proposed

    @on(Select.Changed, ".paper-format")
    def _format_changed(self) -> None:
        request = self.request()
        if isinstance(request, Request):
            self._propose_path(request, self.fmt)

    def _status(self, message: str, kind: str = "") -> None:
        """One line under the form; it may name a path or quote an error."""
        status = self.query_one(self.ident("status"), Static)
        status.update(outside(message))
        status.set_class(kind == "error", "-error")
        status.set_class(kind == "done", "-done")

    def target(self) -> Path | None:
        """Where the file goes (a relative path from the folder todokede started in)."""
        typed = self.query_one(self.ident("path"), Input).value.strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        return path if path.is_absolute() else Path.cwd() / path

    def _path_problem(self) -> tuple[Path | None, str | None]:
        """The file named, or why it names none."""
        try:
            path = self.target()
        except (OSError, RuntimeError, ValueError) as error:  # ~nobody, a bad name
            return None, f"出力先を使えません: {error}"
        if path is None:
            return None, "出力先のファイル名を入力してください"
        return path, None

    def _refusal(self, path: Path, *, overwrite: bool) -> ExportRefused | None:
        """What the export to ``path`` would refuse before writing (the CLI's check)."""
        try:
            check_export(self.DOCUMENT, path, self.fmt, overwrite=overwrite)
        except ExportRefused as refused:
            return refused
        return None

    def action_export(self) -> None:
        """Write the document, after checking the fields, the register and the path."""
        request = self.request()
        if isinstance(request, Unready):
            self._status(f"{request.message}（書き出していません）", "error")
            self.query_one(self.ident(request.field)).focus()
            self.app.bell()
            return
        errors = self.register.errors
        if errors:
            self._status(
                f"登録簿にエラーが {len(errors)}件あるため書き出せません（{errors[0].as_text()}）",
                "error",
            )
            self.app.bell()
            return
        path, problem = self._path_problem()
        refusal = self._refusal(path, overwrite=False) if path is not None else None
        if refusal is not None and refusal.reason != "exists":
            problem = describe_failure(refusal)
        if problem is not None or path is None:
            self._status(problem or "", "error")
            self.query_one(self.ident("path"), Input).focus()
            self.app.bell()
            return
        if refusal is not None:  # a file is there: replaced only after a yes

            def answered(overwrite: bool | None) -> None:
                if not overwrite:
                    # what an earlier export said no longer holds
                    self._status(f"書き出していません（{path.name} はそのままです）")
                elif (again := self._refusal(path, overwrite=True)) is not None:
                    self._status(describe_failure(again), "error")  # changed while asked
                else:
                    self._start_export(path, request)

            self.app.push_screen(
                ConfirmDialog(
                    f"{path.name} は既にあります。上書きしますか？",
                    title="上書きの確認",
                    yes="上書きする",
                    no="やめる",
                ),
                answered,
            )
            return
        self._start_export(path, request)

    def _start_export(self, path: Path, request: Request) -> None:
        self.exporting = True
        self._status(f"書き出しています… {path}")
        self._export(path, request, self.fmt)

    @work(thread=True, exclusive=True, group="paper-export", exit_on_error=False)
    def _export(self, path: Path, request: Request, fmt: str) -> None:
        from todokede.reports.output import render, write_output

        failure: str | None = None
        try:
            write_output(path, render(request.build(), fmt))
        except OSError as error:
            failure = f"{path} に書き出せません: {error.strerror or error}"
        except Exception as error:  # shown on screen: a user never sees a traceback
            failure = f"書き出せませんでした: {describe_failure(error)}"
        self.app.call_from_thread(self._exported, path, failure)

    def _exported(self, path: Path, failure: str | None) -> None:
        self.exporting = False
        if failure is not None:
            self._status(failure, "error")
            return
        self.written = path
        self._status(f"書き出しました: {path}", "done")
        self.notify(
            shown(f"書き出しました: {path}"), title=self.NOTIFY_TITLE, timeout=5, markup=False
        )

    @property
    def busy(self) -> bool:
        """Whether a preview or an export is still on its way."""
        return self.exporting or self._previewing.busy

    @on(Button.Pressed, ".paper-export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    @on(Input.Submitted, ".paper-field")
    def _field_submitted(self) -> None:
        self.flush_preview()

    @on(Input.Changed, ".paper-field")
    def _field_changed(self) -> None:
        self.fields_changed()

    def action_back(self) -> None:
        self.dismiss(None)


def partial_build(
    screen: PaperScreen, request: Request
) -> Callable[[], tuple[Any, RenderableType]]:
    """The preview's work: the document and its view (run in the preview's worker)."""

    def build() -> tuple[Any, RenderableType]:
        document = request.build()
        return document, screen.preview_of(document)

    return build
