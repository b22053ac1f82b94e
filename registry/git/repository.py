"""The register's git repository: open or create it, identity, objects, refs.

Reading goes through one ``git cat-file --batch`` process per reader (every
object asked for at once, pipelined), never a process per file or per commit.
Commits are built from objects written straight into the object store (blob,
trees, commit) and published with one compare-and-swap ``git update-ref``, so
a filing commits exactly one path whatever else the index holds.

Written by hand, not by ``git commit`` (nor GitPython's index, nor ``git
commit-tree``): no git process per object, nothing taken from the index, and
one step that publishes the filing, after its journal is on disk, only if HEAD
has not moved meanwhile (the compare-and-swap that makes a filing atomic and
lets a crash be finished or forgotten). What ``git commit`` would add is
therefore skipped, silently:

- hooks: ``pre-commit``, ``commit-msg``, ``post-commit`` do not run (a shared
  remote's ``pre-receive`` hook still judges the push, see :mod:`todokede.registry.access.hook`);
- ``commit.gpgSign``: the commit is not signed;
- ``core.sharedRepository``: new object files and folders get this process's
  umask (files read-only, as git's), not the group permissions git would set.

Objects of a filing are fsynced (file and folder) before the ref that names
them is published, so a power cut cannot leave HEAD pointing at an object that
never reached the disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Final, NamedTuple

import git

from todokede.registry.files.crashpoints import crash_point
from todokede.registry.files.pending import interrupted_sync_operation, operation_at
from todokede.registry.git.gitfailure import disk_full_message, no_space
from todokede.registry.schema.errors import FilingRefused, RegisterError

TREE_MODE: Final = 0o040000
BLOB_MODE: Final = 0o100644
ZERO_SHA: Final = "0" * 40


def open_repo(root: Path) -> git.Repo:
    """The git repository holding the register (it may be a parent folder)."""
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RegisterError(
            f"git リポジトリではありません: {root}（todokede init で作成できます）"
        ) from None


def ensure_repo(root: Path) -> git.Repo:
    """The repository holding ``root``, created there when there is none."""
    try:
        return open_repo(root)
    except RegisterError:
        return git.Repo.init(root)


#: Why a commit other than a filing (the new register's first) was not made; a
#: filing refuses as FilingRefused (``no-identity``), worded by each front end.
NO_IDENTITY: Final = (
    "git の利用者が設定されていません（git config user.name と user.email を設定してください）"
)


def _clean_actor(name: str, email: str) -> git.Actor:
    if any(c in name + email for c in "<>\n\r\0"):
        raise RegisterError(f"git の利用者の氏名・メールに使えない文字があります: {name} <{email}>")
    return git.Actor(name.strip(), email.strip())


def parse_author(author: str) -> git.Actor:
    """``"氏名 <mail>"`` as an actor; FilingRefused (``author-malformed``) for any other form."""
    text = author.strip()
    name, sep, rest = text.partition("<")
    email = rest.removesuffix(">")
    if not sep or not rest.endswith(">") or not name.strip() or not email.strip():
        raise FilingRefused("author-malformed", author=author)
    return _clean_actor(name, email)


def _configured(repo: git.Repo, role: str) -> git.Actor | None:
    """GIT_<ROLE>_NAME/EMAIL, else ``user.name``/``user.email`` of git's config."""
    reader = repo.config_reader()
    name = os.environ.get(f"GIT_{role}_NAME") or reader.get_value("user", "name", default="")
    email = os.environ.get(f"GIT_{role}_EMAIL") or reader.get_value("user", "email", default="")
    if not str(name).strip() or not str(email).strip():
        return None
    return _clean_actor(str(name), str(email))


def identity(repo: git.Repo, author: str | None = None) -> git.Actor:
    """Who commits: ``--author "Name <mail>"``, else git's environment or config.

    Never falls back to ``user@hostname`` as GitPython would: no identity is a refusal.
    """
    if author:
        return parse_author(author)
    actor = _configured(repo, "AUTHOR")
    if actor is None:
        raise RegisterError(NO_IDENTITY)
    return actor


