"""Round trip: what ``export --book`` writes in xlsx and csv, ``import`` reads back the same.

A generated register (the import fixtures' registry.toml, 1–6 filed processes
with 1–3 files each) is exported through the Python API the CLI uses, each book
in xlsx and csv, and imported into an empty register with the same
registry.toml by :func:`plan_import`. "The same data" is what each book
carries, compared field by field:

- processes book (one row per process): name, 課 and 係 (担当組織), purpose,
  legal basis (備考「根拠法令: …」), subjects (記録範囲), record items (marked
  「（要配慮）」 in the book), collection methods and sources (「方法（収集先: 先）」),
  provision recipients, contractors with their scope, connection partners with
  their purpose, 電算処理 or not (種別) and retention. Lists keep their order.
  Not carried, so not compared: filings (最終届出日), the provision's basis and
  kind, the ``since`` of contractors and partners, files, council, ids.
- files book (the statutory 個人情報ファイル簿, one row per file): which files are
  one process (業務ID), in their order, the process's 課 and purpose, and each
  file's name, kind, record items, 記録範囲 and 収集方法 as printed (a file's own,
  else its process's subjects, methods and sources), recipients, 特別の手続,
  備考 and 記載年月日. Not carried: the process's name (the import names it after
  its first file), its subjects, methods and sources apart from what a file
  prints, its record items beyond its files' (the import takes their union),
  本人の数 (the import writes 0 and warns), exemptions and withheld items
  (generated files are listed whole). Processes are compared as a set (keyed by
  their first file): the book orders them by organ.

Limits of the generated text: names and list values come from a small alphabet
of kanji and digits (starting with a kanji, no spaces) without the separators
the book joins lists with (、・,; and line breaks), brackets, 「／」 or the words
有・無・なし, since a value holding them is read back as several values or a mark.
Catalog items are used as the catalog names them (「診療・調剤情報」 is kept whole).
Items standing for 個人番号 are left out: a process holding them needs an
assessment the register would check.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.samples import PROJECT_ROOT, CliRunner
from todokede.registry.files.store import load_register
from todokede.registry.files.tomledit import render_new
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.registry.schema.personal_files import file_collection, file_scope
from todokede.reports.filebook import build_filebook
from todokede.reports.imports.plan import ImportPlan, plan_import
from todokede.reports.output import render, write_output
from todokede.reports.statutory_book import book_of_register

REGISTRY = PROJECT_ROOT / "tests" / "fixtures" / "import" / "registry.toml"
CONFIG = RegistryConfig.model_validate(tomllib.loads(REGISTRY.read_text("utf-8")))
CATALOG = CONFIG.build_catalog()
ITEMS = tuple(item.name for item in CATALOG.items if not item.my_number)
DEPARTMENTS = tuple(CONFIG.departments)
AS_OF = date(2026, 4, 1)

_KANJI = "市民税課台帳申請者記録調査事業所保険福祉健康学校図書館情報公開受付管理給付"
_TEXT = _KANJI + "0123456789"

text = st.builds(
    lambda head, rest: head + rest,
    st.sampled_from(_KANJI),
    st.text(alphabet=_TEXT, min_size=1, max_size=8),
)
optional_text = st.one_of(st.just(""), text)
#: Free text that is never split: a purpose may hold 、 and ・.
sentence = st.builds(
    lambda head, rest: head + rest + "ため",
    st.sampled_from(_KANJI),
    st.text(alphabet=_TEXT + "、・", max_size=20).map(lambda s: s.strip("、・")),
)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31))


def texts(max_size: int, min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(text, min_size=min_size, max_size=max_size, unique=True)


@st.composite
def entry_data(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """One filed process with 1–3 listed files (names made unique by ``number``)."""
    items = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=6, unique=True))
    files = []
    for index in range(draw(st.integers(1, 3))):
        file_items = draw(st.lists(st.sampled_from(items), min_size=1, unique=True))
        files.append(
            {
                "name": f"{draw(text)}{number}台帳{index}",
                "kind": draw(st.sampled_from(["computer", "manual"])),
                "record_items": file_items,
                "scope": draw(optional_text),
                "persons": draw(st.integers(CONFIG.filebook.min_persons, 10**6)),
                "collection": draw(optional_text),
                "recipients": draw(texts(2)),
                "special_procedure": draw(optional_text),
                "notes": draw(optional_text),
                **({"since": draw(days)} if draw(st.booleans()) else {}),
            }
        )
    return {
        "name": f"{draw(text)}{number}事務",
        "department": draw(st.sampled_from(DEPARTMENTS)),
        "section": draw(optional_text),
        "purpose": draw(sentence),
        "legal_basis": draw(texts(3)),
        "subjects": draw(texts(3, min_size=1)),
        "record_items": items,
        "sources": draw(texts(2)),
        "collection_methods": draw(texts(3)),
        "computer_processing": draw(st.booleans()),
        "retention": draw(st.sampled_from(["", "5年", "10年", "永年"])),
        "outsourcing": [
            {"contractor": c, **({"scope": s} if s else {})}
            for c, s in zip(draw(texts(2)), draw(st.lists(optional_text, min_size=2)), strict=False)
        ],
        "connections": [
            {"partner": p, **({"purpose": s} if s else {})}
            for p, s in zip(draw(texts(2)), draw(st.lists(optional_text, min_size=2)), strict=False)
        ],
        "provisions": [{"recipient": r} for r in draw(texts(2))],
        "files": files,
        "filings": [{"date": draw(days), "kind": "start", "summary": "業務開始"}],
    }


@st.composite
def registers(draw: st.DrawFn) -> list[Entry]:
    count = draw(st.integers(1, 6))
    return [Entry.model_validate(draw(entry_data(number))) for number in range(count)]


def write_register(root: Path, entries: list[Entry]) -> Path:
    """A register at ``root``: the fixtures' registry.toml and the entries as files."""
    (root / "entries").mkdir(parents=True)
    shutil.copyfile(REGISTRY, root / "registry.toml")
    for number, entry in enumerate(entries):
        (root / "entries" / f"entry-{number}.toml").write_text(render_new(entry), "utf-8")
    return root


