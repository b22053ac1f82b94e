"""Typed refusals (issue 13, item 5): the core says why, each front end words it.

Every reason of a refused filing or export has a line in the command line's table
and in the TUI's, both filled from the refusal's fields; the TUI's names its own
fields, never an option; :func:`describe_failure` is one line for anything.
"""

from __future__ import annotations

from datetime import date
from typing import get_args

import pytest

from todokede.registry.schema.errors import FilingReason, FilingRefused, RefusalField
from todokede.reports.target import ExportReason, ExportRefused
from todokede.tui import failures as tui
from todokede.tui.cli import refusals as cli
from todokede.tui.failures import describe_failure

#: The fields each reason comes with (registry/git/filing_plan.py and friends raise them).
FILING_FIELDS: dict[str, dict[str, RefusalField]] = {
    "no-entry": {"entry_id": "x", "path": "entries/x.toml"},
    "already-filed": {"entry_id": "x"},
    "filings-before-start": {"entry_id": "x"},
    "not-started": {"entry_id": "x"},
    "abolished": {"entry_id": "x", "name": "事務", "day": date(2016, 3, 22)},
    "filings-rewritten": {"entry_id": "x"},
    "unchanged": {"entry_id": "x"},
    "before-last-filing": {"day": date(2005, 3, 31), "last": date(2005, 4, 1)},
    "abolish-with-review": {},
    "registry-not-committed": {"file": "registry.toml", "shown": "sub/registry.toml"},
    "registry-uncommitted": {"file": "registry.toml", "shown": "sub/registry.toml"},
    "no-identity": {},
    "no-author": {},
    "author-malformed": {"author": "名前だけ"},
}
EXPORT_FIELDS: dict[str, dict[str, str]] = {
    "folder": {"path": "/tmp"},
    "no-folder": {"path": "/none/a.md", "folder": "/none"},
    "not-writable": {"path": "/tmp/l.md", "problem": "シンボリックリンクには書き出しません"},
    "suffix-mismatch": {"path": "a.xlsx", "name": "a.xlsx", "named": "xlsx", "fmt": "csv"},
    "suffix-unknown": {"path": "a.pdf", "name": "a.pdf"},
    "no-such-format": {"fmt": "html"},
    "needs-file": {"fmt": "xlsx"},
    "exists": {"path": "/tmp/a.md", "name": "a.md"},
}


def test_every_reason_has_its_fields_here_and_a_line_in_each_table() -> None:
    assert set(FILING_FIELDS) == set(get_args(FilingReason))
    assert set(cli.FILING_WORDS) == set(tui.FILING_WORDS) == set(get_args(FilingReason))
    assert set(EXPORT_FIELDS) == set(get_args(ExportReason))
    assert set(cli.EXPORT_WORDS) == set(tui.EXPORT_WORDS) == set(get_args(ExportReason))


@pytest.mark.parametrize("reason", sorted(FILING_FIELDS))
def test_a_refused_filing_is_one_line_in_each_front_end(reason: FilingReason) -> None:
    refused = FilingRefused(reason, **FILING_FIELDS[reason])
    line, shown = cli.refusal_line(refused), describe_failure(refused)
    for text in (line, shown):
        assert "\n" not in text and "{" not in text and "filing refused" not in text
    assert "--" not in shown, shown  # the TUI names its fields, not the options
    assert "2005-" not in shown and "2016-" not in shown  # days in 和暦
    if "day" in FILING_FIELDS[reason]:
        assert "2005-03-31" in line or "2016-03-22" in line  # the CLI's days as typed


@pytest.mark.parametrize("reason", sorted(EXPORT_FIELDS))
def test_a_refused_export_is_one_line_in_each_front_end(reason: ExportReason) -> None:
    refused = ExportRefused(reason, **EXPORT_FIELDS[reason])
    line, shown = cli.refusal_line(refused), describe_failure(refused)
    for text in (line, shown):
        assert "\n" not in text and "{" not in text and "export refused" not in text
    assert "--" not in shown, shown


def test_the_command_line_keeps_its_words() -> None:
    assert cli.refusal_line(FilingRefused("unchanged", entry_id="x")) == (
        "「x」は前回の届出から変わっていません"
        "（内容を直してから届け出るか、見直しだけなら --review を付けてください）"
    )
    assert cli.refusal_line(
        FilingRefused("before-last-filing", day=date(2005, 3, 31), last=date(2005, 4, 1))
    ) == ("届出日 2005-03-31 が前回の届出日（2005-04-01）より前です")


def test_the_tui_words_the_same_refusals_for_its_fields() -> None:
    assert describe_failure(FilingRefused("unchanged", entry_id="x")) == (
        "「x」は前回の届出から変わっていません"
        "（内容を直してから届け出るか、見直しだけなら「見直し」にチェックを付けてください）"
    )
    assert describe_failure(FilingRefused("author-malformed", author="名前だけ")) == (
        "届出者は「氏名 <メール>」の形で書いてください: 名前だけ"
    )
    assert describe_failure(
        FilingRefused("before-last-filing", day=date(1989, 1, 10), last=date(2005, 4, 1))
    ) == ("届出日 平成元年1月10日 が前回の届出日（平成17年4月1日）より前です")


def test_describe_failure_is_one_line_for_anything() -> None:
    from todokede.registry.schema.errors import RegisterError

    assert describe_failure(RegisterError("一行目\n二行目")) == "一行目 二行目"
    missing = FileNotFoundError(2, "No such file or directory", "/x/y")
    assert describe_failure(missing) == "No such file or directory: /x/y"
    assert (
        describe_failure(ValueError("bad\nvalue"))
        == "予期しないエラーです（ValueError: bad value）"
    )
    assert describe_failure(KeyError()) == "予期しないエラーです（KeyError）"
