"""The register's git repository: open or create it, identity, commits."""

from __future__ import annotations

import os
from pathlib import Path

import git

from registry.store import RegisterError


def open_repo(root: Path) -> git.Repo:
    """The git repository holding the register (it may be a parent folder)."""
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RegisterError(
            f"git リポジトリではありません: {root}（todokede init で作成できます）"
        ) from None


def ensure_repo(root: Path) -> git.Repo:
    """The repository holding ``root``, created there when there is none."""
    try:
        return open_repo(root)
    except RegisterError:
        return git.Repo.init(root)


def identity(repo: git.Repo, author: str | None = None) -> git.Actor:
    """Who commits: ``--author "Name <mail>"``, else git's environment or config."""
    if author:
        actor = git.Actor._from_string(author)
        if not actor.name or not actor.email:
            raise RegisterError(f"--author は「氏名 <メール>」の形で書いてください: {author}")
        return actor
    reader = repo.config_reader()
    name = os.environ.get("GIT_AUTHOR_NAME") or reader.get_value("user", "name", default="")
    email = os.environ.get("GIT_AUTHOR_EMAIL") or reader.get_value("user", "email", default="")
    if not name or not email:
        raise RegisterError(
            "git の利用者が設定されていません（git config user.name と user.email を設定するか、"
            '--author "氏名 <メール>" を付けてください）'
        )
    return git.Actor(str(name), str(email))


def commit_paths(
    repo: git.Repo, paths: list[Path], message: str, author: str | None = None
) -> git.Commit:
    """Stage ``paths`` and commit them as one commit by the register's identity."""
    actor = identity(repo, author)
    work_tree = Path(repo.working_tree_dir or ".").resolve()
    rel = [str(Path(p).resolve().relative_to(work_tree)) for p in paths]
    repo.index.add(rel)
    return repo.index.commit(message, author=actor, committer=actor)