def identities(repo: git.Repo, author: str | None = None) -> tuple[git.Actor, git.Actor]:
    """Author and committer of a filing; the committer falls back to the author given.

    FilingRefused (``no-identity``) when git has no identity and none is given.
    """
    configured_author = _configured(repo, "AUTHOR")
    chosen = parse_author(author) if author else configured_author
    if chosen is None:
        raise FilingRefused("no-identity")
    committer = _configured(repo, "COMMITTER") or configured_author or chosen
    return chosen, committer


def commit_paths(
    repo: git.Repo, paths: list[Path], message: str, author: str | None = None
) -> git.Commit:
    """Stage ``paths`` and commit them as one commit by the register's identity."""
    actor = identity(repo, author)
    work_tree = Path(repo.working_tree_dir or ".").resolve()
    rel = [str(Path(p).resolve().relative_to(work_tree)) for p in paths]
    repo.index.add(rel)
    return repo.index.commit(message, author=actor, committer=actor)


# -- where the register sits ---------------------------------------------------------


def work_tree(repo: git.Repo) -> Path:
    if repo.working_tree_dir is None:
        raise RegisterError("作業フォルダのない git リポジトリ（bare）では使えません")
    return Path(repo.working_tree_dir).resolve()


def register_prefix(repo: git.Repo, root: Path) -> str:
    """The register's folder inside the work tree: ``""`` or ``"sub/dir/"``."""
    rel = root.resolve().relative_to(work_tree(repo)).as_posix()
    return "" if rel == "." else f"{rel}/"


def operation_in_progress(repo: git.Repo) -> str | None:
    """A merge, rebase, cherry-pick or revert left half done, in Japanese."""
    operation = operation_at(Path(repo.git_dir))
    return operation[1] if operation else None


def refuse_in_progress(repo: git.Repo) -> None:
    if operation := operation_at(Path(repo.git_dir)):
        _, label, abort = operation
        if interrupted_sync_operation(Path(repo.git_dir)):
            raise RegisterError(
                f"中断した同期の git の{label}が途中のままです。todokede sync を実行すると"
                "取り消して同期し直します（手元の届出はそのまま残っています）"
            )
        raise RegisterError(
            f"git の{label}の途中です。終えるか中止（git {abort}）してから実行してください"
        )


def head_sha(repo: git.Repo) -> str | None:
    """HEAD's commit, or None on a branch without commits yet."""
    try:
        return repo.head.commit.hexsha
    except ValueError:
        return None


# -- reading objects in bulk ---------------------------------------------------------


@dataclass(frozen=True)
class TreeItem:
    mode: int
    name: str
    sha: str

    @property
    def is_tree(self) -> bool:
        return self.mode == TREE_MODE


def parse_tree(data: bytes) -> list[TreeItem]:
    """The items of a raw tree object: ``mode SP name NUL sha20`` repeated."""
    items: list[TreeItem] = []
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode = int(data[pos:space], 8)
        name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
        items.append(TreeItem(mode, name, data[nul + 1 : nul + 21].hex()))
        pos = nul + 21
    return items


def parse_commit_tree(data: bytes) -> str:
    """The tree sha of a raw commit object."""
    first = data.split(b"\n", 1)[0]
    if not first.startswith(b"tree "):
        raise RegisterError("git のコミットを読めません")
    return first[5:].decode("ascii")


class ObjectInfo(NamedTuple):
    """What ``cat-file --batch-check`` says of an object: its id, type and size."""

    sha: str
    kind: str
    size: int


