"""The field table: every field of an entry named once, in the design's order.

Each field has its TOML key, Japanese label, kind, default, whether it is required
and the line of help a clerk reads under it in the form. The pydantic model
(:mod:`todokede.registry.schema.model`) is checked against this table by
``tests/registry/test_fields.py``; the diff's labels, the drafts' field lists and
the form are derived from it. Plain data: no pydantic here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal


class Kind(Enum):
    """What a field holds."""

    TEXT = "text"  # a string: one line, or several when ``multiline``
    TEXT_LIST = "text list"  # strings, one per line in the form
    BOOL = "bool"
    INT = "int"  # a whole number (本人の数)
    DATE = "date"  # a TOML date (typed in the form as ISO or 和暦)
    CHOICE = "choice"  # one of ``choices``
    ROWS = "rows"  # a list of tables ([[key]]), each holding ``columns``
    TABLE = "table"  # one table ([key]) holding ``columns``, or absent


class SetBy(Enum):
    """Who writes a field."""

    FORM = "form"  # typed in the form (or by hand in the file)
    #: The legal record: appended by a filing (``todokede file``) alone; the form
    #: shows it and never changes it, a draft copies it from the file on disk.
    FILING = "filing"
    DERIVED = "derived"  # follows from other fields (the status from the last filing)
    #: The secretariat's record (council items, the My Number assessment): written
    #: by a command or by hand; the form keeps it as the file holds it.
    RECORD = "record"


#: Where a field's values are picked from: the departments of ``registry.toml``
#: (any other is an error) or the record-item catalog (any other is a warning).
Picks = Literal["", "departments", "catalog"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of an entry, or one column of a row of a ``ROWS`` field."""

    key: str
    label: str
    kind: Kind
    required: bool = False
    #: The value of a TEXT, BOOL or CHOICE field a file leaves out (lists: empty).
    default: str | bool | None = None
    help: str = ""
    #: What the empty widget says: an example, a checkbox's statement, a prompt.
    prompt: str = ""
    multiline: bool = False
    picks: Picks = ""
    #: CHOICE: each value with its Japanese label.
    choices: tuple[tuple[str, str], ...] = ()
    #: ROWS: the fields of one row; the first names the row (its key).
    columns: tuple[FieldSpec, ...] = ()
    #: ROWS: how a summary or a diff line names the rows (委託先).
    word: str = ""
    #: The form's heading when it says more than ``label``.
    heading: str = ""
    set_by: SetBy = SetBy.FORM

    @property
    def form_label(self) -> str:
        return self.heading or self.label

    def empty(self) -> object:
        """What the field holds when a file leaves it out (None: required, or no date)."""
        if self.required:
            return None
        if self.kind in (Kind.TEXT_LIST, Kind.ROWS):
            return []
        return self.default


ONE_PER_LINE: Final = "1行に1つ"
DATE_HELP: Final = "開始日は和暦でも西暦でも（例: 平成22年4月1日、H22.4.1、2010-04-01）"
STATUS_CHOICES: Final = (("active", "届出中"), ("abolished", "廃止"))
FILE_KIND_CHOICES: Final = (("computer", "電算処理"), ("manual", "マニュアル処理"))
PROVISION_KIND_CHOICES: Final = (("provision", "外部提供"), ("internal", "目的外利用"))
FILING_KINDS: Final = (("start", "開始"), ("change", "変更"), ("abolish", "廃止"))
COUNCIL_KINDS: Final = (("consultation", "諮問"), ("report", "報告"))
COUNCIL_RESULTS: Final = (("approved", "可"), ("conditional", "条件付き可"), ("rejected", "否"))
ASSESSMENT_LEVELS: Final = (
    ("basic", "基礎項目評価"),
    ("priority", "重点項目評価"),
    ("full", "全項目評価"),
)

