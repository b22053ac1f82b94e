"""The entry cache (issue 17): a warm load is the cold load, and nothing stale is served.

Real registers in tmp_path, real git repositories, real processes. A *poisoned* cache
(every stored result replaced by one marker problem, written through the cache's own
code) shows whether a result came from the cache: after any change that must
invalidate it, the marker is gone and the load equals one without the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import todokede
from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY, CliRunner
from todokede.registry.files import entry_cache
from todokede.registry.files.entry_cache import (
    CACHE_VAR,
    EntryCache,
    cache_file,
    cache_key,
    digest,
    open_cache,
)
from todokede.registry.files.store import Register, load_register
from todokede.registry.schema.problems import Problem

MARKER = "キャッシュから読んだ結果"

#: A 課 of the same length in bytes as 課税課 (a change that keeps the file's size).
OTHER_DEPARTMENT = "総務課"


def _register(root: Path, entries: int = 3) -> Path:
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for number in range(entries):
        text = VALID_ENTRY.replace("個人住民税賦課事務", f"個人住民税賦課事務{number}")
        (root / "entries" / f"entry-{number}.toml").write_text(text, encoding="utf-8")
    return root


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def _git_register(root: Path) -> Path:
    _register(root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.jp", "commit", "-qm", "init")
    return root


def _snapshot(register: Register) -> tuple[object, ...]:
    """Everything a load returns that a caller can see."""
    return (
        register.config,
        register.entries,
        register.problems,
        register.files_read,
        register.invalid,
    )


def _uncached(root: Path, monkeypatch: pytest.MonkeyPatch) -> Register:
    with monkeypatch.context() as patch:
        patch.setenv(CACHE_VAR, "0")
        return load_register(root)


def _cache(root: Path) -> EntryCache:
    cache = open_cache(root, (root / "registry.toml").read_bytes())
    assert cache is not None
    return cache


def _poison(root: Path) -> None:
    """A cache under the current key whose every file's result is the marker."""
    cache = _cache(root)
    for path in sorted((root / "entries").glob("*.toml")):
        marker = Problem(f"entries/{path.name}", 1, "", MARKER)
        cache.put(path.name, path.read_text(encoding="utf-8"), (None, [marker]))
    cache.save()


def _marked(register: Register) -> set[str]:
    return {p.file for p in register.problems if p.message == MARKER}


def _is_cached(root: Path, name: str) -> bool:
    data = (root / "entries" / name).read_bytes()
    return _cache(root).get(name, digest(data)) is not None


def test_warm_load_equals_cold_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg")
    broken = root / "entries" / "broken.toml"
    broken.write_text('name = "閉じていない\n', encoding="utf-8")
    invalid = root / "entries" / "invalid.toml"
    invalid.write_text(VALID_ENTRY.replace("課税課", "存在しない課"), encoding="utf-8")
    expected = _snapshot(_uncached(root, monkeypatch))
    cold = load_register(root)
    assert cache_file(root).is_file()
    warm = load_register(root)
    assert _snapshot(cold) == expected
    assert _snapshot(warm) == expected
    assert warm.problems  # the invalid file's problems come back from the cache
    assert _is_cached(root, "invalid.toml")
    assert not _is_cached(root, "broken.toml")  # a TOML error is read again each time


def test_a_poisoned_cache_is_served(tmp_path: Path) -> None:
    """The premise of the tests below: what the cache holds is what a load returns."""
    root = _register(tmp_path / "reg")
    _poison(root)
    assert _marked(load_register(root)) == {f"entries/entry-{n}.toml" for n in range(3)}


def test_a_changed_file_is_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg")
    _poison(root)
    path = root / "entries" / "entry-1.toml"
    path.write_text(path.read_text(encoding="utf-8") + "# 追記\n", encoding="utf-8")
    assert _marked(load_register(root)) == {"entries/entry-0.toml", "entries/entry-2.toml"}


