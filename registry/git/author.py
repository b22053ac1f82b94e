"""Who files (届出者): the author a filing is committed as, and remembering it.

``todokede file`` commits as git's identity (``user.name``/``user.email`` or
``GIT_AUTHOR_*``) unless ``--author`` names someone else. The TUI shows that
name in the filing dialog, editable, and remembers the one typed for the
register on this machine in the repository's own config (``git config
--local todokede.author``): it lives under ``.git/``, so it is never committed
and never shared by a sync. Typing git's own identity again forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import git

from todokede.registry.git.repository import identities, open_repo, parse_author
from todokede.registry.schema.errors import FilingRefused, RegisterError

#: The repository's config key that holds the remembered 届出者.
CONFIG_KEY: Final = "todokede.author"

AuthorOrigin = Literal["remembered", "git", "none"]


@dataclass(frozen=True)
class AuthorDefault:
    """The 届出者 a filing dialog starts from, and where it comes from."""

    author: str
    """``氏名 <メール>``; empty when there is none."""
    origin: AuthorOrigin
    """``remembered`` (typed before for this register), ``git`` (git's identity),
    ``none`` (no identity: the user must type one)."""


def author_text(actor: git.Actor) -> str:
    return f"{actor.name} <{actor.email}>"


def author_refusal(text: str) -> RegisterError | None:
    """Why ``text`` cannot name the 届出者 (the check the filing makes), or None:
    FilingRefused (``no-author``, ``author-malformed``), or a RegisterError for
    characters git cannot hold."""
    if not text.strip():
        return FilingRefused("no-author")
    try:
        parse_author(text)
    except RegisterError as error:
        return error
    return None


def _git_identity(repo: git.Repo) -> str | None:
    try:
        return author_text(identities(repo)[0])
    except RegisterError:
        return None


def _remembered(repo: git.Repo) -> str | None:
    try:
        value = repo.git.config("--local", "--get", CONFIG_KEY)
    except git.GitCommandError:  # not set (exit 1), or no local config
        return None
    return str(value).strip() or None


def default_author(root: Path) -> AuthorDefault:
    """The remembered 届出者 of this register, else git's identity, else none."""
    try:
        repo = open_repo(root)
    except RegisterError:
        return AuthorDefault("", "none")
    with repo:
        remembered = _remembered(repo)
        if remembered is not None and author_refusal(remembered) is None:
            return AuthorDefault(remembered, "remembered")
        identity = _git_identity(repo)
    if identity is not None:
        return AuthorDefault(identity, "git")
    return AuthorDefault("", "none")


def remember_author(root: Path, author: str) -> None:
    """Remember ``author`` for this register on this machine (after a filing made
    as them); git's own identity is not stored, and forgets one stored before."""
    text = author_text(parse_author(author))
    with open_repo(root) as repo:
        if text == _git_identity(repo):
            if _remembered(repo) is not None:
                repo.git.config("--local", "--unset-all", CONFIG_KEY)
            return
        repo.git.config("--local", CONFIG_KEY, text)
