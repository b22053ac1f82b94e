"""Limits and the register's layout, shared by the light readers (history, diffs,
hooks) and the store, with no imports (the store loads pydantic; they need not)."""

from __future__ import annotations

import re
from typing import Final

#: An entry is a page of text; anything larger is a mistake or an attack.
MAX_FILE_BYTES: Final = 1024 * 1024
#: The suffix of a file being written; one left behind marks an interrupted write.
TEMP_SUFFIX: Final = ".todokede-tmp"
#: The layout of a register: its settings and the folder of its entry files.
REGISTRY_FILE: Final = "registry.toml"
ENTRIES_DIR: Final = "entries"
#: An entry's id, the stem of its file: lowercase ASCII only, so that no two ids can
#: name one file on a case-insensitive or normalising file system (NTFS, APFS).
ENTRY_ID: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