def empty_register(root: Path) -> Path:
    return write_register(root, [])


def export(root: Path, book: str, fmt: str, out: Path) -> Path:
    """``export --book BOOK --format FMT -o OUT`` as the CLI does it."""
    register = load_register(root)
    assert not register.errors, [p.as_text() for p in register.errors]
    document = book_of_register(register, AS_OF) if book == "files" else build_filebook(register)
    write_output(out, render(document, fmt))
    return out


def imported(root: Path, path: Path) -> ImportPlan:
    plan = plan_import(root, path)
    assert not plan.blocked, [p.as_text() for p in plan.errors] + [
        p.as_text() for p in plan.check_errors
    ]
    return plan


@dataclass(frozen=True)
class Process:
    """A process as the processes book carries it."""

    name: str
    department: str
    section: str
    purpose: str
    legal_basis: tuple[str, ...]
    subjects: tuple[str, ...]
    record_items: tuple[str, ...]
    sources: tuple[str, ...]
    collection_methods: tuple[str, ...]
    recipients: tuple[str, ...]
    contractors: tuple[tuple[str, str], ...]
    partners: tuple[tuple[str, str], ...]
    computer: bool
    retention: str


def process(entry: Entry) -> Process:
    return Process(
        entry.name,
        entry.department,
        entry.section,
        entry.purpose,
        tuple(entry.legal_basis),
        tuple(entry.subjects),
        tuple(entry.record_items),
        tuple(entry.sources),
        tuple(entry.collection_methods),
        tuple(p.recipient for p in entry.provisions),
        tuple((o.contractor, o.scope) for o in entry.outsourcing),
        tuple((c.partner, c.purpose) for c in entry.connections),
        entry.computer_processing,
        entry.retention,
    )


@dataclass(frozen=True)
class BookFile:
    """A file as the files book carries it, with its process's 課 and purpose."""

    name: str
    kind: str
    record_items: tuple[str, ...]
    scope: str
    collection: str
    recipients: tuple[str, ...]
    special_procedure: str
    notes: str
    since: date | None


