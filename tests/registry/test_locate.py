"""The line locator: keys, table headers, array elements, multi-line strings."""

from __future__ import annotations

from todokede.registry.files.locate import line_of, locate

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
