"""The 個人情報ファイル of the amended APPI: exemptions, withholding, organs and their rules.

What a file's sheet says when its entry leaves a key empty (記録範囲 from the
entry's subjects, 収集方法 from its sources and methods), whether the book lists
the file (法75条2項: an exemption code, fewer 本人 than ``[filebook] min_persons``,
法75条3項 ``unlisted``), which organ (行政機関等) and 部・課 a department belongs
to, and the rules ``check`` applies to files and to ``registry.toml``'s
``[[agencies]]`` and ``[divisions]``. The codes and keys are DESIGN.md's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from todokede.registry.schema.catalog import fold
from todokede.registry.schema.problems import Violation

if TYPE_CHECKING:
    from todokede.registry.schema.catalog import Catalog
    from todokede.registry.schema.model import Agency, Entry, PersonalFile, RegistryConfig

#: 法75条2項 (法74条2項各号 by 1号): each code with the short reason printed beside it.
EXEMPTIONS: Final[dict[str, str]] = {
    "74-2-1": "国の安全、外交上の秘密その他の国の重大な利益に関する事項を記録するもの",
    "74-2-2": "犯罪の捜査、租税に関する犯則事件の調査又は公訴の提起若しくは維持のためのもの",
    "74-2-3": "職員又は職員であった者の人事、給与若しくは福利厚生に関する事項等のみを記録するもの",
    "74-2-4": "専ら試験的な電子計算機処理の用に供するためのもの",
    "74-2-5": "既に記載した個人情報ファイルの利用目的、記録項目及び記録範囲の範囲内のもの",
    "74-2-6": "一年以内に消去することとなる記録情報のみを記録するもの",
    "74-2-7": "物品・金銭の送付又は業務上の連絡のために必要な事項のみを記録するもの",
    "74-2-8": "職員が学術研究のため自らの発意で作成し、専らその目的に利用するもの",
    "74-2-9": "本人の数が政令で定める数に満たないもの",
    "74-2-10": "法74条2項3号から9号までのファイルに準ずるものとして政令で定めるもの",
    "75-2-2": "公表に係る個人情報ファイルの利用目的、記録項目及び記録範囲の範囲内のもの",
    "75-2-3": "法75条2項2号のファイルに準ずるものとして政令で定めるもの",
}
FEWER_PERSONS: Final = "74-2-9"
#: 法75条3項: the whole file is kept out of the book (not a code of 75条2項).
UNLISTED_REASON: Final = (
    "記載することにより事務の適正な遂行に著しい支障を及ぼすおそれがあるもの（法75条3項）"
)
#: The 記録項目 a 74-2-7 file (送付・連絡のみ) may hold: what is needed to send or contact.
CONTACT_ITEMS: Final = frozenset({"氏名", "フリガナ", "住所", "電話番号", "電子メールアドレス"})

WITHHOLD_COLLECTION: Final = "collection"
WITHHOLD_RECIPIENTS: Final = "recipients"
WITHHOLD_ITEM: Final = "item:"
WITHHELD_TEXT: Final = "記載を省略"

FILE_KINDS: Final = (("computer", "電算処理ファイル"), ("manual", "マニュアル処理ファイル"))
FILE_KIND_LABELS: Final[dict[str, str]] = dict(FILE_KINDS)
PROVISION_KINDS: Final = (("provision", "外部提供"), ("internal", "目的外利用"))

Listing = Literal["listed", "exempt", "unlisted"]


@dataclass(frozen=True)
class FileStanding:
    """Whether the book lists a file, and the code (or 法75条3項) when not."""

    listing: Listing
    code: str = ""

    @property
    def listed(self) -> bool:
        return self.listing == "listed"

    @property
    def reason(self) -> str:
        """Why the file is left out, in Japanese (empty when listed)."""
        if self.listing == "unlisted":
            return UNLISTED_REASON
        return EXEMPTIONS.get(self.code, "")

    @property
    def label(self) -> str:
        """``74-2-3 職員の…`` or ``記載しない（法75条3項）``: what a clerk reads."""
        if self.listing == "listed":
            return "記載"
        if self.listing == "unlisted":
            return "記載しない（法75条3項）"
        return f"除外 {self.code}（{self.reason}）"


def standing(file: PersonalFile, min_persons: int) -> FileStanding:
    """The file's place in the book: 法75条3項 first, then a stated code, then the
    number of 本人 (below ``min_persons`` is 74-2-9 without saying so)."""
    if file.unlisted:
        return FileStanding("unlisted")
    if file.exemption:
        return FileStanding("exempt", file.exemption)
    if file.persons < min_persons:
        return FileStanding("exempt", FEWER_PERSONS)
    return FileStanding("listed")


def file_scope(file: PersonalFile, entry: Entry) -> str:
    """記録範囲: the file's own, else the entry's subjects."""
    return file.scope or "、".join(entry.subjects)


def file_collection(file: PersonalFile, entry: Entry) -> str:
    """記録情報の収集方法: the file's own, else the entry's methods and sources."""
    if file.collection:
        return file.collection
    methods = "、".join(entry.collection_methods)
    if not entry.sources:
        return methods
    sources = "、".join(entry.sources)
    return f"{methods}（収集先: {sources}）" if methods else f"収集先: {sources}"


def withheld_items(file: PersonalFile) -> frozenset[str]:
    """The record items named by ``item:NAME`` in ``withheld`` (folded)."""
    return frozenset(
        fold(w.removeprefix(WITHHOLD_ITEM)) for w in file.withheld if w.startswith(WITHHOLD_ITEM)
    )


def default_agency_name(config: RegistryConfig) -> str:
    """The one organ of a register without ``[[agencies]]``: 東村山市 → 東村山市長."""
    return f"{config.municipality}長"


def agency_of(config: RegistryConfig, department: str) -> Agency:
    """The organ a 課 belongs to: the agency listing it, else the first one."""
    from todokede.registry.schema.model import Agency

    for agency in config.agencies:
        if department in agency.departments:
            return agency
    if config.agencies:
        return config.agencies[0]
    return Agency(name=default_agency_name(config), departments=list(config.departments))


def agencies_of(config: RegistryConfig) -> list[Agency]:
    """The register's organs in order (one named after the municipality without any)."""
    if config.agencies:
        return list(config.agencies)
    return [agency_of(config, "")]


