"""The register as it stood at a revision: its ``registry.toml`` and entries, read back.

What the statutory book's changes (``export --book files --changes``) compare: the
config of each version matters as much as the entries (a 課 may move to another
organ, an office may change its address). History is read leniently: an entry
whose file at that revision does not load as an entry (bad TOML, a field of
another version) is named in ``unreadable`` rather than refused, so that one old
mistake does not hide every other change; ``registry.toml`` must load, since
every sheet depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from todokede.registry.files.tomlread import parse_data
from todokede.registry.git.history import LogItem, commits_between
from todokede.registry.git.revisions import RegisterRepo, Revision, RevisionError
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.limits import ENTRIES_DIR, REGISTRY_FILE
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.registry.schema.wareki import format_wareki

#: Above this many entries the log is read for the whole entries folder.
MAX_PATHS: Final = 200


@dataclass(frozen=True)
class RegisterVersion:
    """``registry.toml`` and the entries of one revision.

    ``blobs`` holds every entry file of the revision (id → blob sha), ``entries``
    those read (all of them, or the ``only`` asked for), ``unreadable`` those read
    that do not load as an entry.
    """

    revision: Revision
    config: RegistryConfig
    catalog: Catalog
    config_blob: str | None
    blobs: dict[str, str] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    unreadable: frozenset[str] = frozenset()

    def ordered(self) -> list[tuple[str, Entry]]:
        """The entries read, in the register's order (department, name, id)."""
        return sorted(
            self.entries.items(),
            key=lambda item: (
                self.config.department_index(item[1].department),
                item[1].name,
                item[0],
            ),
        )


class VersionUnreadable(RegisterError):
    """A revision whose ``registry.toml`` is missing or does not load (content: exit 1)."""


def _config(data: bytes | None, where: str) -> RegistryConfig:
    parsed, bad = parse_data(data)
    if parsed is None:
        raise VersionUnreadable(f"{where}の登録簿に {REGISTRY_FILE} がありません")
    if bad:
        raise VersionUnreadable(f"{where}の {REGISTRY_FILE} を TOML として読めません")
    try:
        return RegistryConfig.model_validate(parsed)
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise VersionUnreadable(
            f"{where}の {REGISTRY_FILE} を読めません（{place}: {first['msg']}）"
        ) from None


def entry_of(data: bytes | None) -> Entry | None:
    """An entry file's version as an entry, or None when it does not load as one."""
    parsed, bad = parse_data(data)
    if parsed is None or bad:
        return None
    try:
        return Entry.model_validate(parsed)
    except ValidationError:
        return None


def read_version(
    history: RegisterRepo,
    revision: Revision,
    where: str,
    only: Collection[str] | None = None,
) -> RegisterVersion:
    """The register at ``revision``: every entry, or those of ``only`` it holds.

    ``where`` names the version in a refusal (``令和5年3月31日時点``). The empty
    register (before the first commit) is refused: there is no book to compare.
    """
    if revision.commit is None and not revision.working_tree:
        raise RevisionError(f"{where}の登録簿はありません（最初のコミットより前です）")
    snapshot = history.snapshot(revision)
    config = _config(history.config_bytes(snapshot), where)
    wanted = sorted(snapshot.entries if only is None else set(only) & set(snapshot.entries))
    contents = history.contents(snapshot, wanted)
    entries: dict[str, Entry] = {}
    unreadable: set[str] = set()
    for entry_id in wanted:
        entry = entry_of(contents.get(entry_id))
        if entry is None:
            unreadable.add(entry_id)
        else:
            entries[entry_id] = entry
    return RegisterVersion(
        revision,
        config,
        config.build_catalog(),
        snapshot.config,
        dict(snapshot.entries),
        entries,
        frozenset(unreadable),
    )


@dataclass(frozen=True)
class PeriodVersions:
    """The register at two dates and the commits between them (``export --changes``).

    ``after`` holds every entry when ``registry.toml`` changed in between (an organ
    or a 部 may have changed every sheet), else only the entries whose files
    differ; ``before`` the same ids. ``commits`` are those after ``before``'s
    commit up to ``after``'s that touched one of these entries, oldest first;
    ``config_commits`` those that touched ``registry.toml``; ``versions`` every
    entry file those commits wrote or replaced (blob sha → entry, None when it
    does not load).
    """

    before: RegisterVersion
    after: RegisterVersion
    commits: list[LogItem]
    config_commits: list[LogItem]
    versions: dict[str, Entry | None]


def _first_commit_day(history: RegisterRepo) -> date | None:
    parents = history.first_parents()
    return parents[-1][1] if parents else None


def read_period(
    root: Path,
    start: date,
    end: date,
    wanted: Callable[[RegisterVersion, RegisterVersion], Collection[str]] | None = None,
) -> PeriodVersions:
    """The register as of ``start`` and as of ``end`` (each the last commit on or
    before that day), read from git; RevisionError for a day before the first commit.

    ``wanted`` picks, from the two versions, the entries whose commits in between
    are read (by default every entry whose file differs): a caller that needs the
    commits of a few entries only spares reading and parsing every version of
    the others.
    """
    with RegisterRepo(root) as history:
        first = _first_commit_day(history)
        for day, option in ((start, "--from"), (end, "--to")):
            if first is None:
                raise RevisionError("登録簿にまだコミットがありません（比べる版がありません）")
            if day < first:
                raise RevisionError(
                    f"{option} の{format_wareki(day)}は、この登録簿の最初のコミット"
                    f"（{format_wareki(first)}）より前です（その日以後の日付を指定してください）"
                )
        source, target = history.at_date(start), history.at_date(end)
        head_before, head_after = history.snapshot(source), history.snapshot(target)
        config_changed = head_before.config != head_after.config
        ids = set(head_before.entries) | set(head_after.entries)
        if not config_changed:
            ids = {i for i in ids if head_before.entries.get(i) != head_after.entries.get(i)}
        before = read_version(history, source, f"{format_wareki(start)}時点", ids)
        after = read_version(history, target, f"{format_wareki(end)}時点", ids)
        changed = sorted(i for i in ids if before.blobs.get(i) != after.blobs.get(i))
        if wanted is not None:
            changed = sorted(set(changed) & set(wanted(before, after)))
        # Many entries: the entries folder as one path (a long list costs git more).
        paths = (
            [history.entry_path(i) for i in changed]
            if len(changed) <= MAX_PATHS
            else [f"{history.prefix}{ENTRIES_DIR}/"]
        )
        commits = commits_between(history, source, target, paths) if changed else []
        config_commits = (
            commits_between(history, source, target, [f"{history.prefix}{REGISTRY_FILE}"])
            if config_changed
            else []
        )
        read = set(changed)
        shas = {
            sha
            for commit in commits
            for change in commit.changes
            if change.entry in read
            for sha in (change.before, change.after)
            if sha
        }
        blobs = history.reader.read(sorted(shas))
        versions = {sha: entry_of(blobs.get(sha)) for sha in shas}
    return PeriodVersions(before, after, commits, config_commits, versions)
