"""Who may change what on the shared register: the ``[access]`` table and its rules.

``registry.toml`` names, per department, the server's users who may edit its
entries, and under ``secretariat`` those who may edit everything::

    [access]
    secretariat = ["soumu-yamada"]
    "課税課" = ["kazei-tanaka", "kazei-sato"]

The rules, for one changed path of a commit:

* an entry file (``entries/<id>.toml``): the user may edit the entry's
  department as it was before the change *and* as it is after (moving an entry
  between departments needs both; a new entry needs the new one, a deleted
  entry the old one). A version whose department cannot be read (not TOML, too
  large, a symbolic link, no ``department`` string) can be sent by the
  secretariat only: permissions cannot be judged on it, and a broken file is
  for ``check`` to report;
* ``registry.toml``: the secretariat only (it holds this very table);
* any other path: the secretariat only.

A department missing from the table is the secretariat's alone. Identities
match exactly, except that the domain of an email matches without regard to
the case of its ASCII letters. Everything here is pure: the git side is
:mod:`todokede.registry.access.commits`, the hook :mod:`todokede.registry.access.hook`, the audit
:mod:`todokede.registry.access.audit`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from todokede.registry.files.tomlread import without_bom
from todokede.registry.schema.limits import ENTRIES_DIR, ENTRY_ID, MAX_FILE_BYTES, REGISTRY_FILE
from todokede.registry.views.display import visible

SECRETARIAT: Final = "secretariat"

Rule = Literal["department", "unreadable", "oversized", "config", "other"]


class AccessError(ValueError):
    """An ``[access]`` table that is not department → list of user names."""


@dataclass(frozen=True)
class AccessTable:
    """Department (or ``secretariat``) → the identities that may edit it."""

    editors: Mapping[str, tuple[str, ...]]

    @property
    def secretariat(self) -> tuple[str, ...]:
        return self.editors.get(SECRETARIAT, ())

    def is_secretariat(self, who: Sequence[str]) -> bool:
        return _any_match(who, self.secretariat)

    def may_edit(self, who: Sequence[str], department: str) -> bool:
        """Whether one of ``who``'s identities edits ``department`` (or everything)."""
        return self.is_secretariat(who) or _any_match(who, self.editors.get(department, ()))


_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def same_identity(value: str, editor: str) -> bool:
    """Exact match; in an email only the domain's ASCII letters match without regard to case.

    Nothing else is folded: ``casefold()`` or ``lower()`` would let ``ſoumu``
    pass as ``soumu`` (and ß as ss, the Kelvin sign as K).
    """
    if value == editor:
        return True
    local, at, domain = value.rpartition("@")
    other_local, other_at, other_domain = editor.rpartition("@")
    if not at or not other_at or local != other_local:
        return False
    return domain.translate(_ASCII_LOWER) == other_domain.translate(_ASCII_LOWER)


def _any_match(who: Sequence[str], editors: Iterable[str]) -> bool:
    return any(same_identity(value, editor) for value in who if value for editor in editors)


def read_access(data: Mapping[str, Any]) -> AccessTable | None:
    """The ``[access]`` table of raw ``registry.toml`` data; None when there is none.

    Only its shape is checked here (the hook must enforce even when other parts
    of ``registry.toml`` are wrong); ``check`` validates it fully.
    """
    if "access" not in data:
        return None
    section = data["access"]
    if not isinstance(section, Mapping):
        raise AccessError("registry.toml の access は表（[access]）で書いてください")
    editors: dict[str, tuple[str, ...]] = {}
    for key, value in section.items():
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise AccessError(f"[access] の「{visible(str(key))}」は利用者名の配列で書いてください")
        editors[str(key)] = tuple(value)
    return AccessTable(editors)


