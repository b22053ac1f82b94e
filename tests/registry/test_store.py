"""Finding the register, loading it, reading entries, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.samples import VALID_ENTRY
from todokede.registry.files.store import (
    TEMP_SUFFIX,
    atomic_write,
    entry_path,
    find_registry,
    load_entry,
    load_register,
)
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.model import RegistryConfig
from todokede.registry.schema.rules import CheckedEntry


def test_find_registry_prefers_flag_then_env_then_upward(
    minimal_register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_registry(minimal_register) == minimal_register.resolve()
    monkeypatch.setenv("TODOKEDE_REGISTRY", str(minimal_register))
    assert find_registry(None, cwd=tmp_path) == minimal_register.resolve()
    monkeypatch.delenv("TODOKEDE_REGISTRY")
    assert find_registry(None, cwd=minimal_register / "entries") == minimal_register.resolve()
    with pytest.raises(RegisterError, match="登録簿が見つかりません"):
        find_registry(None, cwd=tmp_path)
    with pytest.raises(RegisterError, match="--registry"):
        find_registry(tmp_path)


def test_load_register_keeps_valid_entries_and_counts_files(minimal_register: Path) -> None:
    (minimal_register / "entries" / "bad.toml").write_text("name = ", encoding="utf-8")
    (minimal_register / "entries" / "notes.txt").write_text("not an entry", encoding="utf-8")
    register = load_register(minimal_register)
    assert register.files_read == 2
    assert list(register.entries) == ["kazei-kojin-juminzei"]
    assert register.invalid == {"bad"}
    assert [p.file for p in register.errors] == ["entries/bad.toml"]


def test_sample_register_loads_in_department_order(sample_copy: Path) -> None:
    register = load_register(sample_copy)
    assert not register.problems
    order = [register.config.department_index(e.entry.department) for e in register.ordered()]
    assert order == sorted(order)
    # The statutory book's settings and every active process's files load with it.
    assert [a.name for a in register.config.agencies] == ["東村山市長", "東村山市教育委員会"]
    assert register.config.filebook.min_persons == 1000
    assert all(e.entry.files for e in register.ordered() if not e.entry.is_abolished)


def test_entry_ids_that_escape_are_refused(minimal_register: Path) -> None:
    for bad in ["../registry", "/etc/passwd", "a/b", "", "A"]:
        with pytest.raises(RegisterError, match="使えません"):
            entry_path(minimal_register, bad)


def test_symlinked_entry_is_refused(minimal_register: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text(VALID_ENTRY, encoding="utf-8")
    (minimal_register / "entries" / "link.toml").symlink_to(outside)
    register = load_register(minimal_register)
    assert "link" not in register.entries
    assert any("シンボリックリンク" in p.message for p in register.errors)


def test_load_entry_returns_a_checked_entry_or_one_clear_error(minimal_register: Path) -> None:
    loaded = load_entry(minimal_register, "kazei-kojin-juminzei")
    assert loaded.entry.name == "個人住民税賦課事務"
    with pytest.raises(RegisterError, match="ありません"):
        load_entry(minimal_register, "nothing-here")
    path = minimal_register / "entries" / "kazei-kojin-juminzei.toml"
    path.write_text(VALID_ENTRY.replace("課税課", "税務課"), encoding="utf-8")
    with pytest.raises(RegisterError, match=r"kazei-kojin-juminzei.toml:3: エラー: department"):
        load_entry(minimal_register, "kazei-kojin-juminzei")


def test_atomic_write_replaces_whole_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "entry.toml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write(target, "新しい内容")
    assert target.read_text(encoding="utf-8") == "新しい内容"
    assert target.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}"))


def test_leftover_temp_file_is_reported_as_pending(minimal_register: Path) -> None:
    (minimal_register / "entries" / f".kazei-kojin-juminzei.toml.123{TEMP_SUFFIX}").write_text(
        "half", encoding="utf-8"
    )
    register = load_register(minimal_register)
    assert [p.severity for p in register.problems] == ["warning"]
    assert "中断した書き込み" in register.problems[0].message


def test_checked_entry_enforces_the_rules(minimal_register: Path) -> None:
    import tomllib

    config = RegistryConfig.model_validate(
        tomllib.loads((minimal_register / "registry.toml").read_text(encoding="utf-8"))
    )
    data = tomllib.loads(VALID_ENTRY)
    assert CheckedEntry.model_validate(data, context={"config": config}).name
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="status"):
        CheckedEntry.model_validate({**data, "status": "abolished"})
    with pytest.raises(ValidationError, match="department"):
        CheckedEntry.model_validate({**data, "department": "税務課"}, context={"config": config})


def test_unreadable_file_is_a_problem_not_a_crash(minimal_register: Path) -> None:
    if os.geteuid() == 0:
        # root reads everything; a directory named like an entry is unreadable as a file
        (minimal_register / "entries" / "dir.toml").mkdir()
    else:
        path = minimal_register / "entries" / "dir.toml"
        path.write_text(VALID_ENTRY, encoding="utf-8")
        path.chmod(0)
    register = load_register(minimal_register)
    assert [p.file for p in register.errors] == ["entries/dir.toml"]
    assert "読めません" in register.errors[0].message