def test_same_size_and_time_with_other_bytes_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _register(tmp_path / "reg")
    path = root / "entries" / "entry-0.toml"
    load_register(root)
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("課税課", OTHER_DEPARTMENT)
    path.write_bytes(text.encode("utf-8"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    loaded = load_register(root)
    assert loaded.entries["entry-0"].entry.department == OTHER_DEPARTMENT
    assert _snapshot(loaded) == _snapshot(_uncached(root, monkeypatch))


def test_registry_toml_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg")
    _poison(root)
    config = root / "registry.toml"
    config.write_text(config.read_text(encoding="utf-8") + "# 追記\n", encoding="utf-8")
    loaded = load_register(root)
    assert not _marked(loaded)
    assert _snapshot(loaded) == _snapshot(_uncached(root, monkeypatch))


def test_a_catalog_item_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg", entries=0)
    text = VALID_ENTRY.replace('"生年月日"]', '"生年月日", "保護の状況"]')
    (root / "entries" / "kazei.toml").write_text(text, encoding="utf-8")
    without_item = load_register(root)
    assert _snapshot(load_register(root)) == _snapshot(without_item)
    item = (
        "\n[[catalog.items]]\n"
        'name = "生活保護の受給状況"\n'
        'category = "資産・収入等"\n'
        "ordinance_sensitive = true\n"
        'aliases = ["生活保護の状況", "保護の状況"]\n'
    )
    config = root / "registry.toml"
    config.write_text(config.read_text(encoding="utf-8") + item, encoding="utf-8")
    with_item = load_register(root)
    assert _snapshot(with_item) != _snapshot(without_item)  # the item matters here
    assert _snapshot(with_item) == _snapshot(_uncached(root, monkeypatch))
    assert _snapshot(load_register(root)) == _snapshot(with_item)


def test_another_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg")
    _poison(root)
    monkeypatch.setattr(todokede, "__version__", "99.0.0")
    loaded = load_register(root)
    assert not _marked(loaded)
    assert _snapshot(loaded) == _snapshot(_uncached(root, monkeypatch))
    assert _is_cached(root, "entry-0.toml")  # rebuilt under the new version


def test_new_removed_and_renamed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg")
    _poison(root)
    entries = root / "entries"
    (entries / "entry-0.toml").unlink()
    (entries / "entry-1.toml").rename(entries / "renamed.toml")
    shutil.copy(entries / "entry-2.toml", entries / "added.toml")
    loaded = load_register(root)
    assert _marked(loaded) == {"entries/entry-2.toml"}
    assert set(loaded.entries) == {"added", "renamed"}
    assert loaded.files_read == 3
    assert not [p for p in loaded.problems if p.file == "entries/entry-1.toml"]
    (entries / "entry-2.toml").unlink()
    loaded = load_register(root)
    assert _snapshot(loaded) == _snapshot(_uncached(root, monkeypatch))
    # The removed files' results are dropped from the cache, the others kept.
    stored = entry_cache.read_stored(cache_file(root), cache_key(MINIMAL_CONFIG.encode()))
    assert set(stored) == {"added.toml", "renamed.toml"}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "bad payload"])