def book_process(entry: Entry) -> tuple[str, str, tuple[BookFile, ...]]:
    """A process as the files book carries it: its 課, its purpose, its files in order."""
    files = tuple(
        BookFile(
            f.name,
            f.kind,
            tuple(f.record_items),
            file_scope(f, entry),
            file_collection(f, entry),
            tuple(f.recipients),
            f.special_procedure,
            f.notes,
            f.since,
        )
        for f in entry.files
    )
    return entry.department, entry.purpose, files


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(entries=registers())
def test_both_books_in_xlsx_and_csv_import_back_to_the_same_data(
    tmp_path_factory: pytest.TempPathFactory, entries: list[Entry]
) -> None:
    base = tmp_path_factory.mktemp("round")
    root = write_register(base / "reg", entries)
    processes = {(e.department, e.name): process(e) for e in entries}
    book = {book_process(e) for e in entries}
    for fmt in ("xlsx", "csv"):
        out = export(root, "processes", fmt, base / f"processes.{fmt}")
        plan = imported(empty_register(base / f"p-{fmt}"), out)
        assert plan.layout == "table"
        back = {(i.entry.department, i.entry.name): process(i.entry) for i in plan.entries}
        assert back == processes, fmt

        out = export(root, "files", fmt, base / f"files.{fmt}")
        plan = imported(empty_register(base / f"f-{fmt}"), out)
        assert len(plan.entries) == len(entries), fmt
        assert {book_process(i.entry) for i in plan.entries} == book, fmt
        for i in plan.entries:  # named after its first file, as the book gives no 事務名
            assert i.entry.name == i.entry.files[0].name


#: One process with what a round trip could lose: a 係, a 要配慮 item and one holding
#: 「・」, sources, a contractor with its scope, a partner without a purpose, a legal
#: basis, and a 電算処理 file beside a マニュアル処理 one (the book's 「同一の…: 有」).
SAMPLE: Final[dict[str, Any]] = {
    "name": "健康診査事務",
    "department": "健康増進課",
    "section": "成人保健係",
    "purpose": "健康増進法に基づき、健康診査を実施し、結果を通知するため",
    "legal_basis": ["健康増進法第19条の2", "東村山市健康診査実施要綱"],
    "subjects": ["受診者", "受診者の家族"],
    "record_items": ["氏名", "住所", "健康診断等の結果", "診療・調剤情報", "生活保護の受給状況"],
    "sources": ["本人", "医療機関"],
    "collection_methods": ["申込書", "委託医療機関からの報告"],
    "computer_processing": True,
    "retention": "5年",
    "outsourcing": [{"contractor": "東村山市医師会", "scope": "健康診査の実施"}],
    "connections": [{"partner": "健康管理システム"}],
    "provisions": [{"recipient": "東京都"}],
    "files": [
        {
            "name": "健康診査結果ファイル",
            "kind": "computer",
            "record_items": ["氏名", "住所", "健康診断等の結果", "診療・調剤情報"],
            "persons": 20000,
            "recipients": ["東京都"],
            "since": date(2019, 5, 1),
        },
        {
            "name": "健康診査申込書綴",
            "kind": "manual",
            "record_items": ["氏名", "住所", "生活保護の受給状況"],
            "scope": "健康診査の申込者",
            "collection": "申込書（窓口・郵送）",
            "persons": 3000,
            "notes": "5年で廃棄",
        },
    ],
    "filings": [{"date": date(2019, 4, 1), "kind": "start", "summary": "業務開始"}],
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_real_cli_writes_back_what_it_exported(
    todokede: CliRunner, tmp_path: Path, fmt: str
) -> None:
    """``todokede export`` and ``todokede import`` (written, then loaded as entry files)."""
    entry = Entry.model_validate(SAMPLE)
    root = write_register(tmp_path / "reg", [entry])
    for book in ("processes", "files"):
        out = tmp_path / f"{book}.{fmt}"
        args = ["--registry", str(root), "export", "--book", book, "--format", fmt]
        if book == "files":
            args += ["--as-of", "2026-04-01"]
        done = todokede(*args, "-o", str(out))
        assert done.returncode == 0, done.stderr
        target = empty_register(tmp_path / f"{book}-into")
        done = todokede("--registry", str(target), "import", str(out))
        assert done.returncode == 0, done.stdout + done.stderr
        register = load_register(target)
        assert not register.errors, [p.as_text() for p in register.errors]
        back = [item.entry for item in register.ordered()]
        if book == "processes":
            assert [process(e) for e in back] == [process(entry)]
        else:
            assert [book_process(e) for e in back] == [book_process(entry)]
