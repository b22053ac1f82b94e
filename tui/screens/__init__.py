"""Full screens: the register (main) and the entry form; phase 2 adds history,
report, reminders and sync screens here."""

from tui.screens.entry_form import EntryFormScreen, EntrySaved
from tui.screens.main import MainScreen

__all__ = ["EntryFormScreen", "EntrySaved", "MainScreen"]
