"""``todokede demo``: the sample register with its filings replayed as git history.

Each entry's filings become commits dated on their filing dates (author and
committer, 09:00 +0900), in date order across the register (ties: the
department order of ``registry.toml``, then the id), by a fictional clerk of
the filing department. Each commit writes the entry as it stood at that
filing: record items rebuilt backwards from the final list through
``items_added``/``items_removed``, contractors and connections whose ``since``
had come, the 個人情報ファイル held by then (:func:`file_filings`), the council
items of meetings held by then with the answers given by then (:func:`council_at`),
the 特定個人情報保護評価 from the first filing on or after the day it was evaluated,
the filings up to that one and the status they imply. The last commit of each entry is its
sample file byte for byte, comments included.

A file (``[[files]]``) is held from the first filing whose summary names it in
brackets (「個人情報ファイル「…」を追加」, as ``todokede file`` drafts it), else
from the first filing dated on or after its ``since`` (from the first filing
when it has none). Its record items at a filing are those of its final list the
entry held then; a file left with none is not yet held.

The objects go straight into a fresh repository's object store: no process
per commit. The demo is always its own repository, even inside another one.
"""

from __future__ import annotations

import calendar
import os
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import git

from todokede.registry.files.store import (
    ENTRIES_DIR,
    REGISTRY_FILE,
    RegisterError,
    parse_toml,
    read_text,
)
from todokede.registry.files.tomledit import update_text
from todokede.registry.git.message import REGISTER_CREATED, filing_message
from todokede.registry.git.repository import (
    BLOB_MODE,
    TREE_MODE,
    Signature,
    TreeItem,
    write_commit,
    write_object,
    write_tree,
)
from todokede.registry.git.setup import sample_root
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import (
    CouncilItem,
    Entry,
    Filing,
    PersonalFile,
    RegistryConfig,
)
from todokede.registry.schema.personal_files import WITHHOLD_ITEM
from todokede.registry.schema.rules import entry_rule_violations

DEFAULT_DIR: Final = "todokede-demo"
JST_MINUTES: Final = 9 * 60
MAIL_DOMAIN: Final = "example.lg.jp"
#: Set in the demo's own git config when no identity is configured, so that a
#: visitor can file there at once.
VISITOR: Final = ("見本 利用者", f"visitor@{MAIL_DOMAIN}")


@dataclass(frozen=True)
class DemoResult:
    root: Path
    created: bool
    commits: int = 0
    identity_set: bool = False


@dataclass(frozen=True)
class _Sample:
    entry_id: str
    text: str
    entry: Entry


def _stamp(day: date) -> int:
    """09:00 +0900 of ``day`` as seconds since the epoch (00:00 UTC)."""
    return calendar.timegm(day.timetuple())


def clerk_slugs(config: RegistryConfig, entries: dict[str, Entry]) -> dict[str, str]:
    """A mail name per department: the id words its entries share (at most two)."""
    slugs: dict[str, str] = {}
    for index, department in enumerate(config.departments):
        ids = sorted(i for i, e in entries.items() if e.department == department)
        if not ids:
            slugs[department] = f"dept{index + 1:02d}"
            continue
        words = ids[0].split("-")[:2]
        for other in ids[1:]:
            common = 0
            for mine, theirs in zip(words, other.split("-"), strict=False):
                if mine != theirs:
                    break
                common += 1
            words = words[: max(common, 1)]
        slugs[department] = "-".join(words)
    return slugs


def clerk(department: str, slugs: dict[str, str], day: date) -> Signature:
    """The fictional clerk who filed for a department: 「課税課 担当者」."""
    slug = slugs.get(department, "clerk")
    return Signature(f"{department} 担当者", f"{slug}@{MAIL_DOMAIN}", _stamp(day), JST_MINUTES)


def _canonical(catalog: Catalog, items: list[str]) -> set[str]:
    return {catalog.canonical(i) for i in items}


def items_at_filings(entry: Entry, catalog: Catalog) -> list[list[str]]:
    """The record items after each filing, walked back from the final list."""
    items = list(entry.record_items)
    found = [items]
    for filing in reversed(entry.filings[1:]):
        added = _canonical(catalog, filing.items_added)
        kept = [i for i in items if catalog.canonical(i) not in added]
        present = _canonical(catalog, kept)
        items = kept + [i for i in filing.items_removed if catalog.canonical(i) not in present]
        found.append(items)
    return list(reversed(found))


