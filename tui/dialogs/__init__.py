"""Modal dialogs; each returns a typed result through ``dismiss``."""

from tui.dialogs.catalog_picker import CatalogPicker
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.help import HelpScreen

__all__ = ["CatalogPicker", "ConfirmDialog", "HelpScreen"]