class ObjectReader:
    """One ``git cat-file --batch`` process; :meth:`read` asks for many objects at once."""

    def __init__(self, repo: git.Repo | Path) -> None:
        # A path is a git directory as a hook sees it; the environment passes on, so
        # the objects of a push still in quarantine (GIT_OBJECT_DIRECTORY) are read.
        git_dir = str(repo.resolve()) if isinstance(repo, Path) else repo.git_dir
        self._process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=git_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "GIT_DIR": git_dir},
        )
        self._git_dir = git_dir
        self._checker: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for process in (self._process, self._checker):
            if process is None:
                continue
            if process.stdin:
                process.stdin.close()
            if process.stdout:
                process.stdout.close()
            process.wait()

    def info(self, names: Iterable[str]) -> dict[str, ObjectInfo]:
        """The id, type and size of each object (``sha`` or ``rev:path``), without reading it.

        Missing objects are left out. A second, ``--batch-check`` process is
        started on first use, so a caller can refuse an object by its size.
        """
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        if self._checker is None:
            self._checker = subprocess.Popen(
                ["git", "cat-file", "--batch-check"],
                cwd=self._git_dir,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "GIT_DIR": self._git_dir},
            )
        stdin, stdout = self._checker.stdin, self._checker.stdout
        assert stdin is not None and stdout is not None
        request = "".join(f"{name}\n" for name in wanted).encode("utf-8", "surrogateescape")

        def write() -> None:
            stdin.write(request)
            stdin.flush()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        found: dict[str, ObjectInfo] = {}
        for name in wanted:
            header = stdout.readline().split()
            if len(header) == 3 and header[2].isdigit():
                sha, kind = header[0].decode("ascii"), header[1].decode("ascii")
                found[name] = ObjectInfo(sha, kind, int(header[2]))
        writer.join()
        return found

    def read_small(self, names: Iterable[str], limit: int) -> tuple[dict[str, bytes], set[str]]:
        """Objects of at most ``limit`` bytes, and the names of those left unread as larger.

        An oversized object is refused by its size: it is never read into memory.
        """
        sizes = self.info(names)
        large = {name for name, info in sizes.items() if info.size > limit}
        return self.read(name for name in sizes if name not in large), large

    def read(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of each object; missing objects are left out."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        request = "".join(f"{sha}\n" for sha in wanted).encode("ascii")

        def write() -> None:
            stdin.write(request)
            stdin.flush()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        found: dict[str, bytes] = {}
        for sha in wanted:
            header = stdout.readline().split()
            if len(header) != 3:  # "<sha> missing" or "<name> ambiguous"
                continue
            size = int(header[2])
            found[sha] = stdout.read(size)
            stdout.read(1)  # the newline after each object
        writer.join()
        return found

    def one(self, sha: str) -> bytes | None:
        return self.read([sha]).get(sha)

    def tree(self, sha: str) -> list[TreeItem]:
        data = self.one(sha)
        return parse_tree(data) if data is not None else []

    def subtree(self, commit: str, folder: str) -> list[TreeItem] | None:
        """The items of ``folder`` (``"a/b"``, ``""`` for the root) at a commit."""
        data = self.one(commit)
        if data is None:
            raise RegisterError(f"コミット {commit} を読めません")
        items = self.tree(parse_commit_tree(data))
        for part in [p for p in folder.split("/") if p]:
            found = next((i for i in items if i.name == part and i.is_tree), None)
            if found is None:
                return None
            items = self.tree(found.sha)
        return items


def blob_sha(data: bytes) -> str:
    """The id git gives a file's content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


# -- writing objects -----------------------------------------------------------------


def write_object(repo: git.Repo, kind: str, data: bytes, durable: bool = True) -> str:
    """Store a loose object (as git does: zlib, temp file, rename); its sha.

    ``durable``: the file is fsynced before its rename and its folder after, so
    the object is on disk before any ref can name it (a throwaway repository
    being built, as the demo's, need not pay for it).
    """
    raw = f"{kind} {len(data)}\0".encode("ascii") + data
    sha = hashlib.sha1(raw).hexdigest()
    folder = Path(repo.common_dir) / "objects" / sha[:2]
    path = folder / sha[2:]
    if path.exists():
        return sha
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f"tmp_obj_{os.getpid()}_{threading.get_ident()}_{sha[2:]}"
    with temp.open("wb") as handle:
        handle.write(zlib.compress(raw, 1))
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
    temp.chmod(0o444)
    crash_point("object:written")
    temp.replace(path)
    if durable:
        _fsync_folder(folder)
    return sha


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tree_key(item: TreeItem) -> bytes:
    name = item.name.encode("utf-8", "surrogateescape")
    return name + b"/" if item.is_tree else name


def write_tree(repo: git.Repo, items: Iterable[TreeItem], durable: bool = True) -> str:
    data = b"".join(
        b"%o %s\0%s"
        % (item.mode, item.name.encode("utf-8", "surrogateescape"), bytes.fromhex(item.sha))
        for item in sorted(items, key=_tree_key)
    )
    return write_object(repo, "tree", data, durable)


def replace_path(
    repo: git.Repo, reader: ObjectReader, tree: str | None, path: str, blob: str
) -> str:
    """A new tree: ``tree`` (None for empty) with the file at ``path`` set to ``blob``."""
    head, _, rest = path.partition("/")
    items = reader.tree(tree) if tree else []
    kept = [item for item in items if item.name != head]
    if rest:
        current = next((i for i in items if i.name == head and i.is_tree), None)
        sub = replace_path(repo, reader, current.sha if current else None, rest, blob)
        kept.append(TreeItem(TREE_MODE, head, sub))
    else:
        kept.append(TreeItem(BLOB_MODE, head, blob))
    return write_tree(repo, kept)


_RAW_DATE: Final = re.compile(r"@?(\d+)(?: ([+-])(\d\d)(\d\d))?")


def parse_git_date(text: str, origin: str = "日時") -> tuple[int, int]:
    """Seconds since the epoch and minutes east of UTC of a date as git takes it.

    Git's own forms (``1458604800 +0900``, ``@1458604800``), ISO 8601 (a date
    without a timezone is local time) and RFC 2822.
    """
    text = text.strip()
    if raw := _RAW_DATE.fullmatch(text):
        seconds, sign, hours, minutes = raw.groups()
        east = int(hours or 0) * 60 + int(minutes or 0)
        return int(seconds), -east if sign == "-" else east
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise RegisterError(f"{origin} の日時を読めません: {text}") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    offset = moment.utcoffset()
    return int(moment.timestamp()), int(offset.total_seconds()) // 60 if offset else 0


@dataclass(frozen=True)
class Signature:
    """Who and when, as a commit writes it: ``Name <mail> 1458604800 +0900``."""

    name: str
    email: str
    when: int
    offset_minutes: int  # east of UTC

    @classmethod
    def now(cls, actor: git.Actor, env_var: str | None = None) -> Signature:
        """Now in the local timezone, or the date of ``GIT_AUTHOR_DATE``-like variables."""
        if env_var and (given := os.environ.get(env_var)):
            seconds, minutes = parse_git_date(given, env_var)
            return cls(str(actor.name), str(actor.email), seconds, minutes)
        moment = datetime.now().astimezone()
        offset = moment.utcoffset()
        minutes = int(offset.total_seconds()) // 60 if offset else 0
        return cls(str(actor.name), str(actor.email), int(time.time()), minutes)

    def encode(self) -> bytes:
        sign = "+" if self.offset_minutes >= 0 else "-"
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        return f"{self.name} <{self.email}> {self.when} {sign}{hours:02d}{minutes:02d}".encode()


def write_commit(
    repo: git.Repo,
    tree: str,
    parents: Sequence[str],
    author: Signature,
    committer: Signature,
    message: str,
    durable: bool = True,
) -> str:
    """A commit object (see the module's note on what ``git commit`` would add)."""
    lines = [b"tree " + tree.encode("ascii")]
    lines += [b"parent " + parent.encode("ascii") for parent in parents]
    lines += [b"author " + author.encode(), b"committer " + committer.encode()]
    body = message if message.endswith("\n") else message + "\n"
    commit = b"\n".join(lines) + b"\n\n" + body.encode("utf-8")
    return write_object(repo, "commit", commit, durable)


def move_head(repo: git.Repo, new: str, old: str | None, reason: str) -> None:
    """Point HEAD's branch at ``new`` only if it still is ``old`` (None: no commit yet)."""
    try:
        repo.git.update_ref("-m", reason, "HEAD", new, old or ZERO_SHA)
    except git.GitCommandError as error:
        said = str(error.stderr)
        if no_space(said, Path(repo.common_dir)):  # git may not say why a write failed
            raise RegisterError(
                disk_full_message(work_tree(repo), "何もコミットしていません")
            ) from None
        detail = said.strip().splitlines()
        raise RegisterError(
            "コミットできませんでした（他の操作と重なった可能性があります）: "
            + (detail[-1].removeprefix("stderr: ").strip("' ") if detail else "")
        ) from None
