"""The mapping file (``--mapping M.toml``): what the user says of their spreadsheet.

::

    sheet = "事務登録簿"              # the sheet to read (else --sheet, else the first)

    [columns]                          # a header's label → the field it fills
    "事務名称" = "name"
    "課名" = "department"
    "氏名欄" = "item:氏名"             # a checkbox column ticking 氏名
    "整理番号" = "ignore"              # left out

    [values.file_kind]                 # a field's values read as others
    "電子" = "computer"

    [departments]                      # 課 renamed on the way in
    "市民課窓口係" = "市民課"

    [ids]                              # the id rule
    prefix = "hino"                    # every new id starts with it (hino-kazei-…)

An id comes from the column read as 業務ID (``process_id``; map a 整理番号 to it)
when its value makes one, else from the 課 and the name romanized.

It comes before every label the importer knows. A file that cannot be read, or
that names a field the importer has not, is refused in one line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from todokede.reports.imports.labels import FIELD_TITLES, IGNORE, ITEM
from todokede.reports.imports.readers import ImportRefused
from todokede.reports.imports.values import fold_label

#: A prefix of ids: what ENTRY_ID accepts, short enough to leave room for the names.
_PREFIX: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,19}")


@dataclass(frozen=True)
class Mapping:
    """Columns, values and 課 as the mapping file says (empty: as read)."""

    columns: dict[str, str] = field(default_factory=dict)
    """Folded label → field (``item:氏名`` for a checkbox column, ``ignore``)."""
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    id_prefix: str = ""
    """What every new id starts with (``[ids] prefix``)."""

    def department(self, text: str) -> str:
        return self.departments.get(text, text)

    def value(self, name: str, text: str) -> str:
        return self.values.get(name, {}).get(text, text)


def load_mapping(path: Path | None) -> Mapping:
    """The mapping at ``path`` (None: the empty mapping); ImportRefused when wrong."""
    if path is None:
        return Mapping()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise ImportRefused(f"対応表 {path} を読めません: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ImportRefused(f"対応表 {path.name} を TOML として読めません: {error}") from None
    unknown = set(data) - {"sheet", "columns", "values", "departments", "ids"}
    if unknown:
        raise ImportRefused(
            f"対応表 {path.name} の「{sorted(unknown)[0]}」は使えない項目です"
            "（sheet、[columns]、[values]、[departments]、[ids] を書けます）"
        )
    columns = _strings(path, data.get("columns", {}), "columns")
    for label, target in columns.items():
        name = target.removeprefix(f"{ITEM}:") if target.startswith(f"{ITEM}:") else target
        if target.startswith(f"{ITEM}:") and not name:
            raise ImportRefused(
                f"対応表 {path.name} の [columns]「{label}」: item: の後に記録項目を書いてください"
            )
        if (not target.startswith(f"{ITEM}:") and target not in FIELD_TITLES) or target == ITEM:
            known = "、".join(k for k in FIELD_TITLES if k not in (ITEM, IGNORE))
            raise ImportRefused(
                f"対応表 {path.name} の [columns]「{label}」= 「{target}」は取り込めない項目です"
                f"（{known}、item:記録項目、{IGNORE}）"
            )
    values_table = data.get("values", {})
    if not isinstance(values_table, dict):
        raise ImportRefused(f"対応表 {path.name} の [values] は表で書いてください")
    values = {name: _strings(path, table, f"values.{name}") for name, table in values_table.items()}
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise ImportRefused(f"対応表 {path.name} の sheet は文字列で書いてください")
    ids = _strings(path, data.get("ids", {}), "ids")
    if set(ids) - {"prefix"}:
        raise ImportRefused(f"対応表 {path.name} の [ids] に書けるのは prefix だけです")
    prefix = ids.get("prefix", "")
    if prefix and not _PREFIX.fullmatch(prefix):
        raise ImportRefused(
            f"対応表 {path.name} の [ids] prefix「{prefix}」は使えません"
            "（半角英小文字・数字・- の20文字まで、英数字で始める）"
        )
    return Mapping(
        id_prefix=prefix,
        columns={fold_label(label): target for label, target in columns.items()},
        values=values,
        departments=_strings(path, data.get("departments", {}), "departments"),
        sheet=sheet,
    )


def _strings(path: Path, table: Any, name: str) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ImportRefused(
            f'対応表 {path.name} の [{name}] は「"見出し" = "値"」の形で書いてください'
        )
    return {str(k): v for k, v in table.items()}
