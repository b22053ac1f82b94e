"""The highlighted process is the one shown and acted on, whatever the filter does.

A clerk types quickly: the filter's keystrokes arrive in a burst, before the
tree's highlight of an earlier keystroke is handled. The detail pane and every
action (e, f, a, h) must still follow the cursor, and when the filter hides the
process that was selected, the first one listed is selected (or none, and the
actions say so).
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.screen import Screen

from tests.support.tui import listed_ids, main_screen, make_app, ready, static_text, until
from todokede.tui.dialogs.filing import FilingDialog
from todokede.tui.screens.entry_form import EntryFormScreen
from todokede.tui.screens.history import HistoryScreen
from todokede.tui.screens.main import MainScreen

FIRST_MY_NUMBER = "jinji-fukuri-kosei-hoken"


async def type_burst(pilot: Pilot[None], *values: str) -> None:
    """The filter's value after each key of a burst, with nothing handled in between
    (as a terminal delivers a word typed or sent at once)."""
    screen = main_screen(pilot.app)
    for value in values:
        screen.filter_input.value = value
    await pilot.pause()
    await pilot.pause()


def shown_and_highlighted(screen: MainScreen) -> tuple[str | None, str | None]:
    return screen.detail.entry_id, screen.register_tree.highlighted_entry()


def opened_on(opened: Screen[object]) -> str | None:
    """The process a form, history or filing dialog was opened for."""
    if isinstance(opened, EntryFormScreen):
        return opened.item.id if opened.item is not None else None
    if isinstance(opened, HistoryScreen | FilingDialog):
        return opened.entry_id
    raise AssertionError(opened)


async def back_to_main(pilot: Pilot[None]) -> None:
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_a_quick_filter_shows_and_acts_on_the_highlighted_process(
    git_register: Path,
) -> None:
    app = make_app(git_register)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        await pilot.press("down")
        await pilot.pause()
        assert screen.detail.entry_id == "soumu-tokubetsu-teigaku-kyufukin"
        await pilot.press("slash")
        await type_burst(pilot, "個", "個人", "個人番", "個人番号")
        assert "32件中 16件" in static_text(screen, "#filter-status")
        assert listed_ids(screen.register_tree)[0] == FIRST_MY_NUMBER
        # not 総務課「情報公開請求…」, which the filter hides
        assert shown_and_highlighted(screen) == (FIRST_MY_NUMBER, FIRST_MY_NUMBER)
        assert "福利厚生保険業務" in static_text(screen, "#summary-body")

        await pilot.press("tab")  # to the tree
        assert app.focused is screen.register_tree
        for key in ("e", "h", "f"):
            await pilot.press(key)
            await until(pilot, lambda: not isinstance(app.screen, MainScreen))
            assert opened_on(app.screen) == FIRST_MY_NUMBER, key
            await ready(pilot)
            await back_to_main(pilot)

        # ctrl+u empties the filter, a new word narrows it again
        await pilot.press("slash", "ctrl+u")
        await pilot.pause()
        await type_burst(pilot, "介", "介護")
        first = listed_ids(screen.register_tree)[0]
        assert shown_and_highlighted(screen) == (first, first)
        current = screen.current_entry()
        assert current is not None and current.id == first


async def test_a_filter_that_lists_nothing_selects_nothing_and_the_actions_say_so(
    sample_copy: Path,
) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        await pilot.press("slash")
        await type_burst(pilot, "該当", "該当なしの語")
        assert shown_and_highlighted(screen) == (None, None)
        assert "該当する業務はありません" in static_text(screen, "#detail-empty")
        await pilot.press("tab")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # nothing opened
        messages = [n.message for n in app._notifications]
        assert any(
            "編集できません" in m and "絞り込みに該当する業務がありません" in m for m in messages
        )


async def test_a_department_line_is_no_process(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.detail.entry_id is not None
        await pilot.press("up")  # from the first process to its department, 総務課
        await pilot.pause()
        assert shown_and_highlighted(screen) == (None, None)
        assert "総務課（業務 2件）" in static_text(screen, "#detail-empty")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("届出できません" in n.message for n in app._notifications)
