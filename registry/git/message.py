"""The commit messages todokede writes, made and read back by this one codec.

A filing's message is a subject for people, ``変更届: 課税課 個人住民税賦課事務 — <summary>``,
a blank line and trailers for programs: ``Filing-Kind``, ``Filing-Date``, ``Entry`` (and
``Filing-Review: true``). :func:`make_filing` writes one; :func:`parse_message` reads a
message's text and :func:`read_logged` the fields that ``git log`` printed for
:data:`LOG_FIELDS` (git parses the trailers there). Both read a message the same way
(:func:`_interpret`). The other commits: the register's first and a sync's merge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final, cast

from todokede.registry.views.display import one_line

if TYPE_CHECKING:
    from todokede.registry.schema.model import FilingKind

#: The word of each kind, which starts a filing's subject.
KIND_WORDS: Final[dict[str, str]] = {"start": "開始届", "change": "変更届", "abolish": "廃止届"}
#: Between a filing's title (department and name) and its summary.
SUBJECT_SEPARATOR: Final = " — "
KIND_TRAILER: Final = "Filing-Kind"
DATE_TRAILER: Final = "Filing-Date"
ENTRY_TRAILER: Final = "Entry"
REVIEW_TRAILER: Final = "Filing-Review"
#: The trailers in the order a filing writes them (and :data:`LOG_FIELDS` asks for them).
TRAILERS: Final = (KIND_TRAILER, DATE_TRAILER, ENTRY_TRAILER, REVIEW_TRAILER)
#: A council's answer (答申) to a consultation: its number, result and day.
COUNCIL_NUMBER_TRAILER: Final = "Council-Number"
COUNCIL_RESULT_TRAILER: Final = "Council-Result"
COUNCIL_DATE_TRAILER: Final = "Council-Date"
COUNCIL_TRAILERS: Final = (COUNCIL_NUMBER_TRAILER, COUNCIL_RESULT_TRAILER, COUNCIL_DATE_TRAILER)
#: The word that starts an answer's subject: ``答申: 課 業務 — 諮問番号 可``.
ANSWER_WORD: Final = "答申"
#: The result of an answer as its subject prints it.
RESULT_WORDS: Final[dict[str, str]] = {
    "approved": "可",
    "conditional": "条件付き可",
    "rejected": "否",
}
#: ``git log --format`` placeholders: each trailer's values (git parses), then the subject.
LOG_FIELDS: Final = (
    *(f"%(trailers:key={key},valueonly,separator=%x2C)" for key in TRAILERS + COUNCIL_TRAILERS),
    "%s",
)
#: The first commit of a register (``todokede init``, the demo).
REGISTER_CREATED: Final = "登録簿を作成"

#: git's whitespace (``isspace`` in git's own ctype): no Unicode spaces.
_GIT_SPACE: Final = " \t\n\r"
#: A line break with the spaces around it: one space in a subject (as ``one_line``).
_BREAK: Final = re.compile(r"\s*[\r\n]+\s*")
#: A trailer line as git reads one: a token of letters, digits and ``-``, spaces, ``:``.
_TRAILER_LINE: Final = re.compile(r"([A-Za-z0-9-]+)[ \t]*:(.*)")


@dataclass(frozen=True)
class FilingMessage:
    """What a filing's message says: its trailers, its title and its summary.

    ``title`` is the department and the process's name, ``課税課 個人住民税賦課事務``;
    :meth:`of` puts both texts on one line, as the message will hold them.
    """

    kind: FilingKind
    title: str
    summary: str
    day: date
    entry_id: str
    review: bool = False

    @classmethod
    def of(
        cls,
        kind: FilingKind,
        department: str,
        name: str,
        summary: str,
        day: date,
        entry_id: str,
        review: bool = False,
    ) -> FilingMessage:
        """The message of a filing of the entry ``entry_id`` (department, name) on ``day``."""
        title = f"{one_line(department)} {one_line(name)}"
        return cls(kind, title, one_line(summary), day, entry_id, review)


@dataclass(frozen=True)
class CommitMessage:
    """A commit's message as read back: a filing when ``kind`` is one of :data:`KIND_WORDS`.

    ``summary`` is what follows the separator in a filing's subject, and the whole
    subject in another commit's; ``entry_id`` is ``""`` without an ``Entry`` trailer.
    """

    subject: str
    summary: str
    kind: FilingKind | None = None
    day: date | None = None
    entry_id: str = ""
    review: bool = False
    council_number: str = ""
    """An answer's consultation (``Council-Number``); empty in any other commit."""
    council_result: str = ""
    council_date: date | None = None

    @property
    def is_answer(self) -> bool:
        """A council's answer (答申) recorded by ``todokede answer``."""
        return self.kind is None and bool(self.council_number) and self.council_date is not None

    @property
    def filing(self) -> FilingMessage | None:
        """The filing the message records, when its subject and trailers say all of it."""
        if self.kind is None or self.day is None or not self.entry_id:
            return None
        head, separator, _ = self.subject.partition(SUBJECT_SEPARATOR)
        prefix = f"{KIND_WORDS[self.kind]}: "
        if not separator or not head.startswith(prefix):
            return None
        title = head.removeprefix(prefix)
        return FilingMessage(self.kind, title, self.summary, self.day, self.entry_id, self.review)


