"""Saved but not filed: entry files that say something else than their last filing.

A clerk may save an edit (the TUI's form, an editor) and not file it; the file
on disk then differs from the version its last filing committed, HEAD's. That
is found without a process per entry: one ``git status`` of the entries folder
names the files that differ from HEAD (git compares the sizes and times kept
in its index, so a clean register of 5,000 entries costs milliseconds), then
one ``git cat-file --batch`` reads HEAD's version of just those files, and
each is compared with the file as an entry: comments, layout and the order of
keys are no change (a filing would refuse them as none).

Only entries HEAD holds with a filing count: a new process never filed is
already warned about as such (``filings``), and so is a filing a crash
interrupted (its journal). Outside a git repository, during a merge or rebase,
or when git cannot answer, nothing is reported.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from todokede.registry.files.pending import git_dir_of, journal_exists, operation_at, read_journal
from todokede.registry.schema.limits import ENTRIES_DIR
from todokede.registry.schema.model import Entry
from todokede.registry.schema.problems import Problem

#: The field of the warning ``todokede check`` gives for such an entry.
FIELD: Final = "filing"
#: How long git may take to answer before the question is dropped (seconds).
GIT_TIMEOUT: Final = 60


def _work_tree_top(root: Path) -> Path | None:
    """The folder holding ``.git`` (a folder, or a worktree's file) above ``root``."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _git(root: Path, args: list[str], stdin: bytes | None = None) -> bytes | None:
    """git's output, or None when it cannot answer (no git, no repository, an error)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            env=env,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _differing_paths(root: Path, pathspecs: list[str]) -> list[str] | None:
    """Paths (from the work tree's top) of tracked files under ``pathspecs`` that
    differ from HEAD, in the index or on disk; None when git cannot say."""
    # --no-optional-locks: never take the index lock a filing in another
    # terminal may need (status would otherwise refresh the index in passing).
    out = _git(
        root,
        [
            "--no-optional-locks",
            "status",
            "--porcelain=v1",
            "-z",
            "--no-renames",
            "--untracked-files=no",
            "--",
            *pathspecs,
        ],
    )
    if out is None:
        return None
    paths: list[str] = []
    for record in out.split(b"\0"):
        if len(record) < 4:
            continue
        index_state, disk_state = chr(record[0]), chr(record[1])
        if "D" in (index_state, disk_state) or index_state == "A":
            continue  # gone from disk, or not in HEAD (never committed)
        paths.append(record[3:].decode("utf-8", "surrogateescape"))
    return paths


def _head_versions(root: Path, paths: list[str]) -> dict[str, bytes]:
    """HEAD's content of each path that it holds (one ``git cat-file --batch``)."""
    if not paths:
        return {}
    stdin = "".join(f"HEAD:{path}\n" for path in paths).encode("utf-8", "surrogateescape")
    out = _git(root, ["cat-file", "--batch"], stdin)
    found: dict[str, bytes] = {}
    if out is None:
        return found
    position = 0
    for path in paths:
        end = out.find(b"\n", position)
        if end < 0:
            break
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "<name> missing", or not a file
        size = int(header[2])
        found[path] = out[position : position + size]
        position += size + 1
    return found


def _entry_of(content: bytes) -> Entry | None:
    try:
        return Entry.model_validate(tomllib.loads(content.decode("utf-8")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError, RecursionError):
        return None


def changed_since_filing(
    root: Path, working: Mapping[str, Entry], only: Collection[str] | None = None
) -> frozenset[str]:
    """Ids of the entries in ``working`` (as loaded from their files) whose file
    differs, as an entry, from HEAD's version, which holds at least one filing.

    ``only`` limits the question to those ids (one entry read again after a save
    or a filing); by default the whole entries folder is asked at once.
    """
    root = root.resolve()
    top = _work_tree_top(root)
    git_dir = git_dir_of(root)
    if top is None or git_dir is None or (only is not None and not only):
        return frozenset()
    if operation_at(git_dir) is not None:
        return frozenset()  # a merge or rebase half done: its files are no edits
    interrupted = read_journal(git_dir)
    if interrupted is None and journal_exists(git_dir):
        return frozenset()  # an unfinished filing that cannot be read: check names it
    # A filing that was interrupted is said as such (check), not as an edit.
    skipped = {interrupted.entry} if interrupted is not None else set()
    prefix = root.relative_to(top).as_posix()
    folder = f"{prefix}/{ENTRIES_DIR}/" if prefix != "." else f"{ENTRIES_DIR}/"
    pathspecs = (
        [f"{ENTRIES_DIR}/{entry_id}.toml" for entry_id in only]
        if only is not None
        else [ENTRIES_DIR]
    )
    differing = _differing_paths(root, pathspecs)
    if not differing:
        return frozenset()
    candidates: dict[str, str] = {}
    for path in differing:
        name = path.removeprefix(folder)
        if path.startswith(folder) and "/" not in name and name.endswith(".toml"):
            entry_id = name.removesuffix(".toml")
            if entry_id in working and entry_id not in skipped:
                candidates[path] = entry_id
    # cat-file reads ``HEAD:<path>`` from the top of the work tree.
    committed = _head_versions(top, list(candidates))
    changed: set[str] = set()
    for path, entry_id in candidates.items():
        content = committed.get(path)
        before = _entry_of(content) if content is not None else None
        if before is None or not before.filings:
            continue  # never filed: warned about as such
        if before != working[entry_id]:
            changed.add(entry_id)
    return frozenset(changed)


def unfiled_message(entry_id: str, entry: Entry) -> str:
    """What ``check`` says of an entry saved but not filed."""
    if entry.is_abolished:
        return (
            f"「{entry.name}」（{entry_id}）は廃止届の後に変更されていますが、廃止した業務は"
            f"届け出られません（git restore {ENTRIES_DIR}/{entry_id}.toml で届出の内容に戻せます）"
        )
    return (
        f"「{entry.name}」（{entry_id}）に、保存したまま届け出ていない変更があります"
        f"（todokede file {entry_id} --kind change で変更届を出してください）"
    )


def unfiled_problems(root: Path, working: Mapping[str, Entry]) -> list[Problem]:
    """A warning (field ``filing``) for every entry saved but not filed, in file order."""
    changed = changed_since_filing(root, working)
    return [
        Problem(
            f"{ENTRIES_DIR}/{entry_id}.toml",
            None,
            FIELD,
            unfiled_message(entry_id, entry),
            "warning",
        )
        for entry_id, entry in ((entry_id, working[entry_id]) for entry_id in sorted(changed))
    ]
