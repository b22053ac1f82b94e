"""The line locator: keys, table headers, array elements, multi-line strings."""

from __future__ import annotations

import tomllib

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from todokede.registry.files.locate import _quick_lines, line_map, line_of, locate

TEXT = '''\
# comment = "not a key"
name = "個人住民税賦課事務"
purpose = """複数行の
key = "not a key either"
目的"""
record_items = [
  "氏名",  # comment, with "quotes"
  "住所", "生年月日",
]
legal = 'literal # not a comment'
"quoted key" = 1
dotted.key = 2

[[outsourcing]]
contractor = "株式会社A"

[[filings]]
date = 2005-04-01
kind = "start"

[[filings]]
date = 2016-03-22
items_added = [ { name = "x" }, "個人番号" ]

[catalog]
inline = { a = 1, b = [1, 2] }
'''


def test_keys_headers_and_elements_have_their_lines() -> None:
    found = locate(TEXT)
    assert found[("name",)] == 2
    assert found[("purpose",)] == 3
    assert ("key",) not in found
    assert found[("record_items",)] == 6
    assert found[("record_items", 0)] == 7
    assert found[("record_items", 1)] == 8
    assert found[("record_items", 2)] == 8
    assert found[("legal",)] == 10
    assert found[("quoted key",)] == 11
    assert found[("dotted", "key")] == 12
    assert found[("outsourcing", 0)] == 14
    assert found[("outsourcing", 0, "contractor")] == 15
    assert found[("filings", 0)] == 17
    assert found[("filings", 0, "kind")] == 19
    assert found[("filings", 1)] == 21
    assert found[("filings", 1, "date")] == 22
    assert found[("filings", 1, "items_added", 1)] == 23
    assert found[("filings", 1, "items_added", 0, "name")] == 23
    assert found[("catalog", "inline", "b", 1)] == 26


def test_line_of_falls_back_to_the_enclosing_path() -> None:
    found = locate(TEXT)
    assert line_of(found, ("filings", 1, "summary")) == 21
    assert line_of(found, ("outsourcing", 0, "scope")) == 14
    assert line_of(found, ("missing",)) is None
    assert line_of(found, ()) is None


def test_comment_lines_and_crlf() -> None:
    found = locate('a = 1\r\n# x = 2\r\nb = "#"\r\n')
    assert found == {("a",): 1, ("b",): 3}


def test_nested_arrays_of_tables_count_under_their_element() -> None:
    text = (
        '[[council]]\nkind = "consultation"\n'  # 1-2
        '[[council.opinions]]\ntext = "a"\n'  # 3-4
        '[[council]]\nkind = "report"\n'  # 5-6
        '[[council.opinions]]\ntext = "b"\n'  # 7-8
        "[[council.opinions]]\nanswered = 2016-10-25\n"  # 9-10
    )
    found = locate(text)
    assert found[("council", 0, "opinions", 0)] == 3
    assert found[("council", 1)] == 5
    assert found[("council", 1, "opinions", 0, "text")] == 8
    assert found[("council", 1, "opinions", 1, "answered")] == 10


# -- the cheap scan gives the lines of the full one ------------------------------------

_KEYS = st.sampled_from(
    ["name", "record_items", "a-b", '"quoted key"', "'literal'", "x.y", '"a.b"']
)
_SCALARS = st.sampled_from(
    [
        '"氏名"',
        '"a # not a comment"',
        '"[not] {a} table"',
        "'lit [x]'",
        '"esc \\" q"',
        "12",
        "true",
        "2016-03-22",
    ]
)


@st.composite
def _values(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["scalar", "array", "lines", "inline", "mlstring"]))
    if kind == "scalar" or depth > 1:
        return draw(_SCALARS)
    if kind == "mlstring":
        return '"""two\nlines = 1"""'
    items = draw(st.lists(_values(depth + 1), max_size=3))
    if kind == "inline":
        return "{ " + ", ".join(f"k{n} = {v}" for n, v in enumerate(items)) + " }"
    if kind == "array":
        return "[" + ", ".join(items) + "]"
    comment = draw(st.sampled_from(["", "  # a comment, with [brackets]"]))
    body = "".join(f"\n  {item},{comment}" for item in items)
    return f"[{comment}{body}\n]"


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    headers = ["[catalog]", "[[filings]]", "[[council]]", "[[council.opinions]]", "[files.x]"]
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.sampled_from(["pair", "pair", "header", "comment", "blank"]))
        if choice == "pair":
            lines.append(f"{draw(_KEYS)} = {draw(_values())}")
        elif choice == "header":
            lines.append(draw(st.sampled_from(headers)))
        elif choice == "comment":
            lines.append("# key = 1")
        else:
            lines.append("")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines).replace("\n", newline) + newline


@given(_documents())
@settings(max_examples=400, deadline=None)
def test_the_cheap_scan_gives_every_path_the_same_line(text: str) -> None:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assume(False)
    full = locate(text)
    quick = line_map(text)
    for path in full:
        for probe in (path, (*path, "unknown"), (*path, 7)):
            assert line_of(quick, probe) == line_of(full, probe), (probe, text)


def test_the_cheap_scan_reads_a_value_over_several_lines() -> None:
    text = 'a = 1\nrecord_items = [\n  "氏名",  # x\n  "住所", "電話",\n]\n[[files]]\nname = "x"\n'
    assert _quick_lines(text) is not None  # no fallback for this shape
    quick = line_map(text)
    assert line_of(quick, ("record_items", 0)) == 3
    assert line_of(quick, ("record_items", 2)) == 4
    assert line_of(quick, ("files", 0, "name")) == 7


def test_the_cheap_scan_leaves_a_multiline_string_to_the_full_scan() -> None:
    assert _quick_lines(TEXT) is None
    assert line_map(TEXT) == locate(TEXT)
