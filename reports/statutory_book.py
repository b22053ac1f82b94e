"""The statutory 個人情報ファイル簿 (法75条): one sheet (単票) per listed file, by organ.

Each listed file of each process on file becomes a :class:`BookFile` holding
exactly the statutory items (法75条1項・4項, see ``../shared/reference``) in the
statutory order (:data:`STATUTORY_ITEMS`), with withheld items (法75条3項) left
out and marked 「記載を省略」. Files exempt under 法75条2項, those with fewer
本人 than ``[filebook] min_persons`` (74-2-9) and unlisted ones are left out,
unless ``include_exempt`` asks for them (the secretariat's own check), marked
with their code and reason. Renderers only print what this module decides:
each sheet's rows (:meth:`BookFile.rows`), each organ's index
(:data:`INDEX_COLUMNS`), the one-row-per-file table of CSV and XLSX
(:meth:`StatutoryBook.table`) and the JSON of DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from todokede.registry.files.store import Register
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import Entry, PersonalFile, RegistryConfig
from todokede.registry.schema.personal_files import (
    EXEMPTIONS,
    FILE_KIND_LABELS,
    UNLISTED_REASON,
    WITHHELD_TEXT,
    WITHHOLD_COLLECTION,
    WITHHOLD_RECIPIENTS,
    FileStanding,
    agencies_of,
    agency_of,
    file_collection,
    file_scope,
    organization,
    standing,
    withheld_items,
)
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.table import Column, Table

BOOK_TITLE: Final = "個人情報ファイル簿"
SHEET_TITLE: Final = "個人情報ファイル簿（単票）"

#: The statutory items of a sheet, in the statutory order: (key, label).
STATUTORY_ITEMS: Final = (
    ("name", "個人情報ファイルの名称"),
    ("agency", "行政機関等の名称"),
    ("organization", "個人情報ファイルが利用に供される事務をつかさどる組織の名称"),
    ("purpose", "個人情報ファイルの利用目的"),
    ("record_items", "記録項目"),
    ("scope", "記録範囲"),
    ("collection", "記録情報の収集方法"),
    ("sensitive", "要配慮個人情報が含まれるときは、その旨"),
    ("recipients", "記録情報の経常的提供先"),
    ("disclosure", "開示請求等を受理する組織の名称及び所在地"),
    ("special_procedure", "訂正及び利用停止に関する他の法令の規定による特別の手続等"),
    ("kind", "個人情報ファイルの種別"),
    ("proposals", "行政機関等匿名加工情報の提案の募集をする個人情報ファイルである旨"),
    ("ordinance_sensitive", "条例要配慮個人情報が含まれるときは、その旨"),
    ("notes", "備考"),
)
ITEM_LABELS: Final[dict[str, str]] = dict(STATUTORY_ITEMS)
KIND_ARTICLES: Final = {
    "computer": "法第60条第2項第1号（電算処理ファイル）",
    "manual": "法第60条第2項第2号（マニュアル処理ファイル）",
}
SENSITIVE_TEXT: Final = "含む"
NONE_TEXT: Final = "なし"
#: Printed on each sheet after the statutory items: the day the file entered the book.
SINCE_LABEL: Final = "記載年月日"
#: With ``include_exempt``: why a file is not in the published book.
STANDING_LABEL: Final = "ファイル簿への記載"
#: The ``exemption`` of a file kept out whole under 法75条3項 (``unlisted``): not a
#: code of 法75条2項, but the JSON must tell it from a listed file.
UNLISTED_CODE: Final = "75-3"
#: An organ's index: (label, width in full-width characters).
INDEX_COLUMNS: Final = (("番号", 3), ("ファイルの名称", 20), ("組織", 12), ("種別", 7))


@dataclass(frozen=True)
class BookFile:
    """One file as its sheet says it: the statutory items, decided.

    ``record_items`` and the texts are what is printed: a withheld item is not
    among them, a withheld 収集方法 or 経常的提供先 is empty and flagged.
    """

    entry: str
    index: int
    """The file's place in its entry, from 1 (``file`` is ``ENTRY/N``)."""
    name: str
    agency: str
    organization: str
    purpose: str
    record_items: tuple[str, ...]
    scope: str
    collection: str
    sensitive: bool
    ordinance_sensitive: bool
    recipients: tuple[str, ...]
    disclosure_office: str
    disclosure_address: str
    special_procedure: str
    kind_code: str
    manual_counterpart: bool
    """A 電算処理 file whose process also keeps a マニュアル処理 file (政令's item)."""
    proposals: bool
    since: date | None
    notes: str
    withheld: tuple[str, ...]
    """The file's ``withheld`` as written (``collection``, ``recipients``, ``item:NAME``)."""
    items_withheld: bool
    collection_withheld: bool
    recipients_withheld: bool
    standing: FileStanding
    exemption: str
    """The code that keeps the file out of the book (74-2-9 when implied, 75-3 for an
    ``unlisted`` file), else empty."""

    @property
    def file(self) -> str:
        return f"{self.entry}/{self.index}"

    @property
    def listed(self) -> bool:
        return self.standing.listed

    @property
    def kind(self) -> str:
        """種別: 電算処理 or マニュアル処理 (the Japanese label beside ``kind_code``)."""
        return FILE_KIND_LABELS[self.kind_code].removesuffix("ファイル")

    @property
    def standing_text(self) -> str:
        """Why the file is not in the book, in Japanese: 「除外（法75条2項・74-2-3: 職員…）」,
        「記載しない（法75条3項: …）」; empty for a listed file."""
        if self.listed:
            return ""
        if self.standing.listing == "unlisted":
            reason = UNLISTED_REASON.removesuffix("（法75条3項）")
            return f"記載しない（法75条3項: {reason}）"
        reason = EXEMPTIONS.get(self.exemption, self.standing.reason)
        return f"除外（法75条2項・{self.exemption}: {reason}）"

    @property
    def standing_mark(self) -> str:
        """The short form beside the name in an index: 除外・74-2-3, 記載しない・法75条3項."""
        if self.listed:
            return ""
        if self.standing.listing == "unlisted":
            return "記載しない・法75条3項"
        return f"除外・{self.exemption}"

    @property
    def since_text(self) -> str:
        return format_wareki(self.since) if self.since else ""

    def item_text(self, key: str) -> str:
        """One statutory item as printed on the sheet."""
        return self.items()[key]

    def items(self) -> dict[str, str]:
        """Every statutory item as printed, in the statutory order."""
        items = "、".join(self.record_items)
        if self.items_withheld:
            items = f"{items}（一部{WITHHELD_TEXT}）" if items else WITHHELD_TEXT
        kind = KIND_ARTICLES[self.kind_code]
        if self.kind_code == "computer":
            kind += "　同一の記録情報を含むマニュアル処理ファイル: " + (
                "有" if self.manual_counterpart else "無"
            )
        disclosure = "　".join(p for p in (self.disclosure_office, self.disclosure_address) if p)
        proposals = ""
        if self.proposals:
            proposals = f"該当（提案を受ける組織: {disclosure}）" if disclosure else "該当"
        return {
            "name": self.name,
            "agency": self.agency,
            "organization": self.organization,
            "purpose": self.purpose,
            "record_items": items,
            "scope": self.scope,
            "collection": WITHHELD_TEXT if self.collection_withheld else self.collection,
            "sensitive": SENSITIVE_TEXT if self.sensitive else "",
            "recipients": WITHHELD_TEXT
            if self.recipients_withheld
            else ("、".join(self.recipients) or NONE_TEXT),
            "disclosure": disclosure,
            "special_procedure": self.special_procedure,
            "kind": kind,
            "proposals": proposals,
            "ordinance_sensitive": SENSITIVE_TEXT if self.ordinance_sensitive else "",
            "notes": self.notes,
        }

    def sheet(self) -> list[tuple[str, str]]:
        """The sheet's (label, text) rows in the statutory order."""
        items = self.items()
        return [(label, items[key]) for key, label in STATUTORY_ITEMS]

    def rows(self) -> list[tuple[str, str]]:
        """What the printed sheet shows: the statutory items, the 記載年月日, and for a
        file the book leaves out (``include_exempt``) why, last."""
        rows = [*self.sheet(), (SINCE_LABEL, self.since_text)]
        if not self.listed:
            rows.append((STANDING_LABEL, self.standing_text))
        return rows

    def index_cells(self, number: int) -> tuple[str, str, str, str]:
        """The file's line in its organ's index (:data:`INDEX_COLUMNS`)."""
        name = f"{self.name}（{self.standing_mark}）" if not self.listed else self.name
        return (str(number), name, self.organization, self.kind)

    def heading(self, number: int) -> str:
        """``3　個人住民税課税台帳ファイル``: the heading of the file's sheet."""
        return f"{number}　{self.name}"

    def as_json(self) -> dict[str, Any]:
        """The contract's keys of a listed file (DESIGN.md), then ``kind_code``."""
        return {
            "file": self.file,
            "entry": self.entry,
            "name": self.name,
            "agency": self.agency,
            "organization": self.organization,
            "purpose": self.purpose,
            "record_items": list(self.record_items),
            "scope": self.scope,
            "collection": "" if self.collection_withheld else self.collection,
            "sensitive": self.sensitive,
            "ordinance_sensitive": self.ordinance_sensitive,
            "recipients": [] if self.recipients_withheld else list(self.recipients),
            "disclosure_office": self.disclosure_office,
            "disclosure_address": self.disclosure_address,
            "special_procedure": self.special_procedure,
            "kind": self.kind,
            "proposals": self.proposals,
            "since": self.since.isoformat() if self.since else None,
            "notes": self.notes,
            "withheld": list(self.withheld),
            "exemption": self.exemption,
            "kind_code": self.kind_code,
        }


