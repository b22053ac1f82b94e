"""A content-keyed cache of each entry file's check, so an unchanged register loads fast.

Between two runs of ``todokede`` almost no entry file changes, yet parsing and
validating them all is nearly the whole of a load. :func:`open_cache` gives the
results stored by the last load: each entry file's :class:`~todokede.registry.schema.model.Entry`
and problems (what ``store._check_parsed`` returned), by file name and keyed by a
hash of the file's bytes (never by its size and time: a file can change keeping
both). A file whose bytes hash the same is not parsed nor validated again.

The whole cache is keyed too, by :data:`FORMAT`, todokede's version (the built-in
catalog and the rules are code), the source files of the rules and of the reading
(their sizes and times: an edited install), the Python and pydantic versions (the
pickles) and the bytes of ``registry.toml`` (the config and its catalog items): any
of them changing and the cache is not used, but rebuilt.

Where it lives (:func:`cache_file`): in the register's git directory
(``.git/todokede-cache/``, following a worktree's ``.git`` file), which git never
commits; outside a repository in the user's cache folder (``$XDG_CACHE_HOME/todokede/``
or ``~/.cache/todokede/``), one file per register named by a hash of its path.
It is written whole (a temp file renamed over it: a reader sees the old file or the
new, two processes at once each write a whole one and the last wins), only when a
result changed; a file that cannot be read or makes no sense is ignored (every
exception) and rebuilt. ``TODOKEDE_CACHE=0`` (``todokede --no-cache``) turns it off.

The payload is pickled: it is the user's own git or cache folder, and a header with
the key guards what is unpickled. Each file's result is two pickles: its problems with
the facts the rules across entries need (:class:`~todokede.registry.files.entry_file.EntryFacts`),
unpickled for every hit, and its entry, unpickled only when the entry is asked for
(``check`` of an unchanged register asks for almost none); a save pickles only what
was checked again.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import pickle
import secrets
import stat
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

from pydantic import VERSION as PYDANTIC_VERSION
from pydantic import BaseModel

import todokede
from todokede.registry.files.entry_file import EntryFacts, EntrySummary, facts_of, summary_of
from todokede.registry.files.pending import git_dir_of
from todokede.registry.files.tomlread import OPEN_FLAGS as _OPEN_FLAGS
from todokede.registry.schema.limits import MAX_FILE_BYTES
from todokede.registry.schema.model import Entry
from todokede.registry.schema.problems import Problem

#: Environment variable turning the cache off (``0``; ``todokede --no-cache`` sets it).
CACHE_VAR: Final = "TODOKEDE_CACHE"
#: The values of :data:`CACHE_VAR` that turn the cache off.
OFF_VALUES: Final = frozenset({"0", "off", "no", "false"})
#: The layout of a cache file; raise it when the payload or the key changes meaning.
FORMAT: Final = 4
#: The first bytes of a cache file.
MAGIC: Final = b"todokede entry cache\n"
#: The folder of the caches in a git directory.
GIT_FOLDER: Final = "todokede-cache"
#: Bytes of a key, of a file's digest and of the index's length in the header.
KEY_BYTES: Final = 32
DIGEST_BYTES: Final = 20
LENGTH_BYTES: Final = 8
_HEADER_BYTES: Final = len(MAGIC) + KEY_BYTES + LENGTH_BYTES
#: The delta file holds at most this share of the files (or :data:`DELTA_MIN`), else
#: the whole cache is written again.
DELTA_SHARE: Final = 0.05
DELTA_MIN: Final = 50
#: How old a temp file of the cache folder must be to be another process's leftover.
STALE_TEMP_SECONDS: Final = 3600
_TEMP_SUFFIX: Final = ".tmp"

#: One entry file's check: its entry (None when invalid) and its problems.
Result = tuple[Entry | None, list[Problem]]
#: Bytes as read from a cache file (slices of it, not copies) or pickled by this load.
Blob = bytes | memoryview
#: A file's stored result: the digest of its bytes, its problems, its facts (None
#: without an entry), and its entry's summary and its entry pickled (both empty
#: when it has none).
Stored = tuple[bytes, list[Problem], EntryFacts | None, Blob, Blob]


class Hit(NamedTuple):
    """A file's check answered from the cache: its problems, and for a valid entry
    its facts and its entry still pickled (:func:`decode_entry`)."""

    problems: list[Problem]
    facts: EntryFacts | None
    summary_blob: Blob
    entry_blob: Blob


def cache_enabled() -> bool:
    """Whether the cache may be read and written (not turned off by ``TODOKEDE_CACHE``)."""
    return os.environ.get(CACHE_VAR, "").strip().lower() not in OFF_VALUES


def digest(data: bytes) -> bytes:
    """The hash a file's bytes are known by."""
    return hashlib.blake2b(data, digest_size=DIGEST_BYTES).digest()


