"""The ``[access]`` table and the permission rules, as pure functions.

The rules run for real in a pre-receive hook (tests/reliability/test_hook.py);
here each one is pinned down on its own: who matches whom, which departments a
change touches, what the secretariat may do, what is refused when a version
cannot be read, and the line the pusher reads.
"""

from __future__ import annotations

import tomllib

import pytest

from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY
from todokede.registry.access.table import (
    UNREADABLE,
    AccessError,
    AccessTable,
    CommitChanges,
    PathChange,
    Version,
    judge_change,
    judge_commit,
    read_access,
    read_version,
    same_identity,
    table_of_config,
)
from todokede.registry.schema.limits import MAX_FILE_BYTES
from todokede.registry.schema.model import RegistryConfig
from todokede.registry.schema.rules import validation_violations

ACCESS = """
[access]
secretariat = ["soumu-yamada", "soumu@Example.JP"]
"課税課" = ["kazei-tanaka", "kazei-sato"]
"健康増進課" = ["kenko-suzuki"]
"""
TABLE = AccessTable(
    {
        "secretariat": ("soumu-yamada", "soumu@Example.JP"),
        "課税課": ("kazei-tanaka", "kazei-sato"),
        "健康増進課": ("kenko-suzuki",),
    }
)
KAZEI = Version("課税課", "個人住民税賦課事務")
KENKO = Version("健康増進課", "がん検診事務")
SOUMU = Version("総務課", "文書管理事務")
ENTRY = "entries/kazei-kojin-juminzei.toml"


def config(text: str) -> RegistryConfig:
    return RegistryConfig.model_validate(tomllib.loads(text))


def config_problems(text: str) -> list[tuple[str, str]]:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        config(text)
    return [(v.field, v.message) for v in validation_violations(caught.value)]


def test_the_access_table_is_part_of_registry_toml() -> None:
    loaded = config(MINIMAL_CONFIG + ACCESS)
    assert loaded.access == {
        "secretariat": ["soumu-yamada", "soumu@Example.JP"],
        "課税課": ["kazei-tanaka", "kazei-sato"],
        "健康増進課": ["kenko-suzuki"],
    }
    assert config(MINIMAL_CONFIG).access is None


@pytest.mark.parametrize(
    ("table", "field", "fragment"),
    [
        ('"税務課" = ["a"]', "access", "「税務課」は departments にない課です"),
        ('"課税課" = "kazei-tanaka"', "access.課税課", "配列で書いてください"),
        ('"課税課" = [""]', "access.課税課[0]", "空にはできません"),
        ('"課税課" = [" kazei"]', "access.課税課[0]", "前後に空白があります"),
        ('"課税課" = ["ka\\u202ezei"]', "access.課税課[0]", "U+202E"),
        ('"課税課" = [1]', "access.課税課[0]", "文字列で書いてください"),
    ],
)
def test_a_malformed_access_table_is_an_error_naming_the_field(
    table: str, field: str, fragment: str
) -> None:
    problems = config_problems(f"{MINIMAL_CONFIG}\n[access]\n{table}\n")
    assert len(problems) == 1, problems
    assert problems[0][0] == field
    assert fragment in problems[0][1]


def test_the_hook_reads_the_table_leniently_but_refuses_a_wrong_shape() -> None:
    # A department unknown to `departments` still counts: the hook enforces what is written.
    assert read_access({"access": {"税務課": ["a"]}}) == AccessTable({"税務課": ("a",)})
    assert read_access({"name": "x"}) is None
    with pytest.raises(AccessError, match="表"):
        read_access({"access": ["a"]})
    with pytest.raises(AccessError, match="利用者名の配列"):
        read_access({"access": {"課税課": "kazei"}})
    with pytest.raises(AccessError, match="利用者名の配列"):
        read_access({"access": {"課税課": ["  "]}})
    assert table_of_config(None) is None
    with pytest.raises(AccessError, match="TOML として読めません"):
        table_of_config(b"access = [")
    with pytest.raises(AccessError, match="大きすぎ"):
        table_of_config(b"#" * (MAX_FILE_BYTES + 1))


def test_identities_match_exactly_and_only_an_emails_domain_without_case() -> None:
    assert same_identity("kazei-tanaka", "kazei-tanaka")
    assert not same_identity("Kazei-Tanaka", "kazei-tanaka")
    assert not same_identity("kazei-tanaka ", "kazei-tanaka")
    assert same_identity("soumu@example.jp", "soumu@Example.JP")
    assert not same_identity("Soumu@example.jp", "soumu@Example.JP")  # the local part is exact
    assert not same_identity("soumu@example.jp.evil", "soumu@Example.JP")
    assert not same_identity("soumu@example.jp", "soumu@example.jp@evil")
    # Nothing but ASCII letters is folded: the long s, sharp s and the Kelvin sign stay apart.
    assert not same_identity("ſoumu@example.jp", "soumu@example.jp")
    assert not same_identity("strasse@example.jp", "straße@example.jp")
    assert not same_identity("soumu@\u212aensho.jp", "soumu@kensho.jp")
    assert not same_identity("ſoumu", "soumu")
    assert TABLE.is_secretariat(("soumu@EXAMPLE.jp",))
    assert not TABLE.is_secretariat(("SOUMU@example.jp",))
    assert not TABLE.is_secretariat(("", "kazei-tanaka"))
    assert TABLE.may_edit(("kazei-sato",), "課税課")
    assert not TABLE.may_edit(("kazei-sato",), "健康増進課")
    assert not TABLE.may_edit(("kazei-sato",), "総務課")  # not in the table: secretariat only
    assert TABLE.may_edit(("soumu-yamada",), "総務課")


