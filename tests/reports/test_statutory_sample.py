"""The sample register's statutory book (issue 14, "Must show"): ``export --book files``.

The sample register holds the city's files and organs (at least 市長 and 教育委員会),
staff files exempt under 74-2-3, a file under 1,000 本人 and a file with a withheld
item. Goldens ``book.*`` are the sample's book on 令和8年11月27日; regenerate with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/reports`` and review the diff.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.support.printing import pdf_pages, print_html
from tests.support.reports import GOLDEN, Golden
from tests.support.samples import CliRunner
from tests.support.xlsx import readback
from todokede.registry.files.store import Register
from todokede.registry.schema.model import PersonalFile
from todokede.registry.schema.personal_files import WITHHELD_TEXT, withheld_items
from todokede.reports.output import render
from todokede.reports.statutory_book import STATUTORY_ITEMS, StatutoryBook, book_of_register

AS_OF = date(2026, 11, 27)
AS_OF_ARG = ("--as-of", "2026-11-27")
CONTRACT_KEYS = {
    "file", "entry", "name", "agency", "organization", "purpose", "record_items", "scope",
    "collection", "sensitive", "ordinance_sensitive", "recipients", "disclosure_office",
    "disclosure_address", "special_procedure", "kind", "proposals", "since", "notes",
    "withheld", "exemption",
}  # fmt: skip
LABELS = [label for _, label in STATUTORY_ITEMS]


def held(sample: Register) -> list[tuple[str, int, PersonalFile]]:
    """Every file of every process on file: (entry, place from 1, file)."""
    return [
        (item.id, place, file)
        for item in sample.ordered()
        if item.entry.filings and not item.entry.is_abolished
        for place, file in enumerate(item.entry.files, start=1)
    ]


def export_json(todokede: CliRunner, root: Path, *args: str) -> dict[str, dict[str, Any]]:
    result = todokede("--registry", str(root), "export", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return {f["file"]: f for agency in data["agencies"] for f in agency["files"]}


def test_the_sample_book_json(todokede: CliRunner, sample_copy: Path, sample: Register) -> None:
    result = todokede(
        "--registry", str(sample_copy), "export", "--book", "files", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    names = [agency["name"] for agency in data["agencies"]]
    assert len(names) >= 2
    assert any(n.endswith("市長") for n in names) and any(n.endswith("教育委員会") for n in names)
    files = [f for agency in data["agencies"] for f in agency["files"]]
    assert files and all(set(f) >= CONTRACT_KEYS for f in files)
    assert all(f["exemption"] == "" for f in files)
    assert all(agency["files"] for agency in data["agencies"])  # every organ has files
    assert result.stdout == (GOLDEN / "book.json").read_text(encoding="utf-8")


def test_staff_files_only_with_include_exempt(
    todokede: CliRunner, sample_copy: Path, sample: Register
) -> None:
    staff = {f"{e}/{n}" for e, n, f in held(sample) if f.exemption == "74-2-3"}
    assert staff, "the sample has staff files exempt under 74-2-3"
    assert staff.isdisjoint(export_json(todokede, sample_copy))
    every = export_json(todokede, sample_copy, "--include-exempt")
    assert staff <= set(every)
    assert {every[key]["exemption"] for key in staff} == {"74-2-3"}
    markdown = todokede("--registry", str(sample_copy), "export", "--include-exempt", *AS_OF_ARG)
    assert "除外（法75条2項・74-2-3: 職員又は職員であった者の人事" in markdown.stdout


def test_a_file_under_the_threshold_is_absent(
    todokede: CliRunner, sample_copy: Path, sample: Register
) -> None:
    minimum = sample.config.filebook.min_persons
    small = {
        f"{e}/{n}"
        for e, n, f in held(sample)
        if f.persons < minimum and not f.exemption and not f.unlisted
    }
    assert small, "the sample has a file under 1,000 persons"
    assert small.isdisjoint(export_json(todokede, sample_copy))
    every = export_json(todokede, sample_copy, "--include-exempt")
    assert {every[key]["exemption"] for key in small} == {"74-2-9"}


def test_a_withheld_item_is_absent_and_said_in_html_and_md(
    todokede: CliRunner, sample_copy: Path, sample: Register
) -> None:
    withheld = [(e, n, f) for e, n, f in held(sample) if withheld_items(f) and f.persons >= 1000]
    assert withheld, "the sample has a listed file with a withheld item"
    files = export_json(todokede, sample_copy)
    book = book_of_register(sample, AS_OF)
    md = str(render(book, "md"))
    html = str(render(book, "html"))
    for entry, place, file in withheld:
        key = f"{entry}/{place}"
        if key not in files:  # exempt for another reason
            continue
        hidden = [w.removeprefix("item:") for w in file.withheld if w.startswith("item:")]
        assert not set(hidden) & set(files[key]["record_items"])
        section = html.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]
        assert WITHHELD_TEXT in section
        assert not any(f"、{item}" in section or f">{item}、" in section for item in hidden)
        heading = next(
            f.heading(n) for a in book.agencies for n, f in enumerate(a.files, 1) if f.file == key
        )
        part = md.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
        assert WITHHELD_TEXT in part


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_sample_book_goldens(sample: Register, golden: Golden, fmt: str) -> None:
    golden(f"book.{fmt}", render(book_of_register(sample, AS_OF), fmt))


def test_sample_book_xlsx_golden(sample: Register, golden: Golden) -> None:
    data = render(book_of_register(sample, AS_OF), "xlsx")
    assert isinstance(data, bytes)
    golden("book.xlsx.txt", readback(data))


def test_sample_book_with_exempt_files_golden(sample: Register, golden: Golden) -> None:
    every = book_of_register(sample, AS_OF, include_exempt=True)
    golden("book-exempt.json", render(every, "json"))
    golden("book-exempt.md", render(every, "md"))


def test_the_sample_book_prints_one_sheet_per_page(sample: Register, tmp_path: Path) -> None:
    book: StatutoryBook = book_of_register(sample, AS_OF)
    pdf = print_html(str(render(book, "html")), tmp_path)
    pages = [re.sub(r"\s+", "", p) for p in pdf_pages(pdf)]
    labels = [
        re.sub(r"\s+", "", p)
        for p in pdf_pages(pdf, "-x", "0", "-y", "0", "-W", "210", "-H", "842")
    ]
    sheets = [n for n, page in enumerate(pages) if "個人情報ファイル簿（単票）" in page]
    index_pages = len(pages) - len(sheets)
    assert len(sheets) == len(book.files)
    assert len(agencies := book.agencies) <= index_pages
    assert len(pages) == index_pages + len(book.files)
    for number, file in zip(sheets, book.files, strict=True):
        assert file.name in pages[number]
        for label in [*LABELS, "記載年月日"]:
            assert label in labels[number], (file.name, label)
    assert all(a.name in "".join(pages) for a in agencies)
