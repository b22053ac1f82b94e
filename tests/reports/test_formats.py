"""What each format promises beyond its golden file: BOM, dates, frozen header, flags."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.reports import MakeRegister, entry_text
from todokede.registry.files.store import Register, load_register
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.council import build_council_report
from todokede.reports.filebook import COLUMNS, build_filebook
from todokede.reports.output import FormatError, render, write_output
from todokede.reports.reminders import build_reminders
from todokede.reports.target import ExportRefused, format_for


def test_csv_starts_with_the_bom_and_opens_with_the_csv_module(sample: Register) -> None:
    data = render(build_filebook(sample), "csv")
    assert isinstance(data, str)
    raw = data.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == [column.label for column in COLUMNS]
    assert len(rows) == 1 + sum(1 for i in sample.entries.values() if not i.entry.is_abolished)
    assert {len(row) for row in rows} == {len(COLUMNS)}


def test_xlsx_has_a_styled_frozen_header_wareki_text_and_real_dates(sample: Register) -> None:
    report = build_council_report(sample, date(2016, 1, 1), date(2016, 9, 13), label="資料3")
    data = render(report, "xlsx")
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data)).active
    header_row = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "番号")
    header = [cell.value for cell in sheet[header_row]]
    assert header == [
        "番号",
        "届出日",
        "区分",
        "担当課",
        "業務の名称",
        "内容",
        "ID",
        "届出日（日付）",
    ]
    assert all(cell.font.bold for cell in sheet[header_row])
    assert sheet.cell(row=header_row, column=1).fill.fgColor.rgb == "00D9E1F2"
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    first = header_row + 1
    rows = range(first, first + len(report.rows))
    # 届出日 printed as 和暦 text (元年 whatever the application), a real date at the end
    assert [sheet.cell(row=r, column=2).value for r in rows] == [
        format_wareki(r.date) for r in report.rows
    ]
    dates = [sheet.cell(row=r, column=8) for r in rows]
    assert [c.value for c in dates] == [
        datetime.combine(r.date, datetime.min.time()) for r in report.rows
    ]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in dates)
    assert [sheet.cell(row=r, column=1).value for r in rows] == list(range(1, 6))
    # only the handout's columns print: not the id, not the sorting dates
    assert sheet.print_area == f"'届出報告'!$A$1:$F${first + 4}"
    # Japanese needs about two width units a character
    assert sheet.column_dimensions["E"].width >= 28
    values = [sheet.cell(row=r, column=c).value for r in range(1, header_row) for c in (1, 6)]
    assert "個人情報に係る業務届出報告書" in values
    assert "平成28年1月1日から平成28年9月13日までに市長に届出のあったもの" in values
    assert "資料3" in values and "東村山市　総務部総務課" in values
    assert "個人情報取扱業務登録簿" not in "".join(str(v) for v in values if v)


def test_filebook_marks_sensitive_items_and_my_number(sample: Register) -> None:
    rows = {row.entry: row for row in build_filebook(sample).rows}
    kenshin = rows["kenko-zoshin-i-gan-risk-kenshin"]
    assert kenshin.sensitive and not kenshin.my_number
    assert "病歴（要配慮）" in kenshin.items_text
    assert "健康診断等の結果（要配慮）" in kenshin.items_text
    assert "氏名（要配慮）" not in kenshin.items_text
    juminzei = rows["kazei-kojin-juminzei"]
    assert juminzei.my_number
    assert juminzei.organisation == "課税課　市民税係"
    assert juminzei.provisions_text.startswith("国民健康保険担当（保険年金課）")
    assert juminzei.kind_label == "電算処理"
    assert rows["kodomo-kyoiku-shugaku-sodan"].kind_label == "マニュアル処理"


def test_filebook_lists_abolished_processes_only_when_asked(sample: Register) -> None:
    abolished = {i.id for i in sample.entries.values() if i.entry.is_abolished}
    assert len(abolished) == 3
    on_file = build_filebook(sample)
    everything = build_filebook(sample, include_abolished=True)
    assert not abolished & {row.entry for row in on_file.rows}
    assert abolished <= {row.entry for row in everything.rows}
    assert len(everything.rows) == len(sample.entries)
    row = next(r for r in everything.rows if r.entry == "soumu-tokubetsu-teigaku-kyufukin")
    assert row.status == "abolished"
    assert row.note.startswith("令和3年3月31日廃止")


def test_filebook_leaves_out_entries_not_yet_filed(make_register: MakeRegister) -> None:
    root = make_register(
        {
            "filed": entry_text("届出済みの業務", "総務課", [("2020-04-01", "start")]),
            "draft": entry_text("記入中の業務", "総務課", []),
        }
    )
    register = load_register(root)
    assert set(register.entries) == {"filed", "draft"}
    for include in (False, True):
        assert [r.entry for r in build_filebook(register, include).rows] == ["filed"]


def test_filebook_json_keys(sample: Register) -> None:
    data = json.loads(str(render(build_filebook(sample), "json")))
    assert set(data) == {"municipality", "register", "include_abolished", "entries"}
    entry = next(e for e in data["entries"] if e["entry"] == "kenko-zoshin-i-gan-risk-kenshin")
    assert set(entry) == {
        "entry", "name", "department", "section", "purpose", "legal_basis", "subjects",
        "record_items", "sensitive_items", "sensitive", "my_number", "sources",
        "collection_methods", "provisions", "outsourcing", "connections",
        "computer_processing", "retention", "status", "started_on", "last_filing",
        "abolished_on",
    }  # fmt: skip
    assert entry["sensitive_items"] == ["病歴", "健康診断等の結果"]
    assert entry["outsourcing"][0]["since"] == "2016-09-01"
    assert (entry["last_filing"], entry["abolished_on"]) == ("2023-06-16", None)  # its files


def test_reminders_json_is_the_contract_shape(sample: Register) -> None:
    data = json.loads(str(render(build_reminders(sample, date(2026, 11, 27)), "json")))
    assert list(data) == ["as_of", "overdue", "due_soon", "assessments"]
    assert data["as_of"] == "2026-11-27"
    for item in data["overdue"] + data["due_soon"]:
        assert set(item) == {"entry", "name", "department", "basis", "due"}
        date.fromisoformat(item["basis"])
        date.fromisoformat(item["due"])
    assert data["assessments"]
    for item in data["assessments"]:
        assert list(item) == ["entry", "name", "department", "evaluated", "due", "reason"]
        assert date.fromisoformat(item["evaluated"]) <= date.fromisoformat(item["due"])
        assert item["reason"]


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [
        ("報告書.md", None, "md"),
        ("報告書.HTML", None, "html"),
        ("報告書.htm", None, "html"),
        ("報告書.csv", None, "csv"),
        ("報告書.xlsx", None, "xlsx"),
        ("報告書.json", None, "json"),
        ("報告書.txt", "json", "json"),
        ("報告書.csv", "csv", "csv"),
        (None, None, "md"),
        (None, "html", "html"),
    ],
)
def test_format_for(path: str | None, fmt: str | None, expected: str) -> None:
    assert format_for(Path(path) if path else None, fmt) == expected


@pytest.mark.parametrize(
    ("path", "fmt", "reason", "fields"),
    [
        ("報告書.xlsx", "csv", "suffix-mismatch", {"named": "xlsx", "fmt": "csv"}),
        ("報告書.csv", "json", "suffix-mismatch", {"named": "csv", "fmt": "json"}),
        ("報告書.txt", None, "suffix-unknown", {}),
        ("報告書", None, "suffix-unknown", {}),
    ],
)
def test_format_and_suffix_that_disagree_are_refused(
    path: str, fmt: str | None, reason: str, fields: dict[str, str]
) -> None:
    with pytest.raises(ExportRefused) as refused:
        format_for(Path(path), fmt)
    assert refused.value.reason == reason
    assert refused.value.fields == {"path": path, "name": path, **fields}


def test_formats_a_document_does_not_have_are_refused(sample: Register) -> None:
    with pytest.raises(FormatError):
        render(build_council_report(sample, date(2016, 1, 1), date(2016, 9, 13)), "text")
    with pytest.raises(FormatError):
        render(build_filebook(sample), "text")


def test_write_output_replaces_a_file_whole(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.xlsx"
    target.write_bytes(b"old")
    write_output(target, b"new contents")
    write_output(folder / "out.md", "# 見出し\n")
    assert target.read_bytes() == b"new contents"
    assert (folder / "out.md").read_text(encoding="utf-8") == "# 見出し\n"
    assert sorted(p.name for p in folder.iterdir()) == ["out.md", "out.xlsx"]  # no temp file
