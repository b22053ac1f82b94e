"""``--file-as-start D``: each imported entry filed as 開始 on D, one commit per entry.

The register's ``registry.toml`` is committed first when the import added 課 to
it (a filing is refused while it differs from HEAD). Each filing is
:func:`todokede.registry.git.filing.file_entry`, the code of ``todokede file``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final

from todokede.registry.files.store import REGISTRY_FILE
from todokede.registry.git.filing import file_entry
from todokede.registry.schema.wareki import format_wareki
from todokede.reports.imports.plan import ImportPlan

#: The summary of an imported entry's 開始届.
IMPORTED_SUMMARY: Final = "既存の登録簿から取り込み"


def file_imported(root: Path, plan: ImportPlan, day: date, author: str | None) -> list[str]:
    """File every entry of ``plan`` as 開始 on ``day``; the lines to print."""
    lines: list[str] = []
    if plan.new_departments:
        import git

        repo = git.Repo(root, search_parent_directories=True)
        repo.index.add([str((root / REGISTRY_FILE).resolve())])
        repo.index.commit(f"registry.toml: 取り込みで課を追加（{'、'.join(plan.new_departments)}）")
        lines.append("registry.toml をコミットしました（追加した課）")
    for imported in plan.entries:
        started = (
            f"（取り込んだ開始年月日 {format_wareki(imported.started)}）"
            if imported.started
            else ""
        )
        filed = file_entry(
            root, imported.entry_id, "start", day, IMPORTED_SUMMARY + started, author=author
        )
        lines.append(f"開始届をコミットしました: {imported.entry_id}（{filed.commit[:10]}）")
    lines.append(f"{len(plan.entries)}件を{format_wareki(day)}の開始届として届け出ました")
    return lines
