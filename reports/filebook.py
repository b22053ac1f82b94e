"""The register as the 個人情報ファイル簿: one row per process on file.

Carries the book's items (名称, 担当組織, 利用目的, 記録項目, 記録範囲, 収集方法,
要配慮個人情報の有無, 経常的提供先, 種別, 備考) and the register's own
(特定個人情報の有無, 委託, 外部結合, 保存期間, 最終届出日). Abolished processes
appear only when asked for, marked in 備考.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from todokede.registry.files.store import Register
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import Connection, Entry, Outsourcing, Provision, Status
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.table import Column, Table, cell_text

FILEBOOK_TITLE: Final = "個人情報ファイル簿"
SENSITIVE_MARK: Final = "（要配慮）"
KIND_COMPUTER: Final = "電算処理"
KIND_MANUAL: Final = "マニュアル処理"

COLUMNS: Final = (
    Column("名称", 16),
    Column("担当組織", 12),
    Column("利用目的", 24),
    Column("記録項目", 24),
    Column("記録範囲", 16),
    Column("収集方法", 18),
    Column("要配慮個人情報の有無", 6),
    Column("特定個人情報の有無", 6),
    Column("経常的提供先", 16),
    Column("委託", 16),
    Column("外部結合", 16),
    Column("種別", 7),
    Column("保存期間", 5),
    Column("最終届出日", 8.5, nowrap=True),
    Column("備考", 16),
    Column("ID", 20, printed=False),
)


@dataclass(frozen=True)
class RecordItem:
    """A record item with its catalog flags."""

    name: str
    sensitive: bool
    my_number: bool

    @property
    def marked(self) -> str:
        """The name, marked when it is 要配慮個人情報."""
        return self.name + SENSITIVE_MARK if self.sensitive else self.name


@dataclass(frozen=True)
class FileBookRow:
    """One process as a sheet (単票) of the ファイル簿."""

    entry: str
    name: str
    department: str
    section: str
    purpose: str
    legal_basis: tuple[str, ...]
    subjects: tuple[str, ...]
    record_items: tuple[RecordItem, ...]
    sources: tuple[str, ...]
    collection_methods: tuple[str, ...]
    provisions: tuple[Provision, ...]
    outsourcing: tuple[Outsourcing, ...]
    connections: tuple[Connection, ...]
    computer_processing: bool
    retention: str
    status: Status
    started_on: date | None
    last_filing: date | None
    abolished_on: date | None

    @property
    def sensitive(self) -> bool:
        return any(item.sensitive for item in self.record_items)

    @property
    def my_number(self) -> bool:
        return any(item.my_number for item in self.record_items)

    @property
    def organisation(self) -> str:
        """担当組織: ``課税課 市民税係``."""
        return f"{self.department}　{self.section}" if self.section else self.department

    @property
    def items_text(self) -> str:
        return "、".join(item.marked for item in self.record_items)

    @property
    def collection_text(self) -> str:
        """収集方法, with where it is collected from."""
        methods = "、".join(self.collection_methods)
        if not self.sources:
            return methods
        sources = "、".join(self.sources)
        return f"{methods}（収集先: {sources}）" if methods else f"収集先: {sources}"

    @property
    def provisions_text(self) -> str:
        return "、".join(p.recipient for p in self.provisions) or "なし"

    @property
    def outsourcing_text(self) -> str:
        return (
            "、".join(
                f"{o.contractor}（{o.scope}）" if o.scope else o.contractor
                for o in self.outsourcing
            )
            or "なし"
        )

    @property
    def connections_text(self) -> str:
        return (
            "、".join(
                f"{c.partner}（{c.purpose}）" if c.purpose else c.partner for c in self.connections
            )
            or "なし"
        )

    @property
    def kind_label(self) -> str:
        """種別: 電算処理 or マニュアル処理."""
        return KIND_COMPUTER if self.computer_processing else KIND_MANUAL

    @property
    def note(self) -> str:
        """備考: the abolition, then the legal basis."""
        parts = []
        if self.abolished_on is not None:
            parts.append(f"{format_wareki(self.abolished_on)}廃止")
        if self.legal_basis:
            parts.append("根拠法令: " + "、".join(self.legal_basis))
        return "／".join(parts)

    def cells(self) -> tuple[str | date | None, ...]:
        """The row in the order of :data:`COLUMNS`."""
        return (
            self.name,
            self.organisation,
            self.purpose,
            self.items_text,
            "、".join(self.subjects),
            self.collection_text,
            yes_no(self.sensitive),
            yes_no(self.my_number),
            self.provisions_text,
            self.outsourcing_text,
            self.connections_text,
            self.kind_label,
            self.retention,
            self.last_filing,
            self.note,
            self.entry,
        )

    def sheet_items(self) -> list[tuple[str, str]]:
        """The process's 単票: the printed columns as (label, text) pairs."""
        return [
            (column.label, cell_text(cell))
            for column, cell in zip(COLUMNS, self.cells(), strict=True)
            if column.printed
        ]

    @property
    def abolished_mark(self) -> str:
        """（令和3年3月31日廃止）for an abolished process, else empty."""
        if self.abolished_on is None:
            return ""
        return f"（{format_wareki(self.abolished_on)}廃止）"

    def sheet_heading(self, number: int) -> str:
        """``3　個人住民税賦課事務`` (and its abolition): the heading of its 単票."""
        return f"{number}　{self.name}{self.abolished_mark}"


