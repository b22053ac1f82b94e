"""The register on disk: find it, load it in bulk, check it, write entries.

Bulk reads use ``tomllib`` (fast); an edited file goes through ``tomlkit`` so its
comments and layout survive (:mod:`todokede.registry.files.tomledit`). Every write is atomic.
"""

from __future__ import annotations

import errno
import gc
import glob
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from pydantic import ValidationError

from todokede.registry.files.crashpoints import crash_point, fail_point
from todokede.registry.files.entry_file import EntryFacts as EntryFacts  # re-exported
from todokede.registry.files.entry_file import EntryFile as EntryFile  # re-exported
from todokede.registry.files.entry_file import EntrySummary as EntrySummary  # re-exported
from todokede.registry.files.entry_file import FilingMark as FilingMark  # re-exported
from todokede.registry.files.entry_file import facts_of as facts_of  # re-exported
from todokede.registry.files.entry_file import summary_of as summary_of  # re-exported
from todokede.registry.files.locate import line_map, line_of
from todokede.registry.files.parse_pool import Parsed, parse_one, parsed_files
from todokede.registry.files.tomlread import BOM, BOM_WARNING
from todokede.registry.files.tomlread import TomlProblem as TomlProblem  # re-exported
from todokede.registry.files.tomlread import parse_toml as parse_toml  # re-exported
from todokede.registry.files.tomlread import read_text as read_text  # re-exported
from todokede.registry.files.tomlread import read_toml as read_toml  # re-exported
from todokede.registry.schema.catalog import Catalog, builtin_catalog
from todokede.registry.schema.council_rules import register_council_violations
from todokede.registry.schema.errors import (
    RegisterError as RegisterError,  # re-exported for callers
)
from todokede.registry.schema.limits import ENTRIES_DIR as ENTRIES_DIR  # re-exported
from todokede.registry.schema.limits import MAX_FILE_BYTES as MAX_FILE_BYTES  # re-exported
from todokede.registry.schema.limits import REGISTRY_FILE as REGISTRY_FILE  # re-exported
from todokede.registry.schema.limits import TEMP_SUFFIX as TEMP_SUFFIX  # re-exported
from todokede.registry.schema.model import CouncilItem, Entry, RegistryConfig, entry_id_problem
from todokede.registry.schema.personal_files import config_violations, duplicate_file_names
from todokede.registry.schema.problems import Problem, Violation
from todokede.registry.schema.rules import check_entry_data, validation_violations

if TYPE_CHECKING:
    from todokede.registry.files.entry_cache import EntryCache, Hit

ENV_VAR: Final = "TODOKEDE_REGISTRY"


