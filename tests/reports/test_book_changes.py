"""What changed in the 個人情報ファイル簿 between two dates, from real git histories.

``export --book files --changes --from D --to D``: files added, corrected (the
statutory items, by label) and removed, each with the filing that made it; the
command through the installed ``todokede`` and its refusals.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.support.bookhistory import BookHistory, a_file, an_entry
from tests.support.samples import CliRunner
from todokede.registry.git.register_at import read_period
from todokede.reports.book_changes import (
    RENAME_NOTE,
    BookChanges,
    build_book_changes,
    read_book_changes,
)
from todokede.reports.render_book_changes import render_changes

START, END = date(2023, 3, 31), date(2024, 3, 31)


@pytest.fixture
def book(tmp_path: Path) -> BookHistory:
    """A register before 令和5年4月1日 (three processes, five files), then a year of
    filings: a file added, one corrected, one no longer held, one made exempt, a
    process abolished, a change of persons only."""
    history = BookHistory(tmp_path / "reg")
    history.entries["kazei"] = an_entry(
        "個人住民税賦課事務",
        "課税課",
        [a_file("課税台帳ファイル", 85000), a_file("申告書綴", 80000, kind="manual")],
        [("2005-04-01", "start", "業務開始")],
    )
    history.entries["jinji"] = an_entry(
        "職員研修事務", "総務課", [a_file("職員研修ファイル", 2000)], [("2010-04-01", "start", "")]
    )
    history.entries["gakumu"] = an_entry(
        "就学援助事務", "学務課", [a_file("就学援助ファイル", 3000)], [("2010-04-01", "start", "")]
    )
    history.commit("2023-01-10", "登録簿を作成")
    kazei = history.entries["kazei"]
    kazei["files"][0]["record_items"].append("生年月日")
    kazei["files"][0]["recipients"] = ["東京都（地方税法第294条）"]
    kazei["files"][0]["persons"] = 86000  # not a statutory item
    del kazei["files"][1]
    kazei["files"].append(a_file("軽減申請ファイル", 4000))
    history.file("kazei", "change", "2023-05-01", "個人情報ファイル「軽減申請ファイル」を追加")
    history.entries["jinji"]["files"][0]["exemption"] = "74-2-3"
    history.file("jinji", "change", "2023-06-01", "職員研修ファイルを除外")
    history.file("gakumu", "abolish", "2023-07-01", "業務廃止")
    kazei["files"][1]["persons"] = 4500
    history.file("kazei", "change", "2023-08-01", "本人の数を更新")
    return history


def changes(book: BookHistory, start: date = START, end: date = END) -> BookChanges:
    found = read_book_changes(book.root, start, end)
    # the same as with every changed entry's commits read
    assert found == build_book_changes(read_period(book.root, start, end), start, end)
    return found


def test_files_added_corrected_and_removed(book: BookHistory) -> None:
    found = changes(book)
    assert [(c.file, c.name, c.reason) for c in found.added] == [
        ("kazei/2", "軽減申請ファイル", "個人情報ファイルを新たに保有したため")
    ]
    [corrected] = found.corrected
    assert (corrected.file, corrected.agency) == ("kazei/1", "東村山市長")
    assert [i.label for i in corrected.items] == [
        "記録項目",
        "記録情報の経常的提供先",
        "個人情報ファイルの種別",
    ]
    items, recipients, kind = corrected.items
    assert (items.before, items.after) == ("氏名、住所", "氏名、住所、生年月日")
    assert items.described == "追加「生年月日」"
    assert recipients.described == "追加「東京都（地方税法第294条）」"
    # the manual file went: the 電算処理 file's 政令 item says so, its part alone shown
    assert kind.described == "同一の記録情報を含むマニュアル処理ファイル: 有 → 無"
    assert [(c.file, c.agency, c.reason) for c in found.removed] == [
        (
            "jinji/1",
            "東村山市長",
            "職員又は職員であった者の人事、給与若しくは福利厚生に関する事項等のみを"
            "記録するものに当たるため（法第74条第2項第3号）",
        ),
        ("kazei/2", "東村山市長", "個人情報ファイルを保有しなくなったため"),
        ("gakumu/1", "東村山市教育委員会", "業務を廃止したため"),
    ]


def test_each_change_names_the_filing_that_made_it(book: BookHistory) -> None:
    found = changes(book)
    assert [c.filings for c in found.all] == [
        ("令和5年5月1日 変更届「個人情報ファイル「軽減申請ファイル」を追加」",),
        ("令和5年5月1日 変更届「個人情報ファイル「軽減申請ファイル」を追加」",),
        ("令和5年6月1日 変更届「職員研修ファイルを除外」",),
        ("令和5年5月1日 変更届「個人情報ファイル「軽減申請ファイル」を追加」",),
        ("令和5年7月1日 廃止届「業務廃止」",),
    ]


def test_a_narrower_period_shows_only_its_own_changes(book: BookHistory) -> None:
    found = changes(book, date(2023, 5, 31), date(2023, 12, 31))
    assert found.added == found.corrected == ()
    assert [c.name for c in found.removed] == ["職員研修ファイル", "就学援助ファイル"]
    assert found.full_title == "個人情報ファイル簿の変更（令和5年6月1日～令和5年12月31日）"
    # a change of persons only (令和5年8月1日) changes no printed item
    assert changes(book, date(2023, 7, 31), END).all == ()


def test_a_file_reaching_the_threshold_or_leaving_an_exemption_is_added(
    book: BookHistory,
) -> None:
    jinji = book.entries["jinji"]
    jinji["files"][0]["exemption"] = ""
    jinji["files"].append(a_file("職員相談ファイル", 800))
    book.file("jinji", "change", "2023-09-01", "職員相談ファイルを追加")
    jinji["files"][1]["persons"] = 1200
    book.file("jinji", "change", "2024-01-10", "本人の数を更新")
    found = changes(book, date(2023, 8, 31), date(2023, 9, 30))
    assert [(c.name, c.reason) for c in found.added] == [
        ("職員研修ファイル", "法第74条第2項第3号に当たらなくなったため")
    ]
    found = changes(book, date(2023, 9, 30), END)
    assert [(c.name, c.reason) for c in found.added] == [
        (
            "職員相談ファイル",
            "本人の数が政令で定める数以上になったため（法第74条第2項第9号に当たらない）",
        )
    ]
    assert found.added[0].filings == ("令和6年1月10日 変更届「本人の数を更新」",)


def test_an_unlisted_file_is_removed(book: BookHistory) -> None:
    book.entries["kazei"]["files"][0]["unlisted"] = True
    book.file("kazei", "change", "2023-09-01", "課税台帳ファイルを記載しない")
    found = changes(book, date(2023, 8, 31), END)
    assert [(c.name, c.reason) for c in found.removed] == [
        (
            "課税台帳ファイル",
            "記載することにより事務の適正な遂行に著しい支障を及ぼすおそれがあるため"
            "（法第75条第3項）",
        )
    ]


def test_a_renamed_file_reads_as_removed_and_added(book: BookHistory) -> None:
    book.entries["kazei"]["files"][0]["name"] = "個人住民税課税台帳ファイル"
    book.file("kazei", "change", "2023-09-01", "ファイルの名称を変更")
    found = changes(book, date(2023, 8, 31), END)
    assert [c.name for c in found.removed] == ["課税台帳ファイル"]
    assert [c.name for c in found.added] == ["個人住民税課税台帳ファイル"]
    assert RENAME_NOTE in found.notes


def test_an_organ_taking_a_division_corrects_its_files_by_registry_toml(
    book: BookHistory,
) -> None:
    book.entries["gakumu"]["filings"].pop()
    book.entries["gakumu"]["status"] = "active"
    book.commit("2023-07-02", "誤って廃止した就学援助事務を戻す")
    book.config = copy.deepcopy(book.config)
    book.config["agencies"][0]["departments"].append("学務課")
    book.config["agencies"][1]["departments"] = []
    book.commit("2023-10-01", "学務課を市長の機関とする")
    found = changes(book, date(2023, 7, 31), END)
    [moved] = found.corrected
    assert moved.name == "就学援助ファイル" and moved.agency == "東村山市長"
    assert [(i.label, i.described) for i in moved.items] == [
        ("行政機関等の名称", "東村山市教育委員会 → 東村山市長")
    ]
    assert moved.filings == ("令和5年10月1日 登録簿の変更「学務課を市長の機関とする」",)


def test_an_unreadable_version_is_named_and_left_out(book: BookHistory) -> None:
    book.entries["kazei"]["files"][0]["persons"] = -5
    book.commit("2023-09-01", "誤った版")
    found = changes(book)
    assert found.unreadable == ("kazei",)
    assert all(c.entry != "kazei" for c in found.all)
    assert any("kazei" in note for note in found.notes)


def test_an_item_newly_withheld_is_not_told_as_removed(book: BookHistory) -> None:
    book.entries["kazei"]["files"][0]["withheld"] = ["item:住所", "recipients"]
    book.file("kazei", "change", "2023-09-01", "記載の一部を省略")
    [corrected] = changes(book, date(2023, 8, 31), END).corrected
    assert [(i.label, i.described) for i in corrected.items] == [
        ("記録項目", "氏名、住所、生年月日 → 氏名、生年月日（一部記載を省略）"),
        ("記録情報の経常的提供先", "東京都（地方税法第294条） → 記載を省略"),
    ]


# -- formats --------------------------------------------------------------------------


def test_json_has_the_keys_of_the_issue(book: BookHistory) -> None:
    data = json.loads(render_changes(changes(book), "json"))
    assert (data["from"], data["to"]) == ("2023-03-31", "2024-03-31")
    assert list(data["added"][0])[:4] == ["file", "entry", "name", "agency"]
    assert list(data["removed"][0])[:4] == ["file", "entry", "name", "agency"]
    corrected = data["corrected"][0]
    assert list(corrected)[:5] == ["file", "entry", "name", "agency", "items"]
    assert corrected["items"][0] == {
        "label": "記録項目",
        "before": "氏名、住所",
        "after": "氏名、住所、生年月日",
        "key": "record_items",
    }
    assert data["removed"][2]["filings"][0]["date"] == "2023-07-01"


def test_csv_is_for_excel_one_row_per_item_and_defused(book: BookHistory) -> None:
    book.entries["kazei"]["files"][0]["notes"] = '=HYPERLINK("http://example.com")'
    book.file("kazei", "change", "2023-09-01", "備考を追加")
    text = render_changes(changes(book), "csv")
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0][:6] == ["区分", "行政機関等の名称", "個人情報ファイルの名称", "変更した事項",
                           "変更前", "変更後"]  # fmt: skip
    corrected = [r for r in rows if r[0] == "訂正"]
    assert [r[3] for r in corrected] == [
        "記録項目",
        "記録情報の経常的提供先",
        "個人情報ファイルの種別",
        "備考",
    ]
    assert corrected[-1][5] == '\'=HYPERLINK("http://example.com")'
    assert [r[0] for r in rows[1:]].count("削除") == 3


def test_html_is_escaped_and_self_contained(book: BookHistory) -> None:
    book.entries["kazei"]["files"][0]["notes"] = "<script>alert(1)</script>"
    book.file("kazei", "change", "2023-09-01", "備考を追加")
    html = render_changes(changes(book), "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http" not in html.replace("http://example", "")
    assert "<h1>個人情報ファイル簿の変更</h1>" in html
    assert "（令和5年4月1日～令和6年3月31日）" in html
    assert "記載を訂正した個人情報ファイル" in html


def test_markdown_lists_each_section(book: BookHistory) -> None:
    text = render_changes(changes(book), "md")
    assert text.startswith("# 個人情報ファイル簿の変更（令和5年4月1日～令和6年3月31日）\n")
    assert "- 追加 1件・訂正 1件・削除 3件" in text
    assert "| 1 | 東村山市長 | 課税台帳ファイル | 記録項目: 追加「生年月日」；" in text


def test_no_change_says_so(book: BookHistory) -> None:
    text = render_changes(changes(book, date(2023, 8, 31), END), "md")
    assert text.count("（該当なし）") == 3


# -- the command ----------------------------------------------------------------------


def export(todokede: CliRunner, root: Path, *args: str) -> tuple[int, str, str]:
    done = todokede("--registry", str(root), "export", *args)
    return done.returncode, done.stdout, done.stderr


def test_the_command_writes_every_format(
    todokede: CliRunner, book: BookHistory, tmp_path: Path
) -> None:
    period = ("--book", "files", "--changes", "--from", "2023-03-31", "--to", "令和6年3月31日")
    code, out, err = export(todokede, book.root, *period, "--format", "json")
    assert (code, err) == (0, "")
    assert [f["name"] for f in json.loads(out)["added"]] == ["軽減申請ファイル"]
    for suffix in ("md", "html", "csv", "json"):
        target = tmp_path / f"変更.{suffix}"
        code, out, err = export(todokede, book.root, *period, "-o", str(target))
        assert (code, err) == (0, ""), err
        assert "軽減申請ファイル" in target.read_text(encoding="utf-8-sig")
    code, out, _ = export(todokede, book.root, "--changes", "--from", "R5.3.31", "--to", "R6.3.31")
    assert code == 0 and out.startswith(
        "# 個人情報ファイル簿の変更（令和5年4月1日～令和6年3月31日）"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--changes",), "--changes には --from と --to が必要です"),
        (("--changes", "--from", "2023-03-31"), "--changes には --to が必要です"),
        (
            ("--changes", "--from", "2024-03-31", "--to", "2023-03-31"),
            "--from（令和6年3月31日）が --to（令和5年3月31日）より後です",
        ),
        (
            ("--changes", "--from", "2024-03-31", "--to", "2024-03-31"),
            "--from（令和6年3月31日）が --to（令和6年3月31日）と同じ日です",
        ),
        (
            ("--book", "processes", "--changes", "--from", "2023-03-31", "--to", "2024-03-31"),
            "--book processes とは一緒に使えません",
        ),
        (("--from", "2023-03-31", "--to", "2024-03-31"), "--from と --to は --changes と一緒に"),
        (
            ("--changes", "--from", "2023-03-31", "--to", "2024-03-31", "--format", "xlsx"),
            "xlsx 形式では出力できません",
        ),
        (
            ("--changes", "--from", "2022-12-31", "--to", "2024-03-31"),
            "--from の令和4年12月31日は、この登録簿の最初のコミット（令和5年1月10日）より前です",
        ),
        (("--changes", "--from", "去年", "--to", "2024-03-31"), "去年"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    todokede: CliRunner, book: BookHistory, args: tuple[str, ...], message: str
) -> None:
    code, out, err = export(todokede, book.root, *args)
    assert code == 2, err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


def test_outside_a_git_repository_is_one_line(todokede: CliRunner, minimal_register: Path) -> None:
    code, _, err = export(
        todokede, minimal_register, "--changes", "--from", "2023-03-31", "--to", "2024-03-31"
    )
    assert code == 1
    assert err.strip().splitlines() == [
        f"エラー: git リポジトリではありません: {minimal_register}（todokede init で作成できます）"
    ]


def test_the_html_prints_on_a4_with_its_sections(book: BookHistory, tmp_path: Path) -> None:
    import subprocess

    from tests.support.printing import tool

    page = tmp_path / "changes.html"
    page.write_text(render_changes(changes(book), "html"), encoding="utf-8")
    pdf = tmp_path / "changes.pdf"
    printed = subprocess.run(
        [tool("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", f"--user-data-dir={tmp_path / 'profile'}",
         f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert printed.returncode == 0 and pdf.is_file(), printed.stderr[-2000:]
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True).stdout
    assert "pts (A4)" in info, info
    text = subprocess.run(
        [tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    for words in (
        "個人情報ファイル簿の変更",
        "（令和5年4月1日～令和6年3月31日）",
        "追加した個人情報ファイル",
        "記載を訂正した個人情報ファイル",
        "削除した個人情報ファイル",
        "東村山市教育委員会",
        "業務を廃止したため",
    ):
        assert words in text, words
