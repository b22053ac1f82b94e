"""What a reader of the register sees at a glance: marks per process, counts.

A process is marked when it is abolished, when it holds 個人番号 (特定個人情報)
or 要配慮個人情報, when its review is overdue or due soon on a given day, and
when it is saved but not filed (never filed, or its file changed since its
last filing: asked of git once per load, :mod:`todokede.registry.git.unfiled`), and
when its 個人情報ファイル need a look: none recorded (the check's ``files``
warning) or one kept out of the ファイル簿 by mistake (a problem on a file's
``exemption``, such as 74-2-9 with 1,000 本人 or more). The
register's counts (届出中・廃止・期限経過・期限間近・未届出, errors, warnings)
come from the same marks, pure functions of the loaded register, ``as_of`` and
that answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Final

from todokede.registry.files.store import (
    ENTRIES_DIR,
    EntryFile,
    EntrySummary,
    Register,
    check_entry_file,
    entry_path,
    load_register,
    summary_of,
)
from todokede.registry.git.unfiled import changed_since_filing
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.registry.schema.problems import Problem
from todokede.registry.views.review import ReviewState, review_state
from todokede.registry.views.search import SearchIndex, SearchResult, fold_text


@dataclass(frozen=True)
class EntryMarks:
    """The marks of one process: status, special items and review clock."""

    abolished: bool
    my_number: bool
    sensitive: bool
    review: ReviewState | None
    """``overdue``, ``due_soon`` or ``ok``; None when the process never reminds."""
    changed: bool = False
    """Its file holds a change saved since its last filing, not yet filed."""
    never_filed: bool = False
    """No filing yet (not even a start)."""
    files_missing: bool = False
    """Active and no 個人情報ファイル recorded (the check's ``files`` warning)."""
    files_misexempt: tuple[int, ...] = ()
    """The files (by place, from 0) kept out of the book by a wrong ``exemption``."""

    @property
    def files_wrong(self) -> bool:
        """The ファイル簿 mark: files missing, or one left out by mistake."""
        return self.files_missing or bool(self.files_misexempt)

    @property
    def unfiled(self) -> bool:
        """Saved but not filed: a change since the last filing, or no filing at all."""
        return self.changed or self.never_filed

    @property
    def overdue(self) -> bool:
        return self.review == "overdue"

    @property
    def due_soon(self) -> bool:
        return self.review == "due_soon"


def entry_marks(
    entry: Entry,
    config: RegistryConfig,
    catalog: Catalog,
    as_of: date,
    changed: bool = False,
) -> EntryMarks:
    """The marks of an entry on the day ``as_of``; ``changed``: its file differs
    from its last filing (:mod:`todokede.registry.git.unfiled`)."""
    return summary_marks(summary_of(entry), config, catalog, as_of, changed)


def summary_marks(
    summary: EntrySummary,
    config: RegistryConfig,
    catalog: Catalog,
    as_of: date,
    changed: bool = False,
) -> EntryMarks:
    """:func:`entry_marks` from an entry's summary (no entry decoded)."""
    my_number = sensitive = False
    for item in summary.record_items:
        known = catalog.lookup(item)
        if known is not None:
            my_number = my_number or known.my_number
            sensitive = sensitive or known.sensitive
    return EntryMarks(
        abolished=summary.abolished,
        my_number=my_number,
        sensitive=sensitive,
        review=review_state(summary.filings, config, as_of),
        changed=changed,
        never_filed=not summary.filings,
    )


@dataclass(frozen=True)
class FileBookFlags:
    """What the problems of one entry file say about its 個人情報ファイル."""

    missing: bool = False
    misexempt: tuple[int, ...] = ()

    @property
    def wrong(self) -> bool:
        return self.missing or bool(self.misexempt)


_EXEMPTION_FIELD: Final = re.compile(r"files\[(\d+)\]\.exemption")


def file_book_flags(problems: Iterable[Problem]) -> dict[str, FileBookFlags]:
    """By entry id (the file's stem): files missing (the ``files`` warning) or kept
    out of the book by mistake (any problem on ``files[N].exemption``: an unknown
    code, 74-2-9 with too many 本人, 74-2-7 with more than contact items).

    Entries whose problems say neither are left out."""
    missing: set[str] = set()
    misexempt: dict[str, set[int]] = {}
    for problem in problems:
        stem = _entry_stem(problem.file)
        if stem is None:
            continue
        if problem.field == "files" and problem.severity == "warning":
            missing.add(stem)
        elif match := _EXEMPTION_FIELD.fullmatch(problem.field):
            misexempt.setdefault(stem, set()).add(int(match[1]))
    return {
        stem: FileBookFlags(stem in missing, tuple(sorted(misexempt.get(stem, ()))))
        for stem in missing | set(misexempt)
    }


def _entry_stem(file: str) -> str | None:
    prefix = f"{ENTRIES_DIR}/"
    if not file.startswith(prefix) or not file.endswith(".toml"):
        return None
    return file.removeprefix(prefix).removesuffix(".toml")


def with_file_flags(marks: EntryMarks, flags: FileBookFlags | None) -> EntryMarks:
    """``marks`` with what the entry's problems say about its files."""
    if flags is None:
        return marks
    return replace(marks, files_missing=flags.missing, files_misexempt=flags.misexempt)


@dataclass(frozen=True)
class RegisterCounts:
    """How many processes are on file, abolished, overdue and due soon."""

    active: int
    abolished: int
    overdue: int
    due_soon: int
    my_number: int
    sensitive: int
    errors: int
    warnings: int
    invalid_files: int
    unfiled: int = 0
    """Processes saved but not filed (a change since the last filing, or none yet)."""


def register_marks(
    entries: Iterable[EntryFile],
    config: RegistryConfig,
    catalog: Catalog,
    as_of: date,
    changed: Collection[str] = (),
) -> dict[str, EntryMarks]:
    """Marks of every entry, by id; ``changed``: ids saved since their last filing."""
    return {
        item.id: summary_marks(item.summary, config, catalog, as_of, item.id in changed)
        for item in entries
    }


def register_counts(register: Register, marks: dict[str, EntryMarks]) -> RegisterCounts:
    """The counts shown in the register's header."""
    values = [marks[entry_id] for entry_id in register.entries if entry_id in marks]
    return RegisterCounts(
        active=sum(not m.abolished for m in values),
        abolished=sum(m.abolished for m in values),
        overdue=sum(m.overdue for m in values),
        due_soon=sum(m.due_soon for m in values),
        my_number=sum(m.my_number and not m.abolished for m in values),
        sensitive=sum(m.sensitive and not m.abolished for m in values),
        errors=len(register.errors),
        warnings=len(register.warnings),
        invalid_files=len(register.invalid),
        unfiled=sum(m.unfiled for m in values),
    )


class RegisterOverview:
    """A loaded register as a browser shows it: entries in order, marks, search.

    Built once (in the background) when the register is opened; after an
    entry's file is written, :meth:`refresh_entry` re-reads just that file.
    """

    def __init__(self, register: Register, as_of: date, changed: Collection[str] = ()) -> None:
        self.register = register
        self.as_of = as_of
        ordered = register.ordered()
        self.index = SearchIndex(register.catalog, ((e.id, e) for e in ordered))
        self.file_flags = file_book_flags(register.problems)
        """What each entry file's problems say about its 個人情報ファイル (files that
        could not be loaded too: a wrong exemption is an error)."""
        self.marks = {
            entry_id: with_file_flags(marks, self.file_flags.get(entry_id))
            for entry_id, marks in register_marks(
                ordered, register.config, register.catalog, as_of, changed
            ).items()
        }
        self._order: list[str] = []
        self._department_of: dict[str, str] = {}
        self._invalid: list[str] | None = None
        self._folded_stems: dict[str, str] = {}
        self._any_unfiled: bool | None = None
        self._any_files_wrong: bool | None = None
        self._groups: dict[str, list[EntryFile]] = {}
        self._arrange(ordered)

    def _arrange(self, ordered: list[EntryFile]) -> None:
        """Keep the order and the department groups, so a filter only picks."""
        self._order = [e.id for e in ordered]
        groups: dict[str, list[EntryFile]] = {name: [] for name in self.register.config.departments}
        for item in ordered:
            groups.setdefault(item.summary.department, []).append(item)
        self._groups = groups
        self._department_of = {e.id: e.summary.department for e in ordered}
        # What the tree asks at every keystroke, kept until the register changes.
        self._invalid = None
        self._any_unfiled = None
        self._any_files_wrong = None

    @classmethod
    def load(cls, root: Path, as_of: date) -> RegisterOverview:
        """Load and check the register at ``root`` and index it; which processes
        were saved but not filed is asked of git once."""
        register = load_register(root)
        return cls(register, as_of, changed_since_filing(register.root, register.working()))

    @property
    def root(self) -> Path:
        return self.register.root

    @property
    def config(self) -> RegistryConfig:
        return self.register.config

    @property
    def catalog(self) -> Catalog:
        return self.register.catalog

    @property
    def any_unfiled(self) -> bool:
        """Whether any process is saved but not filed (the tree then shows 未)."""
        if self._any_unfiled is None:  # asked at every keystroke: kept until a refresh
            self._any_unfiled = any(m.unfiled for m in self.marks.values())
        return self._any_unfiled

    @property
    def any_files_wrong(self) -> bool:
        """Whether any process (or file with errors) gets the ファイル簿 mark (the tree
        then keeps a slot for it)."""
        if self._any_files_wrong is None:
            self._any_files_wrong = any(flags.wrong for flags in self.file_flags.values())
        return self._any_files_wrong

    @property
    def counts(self) -> RegisterCounts:
        return register_counts(self.register, self.marks)

    def ordered_ids(self) -> list[str]:
        """Entry ids in the register's order: department, then name."""
        return list(self._order)

    def get(self, entry_id: str) -> EntryFile | None:
        return self.register.entries.get(entry_id)

    def departments(self) -> list[str]:
        """The departments of ``registry.toml``, in its order."""
        return list(self.config.departments)

    def grouped(self, result: SearchResult | None = None) -> dict[str, list[EntryFile]]:
        """Entries by department in the register's order, those of ``result`` only.

        Every department of ``registry.toml`` is a key, even without entries.
        """
        if result is None or not result.is_filtered or len(result) == len(self._order):
            return {name: list(items) for name, items in self._groups.items()}
        groups: dict[str, list[EntryFile]] = {name: [] for name in self._groups}
        entries, department = self.register.entries, self._department_of
        for entry_id in result.ids:
            if (item := entries.get(entry_id)) is not None and entry_id in department:
                groups[department[entry_id]].append(item)
        return groups  # in the register's order: the index keeps it (refresh_entry)

    def department_totals(self) -> dict[str, int]:
        """How many entries each department has, filter or not."""
        return {name: len(items) for name, items in self._groups.items()}

    def search(self, query: str) -> SearchResult:
        return self.index.search(query)

    def file_problems(self, stem: str) -> list[Problem]:
        """The problems found in ``entries/<stem>.toml``."""
        rel = f"{ENTRIES_DIR}/{stem}.toml"
        return [p for p in self.register.problems if p.file == rel]

    def invalid_files(self, result: SearchResult | None = None) -> list[str]:
        """Stems of entry files that could not be loaded, in file order; with a
        filtered ``result``, those whose name holds every word of its query."""
        if self._invalid is None:
            self._invalid = sorted(self.register.invalid)
            self._folded_stems = {stem: fold_text(stem) for stem in self._invalid}
        if result is None or not result.is_filtered:
            return list(self._invalid)
        folded, stems = self._folded_stems, self._invalid
        for term in result.query:
            stems = [stem for stem in stems if term in folded[stem]]
        return list(stems)

    def refresh_entry(self, entry_id: str) -> EntryFile | None:
        """Re-read one entry file after it was written; None if it has errors."""
        register = self.register
        path = entry_path(register.root, entry_id)
        rel = f"{ENTRIES_DIR}/{entry_id}.toml"
        register.problems = [p for p in register.problems if p.file != rel]
        register.entries.pop(entry_id, None)
        register.invalid.discard(entry_id)
        self.index.remove(entry_id)
        self.marks.pop(entry_id, None)
        self.file_flags.pop(entry_id, None)
        loaded: EntryFile | None = None
        if path.is_file():
            entry, problems = check_entry_file(
                register.root, path, register.config, register.catalog
            )
            register.problems.extend(problems)
            flags = file_book_flags(problems).get(entry_id)
            if flags is None:
                self.file_flags.pop(entry_id, None)
            else:
                self.file_flags[entry_id] = flags
            if entry is not None and not any(p.severity == "error" for p in problems):
                loaded = EntryFile(entry_id, path, entry)
                register.entries[entry_id] = loaded
                self.index.put(entry_id, entry)
                changed = changed_since_filing(register.root, {entry_id: entry}, [entry_id])
                self.marks[entry_id] = with_file_flags(
                    entry_marks(
                        entry, register.config, register.catalog, self.as_of, entry_id in changed
                    ),
                    flags,
                )
            else:
                register.invalid.add(entry_id)
        register.files_read = len(register.entries) + len(register.invalid)
        self._arrange(register.ordered())
        self.index.reorder(self._order)
        return loaded