@dataclass
class Register:
    """A loaded register: its config, its valid entries and its problems."""

    root: Path
    config: RegistryConfig
    catalog: Catalog
    entries: dict[str, EntryFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    invalid: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def ordered(self) -> list[EntryFile]:
        """Entries in department order of ``registry.toml``, then by name."""
        index = self.config.department_index
        return sorted(
            self.entries.values(),
            key=lambda e: (index(e.summary.department), e.summary.name, e.id),
        )

    def entry_path(self, entry_id: str) -> Path:
        return entry_path(self.root, entry_id)

    def working(self) -> Mapping[str, Entry]:
        """The valid entries by id, as on disk; each decoded only when looked up."""
        return _Working(self.entries)


class _Working(Mapping[str, Entry]):
    """:meth:`Register.working`: a view of the entries that decodes what it gives."""

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, EntryFile]) -> None:
        self._items = items

    def __getitem__(self, entry_id: str) -> Entry:
        return self._items[entry_id].entry

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def find_registry(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The register's root: ``--registry``, then ``TODOKEDE_REGISTRY``, then upward."""
    for given, origin in ((explicit, "--registry"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if given:
            root = Path(given).expanduser()
            if (root / REGISTRY_FILE).is_file():
                return root.resolve()
            raise RegisterError(f"{origin} の {root} に {REGISTRY_FILE} がありません")
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / REGISTRY_FILE).is_file():
            return folder
    raise RegisterError(
        f"登録簿が見つかりません: {start} から上のフォルダに {REGISTRY_FILE} がありません"
        "（--registry で指定するか、todokede init で作成してください）"
    )


def entry_path(root: Path, entry_id: str) -> Path:
    """The file of an entry id, refusing ids that are not plain names and paths that
    could lead out of ``entries/`` (the folder or the file a symbolic link)."""
    if problem := entry_id_problem(entry_id):
        raise RegisterError(problem)
    folder = root / ENTRIES_DIR
    if problem := entries_dir_problem(root):
        raise RegisterError(problem)
    path = folder / f"{entry_id}.toml"
    if path.is_symlink():
        raise RegisterError(
            f"{ENTRIES_DIR}/{path.name} はシンボリックリンクです"
            "（登録簿の外を指すかもしれないため、読み書きしません）"
        )
    return path


def entries_dir_problem(root: Path) -> str | None:
    """Why ``entries/`` cannot be used (a symbolic link, or not a folder), or None."""
    folder = root / ENTRIES_DIR
    if folder.is_symlink():
        return (
            f"{ENTRIES_DIR}/ フォルダがシンボリックリンクです"
            "（登録簿の外を指すかもしれないため、読み書きしません）"
        )
    if folder.exists() and not folder.is_dir():
        return f"{ENTRIES_DIR} がフォルダではありません"
    return None


def _located(file: str, text: str, violations: list[Violation]) -> list[Problem]:
    """The violations of one file as problems; their lines are found (the file
    tokenized once) only when one of them is asked for."""
    if not violations:
        return []
    found: list[dict[tuple[str | int, ...], int]] = []

    def lines() -> dict[tuple[str | int, ...], int]:
        if not found:
            found.append(line_map(text))
        return found[0]

    return [
        Problem(file, partial(_line_in, lines, v.loc), v.field, v.message, v.severity)
        for v in violations
    ]


def _line_in(
    lines: Callable[[], dict[tuple[str | int, ...], int]], loc: tuple[str | int, ...]
) -> int | None:
    return line_of(lines(), loc)


def load_config(root: Path) -> tuple[RegistryConfig | None, list[Problem]]:
    """``registry.toml`` (None when it cannot be loaded) and its problems."""
    config, problems, _ = _load_config(root)
    return config, problems


def _load_config(root: Path) -> tuple[RegistryConfig | None, list[Problem], str | None]:
    """:func:`load_config`, with the text it was read from (None when unreadable):
    the entry cache's key (:mod:`todokede.registry.files.entry_cache`)."""
    path = root / REGISTRY_FILE
    try:
        text, data = read_toml(path)
    except TomlProblem as problem:
        return None, [Problem(REGISTRY_FILE, problem.line, "", problem.message)], None
    warnings = _bom_warnings(REGISTRY_FILE, text)
    try:
        config = RegistryConfig.model_validate(data)
    except ValidationError as error:
        return None, _located(REGISTRY_FILE, text, validation_violations(error)) + warnings, text
    return config, _located(REGISTRY_FILE, text, config_violations(config)) + warnings, text


def _bom_warnings(rel: str, text: str) -> list[Problem]:
    """A warning when the file starts with a byte order mark (read all the same)."""
    return [Problem(rel, 1, "", BOM_WARNING, "warning")] if text.startswith(BOM) else []


def load_config_or_raise(root: Path) -> RegistryConfig:
    config, problems = load_config(root)
    if config is None:
        raise RegisterError(problems[0].as_text())
    return config


@dataclass(frozen=True)
class _Listed:
    name: str
    path: str
    """The file's path as listed (a Path only made for the files read: thousands a load)."""
    is_symlink: bool
    is_dir: bool = False


#: Files an entries/ folder may hold besides the entries (kept by git for an empty
#: folder, or git's own settings), never reported.
_QUIET_FILES: Final = frozenset({".gitkeep", ".keep", ".gitignore", ".gitattributes"})


def _entry_files(root: Path) -> tuple[list[_Listed], list[_Listed]]:
    """The ``*.toml`` files of ``entries/``, and everything else it holds that is
    neither a known quiet file nor an interrupted write's temp file (reported by
    :func:`_pending_problems`), each by name (one directory scan)."""
    folder = root / ENTRIES_DIR
    entries: list[_Listed] = []
    strays: list[_Listed] = []
    try:
        with os.scandir(folder) as scan:
            for item in scan:
                listed = _Listed(
                    item.name,
                    item.path,
                    item.is_symlink(),
                    item.is_dir(follow_symlinks=False),
                )
                if item.name.endswith(".toml"):
                    entries.append(listed)
                elif item.name not in _QUIET_FILES and not _is_temp(item.name):
                    strays.append(listed)
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    return sorted(entries, key=_by_name), sorted(strays, key=_by_name)


def _by_name(listed: _Listed) -> str:
    return listed.name


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def _stray_problem(listed: _Listed) -> Problem:
    """A warning for a file of ``entries/`` that is not read as an entry."""
    rel = f"{ENTRIES_DIR}/{listed.name}"
    suffix = Path(listed.name).suffix
    if listed.is_dir:
        message = f"フォルダは読みません（業務ファイルは {ENTRIES_DIR}/ の直下に置いてください）"
    elif suffix.lower() == ".toml":
        message = (
            f"拡張子が {suffix} のため読んでいません（業務ファイルの拡張子は小文字の .toml です）"
        )
    else:
        message = "業務ファイルではないため読んでいません（業務ファイルの拡張子は .toml です）"
    return Problem(rel, None, "", message, "warning")


def _file_problems(rel: str, stem: str, is_symlink: bool) -> list[Problem]:
    found: list[Problem] = []
    if id_problem := entry_id_problem(stem):
        found.append(Problem(rel, None, "", f"ファイル名が不正です: {id_problem}"))
    if is_symlink:
        found.append(Problem(rel, None, "", "シンボリックリンクは登録簿のファイルにできません"))
    return found


def check_entry_file(
    root: Path,
    path: Path,
    config: RegistryConfig | None,
    catalog: Catalog,
    is_symlink: bool | None = None,
) -> tuple[Entry | None, list[Problem]]:
    """Read and check one entry file: its name, TOML, fields and rules."""
    symlink = path.is_symlink() if is_symlink is None else is_symlink
    parsed = None if symlink else parse_one(path)
    return _check_parsed(path, symlink, parsed, config, catalog)


def _check_parsed(
    path: Path,
    symlink: bool,
    parsed: Parsed | None,
    config: RegistryConfig | None,
    catalog: Catalog,
) -> tuple[Entry | None, list[Problem]]:
    """Check one entry file read before (``parsed``; None for a symbolic link)."""
    rel = f"{ENTRIES_DIR}/{path.name}"
    problems = _file_problems(rel, path.name.removesuffix(".toml"), symlink)
    if parsed is None:
        return None, problems
    if isinstance(parsed, TomlProblem):
        return None, [*problems, Problem(rel, parsed.line, "", parsed.message)]
    text, data = parsed
    entry, violations = check_entry_data(data, config, catalog)
    problems.extend(_located(rel, text, violations))
    problems.extend(_bom_warnings(rel, text))
    return entry, problems


def _pending_problems(root: Path) -> list[Problem]:
    """Leftovers of an interrupted write: temp files that never became whole, an
    unfinished filing, git's lock files."""
    from todokede.registry.files.pending import git_pending_problems

    found = git_pending_problems(root)
    for folder in (root, root / ENTRIES_DIR):
        for temp in sorted(folder.glob(f".*{TEMP_SUFFIX}")):
            rel = temp.relative_to(root).as_posix()
            found.append(
                Problem(
                    rel,
                    None,
                    "",
                    "中断した書き込みの一時ファイルです（元のファイルは無事です。"
                    "内容を確かめてから削除してください）",
                    "warning",
                )
            )
    return found


def load_register(root: Path) -> Register:
    """Load and check the whole register; problems are collected, not raised."""
    # Thousands of new objects and no cyclic garbage: the cyclic collector's
    # passes over the growing register cost a tenth of a check on 5,000 entries.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_register(root.resolve())
    finally:
        if collecting:
            gc.enable()


def _load_register(root: Path) -> Register:
    config, problems, config_text = _load_config(root)
    if config is None:
        loaded_config = RegistryConfig.model_construct(
            name="（registry.toml を読めません）",
            municipality="",
            review_interval_years=10,
            review_warning_months=6,
            departments=[],
        )
        catalog = builtin_catalog()
    else:
        loaded_config = config
        catalog = config.build_catalog()
    register = Register(root, loaded_config, catalog, problems=list(problems))
    if problem := entries_dir_problem(root):
        register.problems.append(Problem(ENTRIES_DIR, None, "", problem))
        register.problems.extend(_pending_problems(root))
        return register
    if not (root / ENTRIES_DIR).is_dir():
        register.problems.append(
            Problem(ENTRIES_DIR, None, "", f"{ENTRIES_DIR}/ フォルダがありません")
        )
    listing, strays = _entry_files(root)
    # A file whose bytes the cache knows is not parsed again (a symbolic link never:
    # it is refused unread); every other file is parsed on every core.
    cache = _open_cache(root, config, config_text)
    known = _cached_checks(cache, listing)
    readable = [
        Path(listed.path)
        for listed in listing
        if not listed.is_symlink and listed.name not in known
    ]
    with closing(parsed_files(readable)) as parsed:  # no helper outlives an error here
        for listed in listing:
            register.files_read += 1
            entry_id = listed.name.removesuffix(".toml")
            if (hit := known.get(listed.name)) is not None:
                found = hit.problems
                item = _cached_entry_file(entry_id, listed.path, hit, config, catalog)
            else:
                read = None if listed.is_symlink else next(parsed)
                path = Path(listed.path)
                entry, found = _check_parsed(path, listed.is_symlink, read, config, catalog)
                if cache is not None and isinstance(read, tuple):
                    cache.put(listed.name, read[0], (entry, found))
                item = None if entry is None else EntryFile(entry_id, path, entry)
            register.problems.extend(found)
            if item is not None and not any(p.severity == "error" for p in found):
                register.entries[entry_id] = item
            else:
                register.invalid.add(entry_id)
    if cache is not None:
        cache.save()
    register.problems.extend(_stray_problem(listed) for listed in strays)
    register.problems.extend(_duplicate_name_problems(register))
    register.problems.extend(_council_problems(register, cache))
    register.problems.extend(_pending_problems(root))
    return register


def _open_cache(
    root: Path, config: RegistryConfig | None, config_text: str | None
) -> EntryCache | None:
    """The entry cache of this load, or None: turned off, or ``registry.toml``
    unusable (then every file is checked, as rarely as that happens)."""
    if config is None or config_text is None:
        return None
    from todokede.registry.files.entry_cache import open_cache

    return open_cache(root, config_text.encode("utf-8"))


def _cached_checks(cache: EntryCache | None, listing: list[_Listed]) -> dict[str, Hit]:
    """The checks the cache holds for these files' bytes, by file name."""
    if cache is None:
        return {}
    known: dict[str, Hit] = {}
    for listed in listing:
        if listed.is_symlink:
            continue
        file_digest = cache.digest_of(listed.path)
        if file_digest is not None and (hit := cache.get(listed.name, file_digest)):
            known[listed.name] = hit
    return known


def _cached_entry_file(
    entry_id: str, path: str, hit: Hit, config: RegistryConfig | None, catalog: Catalog
) -> EntryFile | None:
    """The entry of a file the cache answered for (None when it has none), decoded
    when first asked for."""
    if hit.facts is None:
        return None
    from todokede.registry.files.entry_cache import decode_summary

    return EntryFile(
        entry_id,
        path,
        decode=partial(_decoded_entry, hit.entry_blob, path, config, catalog),
        facts=hit.facts,
        summary=partial(decode_summary, hit.summary_blob),
    )


def _decoded_entry(
    blob: bytes | memoryview, listed: str, config: RegistryConfig | None, catalog: Catalog
) -> Entry:
    """A cached entry, or, should its bytes in the cache not decode (damaged since the
    load), the entry its file gives when checked again."""
    from todokede.registry.files.entry_cache import decode_entry

    if (entry := decode_entry(blob)) is not None:
        return entry
    path = Path(listed)
    entry, problems = check_entry_file(path.parent.parent, path, config, catalog)
    if entry is None:
        raise RegisterError(problems[0].as_text() if problems else f"{path} を読めません")
    return entry


def _council_problems(register: Register, cache: EntryCache | None = None) -> list[Problem]:
    """The council's rules across entries (:mod:`~todokede.registry.schema.council_rules`):
    a consultation's number unique, a filing's consultation answered, and a change
    that needs the council naming it (a warning)."""
    entries = register.entries.values()
    if not any(item.facts.council for item in entries):
        return []  # a register recording no council business: nothing to judge
    # They judge every entry together: the entry cache keeps them for the register's
    # valid files as they are, so an unchanged register decodes no entry for them.
    names = [f"{entry_id}.toml" for entry_id in sorted(register.entries)]
    fingerprint = cache.fingerprint(names) if cache is not None else None
    kept = cache.council(fingerprint) if cache is not None and fingerprint else None
    if kept is not None:
        return kept
    found = _council_problems_of(register)
    if cache is not None and fingerprint is not None:
        cache.put_council(fingerprint, found)
    return found


def _council_problems_of(register: Register) -> list[Problem]:
    entries = register.entries.values()
    by_entry = register_council_violations((item.id, item.entry) for item in entries)
    found: list[Problem] = []
    for entry_id, violations in by_entry.items():
        item = register.entries[entry_id]
        try:
            text = read_text(item.path)
        except (OSError, TomlProblem):
            text = ""
        found.extend(_located(f"{ENTRIES_DIR}/{item.path.name}", text, violations))
    return found


def _duplicate_name_problems(register: Register) -> list[Problem]:
    """A 個人情報ファイル named like one of another entry: an error at the later one."""
    named = (
        (item.id, index, name)
        for item in register.entries.values()
        for index, name in enumerate(item.facts.file_names)
    )
    found: list[Problem] = []
    for place, first in duplicate_file_names(named).items():
        item = register.entries[place.entry]
        violation = Violation(
            ("files", place.index, "name"),
            f"ファイル名「{item.facts.file_names[place.index]}」は"
            f" {ENTRIES_DIR}/{first.entry}.toml の{first.index + 1}番目のファイルと同じです"
            "（ファイル名は登録簿の中で1つにしてください）",
        )
        try:
            text = read_text(item.path)
        except (OSError, TomlProblem):
            text = ""
        found.extend(_located(f"{ENTRIES_DIR}/{item.path.name}", text, [violation]))
    return found


class EntryCouncil(NamedTuple):
    """An entry's council items, with the 課 that put them to the council."""

    entry_id: str
    department: str
    items: tuple[CouncilItem, ...]


def council_items(root: Path, skip: str = "") -> tuple[EntryCouncil, ...]:
    """The council items of every entry on disk but ``skip``, by id: what a filing
    may name (a file that cannot be read, or whose items are invalid, is left out:
    ``check`` reports it). Only files mentioning ``[[council]]`` are parsed."""
    found: list[EntryCouncil] = []
    folder = root / ENTRIES_DIR
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        entry_id = path.name.removesuffix(".toml")
        if entry_id == skip or path.is_symlink():
            continue
        try:
            text = read_text(path)
            if "council" not in text:
                continue
            data = parse_toml(text)
            items = tuple(CouncilItem.model_validate(row) for row in data.get("council", []))
            department = data.get("department", "")
        except (OSError, TomlProblem, ValidationError, AttributeError, TypeError):
            continue
        if items:
            found.append(
                EntryCouncil(entry_id, department if isinstance(department, str) else "", items)
            )
    return tuple(found)


def load_entry(root: Path, entry_id: str, config: RegistryConfig | None = None) -> EntryFile:
    """One entry, checked; RegisterError with its first error otherwise."""
    path = entry_path(root, entry_id)
    if not path.is_file():
        raise RegisterError(f"エントリ「{entry_id}」がありません: {path}")
    config = config or load_config_or_raise(root)
    entry, problems = check_entry_file(root, path, config, config.build_catalog())
    errors = [p for p in problems if p.severity == "error"]
    if entry is None or errors:
        raise RegisterError(errors[0].as_text())
    return EntryFile(entry_id, path, entry)


#: A temp file is always a new file: never one opened through a symbolic link, nor
#: another process's temp file (or anything planted under a guessable name).
_TEMP_FLAGS: Final = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)
#: Random names that all exist already mean something is wrong, not bad luck.
_TEMP_TRIES: Final = 8


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write a file whole or not at all: temp file, fsync, rename, fsync folder.

    A process killed at any step leaves ``path`` whole (old or new) and at
    worst a temp file that ``check`` reports; the crash points let the tests
    prove it at each step. Only a regular file (or nothing) is replaced: the
    rename would put a file where a symbolic link, a FIFO or a device was.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    mode = _replaced_mode(path)
    crash_point("write:start")
    fail_point(path)
    fd, temp = _new_temp(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            half = len(data) // 2
            handle.write(data[:half])
            handle.flush()
            crash_point("write:half")
            handle.write(data[half:])
            handle.flush()
            crash_point("write:written")
            os.fsync(handle.fileno())
        crash_point("write:synced")
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    crash_point("write:renamed")
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _replaced_mode(path: Path) -> int:
    """The permissions a rewrite of ``path`` keeps (0o644 for a new file), refusing
    (OSError, a Japanese reason) anything but a regular file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return 0o644
    if stat.S_ISLNK(info.st_mode):
        raise OSError(errno.ELOOP, "シンボリックリンクは置き換えません", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "通常のファイルではないため置き換えません", str(path))
    return info.st_mode & 0o777


def _new_temp(path: Path, mode: int) -> tuple[int, Path]:
    """A temp file created beside ``path``, named by this process and a random part
    (another name is tried when one exists: a leftover, another thread's write);
    its descriptor."""
    for _ in range(_TEMP_TRIES):
        temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            return os.open(temp, _TEMP_FLAGS, mode), temp
        except FileExistsError:
            continue
    raise FileExistsError(
        errno.EEXIST, "一時ファイルを作れません（作ろうとした名前がすべて既にあります）", str(path)
    )


def temp_files_of(path: Path, pid: int) -> list[Path]:
    """The temp files a process ``pid`` left beside ``path`` (killed while writing)."""
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.{pid}-*{TEMP_SUFFIX}"))