def file_filings(entry: Entry) -> list[int | None]:
    """For each file, the index of the filing from which the entry holds it
    (None: held after every filing, so only in the final text)."""
    found: list[int | None] = []
    for file in entry.files:
        named = f"「{file.name}」"
        first = next((i for i, f in enumerate(entry.filings) if named in f.summary), None)
        if first is None:
            first = next(
                (
                    i
                    for i, f in enumerate(entry.filings)
                    if file.since is None or f.date >= file.since
                ),
                None,
            )
        found.append(first)
    return found


def files_at(
    entry: Entry, index: int, items: list[str], catalog: Catalog, starts: list[int | None]
) -> list[PersonalFile]:
    """The files held after filing ``index`` (``starts``: :func:`file_filings`),
    cut to the record items the entry held then."""
    held = _canonical(catalog, items)
    files = []
    for file, first in zip(entry.files, starts, strict=True):
        if first is None or first > index:
            continue
        kept = [i for i in file.record_items if catalog.canonical(i) in held]
        if not kept:
            continue
        if len(kept) < len(file.record_items):
            names = _canonical(catalog, kept)
            withheld = [
                w
                for w in file.withheld
                if not w.startswith(WITHHOLD_ITEM)
                or catalog.canonical(w.removeprefix(WITHHOLD_ITEM)) in names
            ]
            file = file.model_copy(update={"record_items": kept, "withheld": withheld})
        files.append(file)
    return files


def state_at(
    entry: Entry,
    index: int,
    items: list[str],
    catalog: Catalog,
    starts: list[int | None] | None = None,
) -> Entry:
    """The entry as it stood after its filing ``index``."""
    filing = entry.filings[index]
    day = filing.date
    if starts is None:
        starts = file_filings(entry)
    assessment = entry.my_number_assessment
    return entry.model_copy(
        update={
            "record_items": items,
            "files": files_at(entry, index, items, catalog, starts),
            "outsourcing": [o for o in entry.outsourcing if o.since is None or o.since <= day],
            "connections": [c for c in entry.connections if c.since is None or c.since <= day],
            "council": council_at(entry, day),
            "filings": [_as_filed(f, day) for f in entry.filings[: index + 1]],
            "my_number_assessment": assessment
            if assessment and assessment.evaluated <= day
            else None,
            "status": "abolished" if filing.kind == "abolish" else "active",
        }
    )


def council_at(entry: Entry, day: date) -> list[CouncilItem]:
    """The council items recorded by ``day``: those of meetings on or before it,
    each answer (答申, an opinion's 回答) only from the day it was given."""
    found: list[CouncilItem] = []
    for item in entry.council:
        if item.date > day:
            continue
        opinions = [
            o
            if o.answered is None or o.answered <= day
            else o.model_copy(update={"answer": "", "answered": None})
            for o in item.opinions
        ]
        update: dict[str, object] = {"opinions": opinions}
        if item.answered is not None and item.answered > day:
            update |= {"answered": None, "result": None}
        found.append(item.model_copy(update=update))
    return found


def _as_filed(filing: Filing, day: date) -> Filing:
    """A filing as the register held it on ``day``: a report it names is recorded
    once that meeting has been held (a change may be filed before it is reported)."""
    if filing.reported is not None and filing.reported > day:
        return filing.model_copy(update={"reported": None})
    return filing


def entry_texts(sample: _Sample, config: RegistryConfig, catalog: Catalog) -> list[str]:
    """The file text after each filing; the last is the sample file itself."""
    entry = sample.entry
    starts = file_filings(entry)
    texts: list[str] = []
    for index, items in enumerate(items_at_filings(entry, catalog)):
        if index == len(entry.filings) - 1:
            texts.append(sample.text)
            continue
        state = state_at(entry, index, items, catalog, starts)
        errors = [v for v in entry_rule_violations(state, config, catalog) if v.severity == "error"]
        if errors:
            raise RegisterError(
                f"見本の {sample.entry_id} の {index + 1}番目の届出の時点が規則に合いません: "
                f"{errors[0].field}: {errors[0].message}"
            )
        texts.append(update_text(sample.text, state))
    return texts


def _load_sample(source: Path) -> tuple[str, RegistryConfig, list[_Sample]]:
    config_text = read_text(source / REGISTRY_FILE)
    config = RegistryConfig.model_validate(parse_toml(config_text))
    samples = []
    for path in sorted((source / ENTRIES_DIR).glob("*.toml")):
        text = read_text(path)
        samples.append(_Sample(path.stem, text, Entry.model_validate(parse_toml(text))))
    return config_text, config, samples


