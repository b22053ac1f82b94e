"""The next filing kind, decided by the core for the CLI and the TUI (issue 13, item 5)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from tests.support.samples import VALID_ENTRY
from todokede.registry.schema.errors import FilingRefused
from todokede.registry.schema.kinds import next_filing_kind
from todokede.registry.schema.model import Entry

FILED = Entry.model_validate(tomllib.loads(VALID_ENTRY))


def test_start_when_never_filed_else_change() -> None:
    assert next_filing_kind("x", FILED.model_copy(update={"filings": []})) == "start"
    assert next_filing_kind("x", FILED) == "change"


def test_nothing_after_an_abolition() -> None:
    abolition = FILED.filings[0].model_copy(update={"kind": "abolish", "date": date(2020, 3, 31)})
    abolished = FILED.model_copy(update={"filings": [*FILED.filings, abolition]})
    with pytest.raises(FilingRefused) as refused:
        next_filing_kind("x", abolished)
    assert refused.value.reason == "abolished"
    assert refused.value.fields == {"entry_id": "x", "name": FILED.name, "day": date(2020, 3, 31)}
