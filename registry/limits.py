"""Limits shared by the light readers (history, hooks) and the store, with no imports."""

from __future__ import annotations

from typing import Final

#: An entry is a page of text; anything larger is a mistake or an attack.
MAX_FILE_BYTES: Final = 1024 * 1024
#: The suffix of a file being written; one left behind marks an interrupted write.
TEMP_SUFFIX: Final = ".todokede-tmp"
