"""The council's meeting: its agenda (会議次第) and papers, from the register's council items.

A meeting on day D hears (1) 諮問審議: the consultations dated D, each with its 課,
its process, its matters and the process's fields the matters concern (委託先 and
委託の内容, 結合先 and 目的, 提供先); (2) 報告: the report items dated D, each with
what changed (the filings that name it) and the earlier consultation that covers
it, then 意見に対する回答: every opinion answered on D, under its consultation;
(3) 業務届出書の報告: the council report of the period
(:func:`todokede.reports.council.build_council_report`), by default from the day
after the previous meeting (the latest council item dated before D) through D.

Pure functions from a loaded register to frozen data; the renderers are
:mod:`todokede.reports.render_meeting` (md, json) and the ``meeting.html.j2`` template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from todokede.registry.files.store import Register
from todokede.registry.schema.model import CouncilItem, Entry
from todokede.registry.schema.wareki import format_period, format_short, format_wareki
from todokede.reports.council import CouncilReport, FilingRow, build_council_report

MEETING_TITLE: Final = "会議次第"
#: The first part of the papers' default file name.
MEETING_FILE_STEM: Final = "審議会資料"
MATTER_LABELS: Final[dict[str, str]] = {
    "outsourcing": "委託",
    "connection": "外部結合",
    "provision": "目的外利用・外部提供",
    "collection": "本人以外からの収集",
    "sensitive": "要配慮個人情報の収集",
    "other": "その他",
}
RESULT_LABELS: Final[dict[str, str]] = {
    "approved": "可",
    "conditional": "条件付き可",
    "rejected": "否",
}
PART_CONSULTATIONS: Final = "(1) 諮問審議"
PART_REPORTS: Final = "(2) 報告"
PART_ANSWERS: Final = "意見に対する回答"
PART_FILINGS: Final = "(3) 業務届出書の報告"


@dataclass(frozen=True)
class OpinionLine:
    """A council member's opinion and, once given, the answer."""

    text: str
    answer: str
    answered: date | None


@dataclass(frozen=True)
class Consultation:
    """A 諮問 heard at the meeting, with the fields of its process the matters concern."""

    entry: str
    department: str
    name: str
    number: str
    subject: str
    matters: tuple[str, ...]
    day: date
    answered: date | None
    result: str | None
    details: tuple[tuple[str, str], ...]
    opinions: tuple[OpinionLine, ...]

    @property
    def matter_labels(self) -> str:
        """委託・外部結合."""
        return "・".join(MATTER_LABELS[m] for m in self.matters)

    @property
    def result_label(self) -> str:
        """可 / 条件付き可 / 否, empty while pending."""
        return RESULT_LABELS[self.result] if self.result else ""

    @property
    def answer_line(self) -> str:
        """「可（平成28年10月25日答申）」, or 「答申前」."""
        if self.answered is None or not self.result:
            return "答申前"
        return f"{self.result_label}（{format_wareki(self.answered)}答申）"

    @property
    def heading(self) -> str:
        """``平成28年度諮問第7号「子ども相談システム導入作業委託」（子ども・教育支援課）``."""
        return f"{self.number}「{self.subject}」（{self.department}）"


@dataclass(frozen=True)
class ReportItem:
    """A 報告 made at the meeting: what changed, and what covers it."""

    entry: str
    department: str
    name: str
    subject: str
    matters: tuple[str, ...]
    day: date
    covered_by: str
    details: tuple[tuple[str, str], ...]
    changes: tuple[str, ...]
    """The filings that name this report (``reported``): 届出日, 区分 and 内容, one line each."""

    @property
    def matter_labels(self) -> str:
        return "・".join(MATTER_LABELS[m] for m in self.matters)


@dataclass(frozen=True)
class Answer:
    """An opinion answered at the meeting, under the consultation it was given on."""

    entry: str
    department: str
    name: str
    number: str
    subject: str
    opinion: str
    answer: str

    @property
    def heading(self) -> str:
        """``平成28年度諮問第3号「…」（保険年金課）`` (the subject omitted when empty)."""
        subject = f"「{self.subject}」" if self.subject else ""
        return f"{self.number or '報告'}{subject}（{self.department}）"


