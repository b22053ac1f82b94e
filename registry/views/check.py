"""``todokede check``: the register's problems as the contract's result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from todokede.registry.files.locate import line_of, locate
from todokede.registry.files.store import REGISTRY_FILE, Register, load_register, read_text
from todokede.registry.files.tomlread import TomlProblem
from todokede.registry.git.unfiled import unfiled_problems
from todokede.registry.schema.personal_files import book_only_violations
from todokede.registry.schema.problems import Problem

#: The fields whose problems are the book's (``check --book``): an entry's files,
#: and ``registry.toml``'s organs, 部, settings and catalog (条例要配慮).
BOOK_FIELDS: Final = ("files", "agencies", "divisions", "filebook", "catalog")


@dataclass(frozen=True)
class CheckResult:
    """Errors and warnings of a register; with ``strict`` warnings are errors."""

    entries: int
    errors: list[Problem]
    warnings: list[Problem]
    #: ``check --book``: how many problems of the register are not the book's.
    others: int | None = None

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
        if self.others is not None:
            line = (
                f"個人情報ファイル簿を検査しました（エントリ {self.entries}件）: "
                f"エラー {len(self.errors)}件、警告 {len(self.warnings)}件 — {verdict}"
            )
            if self.others:
                line += f"（ほかに登録簿の問題が {self.others}件あります: todokede check）"
            return line
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
            [*errors, *(w.with_severity("error") for w in warnings)],
            key=lambda p: (p.file, p.line or 0),
        )
        warnings = []
    return CheckResult(register.files_read, errors, warnings)


def check_path(root: Path, strict: bool = False, extra: Sequence[Problem] = ()) -> CheckResult:
    """Check the register at ``root``; an entry saved but not filed (its file differs
    from its last filing's version) is a warning too (field ``filing``)."""
    register = load_register(root)
    unfiled = unfiled_problems(register.root, register.working())
    return check_register(register, strict, [*extra, *unfiled])


def is_book_problem(problem: Problem) -> bool:
    """A problem of the 個人情報ファイル簿: of a file, an organ, a 部 or the book's settings."""
    head = problem.field.split(".", 1)[0].split("[", 1)[0]
    return head in BOOK_FIELDS


def book_problems(register: Register) -> list[Problem]:
    """What only the book's check says of ``registry.toml``: a 課 in no organ or 部."""
    violations = book_only_violations(register.config)
    if not violations:
        return []
    try:
        lines = locate(read_text(register.root / REGISTRY_FILE))
    except TomlProblem:
        lines = {}
    return [
        Problem(REGISTRY_FILE, line_of(lines, v.loc), v.field, v.message, v.severity)
        for v in violations
    ]


def check_book(root: Path, strict: bool = False) -> CheckResult:
    """``check --book``: the book's own problems in one list (missing files, a 課 in no
    organ, a file name twice, an exemption that does not hold …), in file order."""
    register = load_register(root)
    mine = [p for p in register.problems if is_book_problem(p)]
    book = Register(register.root, register.config, register.catalog, problems=mine)
    result = check_register(book, strict, book_problems(register))
    errors = sorted(result.errors, key=lambda p: (p.file, p.line or 0))
    warnings = sorted(result.warnings, key=lambda p: (p.file, p.line or 0))
    return replace(
        result,
        entries=register.files_read,
        errors=errors,
        warnings=warnings,
        others=len(register.problems) - len(mine),
    )
