"""``?``: the keys of the screen underneath, and the legend of the tree's marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from todokede.tui.widgets.marks import LEGEND


@dataclass(frozen=True)
class KeyHelp:
    """One line of the key list."""

    key: str
    description: str
    enabled: bool = True


def screen_keys(screen: Screen[object]) -> list[KeyHelp]:
    """The keys of todokede active on ``screen``: the screen's, then the focused
    widget's, then the app's. Textual's own navigation keys (no id) are left out."""
    seen: set[tuple[str, str]] = set()
    ranked: list[tuple[int, KeyHelp]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or not binding.description or binding.system:
            continue
        marker = (binding.action, binding.description)
        if marker in seen:
            continue
        seen.add(marker)
        rank = 0 if active.node is screen else (2 if isinstance(active.node, App) else 1)
        key = KeyHelp(screen.app.get_key_display(binding), binding.description, active.enabled)
        ranked.append((rank, key))
    return [key for _, key in sorted(ranked, key=lambda pair: pair[0])]


class HelpScreen(ModalScreen[None]):
    """A list of keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "閉じる", id="help-close"),
    ]

    CSS_PATH = "../styles/dialogs.tcss"

    def __init__(self, title: str, keys: Sequence[KeyHelp], show_legend: bool = False) -> None:
        super().__init__()
        self._title = title
        self._keys = list(keys)
        self._show_legend = show_legend

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"キー一覧 — {self._title}"), id="help-title")
            with VerticalScroll():
                yield Static(self._body(), id="help-body")
            yield Static("↑↓ でスクロール、escape または ? で閉じる", id="help-hint")

    def _body(self) -> RenderableType:
        table = Table.grid(padding=(0, 2))
        table.add_column("キー", style="bold cyan", no_wrap=True)
        table.add_column("操作")
        for key in self._keys:
            table.add_row(Text(key.key), Text(key.description, "" if key.enabled else "dim"))
        table.add_row("tab / shift+tab", "次の欄 / 前の欄へ")
        parts: list[RenderableType] = [table]
        if self._show_legend:
            legend = Table.grid(padding=(0, 2))
            legend.add_column("印", no_wrap=True)
            legend.add_column("意味")
            for mark, style, meaning in LEGEND:
                legend.add_row(Text(mark, style), meaning)
            parts += [Text(""), Text("一覧の印", "bold"), legend]
        return Group(*parts)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # no toast over the list's last lines

    def action_close(self) -> None:
        self.dismiss(None)