def _is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def build_demo(dest: Path, source: Path | None = None) -> DemoResult:
    """The demo register at ``dest``; an existing register there is reused."""
    dest = dest.expanduser().resolve()
    if (dest / REGISTRY_FILE).is_file():
        return DemoResult(dest, created=False)
    if dest.exists() and not _is_empty_dir(dest):
        raise RegisterError(
            f"{dest} は空ではなく登録簿でもありません（別のフォルダを指定してください）"
        )
    config_text, config, samples = _load_sample(source or sample_root())
    building = dest.with_name(f".{dest.name}.{os.getpid()}.todokede-tmp")
    try:
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        try:
            commits, identity_set = _write_history(building, config_text, config, samples)
            if dest.exists():
                dest.rmdir()
            building.replace(dest)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    except OSError as error:  # a folder nobody may create, a file on the way, a full disk
        raise RegisterError(f"{dest} を作成できません: {error.strerror or error}") from None
    return DemoResult(dest, created=True, commits=commits, identity_set=identity_set)


def _write_history(
    root: Path, config_text: str, config: RegistryConfig, samples: list[_Sample]
) -> tuple[int, bool]:
    catalog = config.build_catalog()
    texts = {s.entry_id: entry_texts(s, config, catalog) for s in samples}
    entries = {s.entry_id: s.entry for s in samples}
    events = sorted(
        (f.date, config.department_index(s.entry.department), s.entry_id, index)
        for s in samples
        for index, f in enumerate(s.entry.filings)
    )
    if not events:
        raise RegisterError("見本の登録簿に届出がありません")
    slugs = clerk_slugs(config, entries)
    repo = git.Repo.init(root)
    try:
        # A fresh repository built aside and renamed into place: a crash leaves only
        # the folder being built, so its objects need no fsync each.
        config_blob = write_object(repo, "blob", config_text.encode("utf-8"), durable=False)
        tree_items: dict[str, str] = {}

        def tree() -> str:
            folder = write_tree(
                repo,
                [TreeItem(BLOB_MODE, f"{i}.toml", sha) for i, sha in tree_items.items()],
                durable=False,
            )
            return write_tree(
                repo,
                [
                    TreeItem(BLOB_MODE, REGISTRY_FILE, config_blob),
                    TreeItem(TREE_MODE, ENTRIES_DIR, folder),
                ],
                durable=False,
            )

        first_day = events[0][0] - timedelta(days=1)
        secretariat = clerk(config.departments[0], slugs, first_day)
        root_tree = write_tree(
            repo, [TreeItem(BLOB_MODE, REGISTRY_FILE, config_blob)], durable=False
        )
        head = write_commit(
            repo, root_tree, [], secretariat, secretariat, REGISTER_CREATED, durable=False
        )
        for day, _, entry_id, index in events:
            entry = entries[entry_id]
            filing = entry.filings[index]
            tree_items[entry_id] = write_object(
                repo, "blob", texts[entry_id][index].encode("utf-8"), durable=False
            )
            who = clerk(entry.department, slugs, day)
            message = filing_message(
                filing.kind,
                entry.department,
                entry.name,
                filing.summary,
                day,
                entry_id,
                filing.review,
            )
            head = write_commit(repo, tree(), [head], who, who, message, durable=False)
        repo.git.update_ref("-m", "todokede demo", "HEAD", head)
        (root / ENTRIES_DIR).mkdir()
        (root / REGISTRY_FILE).write_bytes(config_text.encode("utf-8"))
        for sample in samples:
            (root / ENTRIES_DIR / f"{sample.entry_id}.toml").write_bytes(
                sample.text.encode("utf-8")
            )
        repo.git.reset("-q")
        identity_set = _ensure_identity(repo)
    finally:
        repo.close()
    return len(events) + 1, identity_set


def _ensure_identity(repo: git.Repo) -> bool:
    """Give the demo a local identity when git has none, so filing works at once."""
    reader = repo.config_reader()
    if reader.get_value("user", "name", default="") and reader.get_value(
        "user", "email", default=""
    ):
        return False
    with repo.config_writer("repository") as writer:
        writer.set_value("user", "name", VISITOR[0])
        writer.set_value("user", "email", VISITOR[1])
    return True
