"""The commit message codec: what it makes reads back the same, by it and by git.

Random filings (kinds, dates, ids, titles and summaries with line breaks, colons,
tabs and Japanese) are made into messages, parsed back, and committed into a real
repository, where ``git interpret-trailers --parse`` and ``git log`` (the fields
the history reads) must find the same trailers and the same filing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date

import git
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from todokede.registry.git.message import (
    KIND_WORDS,
    LOG_FIELDS,
    REGISTER_CREATED,
    SUBJECT_SEPARATOR,
    CommitMessage,
    FilingMessage,
    filing_message,
    make_filing,
    parse_message,
    read_logged,
    reflog_reason,
    subject_of,
    sync_merge_message,
    trailers_of,
)
from todokede.registry.git.repository import Signature, write_commit, write_tree
from todokede.registry.schema.model import FilingKind

#: Text as an entry may hold it (no control characters but tab and line breaks),
#: with the characters a message's syntax is made of drawn often.
TEXT = st.lists(
    st.characters(blacklist_categories=("Cs", "Cc"))
    | st.sampled_from(["\n", "\r\n", "\t", " ", ":", ": ", "—", " — ", "　", "課税課", "記録項目"]),
    max_size=20,
).map("".join)
ENTRY_IDS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,63}", fullmatch=True)
_KINDS: tuple[FilingKind, ...] = ("start", "change", "abolish")
KINDS = st.sampled_from(_KINDS)
CLERK = Signature("課税課 担当者", "kazei@example.lg.jp", 1_458_604_800, 540)


def readable(message: FilingMessage) -> bool:
    """Whether the subject tells the title from the summary: it does unless the title
    holds the separator (or starts with "— " or ends with " —", which make one with
    the spaces around it); and a filing always has a summary (written from the diff
    when none is given)."""
    return SUBJECT_SEPARATOR not in f" {message.title} " and bool(message.summary)


@st.composite
def filings(draw: st.DrawFn) -> FilingMessage:
    """A filing's message as :meth:`FilingMessage.of` builds it from an entry."""
    message = FilingMessage.of(
        draw(KINDS), draw(TEXT), draw(TEXT), draw(TEXT), draw(st.dates()), draw(ENTRY_IDS),
        draw(st.booleans()),
    )  # fmt: skip
    assume(readable(message))
    return message


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[git.Repo]:
    root = tmp_path_factory.mktemp("messages")
    with git.Repo.init(root) as found:
        yield found


def _run(repo: git.Repo, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(repo.working_tree_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


def _committed(repo: git.Repo, message: str) -> str:
    """A real commit object holding ``message``, written as a filing writes one."""
    return write_commit(repo, write_tree(repo, [], durable=False), [], CLERK, CLERK, message, False)


def _git_trailers(repo: git.Repo, commit: str) -> list[tuple[str, str]]:
    """The commit's trailers as ``git interpret-trailers --parse`` reads them."""
    body = _run(repo, "log", "-1", "--format=%B", commit)
    out = _run(repo, "interpret-trailers", "--parse", stdin=body)
    return [
        (key, value.strip()) for key, _, value in (line.partition(":") for line in out.splitlines())
    ]


def _logged(repo: git.Repo, commit: str) -> CommitMessage:
    """The commit read as the history reads it: the fields of ``git log``."""
    out = _run(repo, "log", "-1", "--format=" + "%x1f".join(LOG_FIELDS), commit)
    return read_logged(out.removesuffix("\n").split("\x1f"))


@given(filings())
@settings(max_examples=300, deadline=None)
def test_a_filing_message_reads_back_as_it_was_made(message: FilingMessage) -> None:
    text = make_filing(message)
    parsed = parse_message(text)
    assert parsed.filing == message
    assert (parsed.kind, parsed.day, parsed.entry_id, parsed.review) == (
        message.kind,
        message.day,
        message.entry_id,
        message.review,
    )
    assert parsed.summary == message.summary and "\n" not in parsed.subject


@given(KINDS, TEXT, TEXT, TEXT, st.dates(), ENTRY_IDS, st.booleans())
@settings(max_examples=200, deadline=None)
def test_any_entry_makes_one_subject_line_and_the_trailers(
    kind: FilingKind,
    department: str,
    name: str,
    summary: str,
    day: date,
    entry_id: str,
    review: bool,
) -> None:
    """Line breaks in what the entry says become spaces, the trailers are the filing's;
    read back (when the subject can be) and made again, it is the same message."""
    message = FilingMessage.of(kind, department, name, summary, day, entry_id, review)
    text = filing_message(kind, department, name, summary, day, entry_id, review)
    assert text == make_filing(message)
    subject, blank, *_ = text.removesuffix("\n").split("\n")
    assert blank == "" and subject.startswith(f"{KIND_WORDS[kind]}: ")
    assert subject_of(text) == subject.rstrip(" ")
    assert trailers_of(text) == [
        ("Filing-Kind", kind),
        ("Filing-Date", day.isoformat()),
        ("Entry", entry_id),
        *([("Filing-Review", "true")] if review else []),
    ]
    if readable(message):
        parsed = parse_message(text).filing
        assert parsed == message and make_filing(parsed) == text


@given(filings())
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_git_reads_the_same_trailers_and_filing_from_a_real_commit(
    repo: git.Repo, message: FilingMessage
) -> None:
    text = make_filing(message)
    commit = _committed(repo, text)
    assert _git_trailers(repo, commit) == trailers_of(text)
    assert _logged(repo, commit) == parse_message(text)
    assert _logged(repo, commit).filing == message


def test_a_filing_example_and_the_other_messages(repo: git.Repo) -> None:
    text = filing_message(
        "change", "課税課", "個人住民税賦課事務", "一行目\n二行目: 補足", date(2016, 3, 22), "kazei-kojin-juminzei", True
    )  # fmt: skip
    assert text.startswith("変更届: 課税課 個人住民税賦課事務 — 一行目 二行目: 補足\n\n")
    assert reflog_reason(text) == "commit: 変更届: 課税課 個人住民税賦課事務 — 一行目 二行目: 補足"
    for other in (REGISTER_CREATED, sync_merge_message("origin/main")):
        parsed = parse_message(other)
        assert parsed == CommitMessage(subject=other, summary=other)
        assert parsed.filing is None
        assert _logged(repo, _committed(repo, other)) == parsed
    assert sync_merge_message("origin/main") == "同期: origin/main を取り込み"
    # A paragraph that is not all trailers holds none; a subject alone is never one.
    assert trailers_of("件名\n\n本文です\nEntry: x\n") == []
    assert trailers_of("Entry: x\n") == []
    # A filing's trailers whose date is none: still a filing of that kind, no date.
    odd = parse_message("変更届: 課税課 業務 — 概要\n\nFiling-Kind: change\nFiling-Date: 昨日\n")
    assert (odd.kind, odd.day, odd.summary, odd.filing) == ("change", None, "概要", None)
