"""What each column of a sheet holds: its header found, its label matched to a field.

A sheet's header is the first of its first rows whose cells match known labels
(a title and notes above it are passed over); a second header row is read with it
when the first names a group (「記録項目」 over one column per item) or leaves the
name column blank below a merged cell. Labels are matched folded (NFKC, no spaces,
no trailing note) against the synonyms below, then against the catalog's record
items: a column labelled with an item is a checkbox column (○ ticks it). A mapping
file's columns (:mod:`todokede.reports.imports.mapping`) come before all of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from todokede.reports.imports.readers import ImportRefused, Sheet, column_name
from todokede.reports.imports.values import fold_label, read_text

#: The fields a column may fill, with the labels cities give them.
FIELD_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "name": (
        "事務の名称",
        "業務の名称",
        "名称",
        "事務名",
        "業務名",
        "事務名称",
        "業務名称",
        "取扱事務の名称",
        "個人情報取扱事務の名称",
    ),
    "file_name": ("個人情報ファイルの名称", "ファイルの名称", "ファイル名", "ファイル名称"),
    "department": (
        "担当課",
        "所管課",
        "担当部署",
        "所管部署",
        "課名",
        "担当課名",
        "事務をつかさどる組織の名称",
        "事務をつかさどる組織",
        "個人情報ファイルが利用に供される事務をつかさどる組織の名称",
        "組織の名称",
        "担当組織",
    ),
    "division": ("部", "部名", "担当部", "所管部"),
    "agency": ("行政機関等の名称", "実施機関", "実施機関の名称", "機関の名称"),
    "purpose": (
        "事務の目的",
        "業務の目的",
        "目的",
        "利用目的",
        "個人情報ファイルの利用目的",
        "取扱いの目的",
    ),
    "legal_basis": ("根拠法令", "根拠法令等", "根拠", "法令等の根拠"),
    "subjects": ("対象者の範囲", "対象者", "個人の範囲", "記録される個人の範囲"),
    "scope": ("記録範囲", "記録の範囲", "記録される者の範囲"),
    "record_items": (
        "記録項目",
        "個人情報の記録項目",
        "記録される項目",
        "個人情報の項目",
        "記録項目の名称",
        "記録される個人情報",
    ),
    "collection_methods": ("収集方法", "記録情報の収集方法", "収集の方法"),
    "sources": ("収集先", "記録情報の収集先", "本人以外からの収集先", "収集元"),
    "sensitive": (
        "要配慮個人情報",
        "要配慮個人情報が含まれるときは、その旨",
        "要配慮個人情報の有無",
    ),
    "recipients": ("経常的提供先", "記録情報の経常的提供先", "提供先", "外部提供先"),
    "file_kind": (
        "種別",
        "処理形態",
        "ファイルの種別",
        "電算処理ファイル/マニュアル処理ファイルの別",
        "電算処理ファイル・マニュアル処理ファイルの別",
        "電算・マニュアルの別",
        "電算処理ファイル又はマニュアル処理ファイルの別",
        "個人情報ファイルの種別",
    ),
    "persons": ("本人の数", "記録される本人の数", "対象者数", "人数", "本人数"),
    "started": (
        "開始年月日",
        "届出年月日",
        "事務開始年月日",
        "登録年月日",
        "開始日",
        "届出日",
    ),
    "changed": ("最終変更年月日", "変更年月日", "最終変更日"),
    "retention": ("保存期間", "保存年限"),
    "outsourcing": ("委託", "委託の有無", "外部委託", "外部委託の有無"),
    "contractors": ("委託先", "委託先の名称", "受託者"),
    "connections": ("結合先", "オンライン結合先", "外部結合先", "オンライン結合", "外部結合"),
    "computer": ("電算処理", "電子計算機処理", "電子計算機処理の有無", "電算処理の有無"),
    "notes": ("備考", "その他", "特記事項"),
    "process_id": ("業務ID",),
    "since": ("記載年月日",),
    "special_procedure": ("訂正及び利用停止に関する他の法令の規定による特別の手続等",),
}
#: How the dry-run and the TUI name each field.
FIELD_TITLES: Final[dict[str, str]] = {
    "name": "業務の名称",
    "file_name": "個人情報ファイルの名称",
    "department": "担当課",
    "division": "部",
    "agency": "行政機関等",
    "purpose": "目的",
    "legal_basis": "根拠法令",
    "subjects": "対象者の範囲",
    "scope": "記録範囲",
    "record_items": "記録項目",
    "collection_methods": "収集方法",
    "sources": "収集先",
    "sensitive": "要配慮個人情報",
    "recipients": "経常的提供先",
    "file_kind": "種別",
    "persons": "本人の数",
    "started": "開始年月日",
    "changed": "最終変更年月日",
    "retention": "保存期間",
    "outsourcing": "委託の有無",
    "contractors": "委託先",
    "connections": "結合先",
    "computer": "電算処理の有無",
    "notes": "備考",
    "process_id": "業務ID（同じ業務のファイルをまとめる）",
    "since": "記載年月日",
    "special_procedure": "訂正及び利用停止の特別の手続等",
    "item": "記録項目（チェック欄）",
    "ignore": "読み込まない",
}
#: A column the user says to leave out (mapping ``"ignore"``, or the TUI's choice).
IGNORE: Final = "ignore"
#: A checkbox column: a mark ticks its record item.
ITEM: Final = "item"
#: How many rows a header may be looked for in (a title and notes above it).
HEADER_SEARCH_ROWS: Final = 30
#: Cells a row needs that match known labels to be the header.
MIN_LABELS: Final = 2
_LABEL_FIELDS: Final[dict[str, str]] = {
    fold_label(label): name for name, labels in FIELD_LABELS.items() for label in labels
}
#: Labels over a group of columns whose second-row labels are record items.
_ITEM_GROUPS: Final = frozenset({"record_items"})


@dataclass(frozen=True)
class Column:
    """One column of the sheet: the header as read and the field it fills."""

    index: int
    label: str
    field: str | None
    """The field, ``item`` for a checkbox column, None when no label matched."""
    item: str = ""
    """The record item a checkbox column ticks."""

    @property
    def letter(self) -> str:
        return column_name(self.index)

    @property
    def title(self) -> str:
        """What the column fills, as the dry-run names it."""
        if self.field == ITEM:
            return f"記録項目「{self.item}」"
        return FIELD_TITLES.get(self.field or "", "（読み込まない）")


@dataclass(frozen=True)
class Header:
    """Where a table's header is, and its columns."""

    row: int
    height: int
    columns: tuple[Column, ...]

    @property
    def data_start(self) -> int:
        return self.row + self.height

    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}


