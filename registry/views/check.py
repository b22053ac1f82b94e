"""``todokede check``: the register's problems as the contract's result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from todokede.registry.files.store import Register, load_register
from todokede.registry.git.unfiled import unfiled_problems
from todokede.registry.schema.problems import Problem


@dataclass(frozen=True)
class CheckResult:
    """Errors and warnings of a register; with ``strict`` warnings are errors."""

    entries: int
    errors: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
        }

    def summary(self) -> str:
        verdict = "問題ありません" if self.ok else "エラーがあります"
        return (
            f"エントリ {self.entries}件を検査しました: エラー {len(self.errors)}件、"
            f"警告 {len(self.warnings)}件 — {verdict}"
        )


def check_register(
    register: Register, strict: bool = False, extra: Sequence[Problem] = ()
) -> CheckResult:
    """The register's problems (and ``extra`` ones, e.g. the audit's) as errors and warnings."""
    errors = [*register.errors, *(p for p in extra if p.severity == "error")]
    warnings = [*register.warnings, *(p for p in extra if p.severity == "warning")]
    if strict:
        errors = sorted(
            [*errors, *(replace(w, severity="error") for w in warnings)],
            key=lambda p: (p.file, p.line or 0),
        )
        warnings = []
    return CheckResult(register.files_read, errors, warnings)


def check_path(root: Path, strict: bool = False, extra: Sequence[Problem] = ()) -> CheckResult:
    """Check the register at ``root``; an entry saved but not filed (its file differs
    from its last filing's version) is a warning too (field ``filing``)."""
    register = load_register(root)
    working = {entry_id: item.entry for entry_id, item in register.entries.items()}
    unfiled = unfiled_problems(register.root, working)
    return check_register(register, strict, [*extra, *unfiled])
