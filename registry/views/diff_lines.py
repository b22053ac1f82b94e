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

from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from todokede.registry.schema.assessment_levels import SHORT_LABELS
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
    if isinstance(value, dict) and {"level", "evaluated", "persons", "handlers"} <= value.keys():
        return _assessment_value(value)
    return str(value)


def _assessment_value(value: dict[str, object]) -> str:
    """``全項目評価（令和2年2月28日、対象人数115,000人・取扱者数310人）``."""
    level = SHORT_LABELS.get(str(value["level"]), str(value["level"]))
    evaluated = value["evaluated"]
    day = format_wareki(evaluated) if isinstance(evaluated, date) else str(evaluated)
    persons, handlers = value["persons"], value["handlers"]
    counts = (
        f"対象人数{persons:,}人・取扱者数{handlers:,}人"
        if isinstance(persons, int) and isinstance(handlers, int)
        else f"対象人数{persons}人・取扱者数{handlers}人"
    )
    accident = "・重大事故あり" if value.get("incident") is True else ""
    return f"{level}（{day}、{counts}{accident}）"


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
        if change.field == "council":
            lines += council_lines(change.before, change.after)
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


COUNCIL_LABEL: Final = "審議会"
OPINION_LABEL: Final = "委員の意見"
_RESULT_WORDS: Final = {"approved": "可", "conditional": "条件付き可", "rejected": "否"}
_COUNCIL_KINDS: Final = {"consultation": "諮問", "report": "報告"}


def _council_key(item: Mapping[str, Any]) -> tuple[str, str]:
    """An item is known by its kind and number (a report, which has none, by its subject)."""
    return str(item.get("kind", "")), str(item.get("number") or item.get("subject", ""))


def _day(value: object) -> str:
    if isinstance(value, date):
        with suppress(ValueError):
            return format_wareki(value)
    return show_value(value)


def _council_title(item: Mapping[str, Any]) -> str:
    """``平成28年度諮問第7号「子ども相談システム導入作業委託」`` or ``報告「…」（平成28年10月25日）``."""
    subject = f"「{item.get('subject', '')}」"
    if item.get("number"):
        return f"{item['number']}{subject}"
    kind = _COUNCIL_KINDS.get(str(item.get("kind", "")), "")
    return f"{kind}{subject}（{_day(item.get('date'))}）"


def council_lines(before: object, after: object) -> list[DiffLine]:
    """The council items that changed, each as people name it: added, removed, its
    answer (答申) recorded, its opinions added or answered."""
    old = [i for i in before if isinstance(i, Mapping)] if isinstance(before, list) else []
    new = [i for i in after if isinstance(i, Mapping)] if isinstance(after, list) else []
    old_by_key = {_council_key(i): i for i in old}
    new_keys = {_council_key(i) for i in new}
    lines: list[DiffLine] = []
    for item in new:
        previous = old_by_key.get(_council_key(item))
        title = _council_title(item)
        if previous is None:
            lines.append(DiffLine("+", COUNCIL_LABEL, title))
            continue
        if item == previous:
            continue
        if item.get("answered") != previous.get("answered") or item.get("result") != previous.get(
            "result"
        ):
            result = _RESULT_WORDS.get(str(item.get("result", "")), show_value(item.get("result")))
            lines.append(
                DiffLine(
                    "~", COUNCIL_LABEL, f"{title} 答申 {result}（{_day(item.get('answered'))}）"
                )
            )
        old_opinions = {str(o.get("text")): o for o in previous.get("opinions", [])}
        for opinion in item.get("opinions", []):
            text = str(opinion.get("text"))
            given = old_opinions.get(text)
            if given is None:
                lines.append(DiffLine("+", OPINION_LABEL, f"{title}: {text}"))
            elif opinion.get("answer") != given.get("answer"):
                lines.append(
                    DiffLine(
                        "~",
                        OPINION_LABEL,
                        f"{title}: {text} → 回答（{_day(opinion.get('answered'))}）"
                        f" {opinion.get('answer', '')}",
                    )
                )
        rest = {k: v for k, v in item.items() if k not in ("answered", "result", "opinions")}
        rest_before = {
            k: v for k, v in previous.items() if k not in ("answered", "result", "opinions")
        }
        gone = {str(o.get("text")) for o in item.get("opinions", [])}
        if rest != rest_before or any(text not in gone for text in old_opinions):
            lines.append(DiffLine("~", COUNCIL_LABEL, f"{title}（内容を変更）"))
    lines += [
        DiffLine("-", COUNCIL_LABEL, _council_title(i))
        for i in old
        if _council_key(i) not in new_keys
    ]
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
