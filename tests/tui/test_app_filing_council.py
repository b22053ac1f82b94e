"""The filing dialog asks for the council item when the change needs one, and warns
when 個人番号 is added before the 特定個人情報保護評価 covers it.

On a real git register holding one meeting's council items: a contractor added to
生活保護業務 needs a 諮問 or a 報告; the dialog offers the entry's report of
平成28年10月25日 and the register's answered consultation 第3号 (第7号, not yet
answered, is not offered), the choice lands on the filing as ``todokede file
--consultation`` / ``--reported`` would write it, and the warning goes.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from tests.support.council import committed_meeting_register
from tests.support.tui import (
    dialog_of,
    main_screen,
    make_app,
    opened,
    press_commit,
    ready,
    settle,
    shown,
)
from todokede.tui.app import TodokedeApp
from todokede.tui.dialogs.filing import FilingDialog

ENTRY = "seikatsu-hogo"
CONTRACTOR = """
[[outsourcing]]
contractor = "株式会社ムサシ"
scope = "介護扶助の費用請求データの入力"
since = 2016-11-01
"""
NO_RECORD = "審議会への諮問又は報告の記録がありません"


@pytest.fixture
def register(tmp_path: Path, git_identity: None) -> Path:
    return committed_meeting_register(tmp_path / "reg")


def warnings_of(dialog: FilingDialog) -> str:
    """The warnings' box as one line (it folds at the dialog's width)."""
    return shown(dialog, "#filing-warnings").replace("\n", "")


def entry_path(root: Path) -> Path:
    return root / "entries" / f"{ENTRY}.toml"


async def open_dialog(app: TodokedeApp, pilot: object) -> FilingDialog:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await ready(pilot)
    assert main_screen(app).select_entry(ENTRY)
    await pilot.press("f")
    dialog = await opened(pilot)
    dialog.query_one("#filing-date", Input).value = "H28.11.1"
    await settle(pilot)
    return dialog_of(app)


@pytest.mark.parametrize(
    ("size", "chosen", "recorded"),
    [
        ((80, 24), "consultation:平成28年度諮問第3号", ("consultation", "平成28年度諮問第3号")),
        ((120, 40), "report:2016-10-25", ("reported", "2016-10-25")),
    ],
)
async def test_a_change_needing_the_council_offers_what_covers_it(
    register: Path, size: tuple[int, int], chosen: str, recorded: tuple[str, str]
) -> None:
    path = entry_path(register)
    path.write_text(path.read_text("utf-8") + CONTRACTOR, "utf-8")
    app = make_app(register)
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(app, pilot)
        row = dialog.query_one("#filing-council-row")
        assert row.display
        warnings = warnings_of(dialog)
        assert NO_RECORD in warnings and "「審議会」で選んでください" in warnings
        choice = dialog.query_one("#filing-council", Select)
        labels = [str(prompt) for prompt, _ in choice._options[1:]]
        assert labels == [
            "報告 平成28年10月25日「介護扶助にかかる保険者ネットワークの構築」",
            "諮問 平成28年度諮問第3号「糖尿病性腎症重症化予防事業委託」（保険年金課）",
        ]

        choice.value = chosen
        await settle(pilot)
        assert row.display  # kept while a choice is made
        assert not dialog.query_one("#filing-warnings").display
        await press_commit(pilot)
        assert not isinstance(app.screen, FilingDialog)

    last = tomllib.loads(path.read_text("utf-8"))["filings"][-1]
    key, value = recorded
    assert str(last[key]) == value
    (other,) = {"consultation", "reported"} - {key}
    assert other not in last


async def test_a_change_the_council_need_not_hear_asks_nothing(register: Path) -> None:
    path = entry_path(register)
    path.write_text(
        path.read_text("utf-8").replace('"介護扶助の状況"]', '"介護扶助の状況", "電話番号"]', 1),
        "utf-8",
    )
    app = make_app(register)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        assert not dialog.query_one("#filing-council-row").display
        assert not dialog.query_one("#filing-warnings").display
        await press_commit(pilot)
    last = tomllib.loads(path.read_text("utf-8"))["filings"][-1]
    assert "consultation" not in last and "reported" not in last


async def test_my_number_before_the_assessment_is_warned_and_may_still_be_filed(
    register: Path,
) -> None:
    path = entry_path(register)
    text = path.read_text("utf-8").replace('"介護扶助の状況"]', '"介護扶助の状況", "個人番号"]', 1)
    path.write_text(text, "utf-8")
    app = make_app(register)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        warnings = warnings_of(dialog)
        assert "個人番号を記録項目に加える届出ですが、特定個人情報保護評価" in warnings
        assert "評価を実施してください" in warnings
        assert dialog.refusal is None
        await press_commit(pilot)
        assert not isinstance(app.screen, FilingDialog)
    last = tomllib.loads(path.read_text("utf-8"))["filings"][-1]
    assert last["items_added"] == ["個人番号"]