def rules(who: str, change: PathChange) -> list[tuple[str, str | None]]:
    return [(f.rule, f.department) for f in judge_change(TABLE, (who,), "c0ffee" * 6, change)]


def test_an_entry_needs_its_department_before_and_after() -> None:
    modified = PathChange(ENTRY, (KAZEI,), KAZEI)
    assert rules("kazei-tanaka", modified) == []
    assert rules("kenko-suzuki", modified) == [("department", "課税課")]
    moved = PathChange(ENTRY, (KAZEI,), KENKO)
    assert rules("kazei-tanaka", moved) == [("department", "健康増進課")]
    assert rules("kenko-suzuki", moved) == [("department", "課税課")]
    assert rules("soumu-yamada", moved) == []
    assert rules("kazei-tanaka", PathChange(ENTRY, (None,), KAZEI)) == []  # a new entry
    assert rules("kenko-suzuki", PathChange(ENTRY, (None,), KAZEI)) == [("department", "課税課")]
    assert rules("kenko-suzuki", PathChange(ENTRY, (KAZEI,), None)) == [("department", "課税課")]
    assert rules("kazei-tanaka", PathChange(ENTRY, (None,), SOUMU)) == [("department", "総務課")]


def test_a_merge_needs_the_departments_of_every_parent() -> None:
    merged = PathChange(ENTRY, (KAZEI, KENKO), KAZEI)
    assert rules("kazei-tanaka", merged) == [("department", "健康増進課")]


def test_what_cannot_be_read_or_is_not_an_entry_is_the_secretariats() -> None:
    broken = PathChange(ENTRY, (KAZEI,), UNREADABLE)
    assert rules("kazei-tanaka", broken) == [("unreadable", None)]
    assert rules("soumu-yamada", broken) == []
    assert rules("kazei-tanaka", PathChange("registry.toml")) == [("config", None)]
    assert rules("kazei-tanaka", PathChange("README.md")) == [("other", None)]
    assert rules("kazei-tanaka", PathChange("entries/sub/x.toml")) == [("other", None)]
    assert rules("kazei-tanaka", PathChange("entries/.gitkeep")) == [("other", None)]
    assert rules("soumu-yamada", PathChange("registry.toml")) == []


def test_read_version_parses_the_whole_file() -> None:
    assert read_version(VALID_ENTRY.encode()) == Version("課税課", "個人住民税賦課事務")
    # A quick scan for `department = "..."` would take the line inside the string.
    tricky = 'purpose = """\ndepartment = "課税課"\n"""\ndepartment = "健康増進課"\nname = "x"\n'
    assert read_version(tricky.encode()) == Version("健康増進課", "x")
    assert read_version(b"department = [1]") is UNREADABLE
    assert read_version(b"name = ") is UNREADABLE
    assert read_version(b"\xff\xfe") is UNREADABLE
    assert read_version(b"a = " + b"[" * 5000 + b"]" * 5000) is UNREADABLE
    assert read_version(b"#" * (MAX_FILE_BYTES + 1)) is UNREADABLE


def test_the_pusher_reads_commit_entry_name_and_rule_in_one_line() -> None:
    commit = CommitChanges(
        "0123456789abcdef" * 2 + "01234567",
        (PathChange(ENTRY, (KAZEI,), KAZEI), PathChange("registry.toml")),
    )
    findings = judge_commit(TABLE, ("kenko-suzuki",), commit)
    lines = [f.text("kenko-suzuki") for f in findings]
    assert lines == [
        "コミット 0123456: entries/kazei-kojin-juminzei.toml（個人住民税賦課事務）: "
        "課税課の業務を編集する権限がありません（利用者: kenko-suzuki。課税課の業務を編集できるのは"
        " registry.toml の [access] の「課税課」と secretariat の利用者です）",
        "コミット 0123456: registry.toml: registry.toml を変更する権限がありません"
        "（利用者: kenko-suzuki。registry.toml を変更できるのは [access] の secretariat の"
        "利用者だけです）",
    ]
    hidden = PathChange(ENTRY, (KAZEI,), Version("課税課", "名\u202e称"))
    line = judge_change(TABLE, ("x\u202ey",), "ab" * 20, hidden)[0].text("x\u202ey")
    assert "\u202e" not in line and line.count("⟨U+202E⟩") == 2


def test_the_init_template_documents_a_valid_access_table() -> None:
    from todokede.registry.git.setup import registry_template

    text = registry_template("東村山市", ["総務課", "課税課"])
    assert config(text).access is None  # commented out: not configured
    head, _, example = text.partition("# [access]\n")
    uncommented = (
        head
        + "[access]\n"
        + "".join(line.removeprefix("# ") + "\n" for line in example.splitlines())
    )
    assert config(uncommented).access == {
        "secretariat": ["soumu-yamada"],
        "課税課": ["kazei-tanaka", "kazei-sato"],
    }