@dataclass(frozen=True)
class Meeting:
    """The agenda and papers of one meeting, ready for any renderer."""

    municipality: str
    date: date
    author: str
    consultations: tuple[Consultation, ...]
    reports: tuple[ReportItem, ...]
    answers: tuple[Answer, ...]
    filings: CouncilReport
    title: str = MEETING_TITLE

    @property
    def date_line(self) -> str:
        """``平成28年10月25日``."""
        return format_wareki(self.date)

    @property
    def byline(self) -> tuple[str, ...]:
        """The meeting's day and the office that prepared the papers."""
        office = "　".join(part for part in (self.municipality, self.author) if part)
        return tuple(line for line in (f"開催日　{self.date_line}", office) if line)

    @property
    def period(self) -> str:
        """The filings' period: ``平成28年1月1日～平成28年9月13日``."""
        return format_period(self.filings.start, self.filings.end)

    @property
    def answer_groups(self) -> tuple[tuple[str, tuple[Answer, ...]], ...]:
        """The answers grouped under their consultation's heading, in order."""
        groups: dict[str, list[Answer]] = {}
        for answer in self.answers:
            groups.setdefault(answer.heading, []).append(answer)
        return tuple((heading, tuple(items)) for heading, items in groups.items())

    @property
    def agenda(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The 会議次第: each part with its items, as the minutes list them."""
        answered = "・".join(
            dict.fromkeys(
                f"{a.number}（{a.department}）" if a.number else a.department for a in self.answers
            )
        )
        reports = [r.subject for r in self.reports]
        if answered:
            reports.append(f"{PART_ANSWERS}：{answered}")
        reports.append(f"{self.period}分の業務届出書の報告")
        return (
            (PART_CONSULTATIONS.removeprefix("(1) "), tuple(c.heading for c in self.consultations)),
            (PART_REPORTS.removeprefix("(2) "), tuple(reports)),
        )


def previous_meeting(register: Register, day: date) -> date | None:
    """The latest day before ``day`` on which a council item of the register is dated."""
    found = [
        item.date
        for loaded in register.entries.values()
        for item in loaded.entry.council
        if item.date < day
    ]
    return max(found, default=None)


def meeting_period(
    register: Register, day: date, start: date | None, end: date | None
) -> tuple[date, date]:
    """The filings' period: what was given; else from the day after the previous
    meeting (1 January of ``day``'s year when there is none) through ``day``."""
    if start is None:
        previous = previous_meeting(register, day)
        start = previous + timedelta(days=1) if previous else date(day.year, 1, 1)
    return start, end or day


def build_meeting(
    register: Register,
    day: date,
    start: date | None = None,
    end: date | None = None,
    *,
    history: bool = True,
) -> Meeting:
    """The papers of the meeting on ``day``; the filings of ``start``–``end`` (see
    :func:`meeting_period`). PeriodError when the period's first day is after its last."""
    first, last = meeting_period(register, day, start, end)
    filings = build_council_report(register, first, last, created=day, history=history)
    consultations: list[Consultation] = []
    reports: list[ReportItem] = []
    answers: list[Answer] = []
    config = register.config
    items = sorted(
        register.entries.items(),
        key=lambda pair: (config.department_index(pair[1].entry.department), pair[0]),
    )
    for entry_id, loaded in items:
        entry = loaded.entry
        for item in entry.council:
            if item.date == day and item.kind == "consultation":
                consultations.append(_consultation(entry_id, entry, item))
            elif item.date == day:
                reports.append(_report(entry_id, entry, item))
            answers.extend(
                Answer(
                    entry=entry_id,
                    department=entry.department,
                    name=entry.name,
                    number=item.number,
                    subject=item.subject,
                    opinion=opinion.text,
                    answer=opinion.answer,
                )
                for opinion in item.opinions
                if opinion.answered == day
            )
    answers.sort(key=lambda a: (a.number == "", a.number, a.department))
    return Meeting(
        municipality=config.municipality,
        date=day,
        author=config.author,
        consultations=tuple(sorted(consultations, key=lambda c: (c.number, c.entry))),
        reports=tuple(reports),
        answers=tuple(answers),
        filings=filings,
    )


def details(entry: Entry, matters: list[str]) -> tuple[tuple[str, str], ...]:
    """The process's fields the matters concern, as (label, text) pairs."""
    found: list[tuple[str, str]] = []
    if "outsourcing" in matters:
        for outsourcing in entry.outsourcing:
            found.append(("委託先", outsourcing.contractor))
            if outsourcing.scope:
                found.append(("委託の内容", outsourcing.scope))
    if "connection" in matters:
        for connection in entry.connections:
            found.append(("結合先", connection.partner))
            if connection.purpose:
                found.append(("目的", connection.purpose))
    if "provision" in matters:
        for provision in entry.provisions:
            label = "利用する課" if provision.kind == "internal" else "提供先"
            found.append((label, provision.recipient))
    return tuple(found)


def _consultation(entry_id: str, entry: Entry, item: CouncilItem) -> Consultation:
    return Consultation(
        entry=entry_id,
        department=entry.department,
        name=entry.name,
        number=item.number,
        subject=item.subject,
        matters=tuple(item.matters),
        day=item.date,
        answered=item.answered,
        result=item.result,
        details=details(entry, list(item.matters)),
        opinions=tuple(OpinionLine(o.text, o.answer, o.answered) for o in item.opinions),
    )


def _report(entry_id: str, entry: Entry, item: CouncilItem) -> ReportItem:
    changes = []
    for filing in entry.filings:
        if filing.reported == item.date:
            row = FilingRow(
                entry=entry_id,
                name=entry.name,
                department=entry.department,
                kind=filing.kind,
                date=filing.date,
                summary=filing.summary,
                items_added=tuple(filing.items_added),
                items_removed=tuple(filing.items_removed),
                review=filing.review,
            )
            changes.append(f"{format_wareki(row.date)} {row.kind_label}届　{row.content}")
    return ReportItem(
        entry=entry_id,
        department=entry.department,
        name=entry.name,
        subject=item.subject,
        matters=tuple(item.matters),
        day=item.date,
        covered_by=item.covered_by,
        details=details(entry, list(item.matters)),
        changes=tuple(changes),
    )


def meeting_file_name(day: date, fmt: str) -> str:
    """``審議会資料_H28.10.25.md``."""
    return f"{MEETING_FILE_STEM}_{format_short(day)}.{fmt}"
