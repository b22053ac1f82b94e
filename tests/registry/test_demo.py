"""The demo register: the sample's filings replayed as git history."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.gitrepos import commit_count, copy_demo, git, head
from tests.support.samples import PROJECT_ROOT
from todokede.registry.files.store import load_config_or_raise
from todokede.registry.git.demo import (
    build_demo,
    clerk_slugs,
    file_filings,
    files_at,
    items_at_filings,
)
from todokede.registry.git.revisions import RegisterRepo
from todokede.registry.schema.errors import RegisterError
from todokede.registry.schema.model import Entry
from todokede.registry.schema.rules import check_entry_data

SAMPLE_FILES = sorted((PROJECT_ROOT / "entries").glob("*.toml"))


def sample_filings() -> int:
    return sum(len(tomllib.loads(p.read_text("utf-8")).get("filings", [])) for p in SAMPLE_FILES)


@pytest.fixture
def demo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory, tmp_path / "demo")


def test_one_commit_per_filing_and_the_files_are_the_sample_byte_for_byte(demo: Path) -> None:
    assert commit_count(demo) == sample_filings() + 1
    assert git(demo, "status", "--porcelain") == ""
    for path in SAMPLE_FILES:
        assert (demo / "entries" / path.name).read_bytes() == path.read_bytes()
        assert git(demo, "show", f"HEAD:entries/{path.name}").encode() == path.read_bytes()
    assert (demo / "registry.toml").read_bytes() == (PROJECT_ROOT / "registry.toml").read_bytes()
    git(demo, "fsck", "--strict")


def test_commits_are_dated_on_their_filing_dates_by_department_clerks(demo: Path) -> None:
    log = git(
        demo,
        "log",
        "--reverse",
        "--format=%aI|%cI|%an|%ae|%cn|%(trailers:key=Filing-Date,valueonly,separator=%x2C)|%s",
    ).splitlines()
    first = log[0].split("|")
    assert first[0] == "1976-03-31T09:00:00+09:00" and first[-1] == "登録簿を作成"
    days = []
    for line in log[1:]:
        authored, committed, name, email, committer, filing_date, subject = line.split("|")
        assert authored == committed == f"{filing_date}T09:00:00+09:00"
        department = name.removesuffix(" 担当者")
        assert name == committer and name != department
        assert subject.split(": ", 1)[1].startswith(department + " ")
        assert email.endswith("@example.lg.jp")
        days.append(date.fromisoformat(filing_date))
    assert days == sorted(days)
    assert any("|課税課 担当者|kazei@example.lg.jp|" in line for line in log)


def test_clerk_mail_names_follow_the_ids_of_each_department() -> None:
    config = load_config_or_raise(PROJECT_ROOT)
    entries = {
        p.stem: Entry.model_validate(tomllib.loads(p.read_text("utf-8"))) for p in SAMPLE_FILES
    }
    slugs = clerk_slugs(config, entries)
    assert slugs["課税課"] == "kazei"
    assert slugs["子ども家庭支援課"] == "kodomo-katei"
    assert slugs["子ども・教育支援課"] == "kodomo-kyoiku"
    assert len(set(slugs.values())) == len(slugs)


def test_every_version_of_every_entry_passes_the_rules(demo: Path) -> None:
    config = load_config_or_raise(PROJECT_ROOT)
    catalog = config.build_catalog()
    checked = 0
    with RegisterRepo(demo) as history:
        blobs: set[str] = set()
        for sha, _ in history.first_parents():
            snapshot = history.snapshot(history.resolve(sha))
            blobs.update(snapshot.entries.values())
        for sha, data in history.reader.read(sorted(blobs)).items():
            entry, violations = check_entry_data(tomllib.loads(data.decode()), config, catalog)
            assert entry is not None, sha
            assert [v for v in violations if v.severity == "error"] == [], sha
            checked += 1
    assert checked == sample_filings()


def version_at(demo: Path, entry_id: str, day: str) -> dict[str, Any]:
    with RegisterRepo(demo) as history:
        revision = history.resolve(day)
        snapshot = history.snapshot(revision)
        data = history.contents(snapshot, [entry_id])[entry_id]
    return tomllib.loads(data.decode())


def test_each_commit_holds_the_entry_as_it_stood_at_that_filing(demo: Path) -> None:
    started = version_at(demo, "kazei-kojin-juminzei", "1986-04-01")
    assert "個人番号" not in started["record_items"]
    assert "本籍" in started["record_items"]
    assert "outsourcing" not in started and "connections" not in started
    assert len(started["filings"]) == 1
    online = version_at(demo, "kazei-kojin-juminzei", "2006-01-04")
    assert [c["partner"] for c in online["connections"]] == ["地方税ポータルシステム（eLTAX）"]
    assert len(online["outsourcing"]) == 1
    abolished = version_at(demo, "shimin-jukinet-card-kofu", "2015-12-25")
    before = version_at(demo, "shimin-jukinet-card-kofu", "2015-12-24")
    assert (abolished["status"], before["status"]) == ("abolished", "active")


def test_a_list_of_tables_emptied_in_a_version_leaves_no_trace(demo: Path) -> None:
    with RegisterRepo(demo) as history:
        path = history.entry_path("kazei-kojin-juminzei")
        first = git(demo, "log", "--reverse", "--format=%H", "--", path).split()[0]
        text = git(demo, "show", f"{first}:{path}")
    assert text.startswith("# 課税課 個人住民税賦課事務\n")
    assert "outsourcing" not in text and "connections" not in text


def test_items_are_rebuilt_backwards_through_added_and_removed() -> None:
    path = PROJECT_ROOT / "entries" / "kazei-kojin-juminzei.toml"
    entry = Entry.model_validate(tomllib.loads(path.read_text("utf-8")))
    steps = items_at_filings(entry, load_config_or_raise(PROJECT_ROOT).build_catalog())
    review = next(i for i, f in enumerate(entry.filings) if f.date == date(2016, 3, 22))
    assert steps[-1] == entry.record_items
    assert all(step == entry.record_items for step in steps[review:])
    assert set(steps[review]) - set(steps[review - 1]) == {"個人番号", "年金の受給状況"}
    assert set(steps[review - 1]) - set(steps[review]) == {"本籍"}
    assert steps[0] == steps[review - 1]


LAW_IN_FORCE = date(2023, 4, 1)  # 令和5年4月1日: the amended APPI binds the city


def named_files(summary: str) -> list[str]:
    """The file names a filing's summary adds: 「個人情報ファイル「A」「B」を追加」."""
    _, _, rest = summary.partition("個人情報ファイル「")
    names, _, _ = ("「" + rest).partition("を追加")
    return [n.removeprefix("「") for n in names.split("」") if n]


