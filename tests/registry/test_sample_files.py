"""The sample register as the statutory 個人情報ファイル簿's showcase (issue 14, item 2)."""

from __future__ import annotations

import re
import tomllib
from datetime import date

from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import load_config_or_raise
from todokede.registry.schema.model import Entry, PersonalFile
from todokede.registry.schema.personal_files import (
    FEWER_PERSONS,
    WITHHOLD_ITEM,
    agency_of,
    book_only_violations,
    config_violations,
    organization,
    standing,
)

CONFIG = load_config_or_raise(PROJECT_ROOT)
CATALOG = CONFIG.build_catalog()
ENTRIES = {
    path.stem: Entry.model_validate(tomllib.loads(path.read_text("utf-8")))
    for path in sorted((PROJECT_ROOT / "entries").glob("*.toml"))
}
ACTIVE = {entry_id: e for entry_id, e in ENTRIES.items() if not e.is_abolished}
FILES = [(entry_id, file) for entry_id, e in ENTRIES.items() for file in e.files]
MIN_PERSONS = CONFIG.filebook.min_persons
LAW_IN_FORCE = date(2023, 4, 1)  # 令和5年4月1日
OFFICE_ADDRESS = "東京都東村山市本町一丁目2番地の3"


def listed(file: PersonalFile) -> bool:
    return standing(file, MIN_PERSONS).listed


def test_the_mayor_and_the_board_of_education_with_their_disclosure_office() -> None:
    names = [agency.name for agency in CONFIG.agencies]
    assert names == ["東村山市長", "東村山市教育委員会"]
    for agency in CONFIG.agencies:
        assert agency.disclosure_office.startswith("総務部総務課")
        assert agency.disclosure_address == OFFICE_ADDRESS
    assert agency_of(CONFIG, "学務課").name == "東村山市教育委員会"
    assert agency_of(CONFIG, "子ども・教育支援課").name == "東村山市教育委員会"
    assert agency_of(CONFIG, "課税課").name == "東村山市長"
    assert MIN_PERSONS == 1000


def test_every_department_is_in_exactly_one_agency_and_one_division() -> None:
    for department in CONFIG.departments:
        assert sum(department in a.departments for a in CONFIG.agencies) == 1, department
        assert sum(department in d for d in CONFIG.divisions.values()) == 1, department
    assert organization(CONFIG, "課税課") == "市民部課税課"
    assert organization(CONFIG, "学務課") == "教育部学務課"
    assert config_violations(CONFIG) == []
    assert book_only_violations(CONFIG) == []


def test_every_active_process_holds_a_file_and_no_abolished_one_does() -> None:
    assert len(ACTIVE) >= 25
    for entry_id, entry in ENTRIES.items():
        if entry.is_abolished:
            # Abolished before the amended law reached the city: never in a book.
            assert entry.files == [] and entry.filings[-1].date < LAW_IN_FORCE, entry_id
        else:
            assert entry.files, entry_id
            if not entry.computer_processing:
                assert {f.kind for f in entry.files} == {"manual"}, entry_id
    names = [file.name for _, file in FILES]
    assert len(names) == len(set(names))
    assert {"computer", "manual"} <= {file.kind for _, file in FILES}


def test_a_file_holds_only_its_process_items_spelt_the_same() -> None:
    for entry_id, file in FILES:
        items = ENTRIES[entry_id].record_items
        assert [i for i in file.record_items if i not in items] == [], (entry_id, file.name)


def test_the_staff_files_are_exempt_as_74_2_3() -> None:
    staff = [
        (entry_id, file) for entry_id, file in FILES if ENTRIES[entry_id].department == "人事課"
    ]
    assert {entry_id for entry_id, _ in staff} == {
        "jinji-shokuin-kyuyo",
        "jinji-fukuri-kosei-hoken",
    }
    for _, file in staff:
        assert file.exemption == "74-2-3"
        assert standing(file, MIN_PERSONS).code == "74-2-3"
    assert all(f.exemption != "74-2-3" for entry_id, f in FILES if (entry_id, f) not in staff)


def test_a_file_under_the_threshold_is_left_out_without_saying_so() -> None:
    small = [file for _, file in FILES if file.persons < MIN_PERSONS and not file.exemption]
    assert small
    for file in small:
        assert standing(file, MIN_PERSONS).code == FEWER_PERSONS
    stated = [file for _, file in FILES if file.exemption == FEWER_PERSONS]
    assert all(file.persons < MIN_PERSONS for file in stated)


def test_persons_are_round_figures_for_a_city_of_150000() -> None:
    for _, file in FILES:
        assert file.persons % 100 == 0 and 0 < file.persons <= 300_000, file.name
    assert max(file.persons for _, file in FILES) >= 150_000


def test_a_withheld_item_is_one_its_listed_file_holds() -> None:
    withheld = [
        (file, value.removeprefix(WITHHOLD_ITEM))
        for _, file in FILES
        for value in file.withheld
        if value.startswith(WITHHOLD_ITEM)
    ]
    assert withheld
    for file, item in withheld:
        assert item in file.record_items and listed(file), file.name


def test_an_ordinance_sensitive_item_is_held_by_listed_files() -> None:
    flagged = {item.name for item in CATALOG.items if item.ordinance_sensitive}
    assert flagged == {"生活保護の受給状況"}
    builtin = CATALOG.lookup("生活保護の受給状況")
    assert builtin is not None and builtin.category == "資産・収入等"
    assert CATALOG.canonical("保護の状況") == "生活保護の受給状況"  # the built-in aliases kept
    holding = [f for _, f in FILES if listed(f) and flagged & set(f.record_items)]
    assert len(holding) >= 2


def _department_named(recipient: str) -> str | None:
    """The 課 a recipient names: 「国民健康保険担当（保険年金課）」 or 「学務課」."""
    found = re.search(r"（(.+?課)）$", recipient)
    name = found.group(1) if found else recipient
    return name if name in CONFIG.departments else None


def test_provisions_are_split_into_use_inside_the_organ_and_provision_outside() -> None:
    kinds: set[str] = set()
    for entry_id, entry in ENTRIES.items():
        own = agency_of(CONFIG, entry.department).name
        internal = {p.recipient for p in entry.provisions if p.kind == "internal"}
        for provision in entry.provisions:
            kinds.add(provision.kind)
            department = _department_named(provision.recipient)
            inside = department is not None and agency_of(CONFIG, department).name == own
            assert inside == (provision.kind == "internal"), (entry_id, provision.recipient)
        for file in entry.files:
            assert internal.isdisjoint(file.recipients), (entry_id, file.name)
    assert kinds == {"internal", "provision"}
    assert any(file.recipients for _, file in FILES)


def test_listed_files_carry_their_dates_and_few_invite_proposals() -> None:
    for _, file in FILES:
        if listed(file):
            assert file.since is not None and file.since >= LAW_IN_FORCE, file.name
    later = [file for _, file in FILES if file.since is not None and file.since > LAW_IN_FORCE]
    assert later  # files entered in the book after the law came in
    assert 1 <= sum(file.proposals for _, file in FILES) <= 2
    assert any(file.special_procedure for _, file in FILES)
