"""Widgets of the register: tree, detail tabs, header, form fields, marks."""

from tui.widgets.entry_detail import EntryDetail
from tui.widgets.register_header import RegisterHeader
from tui.widgets.register_tree import RegisterTree

__all__ = ["EntryDetail", "RegisterHeader", "RegisterTree"]
