"""Pydantic models of ``registry.toml`` and of one entry (業務届出).

Field names are the contract of DESIGN.md. Types are checked strictly: a date
must be a TOML date (a string such as ``"平成28年3月22日"`` is refused with the ISO
form to write), a list must be a list. Rules that relate several fields
(filing order, status, department, catalog) live in :mod:`todokede.registry.schema.rules`; an
:class:`~todokede.registry.schema.rules.CheckedEntry` enforces them on construction, and
``rules.check_entry_data`` lists all of them with their places.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from todokede.registry.schema.catalog import CATEGORIES, Catalog, CatalogItem, builtin_catalog, fold
from todokede.registry.schema.departments import department_index
from todokede.registry.schema.fields import FILING_KINDS, STATUS_CHOICES
from todokede.registry.schema.limits import ENTRY_ID
from todokede.registry.schema.wareki import GREGORIAN_START, WarekiError, parse_date

#: The values of the field table's choices (checked against it by the tests).
FilingKind = Literal["start", "change", "abolish"]
Status = Literal["active", "abolished"]

KIND_LABELS: Final[dict[str, str]] = dict(FILING_KINDS)
STATUS_LABELS: Final[dict[str, str]] = dict(STATUS_CHOICES)


def date_problem(value: object) -> str:
    """Why a value is not a TOML local date, with the form to write when known.

    The type itself is checked by pydantic-core (strict ``date``: no strings,
    no datetimes); this only explains a failure, so it runs on errors alone.
    """
    if isinstance(value, datetime):
        return f"日付に時刻は書けません: {value.date().isoformat()} と書いてください"
    if isinstance(value, date):
        return "明治6年（1873年）より前の日付は扱えません"
    if isinstance(value, str):
        try:
            iso = parse_date(value).isoformat()
        except WarekiError:
            return "日付は TOML の日付で書いてください（例: 2016-03-22、引用符なし）"
        return f"日付は TOML の日付で書いてください: 「{value}」ではなく {iso}（引用符なし）"
    return "日付は TOML の日付で書いてください（例: 2016-03-22）"


#: Control characters (tab and newline aside), bidi controls (overrides,
#: isolates and the marks U+061C, U+200E, U+200F), the Unicode line and
#: paragraph separators (U+2028, U+2029: a terminal or a CSV reader breaks the
#: line there) and the invisible characters of no width (U+180E, U+200B-U+200D,
#: U+2060-U+2064, U+FEFF: a name holding one looks the same as one without) are
#: refused: the set :mod:`todokede.registry.views.display` makes visible.
#: Checked by pydantic-core's own regex engine: this runs for every string of
#: every entry, so a Python validator here would dominate ``check``.
_FORBIDDEN = (
    "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028\\u2029"
    "\\u202a-\\u202e\\u2066-\\u2069\\u180e\\u200b-\\u200d\\u2060-\\u2064\\ufeff"
)
TEXT_PATTERN: Final = f"^[^{_FORBIDDEN}]*$"
REQUIRED_TEXT_PATTERN: Final = f"^[^{_FORBIDDEN}]*[^\\s{_FORBIDDEN}][^{_FORBIDDEN}]*$"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SEPARATOR = re.compile("[\u2028\u2029]")
_INVISIBLE = re.compile("[\u180e\u200b-\u200d\u2060-\u2064\ufeff]")


def text_problem(value: str) -> str:
    """Why a string failed the text patterns, in Japanese."""
    if found := _CONTROL.search(value):
        return f"制御文字（U+{ord(found.group()):04X}）は使えません"
    if found := _BIDI.search(value):
        return f"文字の向きを変える制御文字（U+{ord(found.group()):04X}）は使えません"
    if found := _SEPARATOR.search(value):
        return (
            f"Unicode の区切り文字（U+{ord(found.group()):04X}）は使えません"
            "（改行は普通の改行で書いてください）"
        )
    if found := _INVISIBLE.search(value):
        return (
            f"幅のない見えない文字（U+{ord(found.group()):04X}）は使えません"
            "（画面にも報告書にも表示されず、同じに見える別の文字列になります）"
        )
    return "空にはできません"


_REQUIRED_TEXT = re.compile(REQUIRED_TEXT_PATTERN)


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name typed on the command line (a process's name):
    the model's rule of required text, and one line (no line break, no tab)."""
    if _REQUIRED_TEXT.fullmatch(value) is None:
        return text_problem(value)
    if "\n" in value or "\t" in value:
        return "改行やタブは使えません（1行で書いてください）"
    return None