#: Every field of an entry, in the design's order (the form's, the diff's, a file's).
ENTRY_FIELDS: Final = (
    FieldSpec("name", "業務の名称", Kind.TEXT, required=True),
    FieldSpec(
        "department",
        "担当課",
        Kind.TEXT,
        required=True,
        prompt="担当課を選んでください",
        picks="departments",
    ),
    FieldSpec("section", "担当係", Kind.TEXT, default=""),
    FieldSpec("purpose", "業務の目的", Kind.TEXT, required=True, multiline=True),
    FieldSpec("legal_basis", "根拠法令", Kind.TEXT_LIST, help=ONE_PER_LINE),
    FieldSpec("subjects", "記録の対象者の範囲", Kind.TEXT_LIST, required=True, help=ONE_PER_LINE),
    FieldSpec(
        "record_items",
        "記録項目",
        Kind.TEXT_LIST,
        required=True,
        picks="catalog",
        help="1行に1つ。項目一覧にない項目も書けます（警告になります）",
    ),
    FieldSpec("sources", "収集先", Kind.TEXT_LIST, help=ONE_PER_LINE),
    FieldSpec("collection_methods", "収集方法", Kind.TEXT_LIST, help=ONE_PER_LINE),
    FieldSpec(
        "computer_processing",
        "電子計算機処理",
        Kind.BOOL,
        default=True,
        prompt="電子計算機で処理する",
    ),
    FieldSpec("retention", "保存期間", Kind.TEXT, default="", prompt="例: 5年"),
    FieldSpec(
        "status",
        "状態",
        Kind.CHOICE,
        default="active",
        choices=STATUS_CHOICES,
        set_by=SetBy.DERIVED,
    ),
    FieldSpec(
        "outsourcing",
        "委託",
        Kind.ROWS,
        word="委託先",
        help=DATE_HELP,
        columns=(
            FieldSpec("contractor", "委託先", Kind.TEXT, required=True),
            FieldSpec("scope", "委託の内容", Kind.TEXT, default=""),
            FieldSpec("since", "開始日", Kind.DATE),
        ),
    ),
    FieldSpec(
        "connections",
        "外部結合",
        Kind.ROWS,
        word="外部結合",
        help=DATE_HELP,
        columns=(
            FieldSpec("partner", "結合先", Kind.TEXT, required=True),
            FieldSpec("purpose", "目的", Kind.TEXT, default=""),
            FieldSpec("since", "開始日", Kind.DATE),
        ),
    ),
    FieldSpec(
        "provisions",
        "提供先",
        Kind.ROWS,
        word="提供先",
        heading="目的外利用・外部提供",
        columns=(
            FieldSpec("recipient", "提供先", Kind.TEXT, required=True),
            FieldSpec("basis", "根拠", Kind.TEXT, default=""),
            FieldSpec(
                "kind",
                "区分",
                Kind.CHOICE,
                default="provision",
                choices=PROVISION_KIND_CHOICES,
                help="外部提供: 機関の外へ提供（ファイル簿の経常的提供先）、目的外利用: 機関の中での利用",
            ),
        ),
    ),
    FieldSpec(
        "files",
        "個人情報ファイル",
        Kind.ROWS,
        word="個人情報ファイル",
        help="この業務で保有する個人情報ファイル（ファイル簿の単票になります）",
        columns=(
            FieldSpec("name", "個人情報ファイルの名称", Kind.TEXT, required=True),
            FieldSpec("kind", "種別", Kind.CHOICE, required=True, choices=FILE_KIND_CHOICES),
            FieldSpec(
                "record_items",
                "記録項目",
                Kind.TEXT_LIST,
                required=True,
                help="業務の記録項目から選んでください",
            ),
            FieldSpec(
                "scope", "記録範囲", Kind.TEXT, default="", help="空欄なら業務の記録の対象者"
            ),
            FieldSpec("persons", "本人の数", Kind.INT, required=True, prompt="例: 85000"),
            FieldSpec(
                "collection",
                "記録情報の収集方法",
                Kind.TEXT,
                default="",
                help="空欄なら業務の収集方法と収集先",
            ),
            FieldSpec(
                "recipients", "経常的提供先", Kind.TEXT_LIST, help="機関の外への提供先。1行に1つ"
            ),
            FieldSpec("special_procedure", "訂正及び利用停止の特別の手続", Kind.TEXT, default=""),
            FieldSpec(
                "exemption",
                "ファイル簿に載せない理由",
                Kind.TEXT,
                default="",
                help="法75条2項の号（例: 74-2-3）。空欄なら載せます",
            ),
            FieldSpec(
                "withheld",
                "記載を省略する項目",
                Kind.TEXT_LIST,
                help="法75条3項: collection、recipients、item:記録項目の名称",
            ),
            FieldSpec("unlisted", "ファイル全体を記載しない", Kind.BOOL, default=False),
            FieldSpec("proposals", "匿名加工情報の提案の募集", Kind.BOOL, default=False),
            FieldSpec("since", "ファイル簿への記載日", Kind.DATE),
            FieldSpec("notes", "備考", Kind.TEXT, default=""),
        ),
    ),
    FieldSpec(
        "council",
        "審議会",
        Kind.ROWS,
        word="審議会の案件",
        set_by=SetBy.RECORD,
        help="諮問・報告の記録（総務課が todokede answer などで記録します）",
        columns=(
            FieldSpec("kind", "区分", Kind.CHOICE, required=True, choices=COUNCIL_KINDS),
            FieldSpec("number", "諮問番号", Kind.TEXT, default=""),
            FieldSpec("subject", "件名", Kind.TEXT, required=True),
            FieldSpec("matters", "諮問・報告の事項", Kind.TEXT_LIST),
            FieldSpec("date", "審議会の開催日", Kind.DATE, required=True),
            FieldSpec("answered", "答申日", Kind.DATE),
            FieldSpec("result", "答申", Kind.CHOICE, choices=COUNCIL_RESULTS),
            FieldSpec("covered_by", "既に諮問済みの根拠", Kind.TEXT, default=""),
            FieldSpec(
                "opinions",
                "委員の意見",
                Kind.ROWS,
                word="意見",
                columns=(
                    FieldSpec("text", "意見", Kind.TEXT, required=True),
                    FieldSpec("answer", "回答", Kind.TEXT, default=""),
                    FieldSpec("answered", "回答した日", Kind.DATE),
                ),
            ),
        ),
    ),
    FieldSpec(
        "my_number_assessment",
        "特定個人情報保護評価",
        Kind.TABLE,
        set_by=SetBy.RECORD,
        columns=(
            FieldSpec("level", "評価の種類", Kind.CHOICE, required=True, choices=ASSESSMENT_LEVELS),
            FieldSpec("evaluated", "評価書の公表日", Kind.DATE, required=True),
            FieldSpec("persons", "対象人数", Kind.INT, required=True),
            FieldSpec("handlers", "取扱者数", Kind.INT, required=True),
            FieldSpec("incident", "過去1年以内の重大事故", Kind.BOOL, default=False),
        ),
    ),
    FieldSpec(
        "filings",
        "届出",
        Kind.ROWS,
        set_by=SetBy.FILING,
        help="届出の記録はこの画面では変わりません（届出で追加されます）",
        columns=(
            FieldSpec("date", "届出日", Kind.DATE, required=True),
            FieldSpec("kind", "区分", Kind.CHOICE, required=True, choices=FILING_KINDS),
            FieldSpec("summary", "概要", Kind.TEXT, default=""),
            FieldSpec("review", "見直し", Kind.BOOL, default=False),
            FieldSpec("items_added", "追加した記録項目", Kind.TEXT_LIST),
            FieldSpec("items_removed", "削除した記録項目", Kind.TEXT_LIST),
            FieldSpec("consultation", "諮問番号", Kind.TEXT, default=""),
            FieldSpec("reported", "報告した審議会の日", Kind.DATE),
        ),
    ),
)
FIELDS_BY_KEY: Final = {spec.key: spec for spec in ENTRY_FIELDS}


def form_keys(kind: Kind) -> tuple[str, ...]:
    """The keys of the fields of ``kind`` that the form edits, in order."""
    return tuple(s.key for s in ENTRY_FIELDS if s.kind is kind and s.set_by is SetBy.FORM)
