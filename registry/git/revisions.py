"""The register at a revision: resolve revisions and dates, read entries in bulk.

A date given where a revision is expected (``2016-09-13``, ``平成28年9月13日``)
means the last commit, following first parents from HEAD, whose commit date in
the commit's own timezone is on or before that day; with none, the empty
register. Anything that is not a date is a git revision. Files of a revision
are read through one ``git cat-file --batch`` process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Final

import git

from todokede.registry.git.repository import ObjectReader, blob_sha, open_repo, register_prefix
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.limits import ENTRIES_DIR, MAX_FILE_BYTES, REGISTRY_FILE
from todokede.registry.schema.wareki import WarekiError, parse_date

WORKING_TREE: Final = "working-tree"
EMPTY: Final = "empty"


class RevisionError(RegisterError):
    """A revision or date that names no commit (a usage error)."""


class UnknownEntry(RevisionError):
    """An entry id that no version of the register ever held (a usage error too)."""

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"エントリ「{entry_id}」はありません")
        self.entry_id = entry_id


@dataclass(frozen=True)
class Revision:
    """A version of the register.

    ``label`` is what the JSON of ``diff`` shows: the ISO date when a date was
    given, the full commit sha when a revision was, ``"working-tree"`` for the
    files on disk and ``"empty"`` for the register before its first commit.
    """

    label: str
    commit: str | None
    working_tree: bool = False
    day: date | None = None

    @property
    def shown(self) -> str:
        """The label as a reader sees it: 作業中のファイル, a short sha, a date."""
        if self.working_tree:
            return "作業中のファイル"
        if self.label == EMPTY:
            return "空の登録簿（最初のコミットの前）"
        return self.label[:10] if self.label == self.commit else self.label


@dataclass
class Snapshot:
    """The entry files of a revision: id → blob sha, and the bytes when on disk."""

    entries: dict[str, str] = field(default_factory=dict)
    config: str | None = None
    on_disk: dict[str, bytes] = field(default_factory=dict)


#: What a file on disk reads as when it is not read: a symbolic link (it may point
#: out of the register) or a file over MAX_FILE_BYTES. Not TOML (a NUL byte), so
#: the diff shows a version it cannot read.
REFUSED: Final = b"\0todokede: not read (a symbolic link or a file too large)\0"


def _read_limited(path: Path) -> bytes:
    if path.is_symlink():
        return REFUSED
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return REFUSED
            data = handle.read(size + 1)  # sized by stat: no 1 MiB buffer per file
            if len(data) > size:  # grew while being read
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError:
        return REFUSED
    return REFUSED if len(data) > MAX_FILE_BYTES else data


def commit_day(iso: str) -> date:
    """The calendar day of a git ISO date (``%cI``) in its own timezone."""
    return datetime.fromisoformat(iso).date()


class RegisterRepo:
    """A register's repository opened for reading its history."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.repo = open_repo(self.root)
        self.prefix = register_prefix(self.repo, self.root)
        self._reader: ObjectReader | None = None
        self._first_parents: list[tuple[str, date]] | None = None

    def __enter__(self) -> RegisterRepo:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self.repo.close()

    @property
    def reader(self) -> ObjectReader:
        if self._reader is None:
            self._reader = ObjectReader(self.repo)
        return self._reader

    # -- paths ---------------------------------------------------------------------

    def entry_path(self, entry_id: str) -> str:
        """The path of an entry file inside the repository."""
        return f"{self.prefix}{ENTRIES_DIR}/{entry_id}.toml"

    def entry_id_of(self, path: str) -> str | None:
        """The entry id of a repository path, or None when it is no entry file."""
        folder = f"{self.prefix}{ENTRIES_DIR}/"
        if path.startswith(folder) and path.endswith(".toml") and "/" not in path[len(folder) :]:
            return path[len(folder) : -len(".toml")]
        return None

    def on_disk(self, entry_id: str) -> bool:
        """Whether the entry's file is in the working tree (a link counts: it is there)."""
        path = self.root / ENTRIES_DIR / f"{entry_id}.toml"
        return path.is_symlink() or path.exists()

    def ever_held(self, entry_id: str) -> bool:
        """Whether the entry is on disk, or any commit of HEAD's history touched it."""
        if self.on_disk(entry_id):
            return True
        if self.head() is None:
            return False
        found = self.repo.git.log("-1", "--format=%H", "HEAD", "--", self.entry_path(entry_id))
        return bool(found.strip())

    def register_paths(self) -> list[str]:
        """Pathspecs of the register's files (everything when it is the whole repo)."""
        if not self.prefix:
            return []
        return [f"{self.prefix}{REGISTRY_FILE}", f"{self.prefix}{ENTRIES_DIR}/"]

    # -- revisions -----------------------------------------------------------------

    def head(self) -> str | None:
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None

    def first_parents(self) -> list[tuple[str, date]]:
        """HEAD and its first parents, newest first, with their commit days."""
        if self._first_parents is None:
            if self.head() is None:
                self._first_parents = []
            else:
                out = self.repo.git.log("--first-parent", "--format=%H %cI", "HEAD")
                self._first_parents = [
                    (sha, commit_day(iso))
                    for sha, iso in (line.split(" ", 1) for line in out.splitlines() if line)
                ]
        return self._first_parents

    def at_date(self, day: date) -> Revision:
        """The last commit on or before ``day``, or the empty register."""
        for sha, committed in self.first_parents():
            if committed <= day:
                return Revision(day.isoformat(), sha, day=day)
        return Revision(day.isoformat(), None, day=day)

    def commit_of(self, spec: str) -> str:
        """The full sha of a git revision; RevisionError when there is none."""
        try:
            out = self.repo.git.rev_parse(
                "--verify", "--quiet", "--end-of-options", spec + "^{commit}"
            )
        except git.GitCommandError:
            out = ""
        if not out.strip():
            raise RevisionError(f"リビジョン「{spec}」が見つかりません")
        return str(out).strip()

    def resolve(self, spec: str) -> Revision:
        """A date (ISO or 和暦) or a git revision."""
        try:
            day = parse_date(spec)
        except WarekiError as error:
            try:
                sha = self.commit_of(spec)
            except RevisionError:
                raise RevisionError(
                    f"「{spec}」は日付としてもリビジョンとしても読めません（{error}）"
                ) from None
            return Revision(sha, sha)
        return self.at_date(day)

    def parent_of(self, revision: Revision) -> Revision:
        """The first parent of a revision's commit (the empty register for a root)."""
        if revision.commit is None:
            return Revision(EMPTY, None)
        out = self.repo.git.rev_list("--parents", "-n", "1", revision.commit).split()
        return Revision(out[1], out[1]) if len(out) > 1 else Revision(EMPTY, None)

    def head_revision(self) -> Revision:
        sha = self.head()
        return Revision(sha, sha) if sha else Revision(EMPTY, None)

    def working_tree(self) -> Revision:
        return Revision(WORKING_TREE, None, working_tree=True)

    # -- contents ------------------------------------------------------------------

    def snapshot(self, revision: Revision) -> Snapshot:
        """The entry files of a revision (blob ids; bytes too for the working tree)."""
        if revision.working_tree:
            return self._disk_snapshot()
        if revision.commit is None:
            return Snapshot()
        items = self.reader.subtree(revision.commit, self.prefix)
        if items is None:
            return Snapshot()
        config = next((i.sha for i in items if i.name == REGISTRY_FILE and not i.is_tree), None)
        folder = next((i for i in items if i.name == ENTRIES_DIR and i.is_tree), None)
        entries: dict[str, str] = {}
        if folder is not None:
            for item in self.reader.tree(folder.sha):
                if not item.is_tree and item.name.endswith(".toml"):
                    entries[item.name.removesuffix(".toml")] = item.sha
        return Snapshot(entries, config)

    def _disk_snapshot(self) -> Snapshot:
        """The files on disk; a symbolic link or a huge file is read as :data:`REFUSED`."""
        snapshot = Snapshot()
        folder = self.root / ENTRIES_DIR
        if folder.is_symlink():
            raise RegisterError(
                f"{ENTRIES_DIR}/ フォルダがシンボリックリンクです"
                "（登録簿の外を指すかもしれないため、読みません）"
            )
        try:
            with os.scandir(folder) as scan:
                names = [
                    i.name
                    for i in scan
                    if i.name.endswith(".toml") and (i.is_symlink() or i.is_file())
                ]
        except (FileNotFoundError, NotADirectoryError):
            names = []
        for name in sorted(names):
            data = _read_limited(folder / name)
            entry_id = name.removesuffix(".toml")
            snapshot.entries[entry_id] = blob_sha(data)
            snapshot.on_disk[entry_id] = data
        config = self.root / REGISTRY_FILE
        if config.is_symlink() or config.is_file():
            data = _read_limited(config)
            snapshot.config = blob_sha(data)
            snapshot.on_disk[REGISTRY_FILE] = data
        return snapshot

    def contents(self, snapshot: Snapshot, entry_ids: list[str]) -> dict[str, bytes]:
        """The bytes of some entries of a snapshot, read in one batch."""
        found = {i: snapshot.on_disk[i] for i in entry_ids if i in snapshot.on_disk}
        missing = [i for i in entry_ids if i not in found and i in snapshot.entries]
        blobs = self.reader.read(snapshot.entries[i] for i in missing)
        for entry_id in missing:
            data = blobs.get(snapshot.entries[entry_id])
            if data is not None:
                found[entry_id] = data
        return found

    def config_bytes(self, snapshot: Snapshot) -> bytes | None:
        if REGISTRY_FILE in snapshot.on_disk:
            return snapshot.on_disk[REGISTRY_FILE]
        if snapshot.config is None:
            return None
        return self.reader.one(snapshot.config)