def division_of(config: RegistryConfig, department: str) -> str:
    """The 部 of a 課 (empty when ``[divisions]`` does not name it)."""
    for division, departments in config.divisions.items():
        if department in departments:
            return division
    return ""


def organization(config: RegistryConfig, department: str, section: str = "") -> str:
    """事務をつかさどる組織の名称: ``総務部総務課`` (and the 係 when given)."""
    name = division_of(config, department) + department
    return f"{name}　{section}" if section else name


def config_violations(config: RegistryConfig) -> list[Violation]:
    """The rules of ``[[agencies]]`` and ``[divisions]`` in ``registry.toml``."""
    found: list[Violation] = []
    known = set(config.departments)
    if not config.agencies:
        found.append(
            Violation(
                ("agencies",),
                "[[agencies]] がないため、機関は「"
                f"{default_agency_name(config)}」の1つとし、開示請求等を受理する組織と"
                "所在地は空欄になります",
                "warning",
            )
        )
    names: set[str] = set()
    owner: dict[str, str] = {}
    for index, agency in enumerate(config.agencies):
        if agency.name in names:
            found.append(
                Violation(("agencies", index, "name"), f"機関「{agency.name}」が2回あります")
            )
        names.add(agency.name)
        for place, department in enumerate(agency.departments):
            loc: tuple[str | int, ...] = ("agencies", index, "departments", place)
            if department not in known:
                found.append(Violation(loc, f"「{department}」は departments にない課です"))
            elif department in owner:
                found.append(
                    Violation(
                        loc,
                        f"「{department}」は既に「{owner[department]}」の課です"
                        "（課はどれか1つの機関にだけ書いてください）",
                    )
                )
            else:
                owner[department] = agency.name
        for key, label in (
            ("disclosure_office", "開示請求等を受理する組織の名称"),
            ("disclosure_address", "開示請求等を受理する組織の所在地"),
        ):
            if not getattr(agency, key).strip():
                found.append(
                    Violation(
                        ("agencies", index, key),
                        f"機関「{agency.name}」の{label}がありません（ファイル簿で空欄になります）",
                        "warning",
                    )
                )
    division_of_department: dict[str, str] = {}
    for division, departments in config.divisions.items():
        for place, department in enumerate(departments):
            loc = ("divisions", division, place)
            if department not in known:
                found.append(Violation(loc, f"「{department}」は departments にない課です"))
            elif department in division_of_department:
                found.append(
                    Violation(
                        loc,
                        f"「{department}」は既に「{division_of_department[department]}」の課です",
                    )
                )
            else:
                division_of_department[department] = division
    return found


def book_only_violations(config: RegistryConfig) -> list[Violation]:
    """What only ``check --book`` reports of ``registry.toml``: a 課 in no organ
    (it is then the first organ's) or in no 部 (its 組織 then names the 課 alone)."""
    found: list[Violation] = []
    if config.agencies:
        placed = {d for agency in config.agencies for d in agency.departments}
        first = config.agencies[0].name
        found.extend(
            Violation(
                ("departments", index),
                f"課「{department}」はどの機関（[[agencies]]）にもありません"
                f"（「{first}」の課として扱います）",
                "warning",
            )
            for index, department in enumerate(config.departments)
            if department not in placed
        )
    if config.divisions:
        grouped = {d for departments in config.divisions.values() for d in departments}
        found.extend(
            Violation(
                ("departments", index),
                f"課「{department}」はどの部（[divisions]）にもありません"
                "（組織の名称は課の名称だけになります）",
                "warning",
            )
            for index, department in enumerate(config.departments)
            if department not in grouped
        )
    return found


