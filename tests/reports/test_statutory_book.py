"""The statutory 個人情報ファイル簿 (issue 14, item 3): what the book holds, and
``todokede export --book files|processes`` through the real console script.

Built on a small register holding every case (``tests/support/book.py``): two
organs, listed files, a staff file (74-2-3), one under 1,000 本人, one kept out
whole (法75条3項), a withheld item and 経常的提供先, an entry not yet filed and an
abolished one.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.support.book import LISTED, write_book_register
from tests.support.reports import GOLDEN
from tests.support.samples import CliRunner
from todokede.registry.files.store import Register, load_register
from todokede.registry.schema.personal_files import WITHHELD_TEXT
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.statutory_book import (
    STATUTORY_ITEMS,
    BookFile,
    StatutoryBook,
    book_of_register,
)

AS_OF = date(2026, 11, 27)
#: The keys of a listed file in DESIGN.md's JSON contract.
CONTRACT_KEYS = {
    "file", "entry", "name", "agency", "organization", "purpose", "record_items", "scope",
    "collection", "sensitive", "ordinance_sensitive", "recipients", "disclosure_office",
    "disclosure_address", "special_procedure", "kind", "proposals", "since", "notes",
    "withheld", "exemption",
}  # fmt: skip


@pytest.fixture
def book_root(tmp_path: Path) -> Path:
    return write_book_register(tmp_path / "book")


@pytest.fixture
def register(book_root: Path) -> Register:
    loaded = load_register(book_root)
    assert not loaded.errors, [e.as_text() for e in loaded.errors]
    return loaded


def by_name(book: StatutoryBook) -> dict[str, BookFile]:
    return {f.name: f for f in book.files}


# -- what the book holds ---------------------------------------------------------------------


def test_the_book_lists_the_listed_files_by_organ_in_the_registers_order(
    register: Register,
) -> None:
    book = book_of_register(register, AS_OF)
    assert {a.name: [f.name for f in a.files] for a in book.agencies} == LISTED
    assert all(f.listed and f.exemption == "" for f in book.files)
    assert book.municipality == "東村山市" and book.created == "作成日　令和8年11月27日"


def test_each_sheet_has_the_statutory_items_in_the_statutory_order(register: Register) -> None:
    book = book_of_register(register, AS_OF)
    ledger = by_name(book)["個人住民税課税台帳ファイル"]
    assert [label for label, _ in ledger.sheet()] == [label for _, label in STATUTORY_ITEMS]
    rows = dict(ledger.rows())
    assert rows["個人情報ファイルの名称"] == "個人住民税課税台帳ファイル"  # the file, not the 業務
    assert rows["行政機関等の名称"] == "東村山市長"
    assert rows["個人情報ファイルが利用に供される事務をつかさどる組織の名称"] == "市民部課税課"
    assert rows["記録情報の経常的提供先"] == "東京都（地方税法第294条第3項）"
    assert rows["開示請求等を受理する組織の名称及び所在地"] == (
        "総務部総務課情報公開係　東京都東村山市本町一丁目2番地の3"
    )
    assert rows["個人情報ファイルの種別"].startswith("法第60条第2項第1号（電算処理ファイル）")
    assert rows["記載年月日"] == "令和5年4月1日"
    assert list(rows)[-1] == "記載年月日"  # listed: no line about being left out


def test_sensitive_ordinance_sensitive_and_proposals(register: Register) -> None:
    files = by_name(book_of_register(register, AS_OF))
    screening = dict(files["がん検診受診者ファイル"].rows())
    assert screening["要配慮個人情報が含まれるときは、その旨"] == "含む"
    assert screening["条例要配慮個人情報が含まれるときは、その旨"] == ""
    assert screening["行政機関等匿名加工情報の提案の募集をする個人情報ファイルである旨"] == (
        "該当（提案を受ける組織: 総務部総務課情報公開係　東京都東村山市本町一丁目2番地の3）"
    )
    aid = files["就学援助認定ファイル"]
    assert aid.ordinance_sensitive and not aid.sensitive
    assert dict(aid.rows())["条例要配慮個人情報が含まれるときは、その旨"] == "含む"
    assert aid.agency == "東村山市教育委員会" and aid.disclosure_office == "教育部教育総務課"


def test_a_withheld_item_is_left_out_and_marked(register: Register) -> None:
    survey = by_name(book_of_register(register, AS_OF))["個人住民税税務調査ファイル"]
    assert survey.record_items == ("氏名", "住所")
    rows = dict(survey.rows())
    assert rows["記録項目"] == f"氏名、住所（一部{WITHHELD_TEXT}）"
    assert rows["記録情報の経常的提供先"] == WITHHELD_TEXT
    data = survey.as_json()
    assert data["record_items"] == ["氏名", "住所"] and data["recipients"] == []
    assert data["withheld"] == ["item:所得の状況", "recipients"]
    assert "所得の状況" not in json.dumps(data["record_items"], ensure_ascii=False)


def test_exempt_and_unlisted_files_only_with_include_exempt(register: Register) -> None:
    listed = {f.name for f in book_of_register(register, AS_OF).files}
    assert "職員給与ファイル" not in listed  # 74-2-3
    assert "個人住民税減免申請者ファイル" not in listed  # 400 persons: 74-2-9 unsaid
    assert "就学援助相談記録" not in listed  # 法75条3項
    every = by_name(book_of_register(register, AS_OF, include_exempt=True))
    assert set(every) == listed | {
        "職員給与ファイル",
        "個人住民税減免申請者ファイル",
        "就学援助相談記録",
    }
    staff = every["職員給与ファイル"]
    assert staff.exemption == "74-2-3"
    assert staff.standing_text == (
        "除外（法75条2項・74-2-3: 職員又は職員であった者の人事、給与若しくは福利厚生に関する事項等のみを記録するもの）"
    )
    assert dict(staff.rows())["ファイル簿への記載"] == staff.standing_text
    assert staff.index_cells(1)[1] == "職員給与ファイル（除外・74-2-3）"
    small = every["個人住民税減免申請者ファイル"]
    assert (
        small.exemption == "74-2-9"
        and "本人の数が政令で定める数に満たないもの" in small.standing_text
    )
    secret = every["就学援助相談記録"]
    assert secret.exemption == "75-3"
    assert secret.standing_text.startswith("記載しない（法75条3項: 記載することにより")
    # files of an entry not yet filed, or abolished, are never in the book
    assert "届出前のファイル" not in every and "廃止した事務のファイル" not in every


def test_the_json_is_the_contracts_shape(register: Register) -> None:
    data = book_of_register(register, AS_OF, include_exempt=True).as_json()
    assert list(data) == ["agencies"]
    assert [list(a) for a in data["agencies"]] == [["name", "files"]] * 2
    for agency in data["agencies"]:
        for file in agency["files"]:
            assert set(file) == CONTRACT_KEYS | {"kind_code"}
            assert file["agency"] == agency["name"]
            assert file["kind"] in ("電算処理", "マニュアル処理")


# -- the command line ------------------------------------------------------------------------


def test_export_defaults_to_the_statutory_book(todokede: CliRunner, book_root: Path) -> None:
    result = todokede("--registry", str(book_root), "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {a["name"]: [f["name"] for f in a["files"]] for a in data["agencies"]} == LISTED
    assert all(set(f) >= CONTRACT_KEYS for a in data["agencies"] for f in a["files"])
    assert result.stdout == (GOLDEN / "book-cases.json").read_text(encoding="utf-8")


def test_include_exempt_through_the_cli(todokede: CliRunner, book_root: Path) -> None:
    result = todokede(
        "--registry", str(book_root), "export", "--include-exempt", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    files = {f["name"]: f for a in json.loads(result.stdout)["agencies"] for f in a["files"]}
    assert files["職員給与ファイル"]["exemption"] == "74-2-3"
    assert files["個人住民税減免申請者ファイル"]["exemption"] == "74-2-9"
    assert files["就学援助相談記録"]["exemption"] == "75-3"
    markdown = todokede("--registry", str(book_root), "export", "--include-exempt")
    assert "除外（法75条2項・74-2-3: 職員又は職員であった者の人事" in markdown.stdout


@pytest.mark.parametrize("day", ["2026-11-27", "令和8年11月27日", "R8.11.27", "Ｒ８．１１．２７"])
def test_as_of_is_the_books_date_in_wareki(todokede: CliRunner, book_root: Path, day: str) -> None:
    result = todokede("--registry", str(book_root), "export", "--as-of", day)
    assert result.returncode == 0, result.stderr
    assert "東村山市　作成日　令和8年11月27日" in result.stdout
    assert result.stdout == (GOLDEN / "book-cases.md").read_text(encoding="utf-8")


def test_as_of_defaults_to_today(todokede: CliRunner, book_root: Path) -> None:
    result = todokede("--registry", str(book_root), "export", "--format", "md")
    assert result.returncode == 0, result.stderr
    assert f"作成日　{format_wareki(date.today())}" in result.stdout


def test_book_processes_is_the_process_level_export_unchanged(
    todokede: CliRunner, sample_copy: Path, tmp_path: Path
) -> None:
    for fmt in ("md", "html", "csv", "json"):
        target = tmp_path / f"ファイル簿.{fmt}"
        result = todokede(
            "--registry", str(sample_copy), "export", "--book", "processes", "-o", str(target)
        )
        assert result.returncode == 0, result.stderr
        assert target.read_bytes() == (GOLDEN / f"filebook.{fmt}").read_bytes()
    everything = todokede(
        "--registry", str(sample_copy), "export", "--book", "processes", "--all", "--format", "json"
    )
    assert everything.stdout == (GOLDEN / "filebook-all.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--book", "nonsense"],
            "エラー: --book の値が正しくありません: 「nonsense」は使えません（files、processes のどれか）",
        ),
        (
            ["--include-exempt", "--book", "processes"],
            "エラー: --include-exempt は --book files でだけ使えます（--book processes には付けられません）",
        ),
        (
            ["--book", "processes", "--as-of", "2026-11-27"],
            "エラー: --as-of は --book files でだけ使えます（--book processes には付けられません）",
        ),
        (
            ["--all"],
            "エラー: --all は --book processes でだけ使えます（--book files には付けられません）",
        ),
        (
            ["--book", "files", "--all"],
            "エラー: --all は --book processes でだけ使えます（--book files には付けられません）",
        ),
        (
            ["--as-of", "令和8年13月1日"],
            "エラー: --as-of の値が正しくありません",
        ),
    ],
)
def test_bad_options_are_one_line_exit_2_and_nothing_written(
    todokede: CliRunner, book_root: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "簿.json"
    result = todokede("--registry", str(book_root), "export", *args, "-o", str(target))
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not target.exists()


def test_the_help_names_both_books(todokede: CliRunner) -> None:
    result = todokede("export", "--help")
    assert result.returncode == 0
    for word in ("--book", "files", "processes", "--include-exempt", "--as-of", "法75条"):
        assert word in result.stdout