def yes_no(flag: bool) -> str:
    return "有" if flag else "無"


@dataclass(frozen=True)
class FileBook:
    """The ファイル簿 of a register: its processes in department order."""

    municipality: str
    register_name: str
    include_abolished: bool
    rows: tuple[FileBookRow, ...]
    title: str = FILEBOOK_TITLE

    @property
    def heading_lines(self) -> tuple[str, ...]:
        scope = "廃止した業務を含む" if self.include_abolished else "届出中の業務"
        return (
            f"{self.municipality}　{self.register_name}".strip("　"),
            f"{scope} {len(self.rows)}件（記録項目の{SENSITIVE_MARK}は要配慮個人情報）",
        )

    def table(self) -> Table:
        rows = tuple(row.cells() for row in self.rows)
        return Table(
            self.title, self.heading_lines, COLUMNS, rows, sheet="ファイル簿", landscape=True
        )


def record_item(name: str, catalog: Catalog) -> RecordItem:
    """A record item with the flags the catalog gives it."""
    known = catalog.lookup(name)
    return RecordItem(name, bool(known and known.sensitive), bool(known and known.my_number))


def filebook_row(
    entry_id: str,
    entry: Entry,
    catalog: Catalog,
    items: dict[str, RecordItem] | None = None,
) -> FileBookRow:
    """One entry as a ファイル簿 row; ``items`` caches record items across rows."""
    cache = {} if items is None else items
    record_items = []
    for name in entry.record_items:
        found = cache.get(name)
        if found is None:
            found = cache[name] = record_item(name, catalog)
        record_items.append(found)
    last = entry.last_filing
    return FileBookRow(
        entry=entry_id,
        name=entry.name,
        department=entry.department,
        section=entry.section,
        purpose=entry.purpose,
        legal_basis=tuple(entry.legal_basis),
        subjects=tuple(entry.subjects),
        record_items=tuple(record_items),
        sources=tuple(entry.sources),
        collection_methods=tuple(entry.collection_methods),
        provisions=tuple(entry.provisions),
        outsourcing=tuple(entry.outsourcing),
        connections=tuple(entry.connections),
        computer_processing=entry.computer_processing,
        retention=entry.retention,
        status=entry.derived_status,
        started_on=entry.started_on,
        last_filing=last.date if last else None,
        abolished_on=last.date if last and entry.is_abolished else None,
    )


def build_filebook(register: Register, include_abolished: bool = False) -> FileBook:
    """The register's processes on file; abolished ones too with ``include_abolished``.

    An entry not yet filed (no start filing) is a draft, not part of the book.
    """
    items: dict[str, RecordItem] = {}  # the same few hundred names recur in every entry
    rows = tuple(
        filebook_row(item.id, item.entry, register.catalog, items)
        for item in register.ordered()
        if item.entry.filings and (include_abolished or not item.entry.is_abolished)
    )
    config = register.config
    return FileBook(config.municipality, config.name, include_abolished, rows)
