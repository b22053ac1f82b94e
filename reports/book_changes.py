"""What changed in the 個人情報ファイル簿 between two dates (``export --book files --changes``).

The law wants a sheet corrected at once when an item changes and a file no longer
held deleted without delay (施行令第20条); the published book is renewed from time
to time, and the secretariat posts this page beside the new one. The register at
each date (the last commit on or before it, :mod:`todokede.registry.git.register_at`)
is made into its book (:func:`~todokede.reports.statutory_book.build_statutory_book`,
each with that date's ``registry.toml``), and the files listed in each compared:

- **added**: listed at the end, not at the start (a new file, a new process, a
  file no longer exempt or unlisted);
- **corrected**: listed in both, some statutory item printed differently (by its
  statutory label; before → after when both are short);
- **removed**: listed at the start, not at the end (the file is no longer held,
  its process was abolished, it became exempt or unlisted).

Files are matched by entry id and file name: a renamed file reads as removed and
added (the page says so). Each change names the commits in between that made it:
those of its entry whose before and after differ for that file, else, for a change
that only ``registry.toml`` explains (an organ, a 部, an office), the commits that
changed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final, Literal

from todokede.registry.git.gitlog import KIND_WORDS
from todokede.registry.git.history import LogItem
from todokede.registry.git.register_at import PeriodVersions, RegisterVersion, read_period
from todokede.registry.schema.catalog import Catalog
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.registry.schema.personal_files import FEWER_PERSONS, FileStanding, agencies_of
from todokede.registry.schema.wareki import format_period, format_wareki
from todokede.reports.statutory_book import (
    BOOK_TITLE,
    STATUTORY_ITEMS,
    BookFile,
    build_statutory_book,
)

TITLE: Final = f"{BOOK_TITLE}の変更"
ChangeStatus = Literal["added", "corrected", "removed"]
STATUS_LABELS: Final[dict[ChangeStatus, str]] = {
    "added": "追加",
    "corrected": "訂正",
    "removed": "削除",
}
STATUS_HEADINGS: Final[dict[ChangeStatus, str]] = {
    "added": "追加した個人情報ファイル",
    "corrected": "記載を訂正した個人情報ファイル",
    "removed": "削除した個人情報ファイル",
}
#: An item printed before → after when both texts are at most this long.
SHORT_TEXT: Final = 40
#: The items whose texts are lists: their change is told item by item.
LIST_ITEMS: Final = frozenset({"record_items", "recipients"})
BLANK: Final = "（記載なし）"
#: What a sheet puts between the parts of one item.
PART: Final = "　"
LONG_CHANGED: Final = "記載を変更（変更後の記載は新しいファイル簿のとおり）"
RENAME_NOTE: Final = (
    "個人情報ファイルは業務IDとファイルの名称で対応させています。"
    "名称を変えたファイルは、旧名称のものを削除、新名称のものを追加として載せています。"
)
NO_CHANGES: Final = "この期間に個人情報ファイル簿の変更はありません。"


def changed_parts(before: str, after: str) -> str | None:
    """A long item told by its parts that changed, when each is short: the parts
    are what the sheet joins with 「　」 (種別 and its マニュアル処理ファイル, the
    office and its address); ``X: 有`` → ``X: 無`` keeps ``X`` once."""
    old, new = before.split(PART), after.split(PART)
    if len(old) != len(new):
        return None
    shown = []
    for was, now in zip(old, new, strict=True):
        if was == now:
            continue
        head, _, tail = was.rpartition(": ")
        other, _, fresh = now.rpartition(": ")
        if head and head == other and len(tail) <= SHORT_TEXT and len(fresh) <= SHORT_TEXT:
            shown.append(f"{head}: {tail} → {fresh}")
        elif len(was) <= SHORT_TEXT and len(now) <= SHORT_TEXT:
            shown.append(f"{was or BLANK} → {now or BLANK}")
        else:
            return None
    return "、".join(shown) or None


@dataclass(frozen=True)
class ItemChange:
    """One statutory item of a sheet, printed differently at the two dates."""

    key: str
    label: str
    before: str
    after: str
    added: tuple[str, ...] = ()
    """For a list item (記録項目, 経常的提供先): the items that appear."""
    removed: tuple[str, ...] = ()
    """…and those that no longer appear."""

    @property
    def short(self) -> bool:
        return len(self.before) <= SHORT_TEXT and len(self.after) <= SHORT_TEXT

    @property
    def listed_change(self) -> bool:
        """Whether the change is told as items added and removed."""
        return self.key in LIST_ITEMS and bool(self.added or self.removed)

    @property
    def described(self) -> str:
        """What changed, as printed: items added and removed, before → after, or
        that the item was rewritten (a long text)."""
        if self.listed_change:
            parts = []
            if self.added:
                parts.append("追加「" + "」「".join(self.added) + "」")
            if self.removed:
                parts.append("削除「" + "」「".join(self.removed) + "」")
            return "、".join(parts)
        if self.short:
            return f"{self.before or BLANK} → {self.after or BLANK}"
        return changed_parts(self.before, self.after) or LONG_CHANGED

    @property
    def line(self) -> str:
        """``記録項目: 追加「電話番号」``: the label and what changed, on one line."""
        return f"{self.label}: {self.described}"

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "before": self.before, "after": self.after, "key": self.key}


@dataclass(frozen=True)
class Cause:
    """A commit that made a change: a filing (its date, kind and summary) or
    another commit (its day and subject)."""

    day: date
    kind: str | None
    summary: str
    commit: str

    @property
    def text(self) -> str:
        """``令和5年4月1日 変更届「個人情報ファイル「…」を追加」``."""
        what = f"{KIND_WORDS[self.kind]}" if self.kind in KIND_WORDS else "登録簿の変更"
        summary = f"「{self.summary}」" if self.summary else ""
        return f"{format_wareki(self.day)} {what}{summary}"

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "kind": self.kind or "other",
            "summary": self.summary,
            "commit": self.commit,
        }


@dataclass(frozen=True)
class FileChange:
    """One file added to, corrected in or removed from the book."""

    status: ChangeStatus
    file: str
    """``ENTRY/N``: its place at the end (added, corrected) or at the start (removed)."""
    entry: str
    name: str
    agency: str
    reason: str
    """Why it was added or removed (empty for a correction)."""
    items: tuple[ItemChange, ...] = ()
    causes: tuple[Cause, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def content(self) -> tuple[str, ...]:
        """What the page says of the change: the reason, or each item changed."""
        if self.status == "corrected":
            return tuple(item.line for item in self.items)
        return (self.reason,)

    @property
    def filings(self) -> tuple[str, ...]:
        return tuple(cause.text for cause in self.causes)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "entry": self.entry,
            "name": self.name,
            "agency": self.agency,
        }
        if self.status == "corrected":
            data["items"] = [item.as_json() for item in self.items]
        else:
            data["reason"] = self.reason
        data["filings"] = [cause.as_json() for cause in self.causes]
        return data


@dataclass(frozen=True)
class BookChanges:
    """The changes of the book between the register at ``start`` and at ``end``."""

    municipality: str
    start: date
    end: date
    added: tuple[FileChange, ...]
    corrected: tuple[FileChange, ...]
    removed: tuple[FileChange, ...]
    unreadable: tuple[str, ...] = ()
    """Entries left out: a version of theirs does not load as an entry."""
    title: str = TITLE

    @property
    def period(self) -> str:
        """The days whose filings the page shows: the day after ``start`` to ``end``."""
        return format_period(self.start + timedelta(days=1), self.end)

    @property
    def full_title(self) -> str:
        return f"{self.title}（{self.period}）"

    @property
    def lead(self) -> str:
        return (
            f"{format_wareki(self.start)}現在と{format_wareki(self.end)}現在の"
            f"{BOOK_TITLE}を比べ、追加・訂正・削除した個人情報ファイルを示します。"
        )

    @property
    def counts(self) -> str:
        return f"追加 {len(self.added)}件・訂正 {len(self.corrected)}件・削除 {len(self.removed)}件"

    @property
    def notes(self) -> tuple[str, ...]:
        notes = [
            RENAME_NOTE,
            "訂正は、法定の記載事項のうち変わった事項を示します"
            f"（{SHORT_TEXT}字までの記載は変更前 → 変更後）。",
        ]
        if self.unreadable:
            notes.append(
                "次の業務は、どちらかの日のファイルを業務として読めないため比べていません: "
                + "、".join(self.unreadable)
            )
        return tuple(notes)

    @property
    def sections(self) -> tuple[tuple[ChangeStatus, str, tuple[FileChange, ...]], ...]:
        return (
            ("added", STATUS_HEADINGS["added"], self.added),
            ("corrected", STATUS_HEADINGS["corrected"], self.corrected),
            ("removed", STATUS_HEADINGS["removed"], self.removed),
        )

    @staticmethod
    def by_agency(
        rows: tuple[FileChange, ...],
    ) -> list[tuple[str, list[tuple[int, FileChange]]]]:
        """A section's rows under their organs (in the rows' order), numbered from 1."""
        groups: dict[str, list[tuple[int, FileChange]]] = {}
        for number, change in enumerate(rows, 1):
            groups.setdefault(change.agency, []).append((number, change))
        return list(groups.items())

    @property
    def all(self) -> tuple[FileChange, ...]:
        return self.added + self.corrected + self.removed

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "added": [change.as_json() for change in self.added],
            "corrected": [change.as_json() for change in self.corrected],
            "removed": [change.as_json() for change in self.removed],
            "unreadable": list(self.unreadable),
        }


FileKey = tuple[str, str]
"""A file as the two books are matched: entry id and file name."""


def _sheets(version: RegisterVersion, skip: frozenset[str]) -> dict[FileKey, BookFile]:
    """Every file of the processes on file, listed or not, by entry and name."""
    day = version.revision.day or date.min
    book = build_statutory_book(
        version.config,
        version.catalog,
        [(i, e) for i, e in version.ordered() if i not in skip],
        day,
        include_exempt=True,
    )
    return {(f.entry, f.name): f for f in book.files}


def _list_items(before: BookFile, after: BookFile, key: str) -> tuple[tuple[str, ...], ...]:
    old = before.record_items if key == "record_items" else before.recipients
    new = after.record_items if key == "record_items" else after.recipients
    if key == "recipients" and (before.recipients_withheld or after.recipients_withheld):
        return (), ()
    if key == "record_items" and before.items_withheld != after.items_withheld:
        return (), ()  # an item newly withheld is not an item removed: told as the texts
    return tuple(i for i in new if i not in old), tuple(i for i in old if i not in new)


def item_changes(before: BookFile, after: BookFile) -> tuple[ItemChange, ...]:
    """The statutory items printed differently, in the statutory order."""
    old, new = before.items(), after.items()
    found = []
    for key, label in STATUTORY_ITEMS:
        if old[key] == new[key]:
            continue
        added: tuple[str, ...] = ()
        removed: tuple[str, ...] = ()
        if key in LIST_ITEMS:
            added, removed = _list_items(before, after, key)
        found.append(ItemChange(key, label, old[key], new[key], added, removed))
    return tuple(found)


def law_article(code: str) -> str:
    """``74-2-3`` → ``法第74条第2項第3号``."""
    article, paragraph, item = code.split("-")
    return f"法第{article}条第{paragraph}項第{item}号"


def _left_out(standing: FileStanding) -> str:
    """Why the book leaves a file out, as the reason of its removal."""
    if standing.listing == "unlisted":
        return "記載することにより事務の適正な遂行に著しい支障を及ぼすおそれがあるため（法第75条第3項）"
    if standing.code == FEWER_PERSONS:
        return f"本人の数が政令で定める数に満たなくなったため（{law_article(FEWER_PERSONS)}）"
    return f"{standing.reason}に当たるため（{law_article(standing.code)}）"


def _back_in(standing: FileStanding) -> str:
    """Why a file left out before is in the book now, as the reason of its addition."""
    if standing.listing == "unlisted":
        return "記載を省略する理由（法第75条第3項）がなくなったため"
    if standing.code == FEWER_PERSONS:
        return (
            f"本人の数が政令で定める数以上になったため（{law_article(FEWER_PERSONS)}に当たらない）"
        )
    return f"{law_article(standing.code)}に当たらなくなったため"


def _removal_reason(after: BookFile | None, entry: Entry | None, name: str) -> str:
    """Why a file listed at the start is not listed at the end."""
    if after is not None:
        return _left_out(after.standing)
    if entry is None:
        return "業務が登録簿にありません"
    if entry.is_abolished:
        return "業務を廃止したため"
    if not entry.filings:
        return "業務が届出中ではありません"
    return "個人情報ファイルを保有しなくなったため"


def _addition_reason(before: BookFile | None, entry: Entry | None) -> str:
    """Why a file listed at the end was not listed at the start."""
    if before is not None:
        return _back_in(before.standing)
    if entry is None or not entry.filings:
        return "業務を開始したため"
    if entry.is_abolished:
        return "廃止した業務を再び開始したため"
    return "個人情報ファイルを新たに保有したため"


def _state(
    entry_id: str,
    entry: Entry | None,
    name: str,
    config: RegistryConfig,
    catalog: Catalog,
) -> dict[str, str] | None:
    """A file's sheet as printed under one config, None when the book leaves it out."""
    if entry is None:
        return None
    book = build_statutory_book(config, catalog, [(entry_id, entry)], date.min)
    sheet = next((f for f in book.files if f.name == name), None)
    return sheet.items() if sheet is not None else None