@dataclass(frozen=True)
class BookAgency:
    """One organ's part of the book: its files in the register's order."""

    name: str
    disclosure_office: str
    disclosure_address: str
    files: tuple[BookFile, ...]


@dataclass(frozen=True)
class StatutoryBook:
    """The 個人情報ファイル簿 of a register on one day (作成日)."""

    municipality: str
    as_of: date
    include_exempt: bool
    agencies: tuple[BookAgency, ...]
    title: str = BOOK_TITLE

    @property
    def files(self) -> tuple[BookFile, ...]:
        return tuple(f for agency in self.agencies for f in agency.files)

    @property
    def created(self) -> str:
        """作成日 令和8年11月27日."""
        return f"作成日　{format_wareki(self.as_of)}"

    @property
    def lines(self) -> tuple[str, ...]:
        """What is said under the title: how many files, and with ``include_exempt``
        that the book is the secretariat's check, not the published one."""
        listed = sum(f.listed for f in self.files)
        lines = [f"{len(self.agencies)}機関　記載ファイル {listed}件"]
        if self.include_exempt:
            left_out = len(self.files) - listed
            lines.append(
                f"確認用: 記載しないファイル {left_out}件を含む（公表する簿冊には載せない）"
            )
        return tuple(lines)

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md's shape, no more: ``{"agencies": [{"name", "files": [...]}]}``."""
        return {
            "agencies": [
                {"name": agency.name, "files": [f.as_json() for f in agency.files]}
                for agency in self.agencies
            ],
        }

    def table(self) -> Table:
        """One row per file (CSV, the XLSX 一覧): the statutory items, the 記載年月日,
        with ``include_exempt`` why a file is left out, then the file's and entry's ids."""
        columns = [
            *(Column(label, TABLE_WIDTHS[key]) for key, label in STATUTORY_ITEMS),
            Column(SINCE_LABEL, 8.5, nowrap=True),
        ]
        if self.include_exempt:
            columns.append(Column(STANDING_LABEL, 20))
        # Working data, after the printed columns (outside the XLSX print area).
        columns += [Column("ファイルID", 14, printed=False), Column("業務ID", 14, printed=False)]
        rows = []
        for file in self.files:
            items = file.items()
            cells: list[str | date | None] = [
                *(items[key] for key, _ in STATUTORY_ITEMS),
                file.since,
            ]
            if self.include_exempt:
                cells.append(file.standing_text or "記載")
            cells += [file.file, file.entry]
            rows.append(tuple(cells))
        return Table(
            self.title,
            (self.municipality, *self.lines),
            tuple(columns),
            tuple(rows),
            sheet="一覧",
            landscape=True,
            byline=(self.created,),
        )


