"""Parsing a large register in helper processes gives what reading it here gives."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY
from todokede.registry.files import parse_pool
from todokede.registry.files.parse_pool import Parsed, helper_count, parse_one, parsed_files, shares
from todokede.registry.files.store import check_entry_file, load_register
from todokede.registry.files.tomlread import MAX_NESTING, TomlProblem

FILES = 1000  # enough for a helper on two cores (helper_count(1000, 2) == 1)


def _bad_files(folder: Path) -> dict[str, bytes]:
    """A problem of every kind a file can have before its fields are checked."""
    found = {
        "bad-syntax": b'name = "unclosed\n',
        "bad-encoding": b'name = "\xff\xfe"\n',
        "bad-empty": b"",
        "bad-fields": VALID_ENTRY.replace('department = "課税課"', 'department = "存在しない課"')
        .replace("2005-04-01", "2005-02-30")
        .encode(),
        "bad-rules": VALID_ENTRY.replace('status = "active"', 'status = "abolished"').encode(),
    }
    for name, raw in found.items():
        (folder / f"{name}.toml").write_bytes(raw)
    return found


def _large_register(root: Path) -> Path:
    entries = root / "entries"
    entries.mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for number in range(FILES):
        (entries / f"entry-{number:05d}.toml").write_text(
            VALID_ENTRY.replace("個人住民税賦課事務", f"業務{number}"), encoding="utf-8"
        )
    _bad_files(entries)  # sorted first: the head this process parses
    for name, raw in _bad_files(entries).items():  # and in the helpers' tail
        (entries / f"zz-{name}.toml").write_bytes(raw)
    (entries / "zz-link.toml").symlink_to(entries / "entry-00001.toml")
    return root


def _same(left: Parsed, right: Parsed) -> bool:
    if isinstance(left, TomlProblem) or isinstance(right, TomlProblem):
        return (
            isinstance(left, TomlProblem)
            and isinstance(right, TomlProblem)
            and (left.message, left.line) == (right.message, right.line)
        )
    return left == right


def test_large_register_loads_as_reading_each_file_here(tmp_path: Path) -> None:
    root = _large_register(tmp_path / "reg")
    assert helper_count(FILES, cores=2) == 1
    register = load_register(root)

    config = register.config
    expected_problems = []
    expected_entries = {}
    for path in sorted((root / "entries").glob("*.toml")):
        entry, found = check_entry_file(root, path, config, register.catalog)
        expected_problems.extend(found)
        if entry is not None and not any(p.severity == "error" for p in found):
            expected_entries[path.stem] = entry
    assert register.problems == expected_problems
    assert {key: value.entry for key, value in register.entries.items()} == expected_entries
    readable = [path for path in sorted((root / "entries").glob("*.toml")) if not path.is_symlink()]
    answer = parse_pool._Helper(readable)._answer()  # the helpers' way, not a fallback
    assert answer is not None
    assert all(_same(parse_one(p), theirs) for p, theirs in zip(readable, answer, strict=True))
    assert register.files_read == FILES + 11
    assert {"zz-bad-syntax", "zz-bad-encoding", "zz-link", "bad-fields"} <= register.invalid
    assert any(p.file == "entries/zz-bad-syntax.toml" and p.line == 1 for p in register.problems)


def test_a_helper_parses_as_this_process_does(tmp_path: Path) -> None:
    paths = [tmp_path / f"{name}.toml" for name in _bad_files(tmp_path)]
    (tmp_path / "good.toml").write_text(VALID_ENTRY, encoding="utf-8")
    (tmp_path / "link.toml").symlink_to(tmp_path / "good.toml")
    os.mkfifo(tmp_path / "fifo.toml")
    paths += [tmp_path / "good.toml", tmp_path / "link.toml", tmp_path / "fifo.toml"]
    paths.append(tmp_path / "missing.toml")

    helper = parse_pool._Helper(paths)
    assert helper.process is not None  # it did start
    answer = helper._answer()
    assert answer is not None
    here = [parse_one(path) for path in paths]
    assert all(_same(mine, theirs) for mine, theirs in zip(here, answer, strict=True))
    assert not isinstance(answer[len(paths) - 4], TomlProblem)  # good.toml parsed


def _fake_python(folder: Path, answer: object) -> str:
    """A program in place of python that ignores its arguments and prints ``answer`` pickled."""
    script = folder / "fake-python"
    code = f"import pickle, sys; sys.stdout.buffer.write(pickle.dumps({answer!r}))"
    script.write_text(f"#!/bin/sh\nexec {sys.executable} -c '{code}'\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


FAILURES: dict[str, Callable[[Path], str]] = {
    "cannot-start": lambda folder: "/nonexistent/python",
    "fails": lambda folder: "/bin/false",
    "answers-nothing": lambda folder: "/bin/true",
    "answers-garbage": lambda folder: "/bin/echo",  # exits 0, prints its arguments
    "answers-too-few": lambda folder: _fake_python(folder, [(None, None, "x", 1)]),
    "answers-wrong-shape": lambda folder: _fake_python(folder, [1, 2, 3, 4, 5]),
    "answers-wrong-types": lambda folder: _fake_python(folder, [(1, 2, None, None)] * 5),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failing_helper_only_means_reading_here(tmp_path: Path, failure: str) -> None:
    paths = [tmp_path / f"{name}.toml" for name in _bad_files(tmp_path)]
    assert len(paths) == 5
    helper = parse_pool._Helper(paths, python=FAILURES[failure](tmp_path))
    assert helper._answer() is None
    helper = parse_pool._Helper(paths, python=FAILURES[failure](tmp_path))
    results = helper.results()
    assert helper.process is None
    here = [parse_one(path) for path in paths]
    assert all(_same(mine, theirs) for mine, theirs in zip(here, results, strict=True))


def _numbered(folder: Path) -> list[Path]:
    """FILES small TOML files, ``number = N`` in the N-th."""
    for number in range(FILES):
        (folder / f"{number:05d}.toml").write_text(f"number = {number}\n", encoding="utf-8")
    return [folder / f"{number:05d}.toml" for number in range(FILES)]


def test_results_keep_the_order_of_the_paths(tmp_path: Path) -> None:
    paths = _numbered(tmp_path)
    numbers = []
    for parsed in parsed_files(paths, helpers=3):
        assert not isinstance(parsed, TomlProblem)
        numbers.append(parsed[1]["number"])
    assert numbers == list(range(FILES))


def test_stopping_early_leaves_no_helper_running(tmp_path: Path) -> None:
    paths = _numbered(tmp_path)
    before = _children()
    results = parsed_files(paths, helpers=2)
    next(results)
    assert len(_children() - before) == 2
    results.close()
    assert _children() == before


def _children() -> set[int]:
    """This process's child processes (from /proc), so none is left behind."""
    found = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            listed = (task / "children").read_text(encoding="ascii")
        except (FileNotFoundError, ProcessLookupError):  # a thread ended since the listing
            continue
        found |= {int(pid) for pid in listed.split()}
    return found


