"""The HTML report printed to PDF by a real headless browser fits A4.

Chromium prints the page as a clerk would (print CSS, A4, no header or
footer); poppler's ``pdfinfo`` and ``pdftotext`` read the result back.

These tools come from the distribution, not from pip: ``.ci/run`` installs
``chromium fonts-noto-cjk poppler-utils`` with apt. Under CI (``CI`` set, as
``.ci/run`` does) a missing tool FAILS the test, so the check can never be
silently lost there; on a developer machine without them (``CI`` unset) the
test is skipped and says what to install.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from tests.support.printing import print_html as print_to_pdf
from tests.support.printing import tool
from todokede.registry.files.store import Register, load_register
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.council import build_council_report
from todokede.reports.filebook import build_filebook
from todokede.reports.output import render
from todokede.reports.reminders import build_reminders

A4_POINTS = (595.3, 841.9)
#: 10 mm: the print CSS leaves 12 mm on each side; nothing may reach this close to the edge.
EDGE = 28.35
LEAD = "平成28年1月1日から平成28年9月13日までに市長に届出のあったもの"
TITLE = "個人情報に係る業務届出報告書"


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(
        [tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert found, info
    return float(found.group(1)), float(found.group(2))


def text_of(pdf: Path, *options: str) -> str:
    return subprocess.run(
        [tool("pdftotext"), *options, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


class _VisibleText(HTMLParser):
    """The text a browser shows: everything in <body>, nothing of <style> or <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def characters(text: str) -> Counter[str]:
    return Counter(re.sub(r"\s+", "", text))


def visible_characters(html: str) -> Counter[str]:
    parser = _VisibleText()
    parser.feed(html)
    return characters("".join(parser.parts))


def words(pdf: Path) -> list[tuple[float, float, str]]:
    """Every word's left and right edge (points) and text, on every page."""
    html = text_of(pdf, "-bbox")
    return [
        (float(x_min), float(x_max), text)
        for x_min, x_max, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            html,
        )
    ]


def test_the_sample_report_prints_on_a4_with_title_and_period(
    sample: Register, tmp_path: Path
) -> None:
    report = build_council_report(
        sample, date(2016, 1, 1), date(2016, 9, 13), created=date(2016, 10, 25), label="資料3"
    )
    html = str(render(report, "html"))
    pdf = print_to_pdf(html, tmp_path)
    width, height = page_size(pdf)
    assert abs(width - A4_POINTS[0]) < 1.5 and abs(height - A4_POINTS[1]) < 1.5
    layout = text_of(pdf, "-layout")
    assert TITLE in layout
    assert LEAD in layout
    assert "資料3" in layout and "平成28年10月25日" in layout and "総務部総務課" in layout
    assert "東村山市" in layout
    assert page_numbers(pdf) == ["1/1"]
    # one line per filing: its 和暦 date, its department, the start of its name
    for row in report.rows:
        assert re.search(
            f"{format_wareki(row.date)} +{row.kind_label} +{row.department} +{row.name[:6]}", layout
        )
    # Chromium clips what overflows the page: every character shown must be printed
    # (and the page number, which the page's margin box adds).
    assert characters(text_of(pdf)) == visible_characters(html) + characters("1/1")
    placed = words(pdf)
    assert placed
    outside = [(x0, x1, t) for x0, x1, t in placed if x0 < EDGE or x1 > width - EDGE]
    assert outside == []
    # Printed at full size, not shrunk to fit: a full-width character is 1 em wide in
    # every CJK font, and the municipality line is set in the 10pt body text.
    org = next((x0, x1) for x0, x1, t in placed if t == "東村山市")
    assert abs((org[1] - org[0]) - 4 * 10) < 1