def table_of_config(raw: bytes | None) -> AccessTable | None:
    """The access table of a ``registry.toml`` file's bytes (None: no file or no table).

    AccessError when the file cannot be read or its table is malformed.
    """
    if raw is None:
        return None
    if len(raw) > MAX_FILE_BYTES:
        raise AccessError("registry.toml が大きすぎて読めません")
    try:
        data = tomllib.loads(without_bom(raw.decode("utf-8")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        raise AccessError("registry.toml を TOML として読めません") from None
    return read_access(data)


# -- what a commit changed -------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """An entry file as a commit holds it: its department (None: unreadable) and name."""

    department: str | None
    name: str = ""
    oversized: bool = False


UNREADABLE: Final = Version(None)
#: An entry blob over :data:`MAX_FILE_BYTES`, refused by its size without being read.
OVERSIZED: Final = Version(None, oversized=True)


def read_version(raw: bytes) -> Version:
    """The department and name of an entry file's bytes; :data:`UNREADABLE` if unsure.

    Always a full TOML parse: a quick scan for ``department = "..."`` could be
    fooled by a line inside a multi-line string.
    """
    if len(raw) > MAX_FILE_BYTES:
        return UNREADABLE
    try:
        data = tomllib.loads(without_bom(raw.decode("utf-8")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return UNREADABLE
    department, name = data.get("department"), data.get("name")
    if not isinstance(department, str):
        return UNREADABLE
    return Version(department, name if isinstance(name, str) else "")


@dataclass(frozen=True)
class PathChange:
    """One path a commit changed, relative to the register's folder.

    ``before`` holds one version per parent (None: the path was absent there);
    ``after`` is None when the commit removed the path. Versions are read for
    entry files only.
    """

    path: str
    before: tuple[Version | None, ...] = ()
    after: Version | None = None

    @property
    def entry(self) -> str | None:
        """The entry id when the path is an entry file (``entries/<id>.toml``, a valid id).

        Any other name under ``entries/`` (``KENKO.toml``, a lookalike letter) is
        another file, the secretariat's: on a case-insensitive client it could
        overwrite a real entry.
        """
        head, _, rest = self.path.partition("/")
        stem = rest.removesuffix(".toml")
        if head == ENTRIES_DIR and rest.endswith(".toml") and ENTRY_ID.fullmatch(stem):
            return stem
        return None

    @property
    def versions(self) -> list[Version]:
        return [v for v in (*self.before, self.after) if v is not None]

    @property
    def name(self) -> str:
        return next((v.name for v in reversed(self.versions) if v.name), "")


@dataclass(frozen=True)
class CommitChanges:
    """A commit, its author (for the audit) and the paths it changed."""

    commit: str
    changes: tuple[PathChange, ...]
    author_name: str = ""
    author_email: str = ""
    date: str = ""


@dataclass(frozen=True)
class Finding:
    """A change the user may not make: where, which rule, and the department at stake."""

    commit: str
    path: str
    rule: Rule
    entry: str | None = None
    name: str = ""
    department: str | None = None
    #: For a merge: the parent the change was read against (a merge is judged against each).
    parent: str = ""

    def reason(self, user: str) -> str:
        """The broken rule in Japanese, naming the user (``利用者: …``)."""
        who = f"利用者: {visible(user)}"
        if self.rule == "department":
            department = visible(self.department or "")
            return (
                f"{department}の業務を編集する権限がありません（{who}。{department}の業務を"
                f"編集できるのは registry.toml の [access] の「{department}」と"
                f" {SECRETARIAT} の利用者です）"
            )
        if self.rule == "oversized":
            return (
                f"業務ファイルが大きすぎます（上限 {MAX_FILE_BYTES // 1024 // 1024} MiB。{who}。"
                f"上限を超えるファイルは受け付けません）"
            )
        if self.rule == "unreadable":
            return (
                "業務ファイルを TOML として読めないため担当課を確かめられません"
                f"（{who}。読めない業務ファイルを送れるのは {SECRETARIAT} の利用者だけです）"
            )
        if self.rule == "config":
            return (
                f"{REGISTRY_FILE} を変更する権限がありません（{who}。{REGISTRY_FILE} を"
                f"変更できるのは [access] の {SECRETARIAT} の利用者だけです）"
            )
        return (
            f"{ENTRIES_DIR}/ の業務ファイル以外を変更する権限がありません（{who}。"
            f"それ以外のファイルを変更できるのは {SECRETARIAT} の利用者だけです）"
        )

    def where(self) -> str:
        """``entries/kazei-x.toml（個人住民税賦課事務）``."""
        place = visible(self.path)
        return f"{place}（{visible(self.name)}）" if self.name else place

    def text(self, user: str) -> str:
        """``コミット abc1234: entries/x.toml（名称）: <reason>``: one line for the pusher."""
        against = f"（親 {self.parent[:7]} との差分）" if self.parent else ""
        return f"コミット {self.commit[:7]}{against}: {self.where()}: {self.reason(user)}"


def judge_change(
    table: AccessTable, who: Sequence[str], commit: str, change: PathChange
) -> list[Finding]:
    """The rules ``change`` breaks for a user known by ``who`` (one Finding per rule)."""
    if table.is_secretariat(who):
        return []
    entry = change.entry
    if change.path == REGISTRY_FILE:
        return [Finding(commit, change.path, "config")]
    if entry is None:
        return [Finding(commit, change.path, "other")]
    versions = change.versions
    if any(v.oversized for v in versions):
        return [Finding(commit, change.path, "oversized", entry, change.name)]
    if any(v.department is None for v in versions) or not versions:
        return [Finding(commit, change.path, "unreadable", entry, change.name)]
    departments = dict.fromkeys(v.department for v in versions if v.department is not None)
    return [
        Finding(commit, change.path, "department", entry, change.name, department)
        for department in departments
        if not table.may_edit(who, department)
    ]


def judge_commit(table: AccessTable, who: Sequence[str], commit: CommitChanges) -> list[Finding]:
    """Every rule a commit breaks for a user known by ``who``."""
    return [
        finding
        for change in commit.changes
        for finding in judge_change(table, who, commit.commit, change)
    ]