def test_a_damaged_cache_is_ignored_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    root = _register(tmp_path / "reg")
    _poison(root)
    path = cache_file(root)
    whole = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        path.write_bytes(whole[: len(whole) * 2 // 3])
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a whole header over a payload that is no pickle
        header = len(entry_cache.MAGIC) + entry_cache.KEY_BYTES
        path.write_bytes(whole[:header] + (11).to_bytes(8, "big") + b"not pickled")
    loaded = load_register(root)
    assert not _marked(loaded)
    assert _snapshot(loaded) == _snapshot(_uncached(root, monkeypatch))
    assert all(_is_cached(root, f"entry-{n}.toml") for n in range(3))


def test_symbolic_links_are_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg")
    outside = tmp_path / "outside.toml"
    outside.write_text(VALID_ENTRY, encoding="utf-8")
    (root / "entries" / "link.toml").symlink_to(outside)
    first = load_register(root)
    assert _snapshot(load_register(root)) == _snapshot(first)
    assert _snapshot(first) == _snapshot(_uncached(root, monkeypatch))
    assert "link" in first.invalid
    stored = entry_cache.read_stored(cache_file(root), cache_key(MINIMAL_CONFIG.encode()))
    assert "link.toml" not in stored


_CONCURRENT_LOAD = """
import json, sys
from pathlib import Path
from todokede.registry.files.store import load_register
for _ in range(int(sys.argv[2])):
    register = load_register(Path(sys.argv[1]))
print(json.dumps([sorted(register.entries), [p.as_json() for p in register.problems]]))
"""


def test_two_processes_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg", entries=40)
    runs = []
    for number in range(2):
        # Each process sees other bytes for one file: both keep writing the cache.
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", _CONCURRENT_LOAD, str(root), "15"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        path = root / "entries" / f"entry-{number}.toml"
        path.write_text(path.read_text(encoding="utf-8") + f"# {number}\n", encoding="utf-8")
    answers = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], answers
    expected = _uncached(root, monkeypatch)
    stored = entry_cache.read_stored(cache_file(root), cache_key(MINIMAL_CONFIG.encode()))
    assert len(stored) == 40  # whole: the last writer's file, every result in it
    assert _snapshot(load_register(root)) == _snapshot(expected)
    assert not list(cache_file(root).parent.glob(".*.tmp"))


def test_turned_off_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg")
    monkeypatch.setenv(CACHE_VAR, "0")
    load_register(root)
    assert not cache_file(root).exists()
    monkeypatch.delenv(CACHE_VAR)
    _poison(root)
    monkeypatch.setenv(CACHE_VAR, "0")
    assert not _marked(load_register(root))
    monkeypatch.delenv(CACHE_VAR)
    assert _marked(load_register(root))


def test_turned_off_by_no_cache(tmp_path: Path, todokede: CliRunner) -> None:
    root = _register(tmp_path / "reg")
    done = todokede("--registry", str(root), "--no-cache", "check", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert not cache_file(root).exists()
    _poison(root)
    done = todokede("--registry", str(root), "--no-cache", "check", "--format", "json")
    assert MARKER not in done.stdout
    assert json.loads(done.stdout)["entries"] == 3
    done = todokede("--registry", str(root), "check", "--format", "json")
    assert MARKER in done.stdout  # the same command with the cache reads it


def test_no_cache_sets_the_cache_variable() -> None:
    """The CLI names the variable without importing the cache (no pydantic at --help)."""
    source = (Path(todokede.__file__).parent / "tui" / "cli" / "__init__.py").read_text("utf-8")
    assert f'os.environ["{CACHE_VAR}"] = "0"' in source


def test_lives_in_the_git_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _git_register(tmp_path / "repo")
    load_register(root)
    assert cache_file(root).parent == root / ".git" / "todokede-cache"
    assert cache_file(root).is_file()
    assert _git(root, "status", "--porcelain", "--ignored") == ""
    assert not (tmp_path / "home" / ".cache" / "todokede").exists()


def test_a_register_in_a_subfolder_of_a_repository(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    top.mkdir()
    _git(top, "init", "-q")
    root = _register(top / "sub" / "register")
    load_register(root)
    assert cache_file(root).parent == top / ".git" / "todokede-cache"
    assert cache_file(root).is_file()


def test_a_linked_worktree_follows_its_git_file(tmp_path: Path) -> None:
    main = _git_register(tmp_path / "main")
    linked = tmp_path / "linked"
    _git(main, "worktree", "add", "-q", str(linked))
    assert (linked / ".git").is_file()
    load_register(linked)
    path = cache_file(linked)
    assert path.is_file()
    assert path.parent.parent.parent == main / ".git" / "worktrees"
    assert _git(linked, "status", "--porcelain", "--ignored") == ""
    assert not (main / ".git" / "todokede-cache").exists()


def test_outside_git_in_the_user_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _register(tmp_path / "reg")
    load_register(root)
    assert cache_file(root).parent == tmp_path / "home" / ".cache" / "todokede"
    assert cache_file(root).is_file()
    other = _register(tmp_path / "other")
    assert cache_file(other) != cache_file(root)  # one file per register
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_file(root).parent == Path.home() / ".cache" / "todokede"
    assert not list((root).rglob("*.cache"))


def test_an_unchanged_load_does_not_write(tmp_path: Path) -> None:
    root = _register(tmp_path / "reg")
    load_register(root)
    path = cache_file(root)
    os.utime(path, ns=(0, 0))
    load_register(root)
    assert path.stat().st_mtime_ns == 0


# -- a property: any edits, the same register with and without the cache ---------------

_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["field", "break", "add", "remove", "same-size", "config"]),
        st.integers(min_value=0, max_value=5),
        st.text(alphabet="あいう課abc123", min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=6,
)


def _edit(root: Path, kind: str, number: int, word: str) -> None:
    entries = root / "entries"
    files = sorted(entries.glob("*.toml"))
    path = files[number % len(files)] if files else entries / "new.toml"
    if kind == "add" or not files:
        (entries / f"new-{number}.toml").write_text(
            VALID_ENTRY.replace("個人住民税賦課事務", word), encoding="utf-8"
        )
    elif kind == "field":
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('status = "active"', f'status = "{word}"'), encoding="utf-8")
    elif kind == "break":
        path.write_text(path.read_text(encoding="utf-8") + f"\n{word} = [\n", encoding="utf-8")
    elif kind == "remove":
        path.unlink()
    elif kind == "same-size":
        before = path.stat()
        raw = path.read_bytes()
        if b"\xe8\xaa\xb2\xe7\xa8\x8e" in raw:  # 課税 → 総務: same bytes, same time
            path.write_bytes(raw.replace("課税課".encode(), OTHER_DEPARTMENT.encode(), 1))
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:
        config = root / "registry.toml"
        config.write_text(
            config.read_text(encoding="utf-8").replace("健康増進課", f"健康増進課{word}"),
            encoding="utf-8",
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=_EDITS)
def test_edits_load_alike_with_and_without_cache(
    monkeypatch: pytest.MonkeyPatch, edits: list[tuple[str, int, str]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = _register(Path(folder) / "reg")
        with monkeypatch.context() as patch:
            patch.setenv("XDG_CACHE_HOME", str(Path(folder) / "cache"))
            load_register(root)
            for kind, number, word in edits:
                _edit(root, kind, number, word)
                assert _snapshot(load_register(root)) == _snapshot(_uncached(root, patch))


def _stored_entry_blobs(root: Path, replace: bytes | None = None) -> dict[str, bytes]:
    """The entry pickles of the cache file, each replaced by ``replace`` if given
    (written back through the cache's own layout)."""
    key = cache_key(MINIMAL_CONFIG.encode())
    stored = entry_cache.read_stored(cache_file(root), key)
    if replace is not None:
        stored = {
            name: (d, problems, facts, summary, replace if len(blob) else blob)
            for name, (d, problems, facts, summary, blob) in stored.items()
        }
        entry_cache.write_stored(cache_file(root), key, stored)
    return {name: bytes(blob) for name, (*_, blob) in stored.items()}


def test_a_warm_load_decodes_an_entry_only_when_asked(tmp_path: Path) -> None:
    """An entry answered from the cache stays pickled until read: check of an
    unchanged register decodes none (its facts answer the rules across entries)."""
    root = _register(tmp_path / "reg")
    cold = load_register(root)
    warm = load_register(root)
    item = warm.entries["entry-1"]
    assert item._entry is None
    assert item.facts == cold.entries["entry-1"].facts
    assert item._entry is None
    assert item.entry == cold.entries["entry-1"].entry
    assert item._entry is not None
    assert warm.working()["entry-2"] == cold.entries["entry-2"].entry


def test_an_entry_that_no_longer_decodes_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry's pickle damaged in the cache: the entry is read from its file."""
    root = _register(tmp_path / "reg")
    load_register(root)
    assert all(_stored_entry_blobs(root).values())
    _stored_entry_blobs(root, replace=b"\x80\x05not an entry")
    warm = load_register(root)
    expected = _uncached(root, monkeypatch)
    assert {key: item.entry for key, item in warm.entries.items()} == {
        key: item.entry for key, item in expected.entries.items()
    }


def test_an_invalid_file_stores_no_entry(tmp_path: Path) -> None:
    """A file the model refuses has no entry to store; one breaking a rule has."""
    root = _register(tmp_path / "reg")
    (root / "entries" / "invalid.toml").write_text(
        VALID_ENTRY + "\nunknown_field = 1\n", encoding="utf-8"
    )
    (root / "entries" / "rule.toml").write_text(
        VALID_ENTRY.replace("課税課", "存在しない課"), encoding="utf-8"
    )
    load_register(root)
    blobs = _stored_entry_blobs(root)
    assert blobs["invalid.toml"] == b""
    assert blobs["rule.toml"]
    assert blobs["entry-0.toml"]
    assert {"invalid", "rule"} <= load_register(root).invalid


def test_one_edit_writes_a_delta_not_the_whole_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit stores its file's result in the small delta file; the cache file of
    the other files is not written again, and the next load is served from both."""
    root = _register(tmp_path / "reg", entries=5)
    load_register(root)
    base = cache_file(root).read_bytes()
    delta = entry_cache.delta_file(cache_file(root))
    assert not delta.exists()
    path = root / "entries" / "entry-3.toml"
    path.write_text("# 一行目を編集\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    load_register(root)
    assert cache_file(root).read_bytes() == base
    assert delta.is_file()
    assert _is_cached(root, "entry-3.toml") and _is_cached(root, "entry-0.toml")
    stored = entry_cache.read_stored(delta, cache_key(MINIMAL_CONFIG.encode()))
    assert set(stored) == {"entry-3.toml"}
    assert _snapshot(load_register(root)) == _snapshot(_uncached(root, monkeypatch))


def test_a_large_delta_writes_the_whole_cache_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _register(tmp_path / "reg", entries=3)
    load_register(root)
    monkeypatch.setattr(entry_cache, "DELTA_MIN", 1)
    monkeypatch.setattr(entry_cache, "DELTA_SHARE", 0.0)
    delta = entry_cache.delta_file(cache_file(root))
    first = root / "entries" / "entry-0.toml"
    first.write_text("# 編集1\n" + first.read_text(encoding="utf-8"), encoding="utf-8")
    load_register(root)
    assert delta.is_file()
    second = root / "entries" / "entry-1.toml"
    second.write_text("# 編集2\n" + second.read_text(encoding="utf-8"), encoding="utf-8")
    load_register(root)  # two files in the delta: more than it may hold
    assert not delta.exists()
    stored = entry_cache.read_stored(cache_file(root), cache_key(MINIMAL_CONFIG.encode()))
    assert stored["entry-0.toml"][0] == digest(first.read_bytes())
    assert stored["entry-1.toml"][0] == digest(second.read_bytes())
    assert _snapshot(load_register(root)) == _snapshot(_uncached(root, monkeypatch))


def test_a_damaged_delta_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path / "reg", entries=3)
    _poison(root)
    path = root / "entries" / "entry-2.toml"
    path.write_text("# 編集\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    load_register(root)  # the edited file's real result goes to the delta
    delta = entry_cache.delta_file(cache_file(root))
    assert delta.is_file()
    delta.write_bytes(os.urandom(2048))
    loaded = load_register(root)
    assert _marked(loaded) == {"entries/entry-0.toml", "entries/entry-1.toml"}
    assert not [p for p in loaded.problems if p.file == "entries/entry-2.toml"]


def test_the_council_rules_are_kept_for_an_unchanged_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules across entries on council business judge every entry together: kept
    for the register's files as they are (no entry decoded), judged again after any
    change to one of them."""
    from tests.support.samples import COUNCIL_AND_ASSESSMENT

    root = _register(tmp_path / "reg", entries=2)
    council = root / "entries" / "council.toml"
    council.write_text(VALID_ENTRY + COUNCIL_AND_ASSESSMENT, encoding="utf-8")
    cold = load_register(root)
    assert entry_cache.council_file(cache_file(root)).is_file()
    warm = load_register(root)
    assert warm.problems == cold.problems
    assert not any(item._entry for item in warm.entries.values())
    council.write_text("# 編集\n" + VALID_ENTRY + COUNCIL_AND_ASSESSMENT, encoding="utf-8")
    edited = load_register(root)
    assert _snapshot(edited) == _snapshot(_uncached(root, monkeypatch))
