"""A push judged by ``[access]``: what each ref update changes on that ref.

The pre-receive hook (:mod:`todokede.registry.access.hook`) hands every ``old new ref`` line of
a push to :func:`check_push`. A ref update is judged on the ref itself, never on
which objects happen to be new to the repository:

* the tables are the one on the ref before the push and the default branch's
  (a new ref: the default branch's alone), and both must allow the change; only
  an empty repository takes the pushed table, and then only from a secretariat
  user (no push grants its own rights);
* objects are read as stored (``GIT_NO_REPLACE_OBJECTS``), ``refs/replace/`` is
  refused, and a department may move only ``refs/heads/`` and ``refs/tags/``;
* for a department user, the tree of the old tip (a new ref: the default
  branch's tip) against the tree of the new tip, and every commit that becomes
  reachable from the ref against **each** of its parents, touch only entries of
  that user's departments (``entries/<valid id>.toml``). A merge may differ from
  a parent where it keeps what the ref already held, or where it holds its other
  parent's version of a path that side's base never changed
  (``docs/architecture.md`` explains why that grants nothing);
* the new tip is a commit; the root and ``entries/`` trees of every such commit
  are well formed (:mod:`todokede.registry.access.treecheck`); entry blobs over the size limit
  are refused by their size, unread;
* deleting a ref or rewriting its history is the secretariat's; no branch may be
  left without a readable table with a secretariat.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from todokede.registry.access.commits import (
    Blobs,
    RawChange,
    diff_pairs,
    entry_blobs,
    git_output,
    path_change,
)
from todokede.registry.access.table import (
    SECRETARIAT,
    AccessError,
    AccessTable,
    Finding,
    PathChange,
    judge_change,
    table_of_config,
)
from todokede.registry.access.treecheck import HASH_BYTES, parse_raw_tree, tree_problems
from todokede.registry.git.repository import ObjectReader
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.limits import ENTRIES_DIR, MAX_FILE_BYTES, REGISTRY_FILE
from todokede.registry.views.display import visible

#: Lines of findings shown to the pusher; the rest are counted.
SHOWN: Final = 20
#: A tree larger than this is refused unread (a register of 50,000 entries needs ~3 MiB).
MAX_TREE_BYTES: Final = 8 * 1024 * 1024
#: A commit object larger than this (its message, mostly) is refused unread.
MAX_COMMIT_BYTES: Final = 1024 * 1024
#: Git's switch that makes it read objects as stored, ignoring ``refs/replace/``.
NO_REPLACE: Final = "GIT_NO_REPLACE_OBJECTS"


def is_zero(sha: str) -> bool:
    """Git's null id in either object format (40 or 64 zeros)."""
    return bool(sha) and set(sha) == {"0"}


@dataclass(frozen=True)
class RefUpdate:
    """One line of the hook's input: ``old new ref``."""

    old: str
    new: str
    ref: str

    @property
    def deletes(self) -> bool:
        return is_zero(self.new)

    @property
    def creates(self) -> bool:
        return is_zero(self.old)


def parse_updates(text: str) -> list[RefUpdate]:
    updates = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            updates.append(RefUpdate(*parts))
    return updates


@dataclass
class Verdict:
    """What the hook says: refusals (the push fails) and warnings (it goes through)."""

    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def accepted(self) -> bool:
        return not self.refusals

    def lines(self) -> list[str]:
        shown = self.refusals[:SHOWN]
        if len(self.refusals) > SHOWN:
            shown.append(f"ほか {len(self.refusals) - SHOWN}件")
        if self.refusals:
            shown.insert(0, "todokede: 登録簿の権限により送信を受け付けませんでした")
        return [*shown, *(f"todokede: 警告: {w}" for w in self.warnings)]


