"""Problems found in a register: where they are and what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]


def format_loc(loc: Sequence[str | int]) -> str:
    """``("filings", 2, "date")`` → ``filings[2].date``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Violation:
    """A broken rule of one entry, located by its field path."""

    loc: Loc
    message: str
    severity: Severity = "error"

    @property
    def field(self) -> str:
        return format_loc(self.loc)

    def as_context(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass(frozen=True)
class Problem:
    """A located problem: file (relative to the register), line, field, message."""

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }

    def as_text(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        label = "エラー" if self.severity == "error" else "警告"
        field = f" {self.field}:" if self.field else ""
        return f"{place}: {label}:{field} {self.message}"
