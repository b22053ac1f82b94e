"""An entry's semantic diff as Japanese lines: what ``todokede diff`` prints and the
TUI's history screen shows.

Each line is a sign (``+`` added, ``-`` removed, ``~`` changed), the label of
what changed (記録項目, 委託先, 外部結合, 提供先, 個人情報ファイル, 届出 or a
field's label) and the value. Record items come first, then contractors,
connections, provisions and files (a changed one with the fields that changed:
``~ 個人情報ファイル: 課税台帳ファイル（本人の数・記録項目を変更）``; a renamed one
is the old name removed and the new one added), then filings, then the other
fields (their list values one by one, their single values as ``before → after``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from todokede.registry.schema.model import KIND_LABELS
from todokede.registry.schema.wareki import format_wareki
from todokede.registry.views.diff import (
    FIELD_LABELS,
    TABLE_KEYS,
    TABLE_WORDS,
    EntryDiff,
    FilingNote,
    TableChanges,
    column_labels,
)
from todokede.registry.views.display import visible

Sign = Literal["+", "-", "~"]

SIGN_WORDS: Final[dict[str, str]] = {"+": "追加", "-": "削除", "~": "変更"}
STATUS_NOTES: Final[dict[str, str]] = {
    "added": "ファイルを追加（この業務の最初のコミット）",
    "removed": "ファイルを削除",
}


@dataclass(frozen=True)
class DiffLine:
    """One thing that changed: ``+ 記録項目: 個人番号``."""

    sign: Sign
    label: str
    value: str

    def __post_init__(self) -> None:
        # Old versions of a file were never checked: show hidden characters as marks.
        object.__setattr__(self, "value", visible(self.value))

    @property
    def heading(self) -> str:
        """``記録項目の追加``, ``記録項目の削除``; a changed value keeps its label."""
        return self.label if self.sign == "~" else f"{self.label}の{SIGN_WORDS[self.sign]}"

    @property
    def text(self) -> str:
        """``+ 記録項目: 個人番号``."""
        return f"{self.sign} {self.label}: {self.value}"


@dataclass(frozen=True)
class DiffGroup:
    """Consecutive lines under one heading: ``記録項目の追加: 個人番号、電話番号``."""

    sign: Sign
    heading: str
    values: tuple[str, ...]


def show_value(value: object) -> str:
    """A field's value as a reader sees it: （なし）, あり/なし, else as written."""
    if value is None:
        return "（なし）"
    if isinstance(value, bool):
        return "あり" if value else "なし"
    return str(value)


def changed_labels(diff: EntryDiff) -> list[str]:
    """The labels of the fields that changed, in the design's order."""
    return [FIELD_LABELS.get(name, name) for name in diff.changed_fields]


def _filing_value(note: FilingNote, wareki: bool) -> str:
    day = note.date
    if wareki:
        with suppress(ValueError):  # WarekiError is a ValueError too
            day = format_wareki(date.fromisoformat(note.date))
    kind = KIND_LABELS.get(note.kind, note.kind)
    review = "（見直し）" if note.review else ""
    return f"{day} {kind}{review} {note.summary}".rstrip()


def _what_changed(key: str, changes: TableChanges, name: str) -> str:
    """``本人の数・記録項目``: the fields of a changed table (内容 when not known)."""
    return "・".join(column_labels(key, changes.columns_of(name))) or "内容"


def diff_lines(diff: EntryDiff, *, wareki: bool = False) -> list[DiffLine]:
    """Every change of an entry as a line; filing dates in 和暦 when ``wareki``."""
    lines: list[DiffLine] = []
    lines += [DiffLine("+", "記録項目", item) for item in diff.items_added]
    lines += [DiffLine("-", "記録項目", item) for item in diff.items_removed]
    for key, word in TABLE_WORDS:
        changes = getattr(diff, key)
        lines += [DiffLine("+", word, name) for name in changes.added]
        lines += [DiffLine("-", word, name) for name in changes.removed]
        lines += [
            DiffLine("~", word, f"{name}（{_what_changed(key, changes, name)}を変更）")
            for name in changes.changed
        ]
        if changes.reordered:
            lines.append(DiffLine("~", word, "並びを変更"))
    lines += [DiffLine("+", "届出", _filing_value(note, wareki)) for note in diff.filings_added]
    if diff.status != "modified":
        return lines
    for change in diff.field_changes:
        if change.field in ("record_items", "filings", *TABLE_KEYS):
            continue
        label = FIELD_LABELS.get(change.field, change.field)
        before, after = change.before, change.after
        if isinstance(before, list) or isinstance(after, list):
            old = before if isinstance(before, list) else []
            new = after if isinstance(after, list) else []
            lines += [DiffLine("+", label, str(v)) for v in new if v not in old]
            lines += [DiffLine("-", label, str(v)) for v in old if v not in new]
        else:
            lines.append(DiffLine("~", label, f"{show_value(before)} → {show_value(after)}"))
    lines += [
        DiffLine("~", "記録項目", f"{before} → {after}（表記を変更）")
        for before, after in diff.items_respelled
    ]
    if diff.items_moved:
        lines.append(DiffLine("~", "記録項目", "並びを変更"))
    return lines


def grouped(lines: Sequence[DiffLine]) -> list[DiffGroup]:
    """Consecutive lines of one heading gathered (a changed value stays on its own)."""
    groups: list[DiffGroup] = []
    for line in lines:
        last = groups[-1] if groups else None
        if (
            last is not None
            and line.sign != "~"
            and (last.sign, last.heading)
            == (
                line.sign,
                line.heading,
            )
        ):
            groups[-1] = DiffGroup(last.sign, last.heading, (*last.values, line.value))
        else:
            groups.append(DiffGroup(line.sign, line.heading, (line.value,)))
    return groups
