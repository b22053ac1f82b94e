"""``todokede check --audit``: past commits that broke the ``[access]`` rules.

Each commit reachable from HEAD is judged by the rules of :mod:`todokede.registry.access.table`
with the table of its first parent (what the hook would have applied; before
any table existed, the table at HEAD), taking the commit's author name and
email as the user. A commit's author is whatever its writer configured, so the
audit is a guide for the secretariat; the enforcement is the pre-receive hook,
which trusts only the server. Findings are warnings whose field is ``audit``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from todokede.registry.access.commits import git_output, read_changes
from todokede.registry.access.table import (
    AccessError,
    AccessTable,
    judge_commit,
    table_of_config,
)
from todokede.registry.git.revisions import RegisterRepo
from todokede.registry.schema.limits import REGISTRY_FILE
from todokede.registry.schema.problems import Problem
from todokede.registry.views.display import visible

AUDIT_FIELD: Final = "audit"
NOTE: Final = (
    "監査の注意: コミットの作成者（氏名・メール）は各自が設定できる自己申告の値です。"
    "この結果は目安で、送信時の強制は todokede hook install で入れる pre-receive フックが行います"
)


def _warning(file: str, message: str) -> Problem:
    return Problem(file, None, AUDIT_FIELD, f"監査: {message}", "warning")


def audit_register(root: Path) -> list[Problem]:
    """Warnings for the commits whose author could not have made them under ``[access]``."""
    with RegisterRepo(root) as history:
        head = history.head()
        if head is None:
            return []
        git_dir = Path(history.repo.git_dir)
        config_path = f"{history.prefix}{REGISTRY_FILE}"
        out = git_output(git_dir, "rev-list", "--parents", "HEAD").decode("ascii")
        parents = {line[0]: line[1:] for line in (text.split() for text in out.splitlines())}
        commits = list(parents)
        reader = history.reader
        names = [f"{head}:{config_path}"] + [f"{p[0]}:{config_path}" for p in parents.values() if p]
        configs = reader.read(names)
        problems: list[Problem] = []
        tables: dict[str, AccessTable | None] = {}

        def table_at(commit: str) -> AccessTable | None:
            if commit not in tables:
                try:
                    tables[commit] = table_of_config(configs.get(f"{commit}:{config_path}"))
                except AccessError as error:
                    problems.append(
                        _warning(
                            REGISTRY_FILE, f"コミット {commit[:7]} の {error}（監査では使いません）"
                        )
                    )
                    tables[commit] = None
            return tables[commit]

        head_table = table_at(head)
        if head_table is None and not any(table_at(p[0]) for p in parents.values() if p):
            return [
                *problems,
                _warning(
                    REGISTRY_FILE, f"{REGISTRY_FILE} に [access] がないため、権限を監査できません"
                ),
            ]
        changes = read_changes(git_dir, commits, history.prefix, reader, authors=True)
        for commit in changes:
            first = parents.get(commit.commit, [])
            table = (table_at(first[0]) if first else None) or head_table
            if table is None:
                continue
            who = (commit.author_name, commit.author_email)
            author = visible(f"{commit.author_name} <{commit.author_email}>")
            for finding in judge_commit(table, who, commit):
                problems.append(
                    _warning(
                        finding.path,
                        f"コミット {commit.commit[:7]}（{commit.date}、作成者 {author}）: "
                        f"{finding.where()}: {finding.reason(author).replace('利用者', '作成者', 1)}",
                    )
                )
        return problems
