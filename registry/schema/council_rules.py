"""The council (審議会) in the register: the rules of ``[[council]]`` and what a filing is.

An entry's rules (:func:`council_violations`): a consultation has a number, an answer
is not before its meeting and comes before a result, a report has no result, an
opinion's answer has its date, a filing's ``reported`` is the date of a report item of
its entry. The register's rules (:func:`register_council_violations`, across entries):
a consultation's number is unique, a filing's ``consultation`` names an answered
consultation (approved or conditional), and a change filing that adds an outsourcing,
a connection or an external provision, or 個人番号 to a contractor's scope, names
one of them (a warning, from the register's first council item on).

What a filing added is read from the entry's own data, not its history (``check``
stays cheap): outsourcing and connections whose ``since`` falls after the previous
filing and on or before this one, 個人番号 among its ``items_added`` while the entry has
a contractor. Provisions carry no date and are judged only when filing
(:func:`needs_council_for_diff`). docs/architecture.md says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final, Literal

from todokede.registry.schema.catalog import fold
from todokede.registry.schema.problems import Violation
from todokede.registry.schema.wareki import format_wareki

if TYPE_CHECKING:
    from todokede.registry.schema.model import CouncilItem, Entry, Filing

FilingClass = Literal["consultation", "report", "notice"]
#: 諮問案件, 報告事項 and 届出: how the council report names each class of filing.
FILING_CLASS_LABELS: Final[dict[FilingClass, str]] = {
    "consultation": "諮問案件",
    "report": "報告事項",
    "notice": "届出",
}
#: A consultation a filing may name: answered, and not refused.
COVERING_RESULTS: Final = frozenset({"approved", "conditional"})
MY_NUMBER: Final = "個人番号"
NO_COUNCIL_RECORD: Final = "審議会への諮問又は報告の記録がありません"


def filing_class(filing: Filing) -> FilingClass:
    """諮問案件 (names a consultation), 報告事項 (names a report) or 届出."""
    if filing.consultation:
        return "consultation"
    if filing.reported is not None:
        return "report"
    return "notice"


def council_violations(entry: Entry) -> list[Violation]:
    """The rules of one entry's council items and of its filings' ``reported``."""
    found: list[Violation] = []
    for index, item in enumerate(entry.council):
        found.extend(_item_violations(index, item))
    report_days = {item.date for item in entry.council if item.kind == "report"}
    for index, filing in enumerate(entry.filings):
        if filing.reported is not None and filing.reported not in report_days:
            found.append(
                Violation(
                    ("filings", index, "reported"),
                    f'報告日 {filing.reported} の報告（[[council]] kind = "report"）が'
                    "このエントリにありません",
                )
            )
    return found


def _item_violations(index: int, item: CouncilItem) -> list[Violation]:
    found: list[Violation] = []
    at = ("council", index)
    if item.kind == "consultation" and not item.number:
        found.append(
            Violation(
                (*at, "number"),
                "諮問には諮問番号（number、例: 平成28年度諮問第7号）が必要です",
            )
        )
    if item.answered is not None and item.answered < item.date:
        found.append(
            Violation(
                (*at, "answered"),
                f"答申日 {item.answered} が審議会の日（{item.date}）より前です",
            )
        )
    if item.kind == "report" and item.result is not None:
        found.append(
            Violation((*at, "result"), "報告には答申（result）はありません（諮問にだけ書きます）")
        )
    elif item.result is not None and item.answered is None:
        found.append(
            Violation(
                (*at, "result"),
                "答申（result）には答申日（answered）が必要です",
            )
        )
    for number, opinion in enumerate(item.opinions):
        place = (*at, "opinions", number)
        if opinion.answer and opinion.answered is None:
            found.append(
                Violation(
                    (*place, "answered"),
                    "意見への回答（answer）には回答した審議会の日（answered）が必要です",
                )
            )
        if opinion.answered is not None and opinion.answered < item.date:
            found.append(
                Violation(
                    (*place, "answered"),
                    f"回答日 {opinion.answered} が意見の出た審議会の日（{item.date}）より前です",
                )
            )
    return found


# -- across the register -----------------------------------------------------------------


@dataclass(frozen=True)
class Consultation:
    """A consultation of the register: where it is and how it was answered."""

    entry: str
    index: int
    result: str | None


def consultations(entries: Iterable[tuple[str, Entry]]) -> dict[str, Consultation]:
    """Each consultation number → its first item (in the register's order)."""
    found: dict[str, Consultation] = {}
    for entry_id, entry in entries:
        for index, item in enumerate(entry.council):
            if item.kind == "consultation" and item.number:
                found.setdefault(item.number, Consultation(entry_id, index, item.result))
    return found


def consultation_problem(number: str, known: Mapping[str, Consultation]) -> str | None:
    """Why a filing cannot name consultation ``number`` (None: it can)."""
    consultation = known.get(number)
    if consultation is None:
        return f"諮問「{number}」は登録簿のどの [[council]] にもありません"
    if consultation.result not in COVERING_RESULTS:
        state = "まだ答申がありません" if consultation.result is None else "答申が「否」です"
        return f"諮問「{number}」は{state}（答申が可又は条件付き可の諮問だけを届出に書けます）"
    return None


def reported_problem(day: date, entry: Entry) -> str | None:
    """Why a filing of ``entry`` cannot name the report of ``day`` (None: it can)."""
    if any(item.kind == "report" and item.date == day for item in entry.council):
        return None
    return f'報告日 {day} の報告（[[council]] kind = "report"）がこのエントリにありません'


@dataclass(frozen=True)
class Covering:
    """What a filing of an entry may name as covering its change: a consultation
    of the register answered 可 or 条件付き可 (``--consultation``), or a report
    item of the entry (``--reported``)."""

    kind: Literal["consultation", "report"]
    number: str
    day: date
    subject: str
    department: str = ""

    @property
    def key(self) -> str:
        """``consultation:平成28年度諮問第7号`` or ``report:2016-10-25``: one per choice."""
        return f"{self.kind}:{self.number if self.kind == 'consultation' else self.day}"

    @property
    def label(self) -> str:
        """``諮問 平成28年度諮問第7号「…」（子ども・教育支援課）`` / ``報告 平成28年10月25日「…」``."""
        if self.kind == "report":
            return f"報告 {format_wareki(self.day)}「{self.subject}」"
        where = f"（{self.department}）" if self.department else ""
        return f"諮問 {self.number}「{self.subject}」{where}"


def coverings(entry_id: str, entries: Iterable[tuple[str, Entry]]) -> tuple[Covering, ...]:
    """What a filing of ``entry_id`` may name: its entry's reports, newest first,
    then the answered consultations, its entry's first and each newest first."""
    reports: list[Covering] = []
    own: list[Covering] = []
    others: list[Covering] = []
    seen: set[str] = set()
    for other_id, entry in entries:
        for item in entry.council:
            if item.kind == "report" and other_id == entry_id:
                reports.append(Covering("report", "", item.date, item.subject))
            elif (
                item.kind == "consultation"
                and item.number
                and item.result in COVERING_RESULTS
                and item.number not in seen
            ):
                seen.add(item.number)
                found = Covering("consultation", item.number, item.date, item.subject)
                if other_id == entry_id:
                    own.append(found)
                else:
                    others.append(
                        Covering(
                            "consultation", item.number, item.date, item.subject, entry.department
                        )
                    )
    unique_reports = {c.key: c for c in reports}.values()  # two reports on one day: one choice

    def newest(found: Iterable[Covering]) -> list[Covering]:
        return sorted(found, key=lambda c: (c.day, c.number), reverse=True)

    return (*newest(unique_reports), *newest(own), *newest(others))


def first_council_day(entries: Iterable[Entry]) -> date | None:
    """The date of the register's first council item: council business is recorded
    from then on, and only filings from that day are classified."""
    return min((item.date for entry in entries for item in entry.council), default=None)


def register_council_violations(
    entries: Iterable[tuple[str, Entry]],
) -> dict[str, list[Violation]]:
    """The rules across entries, each violation at its entry (by id)."""
    listed = list(entries)
    found: dict[str, list[Violation]] = {}
    first: dict[str, str] = {}
    for entry_id, entry in listed:
        for index, item in enumerate(entry.council):
            if item.kind != "consultation" or not item.number:
                continue
            earlier = first.setdefault(item.number, entry_id)
            if earlier != entry_id or _repeated(entry, index):
                found.setdefault(entry_id, []).append(
                    Violation(
                        ("council", index, "number"),
                        f"諮問番号「{item.number}」は entries/{earlier}.toml の諮問と同じです"
                        "（諮問番号は登録簿の中で1つにしてください）",
                    )
                )
    known = consultations(listed)
    since = first_council_day(entry for _, entry in listed)
    for entry_id, entry in listed:
        for index, filing in enumerate(entry.filings):
            if filing.consultation:
                problem = consultation_problem(filing.consultation, known)
                if problem:
                    found.setdefault(entry_id, []).append(
                        Violation(("filings", index, "consultation"), problem)
                    )
            judged = since is not None and filing.date >= since
            if judged and filing_class(filing) == "notice" and filing_needs_council(entry, index):
                found.setdefault(entry_id, []).append(
                    Violation(("filings", index), NO_COUNCIL_RECORD, "warning")
                )
    return found


def _repeated(entry: Entry, index: int) -> bool:
    """The item's number is that of an earlier consultation of the same entry."""
    number = entry.council[index].number
    return any(
        item.kind == "consultation" and item.number == number for item in entry.council[:index]
    )


# -- what a filing added -------------------------------------------------------------------


def filing_needs_council(entry: Entry, index: int) -> bool:
    """Whether change filing ``index`` added what the council must hear of (from the
    entry's own dates: see the module's docstring)."""
    filing = entry.filings[index]
    if filing.kind != "change" or index == 0:
        return False
    after, upto = entry.filings[index - 1].date, filing.date

    def added(since: date | None) -> bool:
        return since is not None and after < since <= upto

    if any(added(item.since) for item in entry.outsourcing):
        return True
    if any(added(item.since) for item in entry.connections):
        return True
    contractors = [o for o in entry.outsourcing if o.since is None or o.since <= upto]
    return bool(contractors) and _adds_my_number(filing.items_added)


def _adds_my_number(items: Iterable[str]) -> bool:
    return any(fold(item) == fold(MY_NUMBER) for item in items)


def needs_council_for_diff(
    entry: Entry,
    outsourcing_added: bool,
    connections_added: bool,
    provisions_added: Iterable[str],
    items_added: Iterable[str],
    scope_my_number: bool = False,
) -> bool:
    """Whether a change about to be filed needs a consultation or a report: the
    filing's diff against the last filing adds a contractor, a connection, an
    external provision (not 目的外利用), or 個人番号 to a contractor's scope (the
    record items while the entry has a contractor, or a scope now naming it)."""
    if outsourcing_added or connections_added:
        return True
    external = {p.recipient for p in entry.provisions if p.kind == "provision"}
    if any(name in external for name in provisions_added):
        return True
    return bool(entry.outsourcing) and (_adds_my_number(items_added) or scope_my_number)
