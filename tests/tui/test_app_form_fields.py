"""Typing in the form: nothing selected on opening, undo within a field, and the
record-item picker that filters as soon as one types, wherever the focus is."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, TextArea

from tests.support.tui import help_body, make_app, open_form, ready, until
from todokede.tui.dialogs.catalog_picker import CatalogPicker
from todokede.tui.widgets.form_fields import FormInput, LinesArea

NAME = "個人住民税賦課事務"


async def test_the_name_opens_with_the_cursor_at_its_end_and_undo_works(
    sample_copy: Path,
) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        name = form.query_one("#input-name", Input)
        assert isinstance(name, FormInput) and app.focused is name
        assert name.selection.is_empty and name.cursor_position == len(NAME)
        await pilot.press(*"本庁")
        assert name.value == NAME + "本庁"  # the first key replaced nothing
        await pilot.press("ctrl+z")
        assert name.value == NAME
        assert name.cursor_position == len(NAME)
        await pilot.press("ctrl+y")
        assert name.value == NAME + "本庁"
        await pilot.press("ctrl+z", "ctrl+z")  # nothing more to undo: stays
        assert name.value == NAME

        section = form.query_one("#input-section", Input)
        section.focus()
        await pilot.pause()
        assert section.selection.is_empty
        await pilot.press("backspace", "backspace")
        assert section.value != form.initial.section
        await pilot.press("ctrl+z")
        assert section.value == form.initial.section

        purpose = form.query_one("#input-purpose", TextArea)  # TextArea: its own undo
        purpose.focus()
        await pilot.pause()
        before = purpose.text
        await pilot.press("end", *"追記")
        assert purpose.text != before
        await pilot.press("ctrl+z")
        assert purpose.text == before

        name.focus()
        await pilot.pause()
        _, body = await help_body(pilot, "f1")
        assert "入力を元に戻す" in body and "^z" in body


async def test_typing_in_the_picker_filters_wherever_the_focus_is(sample_copy: Path) -> None:
    app = make_app(sample_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        form = await open_form(app, pilot)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, CatalogPicker))
        picker = app.screen
        assert isinstance(picker, CatalogPicker)
        field = picker.query_one("#picker-filter", Input)
        assert app.focused is field  # the hint's field has the focus
        await pilot.press(*"病歴")
        assert field.value == "病歴"
        options = picker.query_one(OptionList)
        assert any("病歴" in str(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count))  # fmt: skip

        await pilot.press("down")  # to the list
        assert options.has_focus
        await pilot.press("space")  # space still chooses there
        chosen = list(picker.chosen)
        assert chosen
        await pilot.press(*"ｶﾞﾝ")  # typing in the list goes on filtering
        assert field.value == "病歴ｶﾞﾝ" and field.has_focus
        await pilot.press("backspace", "backspace", "backspace")
        assert field.value == "病歴"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert chosen[0] in form.query_one("#input-record_items", LinesArea).items
