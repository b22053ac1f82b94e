"""The marks of a process as the tree and the detail show them, and their legend."""

from __future__ import annotations

from typing import Final

from rich.text import Text

from todokede.registry.views.overview import EntryMarks

#: (mark, style, meaning): each mark is one double-width character.
OVERDUE: Final = ("期", "bold #ffffff on #b3261e", "見直し期限経過")
DUE_SOON: Final = ("近", "bold #000000 on #e0a800", "見直し期限間近")
ABOLISHED: Final = ("廃", "#9e9e9e", "廃止")
UNFILED: Final = ("未", "bold #ffffff on #1d4ed8", "未届出（保存したが届け出ていない）")
MY_NUMBER: Final = ("番", "bold #ffffff on #6a3d9a", "個人番号（特定個人情報）")
SENSITIVE: Final = ("要", "bold #ffffff on #c2410c", "要配慮個人情報")
FILE_BOOK: Final = (
    "簿",
    "bold #ffffff on #0f766e",
    "ファイル簿の要確認（個人情報ファイルがない・除外の理由の誤り）",
)
LEGEND: Final = (OVERDUE, DUE_SOON, ABOLISHED, UNFILED, MY_NUMBER, SENSITIVE, FILE_BOOK)
BLANK: Final = "  "


def _mark(spec: tuple[str, str, str]) -> tuple[str, str]:
    return spec[0], spec[1]


def marks_text(marks: EntryMarks, unfiled_slot: bool = False, files_slot: bool = False) -> Text:
    """Fixed slots (review or 廃, 番, 要), so names line up; with ``unfiled_slot``
    (some process of the register is saved but not filed) a slot for 未 after
    the first; with ``files_slot`` (some process's files need a look) one for 簿
    at the end."""
    text = Text()
    if marks.abolished:
        text.append(*_mark(ABOLISHED))
    elif marks.overdue:
        text.append(*_mark(OVERDUE))
    elif marks.due_soon:
        text.append(*_mark(DUE_SOON))
    else:
        text.append(BLANK)
    flags = [(marks.my_number, MY_NUMBER), (marks.sensitive, SENSITIVE)]
    if unfiled_slot:
        flags.insert(0, (marks.unfiled, UNFILED))
    if files_slot:
        flags.append((marks.files_wrong, FILE_BOOK))
    for flag, spec in flags:
        if flag:
            text.append(*_mark(spec))
        else:
            text.append(BLANK)
    return text


def entry_label(
    name: str, marks: EntryMarks, unfiled_slot: bool = False, files_slot: bool = False
) -> Text:
    """A tree leaf: the marks, then the process's name (struck through if abolished)."""
    label = marks_text(marks, unfiled_slot, files_slot)
    label.append(" ")
    label.append(name, "dim strike" if marks.abolished else "")
    return label


def legend_text(compact: bool = False) -> Text:
    """The legend of the marks, one mark and its meaning after another."""
    text = Text()
    for index, (mark, style, meaning) in enumerate(LEGEND):
        if index:
            text.append(" ")
        text.append(mark, style)
        short = meaning.removeprefix("見直し").split("（")[0] if compact else meaning
        text.append(short, "dim")
    return text
