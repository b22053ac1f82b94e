"""The register's header: its name and municipality, and what it holds."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from todokede.registry.views.overview import RegisterCounts
from todokede.tui.plain import literal, outside


def counts_text(counts: RegisterCounts) -> Text:
    """``届出中 30件・廃止 2件 期限経過 5件・間近 1件 エラー 1件``, coloured."""
    text = Text.assemble(f"届出中 {counts.active}件・廃止 {counts.abolished}件")
    if counts.overdue or counts.due_soon:
        text.append("  ")
        text.append(f"期限経過 {counts.overdue}件", "bold red" if counts.overdue else "dim")
        text.append("・")
        text.append(f"間近 {counts.due_soon}件", "bold yellow" if counts.due_soon else "dim")
    if counts.unfiled:
        text.append("  ")
        text.append(f"未届出 {counts.unfiled}件", "bold #7aa2ff")
    if counts.errors:
        text.append("  ")
        text.append(f"エラー {counts.errors}件", "bold white on red")
    elif counts.warnings:
        text.append("  ")
        text.append(f"警告 {counts.warnings}件", "yellow")
    return text


class RegisterHeader(Horizontal):
    """One line: the register's name on the left, its counts on the right."""

    def compose(self) -> ComposeResult:
        yield Static("登録簿を読み込んでいます…", id="header-title")
        yield Static("", id="header-counts")

    def show(self, name: str, municipality: str, counts: RegisterCounts) -> None:
        title = f"{municipality} {name}" if municipality else name
        self.query_one("#header-title", Static).update(literal(title))
        self.query_one("#header-counts", Static).update(counts_text(counts))

    def show_message(self, message: str) -> None:
        """A message in place of the title (the register could not be read)."""
        self.query_one("#header-title", Static).update(outside(message))
        self.query_one("#header-counts", Static).update("")