def make_filing(message: FilingMessage) -> str:
    """``変更届: 課税課 個人住民税賦課事務 — <summary>``, a blank line, the trailers."""
    title, summary = _BREAK.sub(" ", message.title), _BREAK.sub(" ", message.summary)
    subject = f"{KIND_WORDS[message.kind]}: {title}{SUBJECT_SEPARATOR}{summary}"
    trailers = [
        f"{KIND_TRAILER}: {message.kind}",
        f"{DATE_TRAILER}: {message.day.isoformat()}",
        f"{ENTRY_TRAILER}: {message.entry_id}",
    ]
    if message.review:
        trailers.append(f"{REVIEW_TRAILER}: true")
    return subject + "\n\n" + "\n".join(trailers) + "\n"


def filing_message(
    kind: FilingKind,
    department: str,
    name: str,
    summary: str,
    day: date,
    entry_id: str,
    review: bool = False,
) -> str:
    """:func:`make_filing` of :meth:`FilingMessage.of` the same arguments."""
    return make_filing(FilingMessage.of(kind, department, name, summary, day, entry_id, review))


def answer_message(
    department: str,
    name: str,
    number: str,
    result: str,
    day: date,
    entry_id: str,
) -> str:
    """``答申: 子ども・教育支援課 子ども相談業務 — 平成28年度諮問第7号 可`` and its trailers."""
    title = _BREAK.sub(" ", f"{one_line(department)} {one_line(name)}")
    word = RESULT_WORDS.get(result, result)
    subject = f"{ANSWER_WORD}: {title}{SUBJECT_SEPARATOR}{_BREAK.sub(' ', one_line(number))} {word}"
    trailers = [
        f"{COUNCIL_NUMBER_TRAILER}: {one_line(number)}",
        f"{COUNCIL_RESULT_TRAILER}: {result}",
        f"{COUNCIL_DATE_TRAILER}: {day.isoformat()}",
        f"{ENTRY_TRAILER}: {entry_id}",
    ]
    return subject + "\n\n" + "\n".join(trailers) + "\n"


def sync_merge_message(where: str) -> str:
    """A sync's merge of the remote's branch (``where``) into local commits holding a merge."""
    return f"同期: {where} を取り込み"


def reflog_reason(message: str) -> str:
    """What HEAD's reflog says of a commit with ``message``, as ``git commit`` would."""
    return "commit: " + subject_of(message)


def subject_of(message: str) -> str:
    """A message's subject as git's ``%s`` shows it: its first paragraph on one line."""
    lines = message.split("\n")
    while lines and not lines[0].strip(_GIT_SPACE):  # git skips blank lines before it
        lines.pop(0)
    subject: list[str] = []
    for line in lines:
        if not line.strip(_GIT_SPACE):
            break
        subject.append(line.rstrip(_GIT_SPACE))
    return " ".join(subject)


def trailers_of(message: str) -> list[tuple[str, str]]:
    """The trailers of a message todokede wrote: its last paragraph when every line of
    it is ``Key: value`` (and it is not the subject). git's fuller rules for messages
    written by hand apply when git reads the log (:data:`LOG_FIELDS`)."""
    lines = message.strip(_GIT_SPACE).split("\n")
    blank = [i for i, line in enumerate(lines) if not line.strip(_GIT_SPACE)]
    if not blank:  # the subject alone
        return []
    found = [_TRAILER_LINE.fullmatch(line) for line in lines[blank[-1] + 1 :]]
    if not all(found):
        return []
    return [(m.group(1), m.group(2).strip(_GIT_SPACE)) for m in found if m is not None]


def parse_message(message: str) -> CommitMessage:
    """A commit's message read back (the inverse of :func:`make_filing`)."""
    found = trailers_of(message)
    values = [
        ",".join(value for key, value in found if key.lower() == wanted.lower())
        for wanted in TRAILERS + COUNCIL_TRAILERS
    ]
    return _interpret(subject_of(message), *values)


def read_logged(fields: Sequence[str]) -> CommitMessage:
    """A commit's message from what ``git log`` printed for :data:`LOG_FIELDS`."""
    *values, subject = fields
    kind, day, entry, review, number, result, council_day = values
    return _interpret(subject, kind, day, entry, review, number, result, council_day)


def _interpret(
    subject: str,
    kind: str,
    day: str,
    entry: str,
    review: str,
    number: str = "",
    result: str = "",
    council_day: str = "",
) -> CommitMessage:
    """The trailers' values (several joined by ``,``) and the subject, as todokede reads
    them: an unknown kind is no filing, a date that is none is no date."""
    known = kind.strip() if kind.strip() in KIND_WORDS else None
    filing_day = _date_or_none(day) if known else None
    answered = _date_or_none(council_day) if number.strip() and not known else None
    if (known is not None or answered is not None) and SUBJECT_SEPARATOR in subject:
        summary = subject.split(SUBJECT_SEPARATOR, 1)[1].strip()
    else:
        summary = subject.strip()
    return CommitMessage(
        subject=subject,
        summary=summary,
        kind=cast("FilingKind | None", known),
        day=filing_day,
        entry_id=entry.strip(),
        review=review.strip().lower() == "true",
        council_number=number.strip() if answered else "",
        council_result=result.strip() if answered else "",
        council_date=answered,
    )


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
