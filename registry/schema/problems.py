"""Problems found in a register: where they are and what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


#: Finds a problem's line when it is first asked for.
LineFinder = Callable[[], "int | None"]


class Problem:
    """A located problem: file (relative to the register), line, field, message.

    The line may be given as a :data:`LineFinder`, called the first time ``line``
    is read: locating a line tokenizes the whole file, and most commands (report,
    export, the TUI's tree) never show a warning's line. Immutable; equal, hashed
    and pickled by its values (a finder is called first).
    """

    __slots__ = ("_line", "field", "file", "message", "severity")

    file: str
    _line: int | LineFinder | None
    field: str
    message: str
    severity: Severity

    def __init__(
        self,
        file: str,
        line: int | LineFinder | None,
        field: str,
        message: str,
        severity: Severity = "error",
    ) -> None:
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "_line", line)
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "severity", severity)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Problem is immutable: {name}")

    @property
    def line(self) -> int | None:
        found = self._line
        if callable(found):
            found = found()
            object.__setattr__(self, "_line", found)
        return found

    def with_severity(self, severity: Severity) -> Problem:
        """The same problem as another severity (``check --strict``), its line still lazy."""
        return Problem(self.file, self._line, self.field, self.message, severity)

    def _values(self) -> tuple[str, int | None, str, str, str]:
        return (self.file, self.line, self.field, self.message, self.severity)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (
            f"Problem(file={self.file!r}, line={self.line!r}, field={self.field!r}, "
            f"message={self.message!r}, severity={self.severity!r})"
        )

    def __reduce__(self) -> tuple[type[Problem], tuple[str, int | None, str, str, str]]:
        return (Problem, self._values())

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