TomlDate = Annotated[date, Field(ge=GREGORIAN_START)]
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
RequiredText = Annotated[str, StringConstraints(pattern=REQUIRED_TEXT_PATTERN)]
TextList = list[RequiredText]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Outsourcing(_Model):
    """委託: a contractor handling the personal information."""

    contractor: RequiredText
    scope: Text = ""
    since: TomlDate | None = None


class Connection(_Model):
    """外部結合 (オンライン結合): an online link to another organisation."""

    partner: RequiredText
    purpose: Text = ""
    since: TomlDate | None = None


ProvisionKind = Literal["provision", "internal"]


class Provision(_Model):
    """目的外利用・外部提供: ``provision`` gives data outside the organ (外部提供),
    ``internal`` uses it inside the organ for another purpose (目的外利用)."""

    recipient: RequiredText
    basis: Text = ""
    kind: ProvisionKind = "provision"


FileKind = Literal["computer", "manual"]
#: Persons are counted, never negative; a bool is not a number (strict mode).
Persons = Annotated[int, Field(ge=0, le=10**9)]


class PersonalFile(_Model):
    """個人情報ファイル (法60条2項) held by a process: one sheet of the ファイル簿.

    Empty ``scope`` and ``collection`` fall back to the entry's subjects and its
    sources and methods (:mod:`todokede.registry.schema.personal_files`).
    """

    name: RequiredText
    kind: FileKind
    record_items: Annotated[TextList, Field(min_length=1)]
    scope: Text = ""
    persons: Persons
    collection: Text = ""
    recipients: TextList = Field(default_factory=list)
    special_procedure: Text = ""
    exemption: Text = ""
    withheld: TextList = Field(default_factory=list)
    unlisted: bool = False
    proposals: bool = False
    since: TomlDate | None = None
    notes: Text = ""


class Filing(_Model):
    """届出: one line of the legal record of an entry.

    ``consultation`` names the 諮問 that covers the change (its number),
    ``reported`` the meeting where it was reported (報告): see :class:`CouncilItem`.
    """

    date: TomlDate
    kind: FilingKind
    summary: Text = ""
    review: bool = False
    items_added: TextList = Field(default_factory=list)
    items_removed: TextList = Field(default_factory=list)
    consultation: Text = ""
    reported: TomlDate | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


CouncilKind = Literal["consultation", "report"]
CouncilMatter = Literal[
    "outsourcing", "connection", "provision", "collection", "sensitive", "other"
]
CouncilResult = Literal["approved", "conditional", "rejected"]


class Opinion(_Model):
    """委員の意見 on a council item, and the answer given at a later meeting."""

    text: RequiredText
    answer: Text = ""
    answered: TomlDate | None = None


class CouncilItem(_Model):
    """An item put to the council (審議会): a 諮問 asked or a 報告 made at a meeting."""

    kind: CouncilKind
    number: Text = ""
    """諮問番号 (平成28年度諮問第7号): required for a consultation, unique in the register."""
    subject: RequiredText
    matters: list[CouncilMatter] = Field(default_factory=list)
    date: TomlDate
    answered: TomlDate | None = None
    result: CouncilResult | None = None
    covered_by: Text = ""
    opinions: list[Opinion] = Field(default_factory=list)