def test_long_unbreakable_text_wraps_inside_the_page(sample_copy: Path, tmp_path: Path) -> None:
    """A URL-like token far wider than the 内容 column must wrap, not run off the page.

    Chromium clips what overflows the page, so the check is that every character
    of the token is in the PDF's text and every word lies within the margins.
    """
    token = "https://example.jp/" + "a" * 300
    entry = sample_copy / "entries" / "kenko-zoshin-i-gan-risk-kenshin.toml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace('summary = "業務開始。', f'summary = "{token} 業務開始。'))
    register = load_register(sample_copy)
    assert not register.errors
    report = build_council_report(register, date(2016, 1, 1), date(2016, 9, 13))
    html = str(render(report, "html"))
    pdf = print_to_pdf(html, tmp_path)
    width, _ = page_size(pdf)
    assert token in re.sub(r"\s+", "", text_of(pdf))
    printed = characters(text_of(pdf))
    numbers = page_numbers(pdf)
    printed.subtract(characters("".join(numbers)))
    for _ in numbers[1:]:  # the table's header is printed again on every page
        printed.subtract(characters("番号届出日区分担当課業務の名称内容"))
    assert +printed == visible_characters(html)
    assert [w for w in words(pdf) if w[0] < EDGE or w[1] > width - EDGE] == []


def page_numbers(pdf: Path) -> list[str]:
    """The last line of each page: the number the page's margin box prints."""
    pages = text_of(pdf, "-layout").split("\f")
    return [re.sub(r"\s", "", page.strip().splitlines()[-1]) for page in pages if page.strip()]


def whole_on_a_line(layout: str, texts: list[str]) -> list[str]:
    """The texts that are not printed whole on one line as often as they occur."""
    wanted = Counter(texts)
    return [text for text, count in wanted.items() if layout.count(text) < count]


def test_every_page_is_numbered_and_no_date_or_department_is_split(
    sample: Register, tmp_path: Path
) -> None:
    """The whole history in one report (dates such as 平成29年11月13日, 課 such as
    子ども・教育支援課) and the ファイル簿: each date and 課 of a row is printed whole on
    one line of its page, and every page carries its number of the whole."""
    report = build_council_report(
        sample, date(1970, 1, 1), date(2026, 3, 31), created=date(2026, 4, 1)
    )
    assert len(report.rows) > 60
    pdf = print_to_pdf(str(render(report, "html")), tmp_path)
    layout = text_of(pdf, "-layout")
    numbers = page_numbers(pdf)
    assert len(numbers) > 1
    assert numbers == [f"{n}/{len(numbers)}" for n in range(1, len(numbers) + 1)]
    assert whole_on_a_line(layout, [format_wareki(r.date) for r in report.rows]) == []
    assert whole_on_a_line(layout, [r.department for r in report.rows]) == []
    assert "平成29年11月13日" in layout and "子ども家庭支援課" in layout

    book = build_filebook(sample, include_abolished=True)
    folder = tmp_path / "filebook"
    folder.mkdir()
    pdf = print_to_pdf(str(render(book, "html")), folder)
    layout = text_of(pdf, "-layout")
    numbers = page_numbers(pdf)
    assert numbers == [f"{n}/{len(numbers)}" for n in range(1, len(numbers) + 1)]
    dates = [format_wareki(r.last_filing) for r in book.rows if r.last_filing]
    assert whole_on_a_line(layout, dates) == []
    marks = [r.abolished_mark for r in book.rows if r.abolished_mark]
    assert len(marks) == 3 and whole_on_a_line(layout, marks) == []
    assert whole_on_a_line(layout, [r.department for r in book.rows]) == []


def test_the_reminders_print_a_request_per_department(sample: Register, tmp_path: Path) -> None:
    report = build_reminders(sample, date(2026, 11, 27))
    pdf = print_to_pdf(str(render(report, "html")), tmp_path)
    pages = [p for p in text_of(pdf, "-layout").split("\f") if p.strip()]
    # the list (reviews, then the assessments to redo) takes two pages, then one per 課
    listed = len(pages) - len(report.groups)
    assert listed == 2
    assert "特定個人情報保護評価の再実施 3件" in pages[1]
    for page, group in zip(pages[listed:], report.groups, strict=True):
        assert f"{group.department}長　様" in page or f"{group.department}長 様" in page
        assert "個人情報取扱業務の見直しについて（依頼）" in page
        for reminder in group.all:
            assert format_wareki(reminder.due) in page
    # the list is numbered, each request is a letter
    assert page_numbers(pdf)[:2] == ["1/12", "2/12"]