#: Widths (full-width characters) of the statutory columns of :meth:`StatutoryBook.table`.
TABLE_WIDTHS: Final[dict[str, float]] = {
    "name": 16,
    "agency": 10,
    "organization": 12,
    "purpose": 22,
    "record_items": 24,
    "scope": 14,
    "collection": 16,
    "sensitive": 6,
    "recipients": 16,
    "disclosure": 16,
    "special_procedure": 12,
    "kind": 16,
    "proposals": 10,
    "ordinance_sensitive": 6,
    "notes": 14,
}


def book_file(
    entry_id: str,
    entry: Entry,
    index: int,
    file: PersonalFile,
    config: RegistryConfig,
    catalog: Catalog,
) -> BookFile:
    """One file of an entry as its sheet says it (``index`` from 0 in the entry)."""
    hidden = {catalog.canonical(name) for name in withheld_items(file)}
    shown = tuple(item for item in file.record_items if catalog.canonical(item) not in hidden)
    agency = agency_of(config, entry.department)
    place = standing(file, config.filebook.min_persons)
    return BookFile(
        entry=entry_id,
        index=index + 1,
        name=file.name,
        agency=agency.name,
        organization=organization(config, entry.department),
        purpose=entry.purpose,
        record_items=shown,
        scope=file_scope(file, entry),
        collection=file_collection(file, entry),
        # Judged on every item held, withheld ones too: the fact is printed, not the item.
        sensitive=any(catalog.is_sensitive(item) for item in file.record_items),
        ordinance_sensitive=any(catalog.is_ordinance_sensitive(item) for item in file.record_items),
        recipients=tuple(file.recipients),
        disclosure_office=agency.disclosure_office,
        disclosure_address=agency.disclosure_address,
        special_procedure=file.special_procedure,
        kind_code=file.kind,
        manual_counterpart=file.kind == "computer"
        and any(other.kind == "manual" for other in entry.files),
        proposals=file.proposals,
        since=file.since,
        notes=file.notes,
        withheld=tuple(file.withheld),
        items_withheld=len(shown) < len(file.record_items),
        collection_withheld=WITHHOLD_COLLECTION in file.withheld,
        recipients_withheld=WITHHOLD_RECIPIENTS in file.withheld,
        standing=place,
        exemption=UNLISTED_CODE if place.listing == "unlisted" else place.code,
    )