def _path_name(root: Path) -> str:
    """A register's cache file name: a hash of its resolved path."""
    path = os.fsencode(str(root.resolve()))
    return f"entries-{hashlib.blake2b(path, digest_size=12).hexdigest()}.cache"


def user_cache_folder() -> Path:
    """The user's cache folder for todokede (``$XDG_CACHE_HOME/todokede`` when that is
    an absolute path, else ``~/.cache/todokede``)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    folder = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return folder / "todokede"


def cache_file(root: Path) -> Path:
    """Where the cache of the register at ``root`` is kept: under its git directory,
    else under the user's cache folder."""
    git_dir = git_dir_of(root)
    folder = git_dir / GIT_FOLDER if git_dir is not None else user_cache_folder()
    return folder / _path_name(root)


def _code_stamp() -> bytes:
    """The sizes and times of the rules' and the reading's source files: an edited
    install (a developer's) changes what a check says without changing the version."""
    here = Path(__file__).resolve().parent
    parts: list[str] = []
    for folder in (here, here.parent / "schema"):
        try:
            sources = sorted(folder.glob("*.py"))
        except OSError:
            continue
        for source in sources:
            try:
                info = source.stat()
            except OSError:
                continue
            parts.append(f"{folder.name}/{source.name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts).encode()


def cache_key(config_bytes: bytes) -> bytes:
    """The key of a whole cache: what every stored result depends on but the file."""
    head = "\0".join(
        (
            str(FORMAT),
            str(todokede.__version__),
            sys.version,
            str(PYDANTIC_VERSION),
        )
    ).encode()
    key = hashlib.blake2b(digest_size=KEY_BYTES)
    for part in (head, _code_stamp(), config_bytes):
        key.update(len(part).to_bytes(8, "big"))
        key.update(part)
    return key.digest()


# A model pickled as its fields, rebuilt without pydantic's __setstate__ (a third of
# an unpickling of 5,000 entries).
_new_object = object.__new__
_set_attribute = object.__setattr__


def _rebuild_model(model: BaseModel, state: tuple[Any, Any, Any, Any]) -> None:
    """Set a model's state when unpickled (what ``BaseModel.__setstate__`` does)."""
    fields, fields_set, extra, private = state
    _set_attribute(model, "__dict__", fields)
    _set_attribute(model, "__pydantic_fields_set__", fields_set)
    _set_attribute(model, "__pydantic_extra__", extra)
    _set_attribute(model, "__pydantic_private__", private)


class _Pickler(pickle.Pickler):
    """Pickles pydantic models as their state, rebuilt by :func:`_rebuild_model`."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            state = (
                obj.__dict__,
                obj.__pydantic_fields_set__,
                obj.__pydantic_extra__,
                obj.__pydantic_private__,
            )
            return (_new_object, (type(obj),), state, None, None, _rebuild_model)
        return NotImplemented


def _pickled(value: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _valid(problems: object, facts: object, summary_blob: Blob, entry_blob: Blob) -> bool:
    """Whether a stored result makes sense (else the cache is damaged or foreign)."""
    if type(problems) is not list or any(type(p) is not Problem for p in problems):
        return False
    if facts is None:
        return not entry_blob and not summary_blob
    return type(facts) is EntryFacts and bool(entry_blob) and bool(summary_blob)


def decode_summary(blob: Blob) -> EntrySummary | None:
    """An entry's summary pickled by the cache, or None when the bytes are not one."""
    return _decoded(blob, EntrySummary)


def decode_entry(blob: Blob) -> Entry | None:
    """An entry pickled by the cache, or None when the bytes are not one."""
    return _decoded(blob, Entry)


_Decoded = TypeVar("_Decoded")


def _decoded(blob: Blob, kind: type[_Decoded]) -> _Decoded | None:
    try:
        value = pickle.loads(blob)
    except Exception:
        return None
    return value if type(value) is kind else None


class EntryCache:
    """The stored checks of one register under one key, and what this load adds.

    :meth:`get` answers from the stored results; :meth:`put` records what was
    checked again; :meth:`save` writes the results of the files of this load
    (:meth:`keep` names them) when they differ from what was read.
    """

    def __init__(
        self,
        path: Path,
        key: bytes,
        stored: dict[str, Stored],
        delta: frozenset[str] = frozenset(),
        has_base: bool = False,
    ) -> None:
        self.path = path
        self.key = key
        self._stored = stored
        #: The names whose results came from the delta file (see :meth:`save`).
        self._delta = delta
        #: Whether the cache file was there to read (else a delta would be read over nothing).
        self._has_base = has_base
        self._kept: dict[str, Stored] = {}
        self._changed: set[str] = set()

    def digest_of(self, path: Path | str) -> bytes | None:
        """The digest of an entry file's bytes, or None when it is not a regular file
        that can be read whole (then neither answered from the cache nor stored: the
        check of the file says why). The refusals of
        :func:`~todokede.registry.files.tomlread.read_text`, with fewer objects: this
        runs for every file of every load."""
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            raw = os.read(fd, info.st_size + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(raw) > info.st_size:  # grew while being read: the check reads it again
            return None
        return digest(raw)

    def get(self, name: str, file_digest: bytes) -> Hit | None:
        """The stored check of the file ``name`` whose bytes hash to ``file_digest``."""
        stored = self._stored.get(name)
        if stored is None or stored[0] != file_digest:
            return None
        self._kept[name] = stored
        return Hit(*stored[1:])

    def put(self, name: str, text: str, result: Result) -> None:
        """Record the check of the file ``name`` as read (``text``: the key is the hash
        of what was parsed, not of an earlier read of a file that may have changed)."""
        file_digest = digest(text.encode("utf-8"))
        stored = self._stored.get(name)
        if stored is not None and stored[0] == file_digest:
            self._kept[name] = stored
            return
        entry, problems = result
        try:
            blobs = (b"", b"") if entry is None else (_pickled(summary_of(entry)), _pickled(entry))
        except Exception:  # a value that does not pickle: not cached
            return
        facts = facts_of(entry) if entry is not None else None
        self._kept[name] = (file_digest, list(problems), facts, *blobs)
        self._changed.add(name)

    def fingerprint(self, names: list[str]) -> bytes | None:
        """A digest of these files' bytes as this load read them (None when one of
        them was not: a file that could not be read or stored)."""
        whole = hashlib.blake2b(digest_size=DIGEST_BYTES)
        for name in names:
            kept = self._kept.get(name)
            if kept is None:
                return None
            whole.update(name.encode("utf-8", "surrogateescape") + b"\0" + kept[0])
        return whole.digest()

    def council(self, fingerprint: bytes) -> list[Problem] | None:
        """The council's problems stored for the register whose files have this
        fingerprint (:meth:`fingerprint`), or None."""
        try:
            with council_file(self.path).open("rb") as handle:
                data = handle.read()
            head = MAGIC + self.key + fingerprint
            if not data.startswith(head):
                return None
            problems = pickle.loads(data[len(head) :])
        except Exception:
            return None
        if type(problems) is not list or any(type(p) is not Problem for p in problems):
            return None
        return problems

    def put_council(self, fingerprint: bytes, problems: list[Problem]) -> None:
        """Store the council's problems for this fingerprint (written at once, whole;
        a cache that cannot be written is only not written)."""
        try:
            payload = pickle.dumps(problems, protocol=pickle.HIGHEST_PROTOCOL)
            _write_whole(council_file(self.path), [MAGIC, self.key, fingerprint, payload])
        except Exception:
            return

    def save(self) -> None:
        """Write the results of this load's files, if any differ from what was read;
        a cache that cannot be written is only not written.

        A few files checked again (an edit) are written to a small delta file beside
        the cache, read over it, so that one edit does not rewrite the results of
        thousands of files; the whole cache is written again when files were removed
        or the delta would hold more than :data:`DELTA_SHARE` of them.
        """
        removed = self._stored.keys() - self._kept.keys()
        if not self._changed and not removed:
            return
        delta = set(self._delta & self._kept.keys()) | self._changed
        whole = (
            not self._has_base
            or removed
            or len(delta) > max(DELTA_MIN, DELTA_SHARE * len(self._kept))
        )
        try:
            if whole:
                write_stored(self.path, self.key, self._kept)
                delta_file(self.path).unlink(missing_ok=True)
                delta = set()
            else:
                kept = self._kept
                write_stored(delta_file(self.path), self.key, {n: kept[n] for n in sorted(delta)})
        except Exception:
            return
        self._stored = dict(self._kept)
        self._delta = frozenset(delta)
        self._changed = set()
        self._has_base = True


# A cache file: MAGIC, the key, the index's length, the index (a pickled list of
# (file name, digest, problems, facts, lengths of its summary's and entry's pickles)),
# then each file's summary and entry pickled, one after the other in the index's
# order. A load maps the file, unpickles the index (problems and facts of every file
# in one go) and slices the rest, unpickled only when asked for.


def read_stored(path: Path, key: bytes) -> dict[str, Stored]:
    """The results stored in ``path`` under ``key``; empty when the file is absent,
    under another key, or cannot be read or understood in any way."""
    try:
        # Mapped, not read: the entries' pickles are paged in only when one is decoded
        # (the file is only ever replaced by a rename, never changed in place).
        with path.open("rb") as handle:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if data[: len(MAGIC)] != MAGIC or data[len(MAGIC) : len(MAGIC) + KEY_BYTES] != key:
            return {}
        length = int.from_bytes(data[len(MAGIC) + KEY_BYTES : _HEADER_BYTES], "big")
        view = memoryview(data)
        position = _HEADER_BYTES + length
        index = pickle.loads(view[_HEADER_BYTES:position])
        stored: dict[str, Stored] = {}
        for name, file_digest, problems, facts, summary_length, entry_length in index:
            if not (
                type(name) is str
                and type(file_digest) is bytes
                and type(summary_length) is int
                and type(entry_length) is int
                and summary_length >= 0
                and entry_length >= 0
            ):
                return {}
            middle = position + summary_length
            end = middle + entry_length
            summary, entry = view[position:middle], view[middle:end]
            if not _valid(problems, facts, summary, entry):
                return {}
            stored[name] = (file_digest, problems, facts, summary, entry)
            position = end
        return stored if position == len(data) else {}
    except Exception:
        return {}


def write_stored(path: Path, key: bytes, stored: dict[str, Stored]) -> None:
    """Write ``stored`` under ``key`` to ``path``, whole (:func:`read_stored`'s layout)."""
    index = [
        (name, file_digest, problems, facts, len(summary), len(entry))
        for name, (file_digest, problems, facts, summary, entry) in stored.items()
    ]
    head = _pickled(index)
    parts: list[Blob] = [MAGIC, key, len(head).to_bytes(LENGTH_BYTES, "big"), head]
    for *_, summary, entry in stored.values():
        parts.extend((summary, entry))
    _write_whole(path, parts)


def _write_whole(path: Path, parts: list[Blob]) -> None:
    """Write ``path`` whole: a temp file of this process in the same folder, renamed."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _remove_stale_temps(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{_TEMP_SUFFIX}")
    try:
        with temp.open("xb") as handle:
            handle.writelines(parts)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _remove_stale_temps(folder: Path) -> None:
    """Remove temp files that processes killed while writing left long ago."""
    now = time.time()
    for temp in _temps(folder):
        try:
            if now - temp.stat().st_mtime > STALE_TEMP_SECONDS:
                temp.unlink()
        except OSError:
            continue


def _temps(folder: Path) -> Iterable[Path]:
    try:
        return [
            item
            for item in folder.iterdir()
            if item.name.startswith(".") and item.name.endswith(_TEMP_SUFFIX)
        ]
    except OSError:
        return []


def open_cache(root: Path, config_bytes: bytes) -> EntryCache | None:
    """The cache of the register at ``root`` whose ``registry.toml`` holds
    ``config_bytes``, or None when the cache is turned off."""
    if not cache_enabled():
        return None
    try:
        path = cache_file(root)
        key = cache_key(config_bytes)
    except Exception:  # a home that cannot be found, a folder that cannot be listed
        return None
    stored = read_stored(path, key)
    has_base = bool(stored)
    delta = read_stored(delta_file(path), key) if has_base else {}
    stored.update(delta)
    return EntryCache(path, key, stored, frozenset(delta), has_base)


def council_file(path: Path) -> Path:
    """Where the council's problems of the register are kept beside the cache file
    ``path`` (:meth:`EntryCache.council`)."""
    return path.with_name(path.name + ".council")


def delta_file(path: Path) -> Path:
    """The delta file read over the cache file ``path`` (:meth:`EntryCache.save`)."""
    return path.with_name(path.name + ".delta")