class _Causes:
    """Which commits in between changed a file's sheet (judged with the end's config),
    else the ``registry.toml`` commits (a change only the config explains)."""

    def __init__(self, period: PeriodVersions) -> None:
        self.period = period
        self.by_entry: dict[str, list[tuple[LogItem, str | None, str | None]]] = {}
        for commit in period.commits:
            for change in commit.changes:
                self.by_entry.setdefault(change.entry, []).append(
                    (commit, change.before, change.after)
                )

    def version(self, sha: str | None) -> Entry | None:
        return self.period.versions.get(sha) if sha else None

    def of(self, key: FileKey) -> tuple[Cause, ...]:
        entry_id, name = key
        config, catalog = self.period.after.config, self.period.after.catalog
        found = [
            _cause(commit)
            for commit, before, after in self.by_entry.get(entry_id, [])
            if _state(entry_id, self.version(before), name, config, catalog)
            != _state(entry_id, self.version(after), name, config, catalog)
        ]
        if not found:
            found = [_cause(commit) for commit in self.period.config_commits]
        return tuple(found)


def _cause(commit: LogItem) -> Cause:
    summary = commit.summary if commit.is_filing else commit.subject
    return Cause(commit.date, commit.kind, summary, commit.commit)


def _order(config: RegistryConfig) -> dict[str, int]:
    return {agency.name: index for index, agency in enumerate(agencies_of(config))}


