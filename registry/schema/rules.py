"""The rules of a register entry, and the check of one entry file's data.

Field types are checked by the pydantic models; the rules here relate fields
to each other and to the register: the first filing is a start, dates never go
backwards, nothing follows an abolition, ``status`` agrees with the filings,
the department is known, record items are in the catalog (a warning).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from pydantic import ValidationError, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from todokede.registry.schema.assessment_rules import assessment_violations
from todokede.registry.schema.council_rules import council_violations
from todokede.registry.schema.model import Entry, RegistryConfig, date_problem, text_problem
from todokede.registry.schema.personal_files import file_violations
from todokede.registry.schema.problems import Violation

if TYPE_CHECKING:
    from todokede.registry.schema.catalog import Catalog


def entry_rule_violations(
    entry: Entry,
    config: RegistryConfig | None = None,
    catalog: Catalog | None = None,
) -> list[Violation]:
    """Every cross-field rule the entry breaks, in file order."""
    found: list[Violation] = []
    if config is not None and entry.department not in config.departments:
        found.append(
            Violation(
                ("department",),
                f"担当課「{entry.department}」は registry.toml の departments にありません",
            )
        )
    if config is not None:
        catalog = catalog or config.build_catalog()
        found.extend(_catalog_violations(entry, catalog))
    found.extend(file_violations(entry, config, catalog))
    found.extend(assessment_violations(entry, catalog))
    found.extend(_filing_violations(entry))
    found.extend(council_violations(entry))
    found.extend(_clock_violations(entry, config))
    # A filing after an abolition is reported there; status cannot then be judged.
    filed_after_abolish = any(f.kind == "abolish" for f in entry.filings[:-1])
    if entry.status != entry.derived_status and not filed_after_abolish:
        if entry.derived_status == "abolished":
            message = '最後の届出が廃止なので status = "abolished" にしてください'
        else:
            message = 'status = "abolished" ですが、最後の届出が廃止ではありません'
        found.append(Violation(("status",), message))
    return found


def _filing_violations(entry: Entry) -> list[Violation]:
    found: list[Violation] = []
    filings = entry.filings
    if not filings:
        return [
            Violation(
                ("filings",),
                "まだ届出されていません（todokede file で開始届を出してください）",
                "warning",
            )
        ]
    if filings[0].kind != "start":
        found.append(
            Violation(("filings", 0, "kind"), "最初の届出は開始（start）でなければなりません")
        )
    abolished_at: int | None = None
    for index, filing in enumerate(filings):
        if index and filing.date < filings[index - 1].date:
            found.append(
                Violation(
                    ("filings", index, "date"),
                    f"届出日 {filing.date} が前の届出（{filings[index - 1].date}）より前です"
                    "（届出は古い順に並べてください）",
                )
            )
        if abolished_at is not None:
            found.append(
                Violation(
                    ("filings", index, "kind"),
                    f"廃止届（{filings[abolished_at].date}）の後に届出はできません",
                )
            )
        elif index and filing.kind == "start":
            found.append(
                Violation(
                    ("filings", index, "kind"),
                    "開始届が2回目です（変更なら change にしてください）",
                    "warning",
                )
            )
        if filing.kind == "abolish" and abolished_at is None:
            abolished_at = index
    return found


#: The review interval of a register whose ``registry.toml`` cannot be read.
_DEFAULT_INTERVAL: Final[int] = RegistryConfig.model_fields["review_interval_years"].default


def last_basis_day(interval_years: int) -> date:
    """The last day a review's basis may fall on: its review, ``interval_years``
    later, must still be a date (9999-12-31 is the last one)."""
    return date(date.max.year - interval_years, 12, 31)


def _clock_violations(entry: Entry, config: RegistryConfig | None) -> list[Violation]:
    """Start and review filings so late that the review clock would run past year 9999.

    Without a readable ``registry.toml`` the interval is the default one, which
    the register is then loaded with.
    """
    years = config.review_interval_years if config is not None else _DEFAULT_INTERVAL
    last = last_basis_day(years)
    return [
        Violation(
            ("filings", index, "date"),
            f"届出日 {filing.date} では見直し期限（{years}年後）が 9999年12月31日を過ぎるため"
            f"扱えません（開始届と見直しの届出は {last} までの日付にしてください）",
        )
        for index, filing in enumerate(entry.filings)
        if (filing.kind == "start" or filing.review) and filing.date > last
    ]


def _catalog_violations(entry: Entry, catalog: Catalog) -> list[Violation]:
    found: list[Violation] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(entry.record_items):
        known = catalog.lookup(item)
        if known is None:
            found.append(
                Violation(
                    ("record_items", index),
                    f"記録項目「{item}」は項目一覧にありません"
                    "（registry.toml の [catalog] に追加できます）",
                    "warning",
                )
            )
        name = known.name if known else item
        if name in seen:
            found.append(
                Violation(
                    ("record_items", index),
                    f"記録項目「{item}」が重複しています（{seen[name] + 1}番目と同じ）",
                    "warning",
                )
            )
        seen.setdefault(name, index)
    return found


_MESSAGES = {
    "missing": "必須項目がありません",
    "string_type": '文字列で書いてください（"..."）',
    "bool_type": "true か false で書いてください",
    "int_type": "整数で書いてください",
    "list_type": "配列で書いてください（[...]）",
    "dict_type": "テーブルで書いてください",
    "model_type": "テーブルで書いてください",
    "too_short": "空にはできません（1つ以上書いてください）",
    "extra_forbidden": "この項目名は使えません（綴りを確認してください）",
    "greater_than_equal": "値が小さすぎます",
    "less_than_equal": "値が大きすぎます",
}


def _literal_message(error: Mapping[str, Any]) -> str:
    expected = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    return f"次のどれかを書いてください: {' / '.join(expected)}（「{error.get('input')}」は使えません）"


def validation_violations(error: ValidationError) -> list[Violation]:
    """Pydantic's errors as violations with Japanese messages."""
    found: list[Violation] = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        loc = tuple(item["loc"])
        if kind == "literal_error":
            message = _literal_message(item)
        elif kind == "date_type" or (
            kind == "greater_than_equal" and isinstance(item["input"], date)
        ):
            message = date_problem(item["input"])
        elif loc[-1:] == ("persons",) and kind != "missing":
            message = "本人の数は0以上の整数で書いてください（例: persons = 85000、引用符なし）"
        elif kind == "string_pattern_mismatch":
            message = text_problem(str(item["input"]))
        elif kind in _MESSAGES:
            message = _MESSAGES[kind]
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
        found.append(Violation(loc, message))
    return found


def check_entry_data(
    data: Mapping[str, Any],
    config: RegistryConfig | None,
    catalog: Catalog | None = None,
) -> tuple[Entry | None, list[Violation]]:
    """Validate raw entry data: the fields, then every rule (none stop early)."""
    from todokede.registry.schema.model import Entry

    try:
        fields = Entry.model_validate(data)
    except ValidationError as error:
        return None, validation_violations(error)
    return fields, entry_rule_violations(fields, config, catalog)


class CheckedEntry(Entry):
    """An entry whose cross-field rules hold (the rules of this module).

    Department and catalog rules need the register; pass it as validation
    context ``{"config": RegistryConfig}`` to have them checked too.
    """

    @model_validator(mode="after")
    def _rules_hold(self, info: ValidationInfo) -> CheckedEntry:
        context = info.context if isinstance(info.context, dict) else {}
        config = context.get("config")
        for violation in entry_rule_violations(self, config):
            if violation.severity == "error":
                raise PydanticCustomError(
                    "entry_rule", "{field}: {message}", violation.as_context()
                )
        return self
