"""Widgets of the register: tree, detail tabs, header, form fields, marks."""

from todokede.tui.widgets.entry_detail import EntryDetail
from todokede.tui.widgets.register_header import RegisterHeader
from todokede.tui.widgets.register_tree import RegisterTree

__all__ = ["EntryDetail", "RegisterHeader", "RegisterTree"]