AssessmentLevel = Literal["basic", "priority", "full"]


class MyNumberAssessment(_Model):
    """特定個人情報保護評価 (番号法第28条) of a process holding 個人番号."""

    level: AssessmentLevel
    evaluated: TomlDate
    persons: Persons
    handlers: Annotated[int, Field(ge=0, le=10**9)]
    incident: bool = False


class Entry(_Model):
    """One process of the register; each field checked on its own.

    The fields are those of :data:`todokede.registry.schema.fields.ENTRY_FIELDS`,
    in its order, with its defaults (``tests/registry/test_fields.py``).
    """

    name: RequiredText
    department: RequiredText
    section: Text = ""
    purpose: RequiredText
    legal_basis: TextList = Field(default_factory=list)
    subjects: Annotated[TextList, Field(min_length=1)]
    record_items: Annotated[TextList, Field(min_length=1)]
    sources: TextList = Field(default_factory=list)
    collection_methods: TextList = Field(default_factory=list)
    computer_processing: bool = True
    retention: Text = ""
    status: Status = "active"
    outsourcing: list[Outsourcing] = Field(default_factory=list)
    connections: list[Connection] = Field(default_factory=list)
    provisions: list[Provision] = Field(default_factory=list)
    files: list[PersonalFile] = Field(default_factory=list)
    council: list[CouncilItem] = Field(default_factory=list)
    my_number_assessment: MyNumberAssessment | None = None
    filings: list[Filing] = Field(default_factory=list)

    @property
    def derived_status(self) -> Status:
        """``abolished`` exactly when the last filing is an abolition."""
        if self.filings and self.filings[-1].kind == "abolish":
            return "abolished"
        return "active"

    @property
    def is_abolished(self) -> bool:
        return self.derived_status == "abolished"

    @property
    def review_basis(self) -> Filing | None:
        """The latest start filing or filing marked as a review (見直し)."""
        for filing in reversed(self.filings):
            if filing.kind == "start" or filing.review:
                return filing
        return None

    @property
    def last_filing(self) -> Filing | None:
        return self.filings[-1] if self.filings else None

    @property
    def started_on(self) -> date | None:
        for filing in self.filings:
            if filing.kind == "start":
                return filing.date
        return None


class CatalogAddition(_Model):
    """A record item that ``registry.toml`` adds to the built-in catalog."""

    name: RequiredText
    category: RequiredText
    sensitive: bool = False
    my_number: bool = False
    ordinance_sensitive: bool = False
    """条例要配慮個人情報 (法60条5項): designated by this city's ordinance."""
    aliases: TextList = Field(default_factory=list)

    def to_item(self) -> CatalogItem:
        return CatalogItem(
            fold(self.name),
            self.category,
            self.sensitive,
            self.my_number,
            tuple(self.aliases),
            self.ordinance_sensitive,
        )


class CatalogSection(_Model):
    items: list[CatalogAddition] = Field(default_factory=list)


def _known_category(items: list[CatalogAddition]) -> list[CatalogAddition]:
    for item in items:
        if item.category not in CATEGORIES:
            raise PydanticCustomError(
                "category",
                "分類「{category}」は使えません（{allowed}）",
                {"category": item.category, "allowed": "・".join(CATEGORIES)},
            )
    return items


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError("duplicate", "「{value}」が重複しています", {"value": value})
        seen.add(value)
    return values


class Agency(_Model):
    """行政機関等 (地方公共団体の機関: 市長, 教育委員会 …) with its 課 and the
    office that receives requests for disclosure (開示請求等を受理する組織)."""

    name: RequiredText
    departments: TextList = Field(default_factory=list)
    disclosure_office: Text = ""
    disclosure_address: Text = ""


class FilebookSettings(_Model):
    """``[filebook]``: how the statutory book is kept."""

    min_persons: Annotated[int, Field(ge=0, le=10**9)] = 1000
    """法74条2項9号: a file with fewer 本人 is left out (0 lists every file)."""