def match_label(
    label: str, items: Mapping[str, str], mapping: Mapping[str, str] | None = None
) -> tuple[str | None, str]:
    """The field a label names, and the record item for a checkbox column."""
    folded = fold_label(label)
    if not folded:
        return None, ""
    if mapping and folded in mapping:
        target = mapping[folded]
        if target.startswith(f"{ITEM}:"):
            return ITEM, target.removeprefix(f"{ITEM}:")
        return target, ""
    if folded in _LABEL_FIELDS:
        return _LABEL_FIELDS[folded], ""
    if folded in items:
        return ITEM, items[folded]
    return None, ""


def _header_texts(sheet: Sheet, row: int) -> list[str]:
    """The texts of a header row, a merged cell's text in each column it covers."""
    texts = [read_text(value).replace("\n", "") for value in sheet.rows[row]]
    for (top, left), (bottom, right) in sheet.merged:
        if top <= row <= bottom and top < len(sheet.rows):
            value = read_text(sheet.cell(top, left)).replace("\n", "")
            for column in range(left, min(right + 1, len(texts))):
                if not texts[column]:
                    texts[column] = value
    return texts


def find_header(
    sheet: Sheet, items: Mapping[str, str], mapping: Mapping[str, str] | None = None
) -> Header:
    """The sheet's header; ImportRefused when no row among the first ones has one."""
    if not any(any(read_text(v) for v in row) for row in sheet.rows):
        raise ImportRefused(f"シート「{sheet.name}」は空です")
    for row in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        texts = _header_texts(sheet, row)
        matched = [match_label(text, {}, mapping)[0] for text in texts]
        known = [field for field in matched if field]
        if len(known) < MIN_LABELS or not {"name", "file_name"} & set(known):
            continue
        if _has_second_row(sheet, row, texts, matched, items, mapping):
            return Header(row, 2, _two_row_columns(sheet, row, texts, items, mapping))
        columns = tuple(
            Column(index, text, *match_label(text, items, mapping))
            for index, text in enumerate(texts)
            if text
        )
        return Header(row, 1, columns)
    raise ImportRefused(
        f"シート「{sheet.name}」に見出しの行が見つかりません"
        "（「事務の名称」「担当課」などの見出しが並ぶ行が必要です。--mapping で列を指定できます）"
    )


def _has_second_row(
    sheet: Sheet,
    row: int,
    texts: list[str],
    matched: list[str | None],
    items: Mapping[str, str],
    mapping: Mapping[str, str] | None,
) -> bool:
    """Whether the row below the header is a second header row: the name column is
    blank there (a merged cell above), and it has labels under a group or a known one."""
    below = row + 1
    if below >= len(sheet.rows):
        return False
    under = [read_text(v) for v in sheet.rows[below]]
    name_columns = [i for i, field in enumerate(matched) if field in ("name", "file_name")]
    if any(i < len(under) and under[i] for i in name_columns):
        return False  # a data row: it names its process
    for column, text in enumerate(under):
        if not text:
            continue
        group = matched[column] if column < len(matched) else None
        if group in _ITEM_GROUPS or match_label(text, items, mapping)[0]:
            return True
    return False


def _two_row_columns(
    sheet: Sheet,
    row: int,
    texts: list[str],
    items: Mapping[str, str],
    mapping: Mapping[str, str] | None,
) -> tuple[Column, ...]:
    """The columns of a two-row header: a group's label carried over the columns
    under it, each column's field from its second-row label first."""
    under = _header_texts(sheet, row + 1)
    width = max(len(texts), len(under))
    columns: list[Column] = []
    group = ""
    for index in range(width):
        top = texts[index] if index < len(texts) else ""
        sub = under[index] if index < len(under) else ""
        if top:
            group = top
        elif sub:
            top = group  # under the group's merged (or carried) label
        if not top and not sub:
            continue
        if not sub or sub == top:
            columns.append(Column(index, top, *match_label(top, items, mapping)))
            continue
        top_field = match_label(top, {}, mapping)[0]
        field, item = match_label(sub, items, mapping)
        if top_field in _ITEM_GROUPS and field != ITEM:
            field, item = ITEM, sub  # an item the catalog does not know: kept, reported
        elif field is None:
            field, item = match_label(top, items, mapping)
        columns.append(Column(index, f"{top}／{sub}", field, item))
    return tuple(columns)