def build_statutory_book(
    config: RegistryConfig,
    catalog: Catalog,
    entries: Iterable[tuple[str, Entry]],
    as_of: date,
    include_exempt: bool = False,
) -> StatutoryBook:
    """The book of the processes on file (filed, not abolished), ``entries`` in the
    register's order; with ``include_exempt`` the files left out are added too."""
    by_agency: dict[str, list[BookFile]] = {a.name: [] for a in agencies_of(config)}
    for entry_id, entry in entries:
        if not entry.filings or entry.is_abolished:
            continue
        for index, file in enumerate(entry.files):
            sheet = book_file(entry_id, entry, index, file, config, catalog)
            if sheet.listed or include_exempt:
                by_agency.setdefault(sheet.agency, []).append(sheet)
    agencies = tuple(
        BookAgency(a.name, a.disclosure_office, a.disclosure_address, tuple(by_agency[a.name]))
        for a in agencies_of(config)
    )
    return StatutoryBook(config.municipality, as_of, include_exempt, agencies)


def book_of_register(
    register: Register, as_of: date, include_exempt: bool = False
) -> StatutoryBook:
    """The register's book on ``as_of`` (作成日), its entries in the register's order."""
    entries = ((item.id, item.entry) for item in register.ordered())
    return build_statutory_book(register.config, register.catalog, entries, as_of, include_exempt)
