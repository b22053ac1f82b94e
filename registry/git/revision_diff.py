"""``todokede diff``: the semantic diff of two revisions of the register, read from git.

The versions come from git (:class:`~todokede.registry.git.revisions.RegisterRepo`:
revisions, dates, the working tree), only the files that differ between them; the
comparison itself is :mod:`todokede.registry.views.diff`, pure functions of the data.
"""

from __future__ import annotations

from pathlib import Path

from todokede.registry.files.tomlread import parse_data
from todokede.registry.git.revisions import RegisterRepo, Revision, UnknownEntry
from todokede.registry.views.diff import (
    RegisterDiff,
    catalog_from_config,
    diff_entry_bytes,
    register_order,
)


def diff_revisions(
    history: RegisterRepo,
    source: Revision,
    target: Revision,
    entry_id: str | None = None,
) -> RegisterDiff:
    """The semantic diff of two revisions, reading only the files that differ."""
    before, after = history.snapshot(source), history.snapshot(target)
    wanted = set(before.entries) | set(after.entries)
    if entry_id is not None:
        if entry_id not in wanted:
            if not history.ever_held(entry_id):
                raise UnknownEntry(entry_id)
            return RegisterDiff(source, target, [])  # there once, in neither version
        wanted = {entry_id}
    changed = sorted(i for i in wanted if before.entries.get(i) != after.entries.get(i))
    old = history.contents(before, changed)
    new = history.contents(after, changed)
    config_before, config_after = history.config_bytes(before), history.config_bytes(after)
    catalog, departments = catalog_from_config(config_after or config_before)
    diffs = [
        found
        for entry_id in changed
        if (found := diff_entry_bytes(entry_id, old.get(entry_id), new.get(entry_id), catalog))
    ]
    diffs.sort(key=register_order(departments))
    config_changed = before.config != after.config and (
        parse_data(config_before)[0] != parse_data(config_after)[0]
    )
    return RegisterDiff(source, target, diffs, config_changed)


def diff_register(
    root: Path,
    from_spec: str | None = None,
    to_spec: str | None = None,
    entry_id: str | None = None,
) -> RegisterDiff:
    """``todokede diff``: between two revisions or dates; without ``to``, the work tree.

    Without ``from_spec``: HEAD when ``to_spec`` is omitted (what is not yet
    filed), else the first parent of ``to_spec``'s commit (what it changed).
    """
    with RegisterRepo(root) as history:
        target = history.working_tree() if to_spec is None else history.resolve(to_spec)
        if from_spec is not None:
            source = history.resolve(from_spec)
        elif to_spec is None:
            source = history.head_revision()
        else:
            source = history.parent_of(target)
        return diff_revisions(history, source, target, entry_id)