#: The key of ``[access]`` naming the editors of every department (総務課 as secretariat).
SECRETARIAT: Final = "secretariat"


def _no_surrounding_space(value: str) -> str:
    if value != value.strip():
        raise PydanticCustomError(
            "editor_space",
            "利用者「{value}」の前後に空白があります（サーバーの利用者名と完全に一致させてください）",
            {"value": value},
        )
    return value


Editor = Annotated[RequiredText, AfterValidator(_no_surrounding_space)]


class RegistryConfig(_Model):
    """``registry.toml``: the register's name, clock and departments, and who may edit.

    ``author`` is the 作成課 the reports print (e.g. 総務部総務課); empty when not set.

    ``access`` (``[access]``): department → the server's user names (or emails)
    who may change its entries, and ``secretariat`` → those who may change every
    entry and ``registry.toml``. Enforced by the pre-receive hook
    (:mod:`todokede.registry.access.hook`), audited by ``check --audit``; None when not set.
    """

    name: RequiredText
    municipality: RequiredText
    review_interval_years: Annotated[int, Field(ge=1, le=100)] = 10
    review_warning_months: Annotated[int, Field(ge=0, le=120)] = 6
    departments: Annotated[TextList, Field(min_length=1), AfterValidator(_unique)]
    author: Text = ""
    """作成課: the office that prepares the council's papers (総務部総務課), printed on them."""
    catalog: CatalogSection = Field(default_factory=CatalogSection)
    access: dict[str, list[Editor]] | None = None
    agencies: list[Agency] = Field(default_factory=list)
    divisions: dict[str, TextList] = Field(default_factory=dict)
    """部 → its 課, for the 組織 a file's sheet names (総務部 総務課)."""
    filebook: FilebookSettings = Field(default_factory=FilebookSettings)

    @field_validator("access")
    @classmethod
    def _access_departments(
        cls, access: dict[str, list[str]] | None, info: ValidationInfo
    ) -> dict[str, list[str]] | None:
        departments = info.data.get("departments")
        if access is None or departments is None:
            return access
        for key in access:
            if key != SECRETARIAT and key not in departments:
                raise PydanticCustomError(
                    "access_department",
                    "[access] の「{key}」は departments にない課です"
                    "（secretariat か departments の課を書いてください）",
                    {"key": key},
                )
        return access

    @model_validator(mode="after")
    def _categories_known(self) -> RegistryConfig:
        _known_category(self.catalog.items)
        return self

    def department_index(self, department: str) -> int:
        """Position of a department in the register's order (unknown ones last)."""
        return department_index(self.departments, department)

    def build_catalog(self) -> Catalog:
        """The built-in catalog extended by this register's items."""
        return builtin_catalog(item.to_item() for item in self.catalog.items)


def entry_id_problem(entry_id: str) -> str | None:
    """Why a string is not a valid entry id, or None when it is."""
    if ENTRY_ID.fullmatch(entry_id):
        return None
    return (
        f"ID「{entry_id}」は使えません: 半角英小文字・数字・ハイフンで、"
        "英小文字か数字で始まる64文字以内にしてください（例: kazei-kojin-juminzei）"
    )


def dump_entry(entry: Entry) -> dict[str, Any]:
    """An entry as plain TOML data: required fields always, others when set."""
    data = entry.model_dump(mode="python")
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in Entry.model_fields.items()
        if not field.is_required()
    }
    keep_always = {"status", "computer_processing"}
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key in defaults and value == defaults[key] and key not in keep_always:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = [_drop_defaults(item) for item in value]
        result[key] = value
    return result


def _drop_defaults(item: dict[str, Any]) -> dict[str, Any]:
    # ``is False``: a count of 0 (persons) is a value, not an unset flag.
    return {k: v for k, v in item.items() if v is not False and v not in ("", None, [])}