def test_the_files_arrive_with_the_filings_that_added_them(demo: Path) -> None:
    entries = {
        p.stem: Entry.model_validate(tomllib.loads(p.read_text("utf-8"))) for p in SAMPLE_FILES
    }
    seen = 0
    with RegisterRepo(demo) as history:

        def files_on(entry_id: str, day: date) -> list[str]:
            snapshot = history.snapshot(history.resolve(day.isoformat()))
            data = history.contents(snapshot, [entry_id])[entry_id]
            return [f["name"] for f in tomllib.loads(data.decode()).get("files", [])]

        for entry_id, entry in entries.items():
            if entry.is_abolished:
                assert entry.files == [] and entry.filings[-1].date < LAW_IN_FORCE, entry_id
                continue
            adding = [f for f in entry.filings if "個人情報ファイル「" in f.summary]
            assert adding and adding[0].date > LAW_IN_FORCE, entry_id
            first = adding[0]
            assert files_on(entry_id, first.date - timedelta(days=1)) == [], entry_id
            held = files_on(entry_id, first.date)
            assert held == named_files(first.summary) and held, entry_id
            for later in adding[1:]:  # a file added afterwards arrives with its own filing
                before = files_on(entry_id, later.date - timedelta(days=1))
                after = files_on(entry_id, later.date)
                assert [n for n in after if n not in before] == named_files(later.summary)
            assert files_on(entry_id, date.today()) == [f.name for f in entry.files]
            seen += 1
    assert seen == sum(not e.is_abolished for e in entries.values()) >= 25


