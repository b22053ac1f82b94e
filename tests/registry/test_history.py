"""Reading history back: an entry's commits with their diffs, the register's log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.gitrepos import copy_demo, git
from todokede.registry.git.history import entry_history, register_log, unified_diff
from todokede.registry.git.revisions import UnknownEntry


@pytest.fixture
def demo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory, tmp_path / "demo")


def test_entry_history_gives_each_commit_with_its_semantic_and_raw_diff(demo: Path) -> None:
    items = entry_history(demo, "kazei-kojin-juminzei")
    assert [(i.log.date.isoformat(), i.log.kind) for i in items] == [
        ("2023-05-12", "change"),
        ("2016-03-22", "change"),
        ("2006-01-04", "change"),
        ("1999-04-01", "change"),
        ("1986-04-01", "start"),
    ]
    files = items[0]  # the filing that added the 個人情報ファイル
    assert files.diff is not None and files.diff.files.added == (
        "個人住民税課税台帳ファイル",
        "個人住民税申告書綴",
    )
    assert files.diff.items_added == () and files.diff.items_removed == ()
    items = items[1:]
    latest = items[0]
    assert latest.log.review and latest.log.author == "課税課 担当者"
    assert latest.log.author_email == "kazei@example.lg.jp"
    assert (latest.log.department, latest.log.name) == ("課税課", "個人住民税賦課事務")
    path = "entries/kazei-kojin-juminzei.toml"
    assert [files.commit, latest.commit] == git(
        demo, "log", "-2", "--format=%H", "--", path
    ).split()
    assert latest.diff is not None
    assert latest.diff.items_added == ("個人番号", "年金の受給状況")
    assert latest.diff.items_removed == ("本籍",)
    assert latest.raw_diff.startswith(
        "--- a/entries/kazei-kojin-juminzei.toml\n+++ b/entries/kazei-kojin-juminzei.toml\n"
    )
    assert '+items_added = ["個人番号", "年金の受給状況"]\n' in latest.raw_diff
    assert items[1].diff is not None and items[1].diff.connections.added == (
        "地方税ポータルシステム（eLTAX）",
    )
    assert items[2].diff is not None and items[2].diff.contractors_added == (
        "株式会社武蔵野情報サービス",
    )
    start = items[-1]
    assert start.diff is not None and start.diff.status == "added"
    assert start.raw_diff.startswith("--- /dev/null\n+++ b/entries/kazei-kojin-juminzei.toml\n")
    assert start.before is None and start.after is not None
    # the raw diff is the one git shows
    git_diff = git(demo, "diff", f"{latest.log.parents[0]}..{latest.commit}", "--", "entries")
    assert [line for line in latest.raw_diff.splitlines() if line[:1] in "+-"] == [
        line for line in git_diff.splitlines() if line[:1] in "+-"
    ]


def test_log_for_one_entry_a_period_and_the_whole_register(demo: Path) -> None:
    jukinet = register_log(demo, "shimin-jukinet-card-kofu")
    assert [(i.date, i.kind_label) for i in jukinet] == [
        (date(2015, 12, 25), "廃止"),
        (date(2003, 8, 25), "開始"),
    ]
    period = register_log(demo, since=date(2016, 1, 1), until=date(2016, 9, 13))
    assert [(i.entry, i.kind) for i in period] == [
        ("kenko-zoshin-i-gan-risk-kenshin", "start"),
        ("kazei-kotei-toshikeikaku-tokubetsu-tochi", "change"),
        ("kazei-kotei-shisan-zei-kazei", "change"),
        ("kazei-keijidosha-zei", "change"),
        ("kazei-kojin-juminzei", "change"),
    ]
    whole = register_log(demo)
    assert whole[-1].kind is None and whole[-1].kind_label == "その他"
    assert whole[-1].summary == "登録簿を作成" and whole[-1].entry is None
    assert whole[-1].department == whole[-1].name == ""
    assert len(whole) == int(git(demo, "rev-list", "--count", "HEAD"))
    with pytest.raises(UnknownEntry, match="エントリ「no-such-entry」はありません"):
        register_log(demo, "no-such-entry")  # never held: as `diff no-such-entry` says


def test_a_commit_touching_many_entries_is_listed_as_other(demo: Path, git_identity: None) -> None:
    for name in ("kazei-kojin-juminzei", "kazei-keijidosha-zei"):
        path = demo / "entries" / f"{name}.toml"
        path.write_text(path.read_text("utf-8") + "# 一括修正\n", encoding="utf-8")
    git(demo, "commit", "-q", "-am", "コメントを一括修正")
    latest = register_log(demo)[0]
    assert (latest.kind_label, latest.summary, latest.name) == (
        "その他",
        "コメントを一括修正",
        "エントリ 2件",
    )
    assert [c.entry for c in latest.changes] == ["kazei-keijidosha-zei", "kazei-kojin-juminzei"]
    items = entry_history(demo, "kazei-kojin-juminzei")
    assert items[0].log.kind is None and items[0].diff is None  # comments only: no semantic change
    assert items[0].raw_diff.endswith("+# 一括修正\n")


def test_unified_diff_of_absent_versions() -> None:
    assert unified_diff("entries/x.toml", None, None) == ""
    removed = unified_diff("entries/x.toml", b"a\nb", None)
    assert removed == "--- a/entries/x.toml\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"