@dataclass(frozen=True)
class Repository:
    """What the hook knows of the bare repository before the push."""

    git_dir: Path
    hash_bytes: int
    default_ref: str
    default_tip: str | None
    empty: bool

    @classmethod
    def read(cls, git_dir: Path) -> Repository:
        fmt = _git_text(git_dir, "rev-parse", "--show-object-format") or "sha1"
        if fmt not in HASH_BYTES:
            raise RegisterError(f"未対応のオブジェクト形式です: {fmt}")
        default_ref = _git_text(git_dir, "symbolic-ref", "-q", "HEAD") or "HEAD"
        tip = _git_text(git_dir, "rev-parse", "--verify", "-q", f"{default_ref}^{{commit}}")
        refs = git_output(git_dir, "for-each-ref", "--count=1", "--format=%(refname)")
        return cls(git_dir, HASH_BYTES[fmt], default_ref, tip or None, not refs.strip())


def _git_text(git_dir: Path, *args: str) -> str:
    try:
        return git_output(git_dir, *args).decode("utf-8", "replace").strip()
    except RegisterError:
        return ""


def _is_ancestor(git_dir: Path, old: str, new: str) -> bool:
    result = subprocess.run(
        ["git", "merge-base", "--is-ancestor", old, new],
        cwd=git_dir,
        env={**os.environ, "GIT_DIR": str(git_dir)},
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _table_at(reader: ObjectReader, commit: str) -> AccessTable | None:
    """The ``[access]`` table of a commit's ``registry.toml``, refused unread when too large."""
    name = f"{commit}:{REGISTRY_FILE}"
    found, large = reader.read_small([name], MAX_FILE_BYTES)
    if large:
        raise AccessError(f"{REGISTRY_FILE} が大きすぎて読めません")
    return table_of_config(found.get(name))


def check_push(
    git_dir: Path,
    updates: Sequence[RefUpdate],
    user: str | None,
    identity_var: str = "REMOTE_USER",
    allow_unconfigured: bool = False,
) -> Verdict:
    """Judge a push: every ref update, on its own ref, with the tables from before the push."""
    verdict = Verdict()
    if not user:
        verdict.refusals.append(
            f"送信者を特定できません（サーバーの環境変数 {identity_var} がありません）。"
            "サーバーの認証の設定を確かめてください"
        )
        return verdict
    with _no_replace_objects():
        repository = Repository.read(git_dir)
        with ObjectReader(git_dir) as reader:
            for update in updates:
                judge = _UpdateJudge(repository, reader, update, user, verdict)
                judge.run(allow_unconfigured)
    return verdict


@contextmanager
def _no_replace_objects() -> Iterator[None]:
    """Every git the hook runs reads objects as they are, never through ``refs/replace``.

    A replace ref would make the hook judge a harmless commit in place of the
    one a ref really moves to.
    """
    before = os.environ.get(NO_REPLACE)
    os.environ[NO_REPLACE] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(NO_REPLACE, None)
        else:
            os.environ[NO_REPLACE] = before


@dataclass(frozen=True)
class Tables:
    """The ``[access]`` tables that all apply: the ref's own and the default branch's.

    A right revoked on the default branch is revoked on every ref, and a side
    ref's older table grants nothing the register's branch does not.
    """

    tables: tuple[AccessTable, ...]

    def is_secretariat(self, who: Sequence[str]) -> bool:
        return all(table.is_secretariat(who) for table in self.tables)

    def judge(self, who: Sequence[str], commit: str, change: PathChange) -> list[Finding]:
        found = [f for table in self.tables for f in judge_change(table, who, commit, change)]
        return list(dict.fromkeys(found))


@dataclass
class _UpdateJudge:
    """The rules for one ref update; findings go into the push's verdict."""

    repository: Repository
    reader: ObjectReader
    update: RefUpdate
    user: str
    verdict: Verdict

    def refuse(self, reason: str) -> None:
        self.verdict.refusals.append(f"{visible(self.update.ref)}: {reason}")

    @property
    def signed(self) -> str:
        return f"（利用者: {visible(self.user)}）"

    def run(self, allow_unconfigured: bool) -> None:
        update, repository = self.update, self.repository
        base = repository.default_tip if update.creates else update.old
        if base is None and not repository.empty:
            self.refuse(
                f"共有先の既定のブランチ（{visible(repository.default_ref)}）がないため、"
                "新しい参照の権限を確かめられません。総務担当が共有先で git symbolic-ref HEAD "
                f"refs/heads/<登録簿のブランチ> を実行してください{self.signed}"
            )
            return
        if self._namespace_refused():
            return
        try:
            sources = dict.fromkeys(c for c in (base or update.new, repository.default_tip) if c)
            found = [_table_at(self.reader, commit) for commit in sources]
        except AccessError as error:
            self.refuse(f"権限を確かめられません: {error}")
            return
        tables = Tables(tuple(t for t in found if t is not None))
        if not tables.tables:
            self._unconfigured(allow_unconfigured, base)
            return
        who = (self.user,)
        secretariat = tables.is_secretariat(who)
        if base is None and not secretariat:
            self.refuse(
                f"空の共有先への最初の送信は [access] の {SECRETARIAT} の利用者だけができます"
                f"{self.signed}"
            )
            return
        if update.deletes:
            if not secretariat:
                self.verdict.refusals.append(
                    f"{visible(update.ref)} の削除は [access] の {SECRETARIAT} の利用者だけが"
                    f"できます{self.signed}"
                )
            return
        if secretariat:
            self._lockout()
            return
        if self.update.ref.split("/")[:2] not in (["refs", "heads"], ["refs", "tags"]):
            self.refuse(
                f"refs/heads/ と refs/tags/ 以外の参照を変更できるのは {SECRETARIAT} の"
                f"利用者だけです{self.signed}"
            )
            return
        if self._object_type() != "commit":
            self.refuse(
                f"コミット以外のオブジェクト（{self._object_type() or '不明'}）を送れるのは "
                f"{SECRETARIAT} の利用者だけです{self.signed}"
            )
            return
        assert base is not None
        if not update.creates and not _is_ancestor(repository.git_dir, update.old, update.new):
            self.refuse(
                f"共有先の履歴を書き換える送信（強制プッシュ）は {SECRETARIAT} の利用者"
                f"だけができます{self.signed}。todokede sync で取り込んでから送ってください"
            )
            return
        self._judge_changes(tables, base)

    def _namespace_refused(self) -> bool:
        """``refs/replace/`` is refused to everyone: it changes what every reader sees."""
        if not self.update.ref.startswith("refs/replace/") or self.update.deletes:
            return False  # deleting one is the secretariat's, as any deletion
        self.refuse(
            "refs/replace/ の参照は受け付けません（オブジェクトの置き換えは、登録簿の内容を"
            f"読む人ごとに違って見せるため）{self.signed}"
        )
        return True

    def _unconfigured(self, allow_unconfigured: bool, base: str | None) -> None:
        if allow_unconfigured and (nested := self._nested_register(base)):
            self.refuse(
                f"登録簿が共有先の最上位ではなく {visible(nested)} にあるため、権限を確かめ"
                f"られません。登録簿は共有先の最上位に置いてください{self.signed}"
            )
            return
        if allow_unconfigured:
            self.verdict.warnings.append(
                f"{REGISTRY_FILE} に [access] がないため、権限を確かめずに受け付けました"
                f"（{visible(self.update.ref)}）"
            )
            return
        self.refuse(
            f"{REGISTRY_FILE} に [access] がないため、権限が設定されていません。"
            f"総務担当が [access] を設定するまで送信は受け付けません{self.signed}"
        )

    def _nested_register(self, base: str | None) -> str | None:
        """A ``registry.toml`` below the top of the tree (the hook reads only the top's)."""
        out = git_output(
            self.repository.git_dir, "ls-tree", "-r", "-z", "--name-only", base or self.update.new
        )
        names = out.decode("utf-8", "surrogateescape").split("\0")
        return next((n for n in names if n.endswith(f"/{REGISTRY_FILE}")), None)

    def _object_type(self) -> str:
        info = self.reader.info([self.update.new]).get(self.update.new)
        return info.kind if info else ""

    def _lockout(self) -> None:
        """Refuse a branch left without a readable table with a secretariat.

        The hook fails closed on a table it cannot read, so such a push is
        refused rather than leaving even the secretariat unable to push the fix.
        """
        if not self.update.ref.startswith("refs/heads/"):
            return
        try:
            table = _table_at(self.reader, self.update.new)
        except AccessError as error:
            self.refuse(f"送信後の {error}。誰も送信できなくなるため受け付けません{self.signed}")
            return
        if table is None or not table.secretariat:
            self.refuse(
                f"送信後の {REGISTRY_FILE} に [access] の {SECRETARIAT} がありません。"
                f"誰も送信できなくなるため受け付けません{self.signed}"
            )

    def _judge_changes(self, tables: Tables, base: str) -> None:
        git_dir = self.repository.git_dir
        lines = git_output(
            git_dir, "rev-list", "--reverse", "--parents", self.update.new, "--not", base
        )
        parents = {
            sha: rest for sha, *rest in (line.split() for line in lines.decode().splitlines())
        }
        self.verdict.commits += len(parents)
        for commit, problem in self._tree_problems(list(parents)):
            self.verdict.refusals.append(f"コミット {commit[:7]}: {problem}{self.signed}")
        pairs: list[tuple[str, str | None]] = [(self.update.new, base)]
        for commit, commit_parents in parents.items():
            pairs += [(commit, parent) for parent in commit_parents] or [(commit, None)]
        blocks = diff_pairs(git_dir, pairs)
        blobs = Blobs.read(self.reader, entry_blobs([c for b in blocks for c in b]))
        held = _Held(self.repository, base)
        merges = _MergeSides(self.repository, self.reader, pairs[1:], blocks[1:])
        who = (self.user,)
        findings: list[Finding] = []
        for (commit, parent), changes in zip(pairs[1:], blocks[1:], strict=True):
            merge = len(parents.get(commit, ())) > 1
            for change in changes:
                found = tables.judge(who, commit, path_change(change, blobs))
                if found and held.keeps(change):
                    continue  # the commit leaves this path as the ref already had it
                if found and merge and parent and merges.takes_other_side(commit, parent, change):
                    continue  # a merge bringing the other side's change, judged on that side
                findings += [replace(f, parent=parent or "") if merge else f for f in found]
        # The ref's own change, old tip against new: named by the new tip, where no
        # commit above was already refused for that path.
        named = {f.path for f in findings}
        for change in blocks[0]:
            if change.path not in named:
                findings += tables.judge(who, self.update.new, path_change(change, blobs))
        texts = dict.fromkeys(f.text(self.user) for f in findings)
        self.verdict.refusals.extend(texts)

    def _tree_problems(self, commits: list[str]) -> Iterator[tuple[str, str]]:
        """Malformed root or ``entries/`` trees of the commits, with the commit named."""
        reader, hash_bytes = self.reader, self.repository.hash_bytes
        heads, large = reader.read_small(commits, MAX_COMMIT_BYTES)
        for commit in sorted(large):
            yield commit, "コミットが大きすぎるため受け付けません"
        roots = {c: _tree_of(heads[c]) for c in commits if c in heads}
        trees = _read_trees(reader, set(roots.values()))
        entries: dict[str, str] = {}
        for commit, root in roots.items():
            data = trees.get(root)
            if data is None:
                yield commit, "フォルダ（ツリー）を読めないか、大きすぎます"
                continue
            for problem in tree_problems(data, hash_bytes):
                yield commit, f"登録簿のフォルダの形式が不正です: {problem}"
            if not tree_problems(data, hash_bytes):
                sub = _subtree(data, hash_bytes, ENTRIES_DIR)
                if sub:
                    entries[commit] = sub
        sub_trees = _read_trees(reader, set(entries.values()))
        for commit, sha in entries.items():
            data = sub_trees.get(sha)
            if data is None:
                yield commit, f"{ENTRIES_DIR}/ を読めないか、大きすぎます"
                continue
            for problem in tree_problems(data, hash_bytes):
                yield commit, f"{ENTRIES_DIR}/ の形式が不正です: {problem}"


def _tree_of(commit: bytes) -> str:
    first = commit.split(b"\n", 1)[0]
    return first[5:].decode("ascii", "replace") if first.startswith(b"tree ") else ""


def _read_trees(reader: ObjectReader, shas: set[str]) -> dict[str, bytes]:
    found, _ = reader.read_small(sorted(s for s in shas if s), MAX_TREE_BYTES)
    return found


def _subtree(data: bytes, hash_bytes: int, name: str) -> str | None:
    wanted = name.encode("utf-8")
    for item in parse_raw_tree(data, hash_bytes):
        if item.name == wanted and item.is_tree:
            return item.sha
    return None


class _Held:
    """What the ref held before the push, path by path (``git ls-tree`` read once, lazily)."""

    def __init__(self, repository: Repository, base: str) -> None:
        self._repository = repository
        self._base = base
        self._items: dict[str, tuple[str, str]] | None = None

    def keeps(self, change: RawChange) -> bool:
        """Whether ``change`` leaves its path exactly as the old tip of the ref held it."""
        if self._items is None:
            out = git_output(
                self._repository.git_dir, "ls-tree", "-r", "-z", "--full-tree", self._base
            )
            self._items = {}
            for record in out.split(b"\0"):
                meta, tab, path = record.partition(b"\t")
                if tab:
                    mode, _, sha = meta.decode("ascii").split()
                    self._items[path.decode("utf-8", "surrogateescape")] = (mode, sha)
        mode, sha = change.after
        held = self._items.get(change.path)
        if mode == "000000":
            return held is None
        return held == (mode, sha)


class _MergeSides:
    """Whether a merge's difference from one parent is just the other side's change.

    A merge ``C`` of parents ``P`` and ``Q`` that holds ``Q``'s version of a path
    ``P``'s side never touched (``P`` holds what their merge base holds) differs
    from ``P`` there only by ``Q``'s change, which is judged where ``Q`` made it
    (``Q`` is on the ref already, or newly reachable and judged itself). Two
    merges of the shared branch before one push need this: the first merge holds
    another department's older version, which the branch no longer holds.
    """

    def __init__(
        self,
        repository: Repository,
        reader: ObjectReader,
        pairs: Sequence[tuple[str, str | None]],
        blocks: Sequence[list[RawChange]],
    ) -> None:
        self._repository = repository
        self._reader = reader
        self._changed: dict[str, dict[str, set[str]]] = {}
        for (commit, parent), changes in zip(pairs, blocks, strict=True):
            if parent:
                self._changed.setdefault(commit, {})[parent] = {c.path for c in changes}
        self._bases: dict[tuple[str, str], str | None] = {}

    def takes_other_side(self, commit: str, parent: str, change: RawChange) -> bool:
        before_sha = change.before[0][1] if change.before else ""
        for other, paths in self._changed.get(commit, {}).items():
            if other == parent or change.path in paths:
                continue  # ``commit`` differs from ``other`` here too: not ``other``'s version
            base = self._base(parent, other)
            if base is None:
                continue
            name = f"{base}:{change.path}"
            info = self._reader.info([name]).get(name)
            base_sha = info.sha if info else "0" * len(parent)
            if base_sha == before_sha or (is_zero(base_sha) and is_zero(before_sha)):
                return True
        return False

    def _base(self, one: str, other: str) -> str | None:
        key = (one, other)
        if key not in self._bases:
            out = _git_text(self._repository.git_dir, "merge-base", one, other)
            self._bases[key] = out.split()[0] if out else None
        return self._bases[key]
