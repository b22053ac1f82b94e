"""``todokede file`` through the real entry point, on real git repositories.

Each kind of filing is checked in the TOML written and in the commit (message,
trailers as ``git interpret-trailers --parse`` reads them, author, the one
path it touches). Each refusal exits 1 with one line, leaves the entry file
byte for byte and HEAD where it was.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.support.gitrepos import ENTRY_ID, committed_register, git, head, trailers
from tests.support.samples import VALID_ENTRY, CliRunner

NEW_ID = "kenko-gan-kenshin"
NEW_ENTRY = """\
# 健康増進課 がん検診事務（まだ届出前）
name = "がん検診事務"
department = "健康増進課"
purpose = "がん検診を実施するため"
subjects = ["市内に住所を有する40歳以上の者"]
record_items = ["氏名", "住所", "生年月日", "健康診断等の結果"]
status = "active"
"""


@pytest.fixture
def register(tmp_path: Path, git_identity: None) -> Path:
    return committed_register(tmp_path / "reg")


def entry_file(root: Path, entry_id: str = ENTRY_ID) -> Path:
    return root / "entries" / f"{entry_id}.toml"


def data(root: Path, entry_id: str = ENTRY_ID) -> dict[str, object]:
    return tomllib.loads(entry_file(root, entry_id).read_text(encoding="utf-8"))


def last_filing(root: Path, entry_id: str = ENTRY_ID) -> dict[str, object]:
    filings = data(root, entry_id)["filings"]
    assert isinstance(filings, list)
    last = filings[-1]
    assert isinstance(last, dict)
    return last


def committed_paths(root: Path, rev: str = "HEAD") -> list[str]:
    return git(root, "show", "--format=", "--name-only", rev).split()


def test_start_files_a_new_entry_and_commits_only_that_file(
    register: Path, todokede: CliRunner
) -> None:
    entry_file(register, NEW_ID).write_text(NEW_ENTRY, encoding="utf-8")
    # Other work in progress: a staged change and an unstaged one stay as they are.
    config = register / "registry.toml"
    config.write_text(config.read_text("utf-8") + "# staged note\n", "utf-8")
    git(register, "add", "registry.toml")
    entry_file(register).write_text(VALID_ENTRY + "# unstaged note\n", "utf-8")
    before = head(register)

    result = todokede("file", NEW_ID, "--kind", "start", "--date", "H22.4.1", cwd=register)

    assert result.returncode == 0, result.stderr
    assert "開始届を記録しました: 健康増進課 がん検診事務 — 業務開始" in result.stdout
    assert last_filing(register, NEW_ID) == {
        "date": __import__("datetime").date(2010, 4, 1),
        "kind": "start",
        "summary": "業務開始",
    }
    text = entry_file(register, NEW_ID).read_text("utf-8")
    assert text.startswith(NEW_ENTRY)  # comments and layout kept, the filing appended
    assert git(register, "rev-parse", "HEAD~1").strip() == before
    assert git(register, "log", "-1", "--format=%s").strip() == (
        "開始届: 健康増進課 がん検診事務 — 業務開始"
    )
    assert trailers(register) == {
        "Filing-Kind": "start",
        "Filing-Date": "2010-04-01",
        "Entry": NEW_ID,
    }
    assert git(register, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "総務 太郎 <soumu@example.jp>|総務 太郎 <soumu@example.jp>"
    )
    assert committed_paths(register) == [f"entries/{NEW_ID}.toml"]
    assert git(register, "show", f"HEAD:entries/{NEW_ID}.toml") == text
    assert git(register, "diff", "--cached", "--name-only").split() == ["registry.toml"]
    assert git(register, "diff", "--name-only").split() == [f"entries/{ENTRY_ID}.toml"]
    assert git(register, "status", "--porcelain", "--", f"entries/{NEW_ID}.toml") == ""


def test_change_records_items_and_a_summary_written_from_the_diff(
    register: Path, todokede: CliRunner
) -> None:
    edited = VALID_ENTRY.replace(
        'record_items = ["氏名", "住所", "生年月日"]',
        'record_items = ["氏名", "生年月日", "マイナンバー"]  # 番号法',
    ).replace(
        "\n[[filings]]",
        '\n[[outsourcing]]\ncontractor = "株式会社武蔵野情報サービス"\nscope = "入力"\n'
        "since = 2016-01-01\n\n[[filings]]",
    )
    entry_file(register).write_text(edited, encoding="utf-8")

    result = todokede(
        "file", ENTRY_ID, "--kind", "change", "--date", "平成28年3月22日", cwd=register
    )

    assert result.returncode == 0, result.stderr
    summary = (
        "記録項目に「マイナンバー」を追加。記録項目から「住所」を削除。"
        "委託先を追加: 株式会社武蔵野情報サービス"
    )
    filing = last_filing(register)
    assert filing["kind"] == "change"
    assert filing["summary"] == summary
    assert filing["items_added"] == ["マイナンバー"]
    assert filing["items_removed"] == ["住所"]
    assert "review" not in filing
    assert "# 番号法" in entry_file(register).read_text("utf-8")
    assert git(register, "log", "-1", "--format=%s").strip() == (
        f"変更届: 課税課 個人住民税賦課事務 — {summary}"
    )
    assert trailers(register) == {
        "Filing-Kind": "change",
        "Filing-Date": "2016-03-22",
        "Entry": ENTRY_ID,
    }
    assert committed_paths(register) == [f"entries/{ENTRY_ID}.toml"]
    assert git(register, "status", "--porcelain") == ""
    checked = todokede("check", cwd=register)
    assert checked.returncode == 0, checked.stdout


def test_a_pure_review_of_an_unchanged_entry(register: Path, todokede: CliRunner) -> None:
    result = todokede(
        "file", ENTRY_ID, "--kind", "change", "--date", "2015-04-01", "--review", cwd=register
    )
    assert result.returncode == 0, result.stderr
    filing = last_filing(register)
    assert (filing["summary"], filing["review"]) == ("見直し（変更なし）", True)
    assert trailers(register) == {
        "Filing-Kind": "change",
        "Filing-Date": "2015-04-01",
        "Entry": ENTRY_ID,
        "Filing-Review": "true",
    }


def test_abolish_sets_the_status_and_author_overrides(register: Path, todokede: CliRunner) -> None:
    result = todokede(
        "file",
        ENTRY_ID,
        "--kind",
        "abolish",
        "--date",
        "R2.3.31",
        "--summary",
        "制度の終了により廃止",
        "--author",
        "課税 花子 <kazei@example.jp>",
        cwd=register,
    )
    assert result.returncode == 0, result.stderr
    assert data(register)["status"] == "abolished"
    assert last_filing(register)["summary"] == "制度の終了により廃止"
    assert last_filing(register)["kind"] == "abolish"
    assert git(register, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "課税 花子 <kazei@example.jp>|総務 太郎 <soumu@example.jp>"
    )
    assert trailers(register)["Filing-Kind"] == "abolish"
    assert git(register, "log", "-1", "--format=%s").strip() == (
        "廃止届: 課税課 個人住民税賦課事務 — 制度の終了により廃止"
    )
    default = VALID_ENTRY.replace("個人住民税賦課事務", "別の事務")
    other = committed_register(register.parent / "other", ("kazei-other", default))
    result = todokede("file", "kazei-other", "--kind", "abolish", "--date", "2020-03-31", cwd=other)
    assert result.returncode == 0, result.stderr
    assert last_filing(other, "kazei-other")["summary"] == "業務を廃止"


# -- refusals --------------------------------------------------------------------------


def assert_refused(
    result: object, path: Path, original: bytes, root: Path, before: str, fragment: str
) -> None:
    import subprocess

    assert isinstance(result, subprocess.CompletedProcess)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("エラー: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr
    assert path.read_bytes() == original
    assert head(root) == before


REFUSALS: dict[str, tuple[str, list[str], str]] = {
    # name: (entry text on disk (None: as committed), arguments, fragment of the message)
    "invalid_entry": (
        VALID_ENTRY.replace('purpose = "地方税法に基づき個人住民税を賦課するため"', 'purpose = ""'),
        ["--kind", "change", "--date", "2016-03-22"],
        "entries/kazei-kojin-juminzei.toml:4: エラー: purpose: 空にはできません",
    ),
    "unknown_department": (
        VALID_ENTRY.replace('department = "課税課"', 'department = "税務課"'),
        ["--kind", "change", "--date", "2016-03-22"],
        "担当課「税務課」は registry.toml の departments にありません",
    ),
    "start_for_a_committed_entry": (
        VALID_ENTRY + "# edited\n",
        ["--kind", "start", "--date", "2016-03-22"],
        "既に届出されています",
    ),
    "change_without_a_change": (
        VALID_ENTRY,
        ["--kind", "change", "--date", "2016-03-22"],
        "前回の届出から変わっていません",
    ),
    "comment_only_is_no_change": (
        VALID_ENTRY + "# only a comment\n",
        ["--kind", "change", "--date", "2016-03-22"],
        "--review を付けてください",
    ),
    "hand_edited_filings": (
        VALID_ENTRY + '\n[[filings]]\ndate = 2016-03-22\nkind = "change"\n',
        ["--kind", "change", "--date", "2016-03-22"],
        "届出の記録（[[filings]]）が前回の届出から書き換えられています",
    ),
    "date_before_the_last_filing": (
        VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]'),
        ["--kind", "change", "--date", "2005-03-31"],
        "届出日 2005-03-31 が前回の届出日（2005-04-01）より前です",
    ),
    "status_abolished_on_a_change": (
        VALID_ENTRY.replace('status = "active"', 'status = "abolished"'),
        ["--kind", "change", "--date", "2016-03-22"],
        "最後の届出が廃止ではありません",
    ),
    "summary_with_a_control_character": (
        VALID_ENTRY,
        ["--kind", "change", "--date", "2016-03-22", "--review", "--summary", "見直し\x07"],
        "制御文字",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_leave_the_file_and_head_as_they_were(
    case: str, register: Path, todokede: CliRunner
) -> None:
    text, args, fragment = REFUSALS[case]
    path = entry_file(register)
    path.write_text(text, encoding="utf-8")
    original, before = path.read_bytes(), head(register)
    result = todokede("file", ENTRY_ID, *args, cwd=register)
    assert_refused(result, path, original, register, before, fragment)


def test_kinds_that_do_not_fit_a_new_or_abolished_entry(
    register: Path, todokede: CliRunner
) -> None:
    path = entry_file(register, NEW_ID)
    path.write_text(NEW_ENTRY, encoding="utf-8")
    original, before = path.read_bytes(), head(register)
    for kind in ("change", "abolish"):
        result = todokede("file", NEW_ID, "--kind", kind, "--date", "2016-03-22", cwd=register)
        assert_refused(result, path, original, register, before, "まだ開始届が出ていません")
    with_filings = NEW_ENTRY + '\n[[filings]]\ndate = 2010-04-01\nkind = "start"\n'
    path.write_text(with_filings, encoding="utf-8")
    result = todokede("file", NEW_ID, "--kind", "start", "--date", "2010-04-01", cwd=register)
    assert_refused(result, path, with_filings.encode(), register, before, "[[filings]] を消して")

    done = todokede("file", ENTRY_ID, "--kind", "abolish", "--date", "2020-03-31", cwd=register)
    assert done.returncode == 0, done.stderr
    abolished = entry_file(register)
    original, before = abolished.read_bytes(), head(register)
    again = todokede(
        "file", ENTRY_ID, "--kind", "change", "--date", "2021-01-01", "--review", cwd=register
    )
    assert_refused(again, abolished, original, register, before, "2020-03-31 に廃止されています")


def test_no_git_identity_is_refused(tmp_path: Path, todokede: CliRunner) -> None:
    root = committed_register(tmp_path / "reg")
    path = entry_file(root)
    path.write_text(VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]'), "utf-8")
    original, before = path.read_bytes(), head(root)
    result = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22", cwd=root)
    assert_refused(result, path, original, root, before, "git の利用者が設定されていません")
    bad_author = todokede(
        "file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22", "--author", "名前だけ",
        cwd=root,
    )  # fmt: skip
    # A malformed --author is bad usage (exit 2), not a refused filing.
    assert bad_author.returncode == 2 and "「氏名 <メール>」の形で" in bad_author.stderr
    assert path.read_bytes() == original and head(root) == before


def test_not_a_register_or_not_a_repository(
    tmp_path: Path, todokede: CliRunner, git_identity: None
) -> None:
    loose = tmp_path / "loose"
    (loose / "entries").mkdir(parents=True)
    path = entry_file(loose)
    path.write_text(VALID_ENTRY, encoding="utf-8")
    args = ["file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22", "--review"]
    result = todokede("--registry", str(loose), *args)
    assert result.returncode == 1
    assert "registry.toml がありません" in result.stderr
    assert path.read_bytes() == VALID_ENTRY.encode()

    from tests.support.gitrepos import write_register

    plain = write_register(tmp_path / "plain")
    original = entry_file(plain).read_bytes()
    result = todokede("--registry", str(plain), *args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "git リポジトリではありません" in result.stderr
    assert entry_file(plain).read_bytes() == original


def conflicting_branch(root: Path) -> None:
    """A branch that changes registry.toml one way while main changes it another."""
    config = root / "registry.toml"
    text = config.read_text("utf-8")
    git(root, "switch", "-q", "-c", "other")
    config.write_text(text + "# other\n", "utf-8")
    git(root, "commit", "-q", "-am", "other")
    git(root, "switch", "-q", "main")
    config.write_text(text + "# main\n", "utf-8")
    git(root, "commit", "-q", "-am", "main")


@pytest.mark.parametrize("operation", ["merge", "rebase"])
def test_refused_in_the_middle_of_a_merge_or_rebase(
    operation: str, register: Path, todokede: CliRunner
) -> None:
    conflicting_branch(register)
    import subprocess

    stopped = subprocess.run(
        ["git", "-C", str(register), operation, "other"], capture_output=True, check=False
    )
    assert stopped.returncode != 0  # the conflict leaves the operation half done
    path = entry_file(register)
    path.write_text(VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]'), "utf-8")
    original = path.read_bytes()
    before = git(register, "rev-parse", "HEAD").strip()
    result = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22", cwd=register)
    label = {"merge": "マージ", "rebase": "リベース"}[operation]
    assert_refused(result, path, original, register, before, f"git の{label}の途中です")


def test_usage_errors_exit_2(register: Path, todokede: CliRunner) -> None:
    for args in (
        ["file", ENTRY_ID, "--kind", "modify", "--date", "2016-03-22"],
        ["file", ENTRY_ID, "--kind", "change", "--date", "平成32年1月1日"],
        ["file", "Bad_ID", "--kind", "change", "--date", "2016-03-22"],
        ["file", ENTRY_ID, "--kind", "change"],
    ):
        result = todokede(*args, cwd=register)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr


# -- review fixes: what HEAD holds stays a valid register ------------------------------


def test_a_filing_is_refused_while_registry_toml_differs_from_head(
    register: Path, todokede: CliRunner, tmp_path: Path
) -> None:
    # A department added to registry.toml but not committed; an entry moved to it.
    config = register / "registry.toml"
    config.write_text(
        config.read_text("utf-8").replace('"健康増進課"]', '"健康増進課", "市民課"]'), "utf-8"
    )
    path = entry_file(register)
    path.write_text(VALID_ENTRY.replace('department = "課税課"', 'department = "市民課"'), "utf-8")
    original, before = path.read_bytes(), head(register)
    args = ["file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22"]

    result = todokede(*args, cwd=register)
    assert_refused(
        result, path, original, register, before, "registry.toml に未コミットの変更があります"
    )
    assert "git commit" in result.stderr
    git(register, "add", "registry.toml")  # staged is not committed either
    staged = todokede(*args, cwd=register)
    assert_refused(
        staged, path, original, register, before, "registry.toml に未コミットの変更があります"
    )

    git(register, "commit", "-q", "-m", "市民課を追加", "--", "registry.toml")
    done = todokede(*args, cwd=register)
    assert done.returncode == 0, done.stderr
    # What HEAD holds is a valid register on its own (a clone checks clean).
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(register), str(clone))
    checked = todokede("check", cwd=clone)
    assert checked.returncode == 0, checked.stdout


def test_a_comment_in_registry_toml_does_not_stop_a_filing(
    register: Path, todokede: CliRunner
) -> None:
    config = register / "registry.toml"
    config.write_text(config.read_text("utf-8") + "# 来年度に課を見直す\n", "utf-8")
    entry_file(register).write_text(VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]'))
    result = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22", cwd=register)
    assert result.returncode == 0, result.stderr  # the same settings as HEAD's: HEAD stays valid
    assert git(register, "diff", "--name-only").split() == ["registry.toml"]


def test_an_entry_committed_by_hand_but_never_filed_is_started(
    register: Path, todokede: CliRunner
) -> None:
    made = todokede(
        "new", NEW_ID, "--department", "健康増進課", "--name", "がん検診事務", cwd=register
    )
    assert made.returncode == 0, made.stderr
    path = entry_file(register, NEW_ID)
    path.write_text(NEW_ENTRY, encoding="utf-8")
    git(register, "add", f"entries/{NEW_ID}.toml")
    git(register, "commit", "-q", "-m", "下書き")
    hand = head(register)

    change = todokede("file", NEW_ID, "--kind", "change", "--date", "2016-03-22", "--review",
                      cwd=register)  # fmt: skip
    assert_refused(change, path, NEW_ENTRY.encode(), register, hand, "まだ開始届が出ていません")

    result = todokede("file", NEW_ID, "--kind", "start", "--date", "2016-03-22", cwd=register)
    assert result.returncode == 0, result.stderr
    assert last_filing(register, NEW_ID)["kind"] == "start"
    assert trailers(register)["Filing-Kind"] == "start"
    assert git(register, "rev-parse", "HEAD~1").strip() == hand
    assert path.read_text("utf-8").startswith(NEW_ENTRY)
    again = todokede("file", NEW_ID, "--kind", "start", "--date", "2016-03-23", cwd=register)
    assert again.returncode == 1 and "既に届出されています" in again.stderr


def test_a_malformed_author_is_bad_usage(register: Path, todokede: CliRunner) -> None:
    path = entry_file(register)
    path.write_text(VALID_ENTRY.replace('"生年月日"]', '"生年月日", "個人番号"]'), "utf-8")
    original, before = path.read_bytes(), head(register)
    for author in ("名前だけ", "<only@mail>", "氏名 <a@b> x"):
        result = todokede("file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22",
                          "--author", author, cwd=register)  # fmt: skip
        assert result.returncode == 2, (author, result.stderr)
        assert result.stderr.count("\n") == 1 and "「氏名 <メール>」の形で" in result.stderr
        assert path.read_bytes() == original and head(register) == before


def test_an_abolition_cannot_be_a_review(register: Path, todokede: CliRunner) -> None:
    path = entry_file(register)
    original, before = path.read_bytes(), head(register)
    result = todokede("file", ENTRY_ID, "--kind", "abolish", "--date", "2020-03-31", "--review",
                      cwd=register)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "--review" in result.stderr
    assert path.read_bytes() == original and head(register) == before


def test_without_kind_the_core_decides_start_then_change_and_nothing_after_abolition(
    register: Path, todokede: CliRunner
) -> None:
    entry_file(register, NEW_ID).write_text(NEW_ENTRY, encoding="utf-8")
    started = todokede("file", NEW_ID, "--date", "2010-04-01", cwd=register)
    assert started.returncode == 0, started.stderr
    assert last_filing(register, NEW_ID)["kind"] == "start"
    changed = todokede("file", NEW_ID, "--date", "2016-03-22", "--review", cwd=register)
    assert changed.returncode == 0, changed.stderr
    assert last_filing(register, NEW_ID)["kind"] == "change"

    done = todokede("file", ENTRY_ID, "--kind", "abolish", "--date", "2020-03-31", cwd=register)
    assert done.returncode == 0, done.stderr
    path = entry_file(register)
    original, before = path.read_bytes(), head(register)
    again = todokede("file", ENTRY_ID, "--date", "2021-01-01", "--review", cwd=register)
    assert_refused(again, path, original, register, before, "2020-03-31 に廃止されています")
