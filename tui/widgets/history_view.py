"""The commits of one process as the 変更履歴 tab lists them (newest first).

Each commit shows its date in 和暦, its kind (開始・変更・廃止, or その他 for a
commit that is not a filing), who made it, the summary and which fields
changed. The history screen (h, :mod:`todokede.tui.screens.history`) shows each commit's
field-level and raw diffs. What comes from git (authors, messages, old versions
of the file) is shown with hidden characters as marks (:func:`todokede.tui.plain.outside`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.display import visible
from todokede.tui.plain import outside

if TYPE_CHECKING:
    from todokede.registry.git.history import HistoryItem

KIND_STYLES = {"start": "bold green", "change": "bold cyan", "abolish": "bold red"}


def changed_fields_text(item: HistoryItem) -> Text:
    """``変更: 業務の目的、記録項目（追加 個人番号／削除 電話番号）``."""
    diff = item.diff
    text = Text()
    if diff is None:
        return text
    if diff.status == "added":
        text.append("ファイルを追加", "green")
    elif diff.status == "removed":
        text.append("ファイルを削除", "red")
    labels = [change.label for change in diff.field_changes if change.field != "filings"]
    if labels:
        if text:
            text.append("  ")
        text.append("変更: ", "dim")
        text.append(visible("、".join(labels)))
    if diff.items_added or diff.items_removed:
        parts = []
        if diff.items_added:
            parts.append(f"追加 {'、'.join(diff.items_added)}")
        if diff.items_removed:
            parts.append(f"削除 {'、'.join(diff.items_removed)}")
        text.append(visible(f"（{'／'.join(parts)}）"), "dim")
    return text


def history_view(items: Sequence[HistoryItem]) -> RenderableType:
    """Every commit of a process, newest first."""
    if not items:
        return Text(
            "この業務のコミットはまだありません（保存した変更は届出でコミットされます）", "dim"
        )
    parts: list[RenderableType] = [Text(f"コミット {len(items)}件（新しい順）", "dim")]
    for item in items:
        log = item.log
        head = Text()
        head.append(format_wareki(log.date))
        head.append("  ")
        head.append(
            log.kind_label + ("届" if log.is_filing else ""),
            KIND_STYLES.get(log.kind or "", "bold"),
        )
        if log.review:
            head.append("（見直し）", "cyan")
        head.append(f"  {visible(log.author)}", "dim")
        head.append(f"  {log.commit[:7]}", "dim")
        parts.append(Text(""))
        parts.append(head)
        summary = log.summary or log.subject
        if summary:
            parts.append(Padding(outside(summary, multiline=True), (0, 0, 0, 2)))
        changes = changed_fields_text(item)
        if changes:
            parts.append(Padding(changes, (0, 0, 0, 2)))
    return Group(*parts)