def test_nesting_is_refused_alike_whatever_the_stack(tmp_path: Path) -> None:
    """Python's recursion limit depends on the caller's stack; the nesting limit does not."""
    limit = MAX_NESTING
    files = {
        "at-limit": f"x = {'[' * (limit - 1)}1{']' * (limit - 1)}\n",
        "over-limit": f"x = {'[' * limit}1{']' * limit}\n",
        "tables": "".join(f"[{'.'.join(['t'] * depth)}]\n" for depth in range(1, limit + 1)),
        "inline": f"x = {'{a = ' * 300}1{'}' * 300}\n",
        "recursion": f"x = {'[' * 5000}{']' * 5000}\n",
    }
    paths = []
    for name, text in files.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
        paths.append(tmp_path / f"{name}.toml")

    def deep_in_the_stack(depth: int) -> list[Parsed]:
        return deep_in_the_stack(depth - 1) if depth else [parse_one(p) for p in paths]

    answer = parse_pool._Helper(paths)._answer()
    assert answer is not None
    for here in ([parse_one(p) for p in paths], deep_in_the_stack(400), answer):
        refused = [isinstance(parsed, TomlProblem) for parsed in here]
        assert refused == [False, True, True, True, True]
        assert {p.message for p in here if isinstance(p, TomlProblem)} == {
            f"入れ子が深すぎて読めません（{limit}段まで）"
        }


def test_a_helper_imports_only_what_parsing_needs() -> None:
    code = parse_pool.HELPER_BOOTSTRAP + (
        "import todokede.registry.files.parse_pool; print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, *parse_pool.helper_arguments()],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(done.stdout.split())
    assert "todokede.registry.files.tomlread" in modules
    assert not modules & {"pydantic", "todokede.registry.schema.model", "textual", "git", "click"}


@given(files=st.integers(0, 100_000), helpers=st.integers(0, 7))
def test_shares_cover_every_file_once(files: int, helpers: int) -> None:
    sizes = shares(files, helpers)
    assert len(sizes) == helpers + 1
    assert sum(sizes) == files
    assert all(size >= 0 for size in sizes)


@pytest.mark.parametrize(
    ("given", "expected"), [("0", 0), ("1", 1), (" 2 ", 2), ("x", 3), ("²", 3), ("-1", 0)]
)
def test_the_environment_caps_the_helpers(
    monkeypatch: pytest.MonkeyPatch, given: str, expected: int
) -> None:
    monkeypatch.setenv(parse_pool.HELPERS_VAR, given)
    assert helper_count(100_000, cores=4) == expected


@given(files=st.integers(0, 100_000), cores=st.integers(1, 64))
def test_helpers_only_where_they_pay(files: int, cores: int) -> None:
    count = helper_count(files, cores)
    assert 0 <= count <= min(cores - 1, parse_pool.MAX_HELPERS)
    if files < 2 * parse_pool.MIN_FILES_PER_HELPER or cores == 1:
        assert count == 0
    if count:
        assert min(shares(files, count)) >= parse_pool.MIN_FILES_PER_HELPER * 0.8
