"""Cell values of imported spreadsheets: dates, yes/no marks, lists, text, counts, labels."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from todokede.reports.imports.values import (
    Cell,
    ValueProblem,
    fold_label,
    read_date,
    read_int,
    read_text,
    read_yes,
    split_list,
)


def problem(value: Cell, reader: object) -> str:
    assert callable(reader)
    with pytest.raises(ValueProblem) as caught:
        reader(value)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    return message


# read_date


@pytest.mark.parametrize("empty", [None, "", "  ", "\u3000"])
def test_an_empty_cell_has_no_date(empty: Cell) -> None:
    assert read_date(empty) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2016, 4, 1), date(2016, 4, 1)),
        (datetime(2016, 4, 1, 13, 30), date(2016, 4, 1)),
        ("平成28年4月1日", date(2016, 4, 1)),
        ("H28.4.1", date(2016, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("2016-04-01", date(2016, 4, 1)),
        ("2016/4/1", date(2016, 4, 1)),
        ("2016.4.1", date(2016, 4, 1)),
        ("2016年4月1日", date(2016, 4, 1)),
        ("２０１６年４月１日", date(2016, 4, 1)),
        ("　平成２８年４月１日 ", date(2016, 4, 1)),
    ],
)
def test_dates_are_read_from_date_cells_and_text(value: Cell, expected: date) -> None:
    assert read_date(value) == expected


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (42461, date(2016, 4, 1)),
        (42461.75, date(2016, 4, 1)),
        (45000.0, date(2023, 3, 15)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_excel_serial_numbers_are_days_of_the_1900_system(
    serial: int | float, expected: date
) -> None:
    assert read_date(serial) == expected


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_every_serial_after_the_leap_bug_is_its_day(day: date) -> None:
    assert read_date((day - date(1899, 12, 30)).days) == day


def test_serial_60_is_the_1900_02_29_that_never_was() -> None:
    assert problem(60, read_date) == "「60」は存在しない日付（1900年2月29日）の通し番号です"


@pytest.mark.parametrize("serial", [0, -1, 0.5, 2958466, 1e12])
def test_serials_out_of_range_are_refused(serial: int | float) -> None:
    assert "は日付の通し番号として範囲外です（1から2958465まで）" in problem(serial, read_date)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("平成31年2月30日", "存在しない日付です: 「平成31年2月30日」"),
        ("平成32年1月1日", "平成にない日付です: 「平成32年1月1日」"),
        (
            "42461",
            "日付として読めません: 「42461」（例: 2016-09-13、平成28年9月13日、H28.9.13、令和元年5月1日）",
        ),
        (True, "「True」は日付として読めません"),
        (float("nan"), "「nan」は日付として読めません"),
        (time(9, 30), "「09:30:00」は時刻で、日付ではありません"),
        (timedelta(hours=2), "「2:00:00」は時間の長さで、日付ではありません"),
    ],
)
def test_values_that_are_not_dates_are_explained(value: Cell, message: str) -> None:
    assert problem(value, read_date).startswith(message)


def test_a_bad_date_over_several_lines_is_explained_on_one_line() -> None:
    assert problem("平成28年\n4月", read_date) == (
        "日付として読めません: 「平成28年 4月」"
        "（例: 2016-09-13、平成28年9月13日、H28.9.13、令和元年5月1日）"
    )


# read_yes


YES: list[Cell] = [
    "○",
    "〇",
    "◯",
    "●",
    "◎",
    "レ",
    "ﾚ",
    "✓",
    "✔",
    "■",
    "☑",
    "有",
    "あり",
    "有り",
    "する",
]
YES += ["はい", "yes", "YES", "Ｙｅｓ", "y", "true", "TRUE", "1", "１", " ○ ", True, 1, 1.0]
NO: list[Cell] = ["×", "✕", "✗", "無", "なし", "無し", "しない", "いいえ", "no", "NO", "n", "false"]
NO += ["0", "０", "-", "－", "―", "ー", "□", "☐", "\u3000×", False, 0, 0.0]


@pytest.mark.parametrize("mark", YES)
def test_yes_marks(mark: Cell) -> None:
    assert read_yes(mark) is True


@pytest.mark.parametrize("mark", NO)
def test_no_marks(mark: Cell) -> None:
    assert read_yes(mark) is False


@pytest.mark.parametrize("empty", [None, "", " ", "\u3000"])
def test_an_empty_mark_is_not_given(empty: Cell) -> None:
    assert read_yes(empty) is None


@pytest.mark.parametrize(
    ("value", "shown"), [("多分", "多分"), (2, "2"), (date(2016, 4, 1), "2016-04-01")]
)
def test_unknown_marks_are_explained(value: Cell, shown: str) -> None:
    assert problem(value, read_yes) == (
        f"「{shown}」は有無として読めません（○・有・レ 又は ×・無 で記入してください）"
    )


# split_list


def test_a_list_is_split_outside_brackets() -> None:
    assert split_list("氏名、住所・生年月日\n電話番号（自宅、携帯）") == [
        "氏名",
        "住所",
        "生年月日",
        "電話番号（自宅、携帯）",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a,b，c;d；e\r\nf\rg", ["a", "b", "c", "d", "e", "f", "g"]),
        ("氏名､住所･電話", ["氏名", "住所", "電話"]),
        ("「氏名、住所」、『職業・勤務先』", ["「氏名、住所」", "『職業・勤務先』"]),
        ("【a、b】、[c,d]、(e;f)", ["【a、b】", "[c,d]", "(e;f)"]),
        (
            "連絡先（電話（自宅、携帯）、メール）、氏名",
            ["連絡先（電話（自宅、携帯）、メール）", "氏名"],
        ),
        (
            "・氏名\n・住所\n● 電話\n- 職業\n* 年齢\n○ 性別",
            ["氏名", "住所", "電話", "職業", "年齢", "性別"],
        ),
        ("　氏名　、 住所 ", ["氏名", "住所"]),
        ("氏名、、住所、\n\n", ["氏名", "住所"]),
        ("氏名、住所、氏名", ["氏名", "住所"]),
        ("氏名（自宅、住所", ["氏名（自宅、住所"]),
        ("）、氏名", ["）", "氏名"]),
        ("", []),
        ("  ", []),
        (None, []),
        (12, ["12"]),
        (12.0, ["12"]),
        (12.5, ["12.5"]),
        (date(2016, 4, 1), ["2016-04-01"]),
    ],
)
def test_split_list_cases(value: Cell, expected: list[str]) -> None:
    assert split_list(value) == expected


@given(st.text(alphabet=st.sampled_from("ab 　、・,;\n\r（）()「」・●-*")))
def test_split_list_gives_no_empty_or_repeated_or_padded_item(text: str) -> None:
    items = split_list(text)
    assert all(items)
    assert len(items) == len(set(items))
    assert all(item == item.strip() for item in items)


@given(st.lists(st.text(alphabet="氏名住所abc123", min_size=1), unique=True))
def test_split_list_gives_back_the_joined_items(items: list[str]) -> None:
    assert split_list("、".join(items)) == items


# read_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  住民基本台帳\n（写し） ", "住民基本台帳\n（写し）"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (True, "True"),
        (date(2016, 4, 1), "2016-04-01"),
        (datetime(2016, 4, 1), "2016-04-01"),
        (datetime(2016, 4, 1, 9, 30), "2016-04-01 09:30:00"),
        (time(9, 30), "09:30:00"),
        (timedelta(days=1), "1 day, 0:00:00"),
    ],
)
def test_read_text(value: Cell, expected: str) -> None:
    assert read_text(value) == expected


# read_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("　", None),
        (12000, 12000),
        (0, 0),
        (12000.0, 12000),
        ("12000", 12000),
        ("12,000", 12000),
        ("１２，０００", 12000),
        ("約12,000人", 12000),
        ("約 12,000 人", 12000),
        ("300件", 300),
        ("45名", 45),
        ("約1万人", 10000),
        ("1.2万件", 12000),
        ("3万5000人", 35000),
    ],
)
def test_counts(value: Cell, expected: int | None) -> None:
    assert read_int(value) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("多数", "多数"),
        ("約", "約"),
        ("12.5", "12.5"),
        ("-5", "-5"),
        ("1.23456万", "1.23456万"),
        (12.5, "12.5"),
        (-3, "-3"),
        (True, "True"),
        (date(2016, 4, 1), "2016-04-01"),
    ],
)
def test_values_that_are_not_counts_are_explained(value: Cell, shown: str) -> None:
    assert problem(value, read_int) == (
        f"「{shown}」は人数・件数として読めません（例: 12000、約12,000人）"
    )


def test_long_cell_text_is_shortened_in_messages() -> None:
    assert problem("多" * 50, read_int).startswith("「" + "多" * 40 + "…」")


# fold_label


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("事務の\n名称", "事務の名称"),
        ("事務の\r\n名称", "事務の名称"),
        ("担 当 課", "担当課"),
        ("担\u3000当\u3000課", "担当課"),
        ("記録項目（注２）", "記録項目"),
        ("記録項目(※)", "記録項目"),
        ("※記録項目", "記録項目"),
        ("記録項目：", "記録項目"),
        (":記録項目:", "記録項目"),
        ("記録項目（注２）：", "記録項目"),
        ("記録項目（個人番号を含む）", "記録項目"),
        ("（注）", "(注)"),
        ("記録（項目）の範囲", "記録(項目)の範囲"),
        ("ＩＤ", "id"),
        ("", ""),
    ],
)
def test_fold_label(label: str, expected: str) -> None:
    assert fold_label(label) == expected


@settings(max_examples=1000)
@given(st.text())
def test_fold_label_is_idempotent(label: str) -> None:
    folded = fold_label(label)
    assert fold_label(folded) == folded