def _withheld_violations(
    index: int, file: PersonalFile, held: dict[str, int], catalog: Catalog | None
) -> Iterable[Violation]:
    for place, value in enumerate(file.withheld):
        loc = ("files", index, "withheld", place)
        if value in (WITHHOLD_COLLECTION, WITHHOLD_RECIPIENTS):
            continue
        if not value.startswith(WITHHOLD_ITEM):
            yield Violation(
                loc,
                f'「{value}」は書けません（"collection"、"recipients"、'
                '"item:記録項目の名称" のどれかを書いてください）',
            )
            continue
        item = value.removeprefix(WITHHOLD_ITEM)
        name = catalog.canonical(item) if catalog is not None else fold(item)
        if name not in held:
            yield Violation(loc, f"記録項目「{item}」はこのファイルの record_items にありません")


def file_violations(
    entry: Entry, config: RegistryConfig | None, catalog: Catalog | None
) -> list[Violation]:
    """Every rule an entry's ``[[files]]`` break, in file order.

    A file's items are the entry's; a name is unique in the entry (across the
    register: :func:`duplicate_file_names`); exemption codes are known and hold;
    withheld items are the file's; an active entry holds at least one file.
    """

    def canonical(name: str) -> str:
        return catalog.canonical(name) if catalog is not None else fold(name)

    found: list[Violation] = []
    if not entry.files and not entry.is_abolished:
        found.append(
            Violation(
                ("files",),
                "個人情報ファイルがありません（[[files]] にこの業務の個人情報ファイルを"
                "書いてください。ファイル簿に載せないものも除外の理由を書いて登録します）",
                "warning",
            )
        )
    items = {canonical(item) for item in entry.record_items}
    internal = {p.recipient for p in entry.provisions if p.kind == "internal"}
    min_persons = config.filebook.min_persons if config is not None else 1000
    names: dict[str, int] = {}
    for index, file in enumerate(entry.files):
        if file.name in names:
            found.append(
                Violation(
                    ("files", index, "name"),
                    f"ファイル名「{file.name}」が重複しています（{names[file.name] + 1}番目と同じ）",
                )
            )
        names.setdefault(file.name, index)
        held: dict[str, int] = {}
        for place, item in enumerate(file.record_items):
            name = canonical(item)
            if name not in items:
                found.append(
                    Violation(
                        ("files", index, "record_items", place),
                        f"記録項目「{item}」はこの業務の record_items にありません"
                        "（業務の記録項目から選んでください）",
                    )
                )
            held.setdefault(name, place)
        found.extend(_withheld_violations(index, file, held, catalog))
        found.extend(_exemption_violations(index, file, min_persons, canonical))
        for place, recipient in enumerate(file.recipients):
            if recipient in internal:
                found.append(
                    Violation(
                        ("files", index, "recipients", place),
                        f"「{recipient}」は目的外利用（同じ機関の中の利用）なので経常的提供先には"
                        "書きません",
                        "warning",
                    )
                )
    return found


def _exemption_violations(
    index: int,
    file: PersonalFile,
    min_persons: int,
    canonical: Callable[[str], str],
) -> list[Violation]:
    loc = ("files", index, "exemption")
    code = file.exemption
    if not code:
        return []
    if code not in EXEMPTIONS:
        return [
            Violation(
                loc,
                f"除外の理由「{code}」はありません（{'、'.join(EXEMPTIONS)} のどれかを書いてください）",
            )
        ]
    if code == FEWER_PERSONS and file.persons >= min_persons:
        return [
            Violation(
                loc,
                f"本人の数 {file.persons:,}人は政令で定める数（{min_persons:,}人）以上なので"
                f" {FEWER_PERSONS} にはあたりません（ファイル簿に載せてください）",
            )
        ]
    if code == "74-2-7":
        extra = [item for item in file.record_items if canonical(item) not in CONTACT_ITEMS]
        if extra:
            return [
                Violation(
                    loc,
                    "74-2-7 は送付・連絡に必要な事項のみのファイルですが、"
                    f"「{'、'.join(extra)}」も記録しています",
                    "warning",
                )
            ]
    return []


@dataclass(frozen=True)
class FileName:
    """Where a file's name stands: its entry and its place there (from 0)."""

    entry: str
    index: int


def duplicate_file_names(files: Iterable[tuple[str, int, str]]) -> dict[FileName, FileName]:
    """Files named like an earlier one of another entry (``(entry, index, name)`` in
    the register's order): each later one → the first."""
    first: dict[str, FileName] = {}
    found: dict[FileName, FileName] = {}
    for entry_id, index, name in files:
        place = FileName(entry_id, index)
        earlier = first.setdefault(name, place)
        if earlier != place and earlier.entry != entry_id:
            found[place] = earlier
    return found