def changed_entries(before: RegisterVersion, after: RegisterVersion) -> set[str]:
    """The entries with a file added to, corrected in or removed from the book: those
    whose commits in between are read (:func:`read_book_changes`)."""
    skip = before.unreadable | after.unreadable
    old, new = _sheets(before, skip), _sheets(after, skip)
    listed_old = {k for k, f in old.items() if f.listed}
    listed_new = {k for k, f in new.items() if f.listed}
    keys = (listed_old ^ listed_new) | {
        k for k in listed_old & listed_new if old[k].items() != new[k].items()
    }
    return {entry for entry, _ in keys}


def read_book_changes(root: Path, start: date, end: date) -> BookChanges:
    """``export --changes``: the register as of each date, read from git, compared."""
    period = read_period(root, start, end, changed_entries)
    return build_book_changes(period, start, end)


def build_book_changes(period: PeriodVersions, start: date, end: date) -> BookChanges:
    """The files added, corrected and removed between the two versions of ``period``."""
    before, after = period.before, period.after
    skip = before.unreadable | after.unreadable
    old, new = _sheets(before, skip), _sheets(after, skip)
    listed_old = {k for k, f in old.items() if f.listed}
    listed_new = {k for k, f in new.items() if f.listed}
    rank_new, rank_old = _order(after.config), _order(before.config)
    causes = _Causes(period)

    def place(sheets: dict[FileKey, BookFile], ranks: dict[str, int], key: FileKey) -> int:
        return ranks.get(sheets[key].agency, len(ranks))

    new_keys = {k: i for i, k in enumerate(new)}  # each book's order
    old_keys = {k: i for i, k in enumerate(old)}
    added = tuple(
        FileChange(
            "added",
            new[k].file,
            k[0],
            k[1],
            new[k].agency,
            _addition_reason(old.get(k), before.entries.get(k[0])),
            causes=causes.of(k),
        )
        for k in sorted(
            (k for k in new_keys if k in listed_new and k not in listed_old),
            key=lambda k: (place(new, rank_new, k), new_keys[k]),
        )
    )
    corrected = tuple(
        FileChange(
            "corrected",
            new[k].file,
            k[0],
            k[1],
            new[k].agency,
            "",
            items,
            causes.of(k),
        )
        for k in sorted(
            (k for k in new_keys if k in listed_new and k in listed_old),
            key=lambda k: (place(new, rank_new, k), new_keys[k]),
        )
        if (items := item_changes(old[k], new[k]))
    )
    removed = tuple(
        FileChange(
            "removed",
            old[k].file,
            k[0],
            k[1],
            old[k].agency,
            _removal_reason(new.get(k), after.entries.get(k[0]), k[1]),
            causes=causes.of(k),
        )
        for k in sorted(
            (k for k in old_keys if k in listed_old and k not in listed_new),
            key=lambda k: (place(old, rank_old, k), old_keys[k]),
        )
    )
    return BookChanges(
        after.config.municipality,
        start,
        end,
        added,
        corrected,
        removed,
        tuple(sorted(skip)),
    )