def test_a_file_is_held_from_the_filing_naming_it_else_from_its_since() -> None:
    config = load_config_or_raise(PROJECT_ROOT)
    catalog = config.build_catalog()
    path = PROJECT_ROOT / "entries" / "kodomo-katei-shussan-kosodate-oen.toml"
    entry = Entry.model_validate(tomllib.loads(path.read_text("utf-8")))
    assert file_filings(entry) == [1, 1, 2]  # named by the 2023 filing, then by the 2025 one
    # Without a summary naming them, files wait for the first filing on or after their since.
    quiet = entry.model_copy(
        update={"filings": [f.model_copy(update={"summary": "見直し"}) for f in entry.filings]}
    )
    assert file_filings(quiet) == [1, 1, 2]
    undated = entry.files[0].model_copy(update={"since": None})
    future = entry.files[1].model_copy(update={"since": date(2099, 4, 1)})
    assert file_filings(quiet.model_copy(update={"files": [undated, future]})) == [0, None]
    # A file's items are cut to those the entry held then: 金融機関口座 came in 2025.
    steps = items_at_filings(entry, catalog)
    third = entry.files[2]
    early = files_at(entry, 1, steps[1], catalog, [1, 1, 1])
    assert "金融機関口座" in third.record_items and "金融機関口座" not in steps[1]
    assert early[2].record_items == [i for i in third.record_items if i != "金融機関口座"]
    assert early[:2] == entry.files[:2]


def test_an_existing_register_is_reused_and_other_folders_refused(
    demo: Path, tmp_path: Path
) -> None:
    before = head(demo)
    again = build_demo(demo)
    assert (again.created, again.root) == (False, demo.resolve())
    assert head(demo) == before
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="空ではなく登録簿でもありません"):
        build_demo(busy)
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]


def test_inside_another_repository_the_demo_is_its_own_repository(
    tmp_path: Path, git_identity: None
) -> None:
    outer = tmp_path / "project"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    (outer / "README.md").write_text("project\n", encoding="utf-8")
    git(outer, "add", "README.md")
    git(outer, "commit", "-q", "-m", "project")
    before = head(outer)
    result = build_demo(outer / "todokede-demo")
    assert result.created and not result.identity_set  # a global identity exists
    assert head(outer) == before and commit_count(outer) == 1
    assert (outer / "todokede-demo" / ".git").is_dir()
    assert git(outer / "todokede-demo", "rev-parse", "--show-toplevel").strip() == str(
        (outer / "todokede-demo").resolve()
    )
    assert "user.name" not in git(outer / "todokede-demo", "config", "--local", "--list")
    assert not list(outer.glob(".todokede-demo.*"))  # no building folder left behind


def test_without_an_identity_the_demo_gets_a_local_one(demo: Path) -> None:
    assert git(demo, "config", "--local", "user.name").strip() == "見本 利用者"
    assert git(demo, "config", "--local", "user.email").strip() == "visitor@example.lg.jp"


def test_council_items_arrive_with_the_first_filing_after_their_meeting(demo: Path) -> None:
    before = version_at(demo, "kodomo-kyoiku-kodomo-sodan", "2010-04-01")
    assert "council" not in before
    consulted = version_at(demo, "kodomo-kyoiku-kodomo-sodan", "2016-11-15")
    [item] = consulted["council"]
    assert (item["number"], item["result"]) == ("平成28年度諮問第7号", "approved")
    assert consulted["filings"][-1]["consultation"] == "平成28年度諮問第7号"
    # 諮問第3号 was answered at the 2nd meeting; its opinion only on 2016-10-25.
    started = version_at(demo, "hoken-nenkin-tonyobyo-jinsho-yobo", "2016-10-14")
    [item] = started["council"]
    assert item["answered"] == date(2016, 7, 26)
    assert not item["opinions"][0].get("answer") and "answered" not in item["opinions"][0]
    # 人事課 filed on 2016-10-03 and reported on 2016-10-25: the report and the
    # filing's reported come with the next filing.
    filed = version_at(demo, "jinji-fukuri-kosei-hoken", "2016-10-03")
    assert "council" not in filed and "reported" not in filed["filings"][-1]
    later = version_at(demo, "jinji-fukuri-kosei-hoken", "2023-04-21")
    assert later["filings"][2]["reported"] == date(2016, 10, 25)
