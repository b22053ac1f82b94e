"""The rules of 個人情報ファイル and of the organs, each shown on a small register in memory."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.support.samples import MINIMAL_CONFIG
from todokede.registry.schema.model import Entry, PersonalFile, RegistryConfig
from todokede.registry.schema.personal_files import (
    EXEMPTIONS,
    agencies_of,
    agency_of,
    book_only_violations,
    config_violations,
    duplicate_file_names,
    file_collection,
    file_scope,
    organization,
    standing,
)
from todokede.registry.schema.rules import check_entry_data

TOML_LINE = re.compile(r'^(\[|"?\w+"? = )')
CONFIG = RegistryConfig.model_validate(tomllib.loads(MINIMAL_CONFIG))
BARE = RegistryConfig.model_validate(tomllib.loads(MINIMAL_CONFIG.split("\n[[agencies]]")[0]))
ENTRY: dict[str, Any] = {
    "name": "健康相談事業",
    "department": "健康増進課",
    "purpose": "市民の健康相談に応じるため",
    "subjects": ["健康相談の利用者"],
    "record_items": ["氏名", "住所", "電話番号", "相談内容"],
    "sources": ["本人"],
    "collection_methods": ["相談票"],
    "filings": [{"date": tomllib.loads("d = 2010-04-01")["d"], "kind": "start"}],
}


def file(**changes: Any) -> dict[str, Any]:
    return {
        "name": "健康相談記録ファイル",
        "kind": "computer",
        "record_items": ["氏名", "相談内容"],
        "persons": 3000,
        **changes,
    }


def problems(
    *files: dict[str, Any], config: RegistryConfig = CONFIG, **entry: Any
) -> list[tuple[str, str, str]]:
    data = {**ENTRY, **entry, "files": list(files)}
    _, violations = check_entry_data(data, config)
    return [(v.field, v.severity, v.message) for v in violations]


def test_a_good_file_breaks_no_rule() -> None:
    assert problems(file()) == []


def test_the_catalogs_spellings_are_one_item_in_file_and_process() -> None:
    assert problems(file(record_items=["名前", "相談記録"])) == []


def test_an_active_process_without_files_warns_an_abolished_one_does_not() -> None:
    [(field, severity, _)] = problems()
    assert (field, severity) == ("files", "warning")
    abolish = {"date": tomllib.loads("d = 2020-03-31")["d"], "kind": "abolish"}
    assert problems(status="abolished", filings=[*ENTRY["filings"], abolish]) == []


def test_every_code_of_the_law_is_known_and_explained_in_japanese() -> None:
    assert len(EXEMPTIONS) == 12
    for code in EXEMPTIONS:
        found = problems(
            file(exemption=code, record_items=["氏名"], persons=500 if code == "74-2-9" else 3000)
        )
        assert [p for p in found if p[1] == "error"] == [], code


def test_74_2_7_with_more_than_what_sending_needs_warns() -> None:
    [(field, severity, message)] = problems(file(exemption="74-2-7"))
    assert (field, severity) == ("files[0].exemption", "warning")
    assert "「相談内容」" in message
    assert problems(file(exemption="74-2-7", record_items=["氏名", "住所"])) == []


def test_an_internal_use_named_as_a_recipient_warns() -> None:
    provisions = [
        {"recipient": "保険年金課", "kind": "internal"},
        {"recipient": "東京都", "kind": "provision"},
    ]
    found = problems(file(recipients=["東京都", "保険年金課"]), provisions=provisions)
    assert [(f, s) for f, s, _ in found] == [("files[0].recipients[1]", "warning")]


def test_withheld_collection_and_recipients_are_always_allowed() -> None:
    assert problems(file(withheld=["collection", "recipients", "item:相談記録"])) == []


@given(st.integers(min_value=0, max_value=10**9))
def test_fewer_persons_than_the_threshold_is_74_2_9_said_or_not(persons: int) -> None:
    one = PersonalFile.model_validate(file(persons=persons))
    place = standing(one, 1000)
    assert place.listed == (persons >= 1000)
    assert place.code == ("" if persons >= 1000 else "74-2-9")
    claimed = [p for p in problems(file(persons=persons, exemption="74-2-9")) if p[1] == "error"]
    assert bool(claimed) == (persons >= 1000)


def test_min_persons_zero_lists_every_file_and_unlisted_wins_over_a_code() -> None:
    assert standing(PersonalFile.model_validate(file(persons=0)), 0).listed
    hidden = PersonalFile.model_validate(file(unlisted=True, exemption="74-2-3"))
    assert standing(hidden, 1000).listing == "unlisted"
    assert "法75条3項" in standing(hidden, 1000).label


def test_scope_and_collection_fall_back_to_the_process() -> None:
    entry = Entry.model_validate({**ENTRY, "files": [file()]})
    one = entry.files[0]
    assert file_scope(one, entry) == "健康相談の利用者"
    assert file_collection(one, entry) == "相談票（収集先: 本人）"
    own = PersonalFile.model_validate(file(scope="相談者", collection="面接"))
    assert (file_scope(own, entry), file_collection(own, entry)) == ("相談者", "面接")


def test_without_agencies_the_city_is_one_organ_named_after_its_mayor() -> None:
    [agency] = agencies_of(BARE)
    assert agency.name == "東村山市長" and agency.disclosure_office == ""
    assert agency_of(BARE, "課税課").name == "東村山市長"
    [(loc, severity)] = [(v.field, v.severity) for v in config_violations(BARE)]
    assert (loc, severity) == ("agencies", "warning")


def _config(extra: str) -> RegistryConfig:
    return RegistryConfig.model_validate(tomllib.loads(MINIMAL_CONFIG + extra))


def test_organs_and_divisions_are_checked() -> None:
    config = _config(
        '\n[[agencies]]\nname = "東村山市長"\ndepartments = ["課税課", "税務課"]\n'
        '\n[divisions]\n"総務部" = ["総務課"]\n"市民部" = ["課税課", "総務課"]\n'
    )
    found = [(v.field, v.severity) for v in config_violations(config)]
    assert found == [
        ("agencies[1].name", "error"),
        ("agencies[1].departments[0]", "error"),
        ("agencies[1].departments[1]", "error"),
        ("agencies[1].disclosure_office", "warning"),
        ("agencies[1].disclosure_address", "warning"),
        ("divisions.市民部[1]", "error"),
    ]
    assert organization(config, "課税課") == "市民部課税課"
    assert organization(config, "健康増進課", "成人保健係") == "健康増進課　成人保健係"
    assert [v.field for v in book_only_violations(config)] == ["departments[2]"]


def test_a_department_in_no_agency_belongs_to_the_first() -> None:
    config = _config('\n[[agencies]]\nname = "東村山市教育委員会"\ndepartments = []\n')
    assert agency_of(config, "学務課").name == "東村山市長"


def test_duplicate_names_point_at_the_first_of_another_entry() -> None:
    found = duplicate_file_names([("a", 0, "X"), ("a", 1, "X"), ("b", 0, "Y"), ("c", 2, "X")])
    assert {(k.entry, k.index): (v.entry, v.index) for k, v in found.items()} == {
        ("c", 2): ("a", 0)
    }


def _uncommented(text: str, start: str) -> str:
    """The commented TOML from line ``start`` to the next blank line, uncommented
    (the explanations between its lines left out)."""
    block = text[text.index(start) :].split("\n\n", 1)[0]
    lines = (line.removeprefix("# ") for line in block.splitlines())
    return "".join(line + "\n" for line in lines if TOML_LINE.match(line))


def test_the_init_template_documents_valid_agencies_divisions_and_settings() -> None:
    from todokede.registry.git.setup import registry_template

    text = registry_template("東村山市", ["総務課", "課税課"])
    assert RegistryConfig.model_validate(tomllib.loads(text)).agencies == []
    block = _uncommented(text, "# [[agencies]]")
    config = RegistryConfig.model_validate(tomllib.loads(text.split("# 項目一覧")[0] + block))
    assert [a.name for a in config.agencies] == ["○○市長"]
    assert config.divisions == {"総務部": ["総務課"]}
    assert config.filebook.min_persons == 1000
    assert [v.field for v in config_violations(config) if v.severity == "error"] == []


def test_the_skeletons_files_block_is_a_valid_file_once_its_items_are_the_processs() -> None:
    from todokede.registry.git.setup import skeleton_text

    block = _uncommented(skeleton_text("名称", "課税課"), "# [[files]]")
    [one] = tomllib.loads(block)["files"]
    assert PersonalFile.model_validate(one).kind == "computer"
    assert problems(one, record_items=["氏名", "住所"]) == []
