"""Random pushes against the hook, judged by an oracle written from the rule itself.

Each example builds one to three commits on the shared branch with git's
plumbing (any entry kept, taken from an existing commit, rewritten for any
department, or deleted; merges with an arbitrary existing commit as a second
parent), or points the branch at an existing commit, and pushes it as a random
user through a real ``git push``. The oracle says the push is accepted exactly
when the user is secretariat, or the branch only moves forward and the change
old tip → new tip, and every newly reachable commit's change against each of
its parents, touch only entries of the user's departments — a path a merge
leaves as the branch already held it, or where it holds another parent's
version that this parent's side never changed, being no change to the branch.
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support.gitrepos import git
from tests.support.hook import CONFIG_WITH_ACCESS, KAZEI, KENKO, KENKO_ENTRY, SECRETARIAT, push
from tests.support.samples import VALID_ENTRY
from todokede.registry.access.hook import install_hook

ENTRIES = ("kazei-a", "kenko-b", "soumu-c")
DEPARTMENTS = ("課税課", "健康増進課", "総務課")
RIGHTS = {KAZEI: {"課税課"}, KENKO: {"健康増進課"}}
USERS = (KAZEI, KENKO, KAZEI, KENKO, SECRETARIAT)


def run(root: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, text=True, check=True
    ).stdout.strip()


def entry_text(department: str, note: str) -> str:
    base = VALID_ENTRY.replace("課税課", department)
    return base + f"# {note}\n"


@dataclass
class World:
    """The bare repository, a client clone, and the commits that already exist."""

    bare: Path
    clone: Path
    config_blob: str
    tip: str
    pool: list[str]

    def blob(self, text: str) -> str:
        return run(self.clone, "hash-object", "-w", "--stdin", stdin=text)

    def entries_of(self, commit: str) -> dict[str, str]:
        out = run(self.clone, "ls-tree", f"{commit}:entries")
        found = {}
        for line in out.splitlines():
            meta, name = line.split("\t")
            found[name.removesuffix(".toml")] = meta.split()[2]
        return found

    def commit(self, entries: dict[str, str], parents: list[str]) -> str:
        listing = "".join(
            f"100644 blob {sha}\t{name}.toml\n" for name, sha in sorted(entries.items())
        )
        sub = run(self.clone, "mktree", stdin=listing)
        top = f"100644 blob {self.config_blob}\tregistry.toml\n040000 tree {sub}\tentries\n"
        tree = run(self.clone, "mktree", stdin=top)
        args = [a for p in parents for a in ("-p", p)]
        return run(self.clone, "commit-tree", tree, *args, "-m", "変更")


def make_world(base: Path) -> World:
    bare = base / "shared.git"
    git(base, "init", "-q", "--bare", "-b", "main", str(bare))
    install_hook(bare)
    clone = base / "pc"
    git(base, "init", "-q", "-b", "main", str(clone))
    git(clone, "remote", "add", "origin", str(bare))
    config_blob = run(clone, "hash-object", "-w", "--stdin", stdin=CONFIG_WITH_ACCESS)
    world = World(bare, clone, config_blob, "", [])
    first = {
        e: world.blob(entry_text(d, "初版")) for e, d in zip(ENTRIES, DEPARTMENTS, strict=True)
    }
    m0 = world.commit(first, [])
    m1 = world.commit({**first, "kenko-b": world.blob(KENKO_ENTRY)}, [m0])
    m2 = world.commit(
        {**world.entries_of(m1), "kazei-a": world.blob(entry_text("課税課", "二版"))}, [m1]
    )
    side = world.commit({**first, "kenko-b": world.blob(entry_text("健康増進課", "別案"))}, [m0])
    for sha, ref in ((m2, "refs/heads/main"), (side, "refs/heads/side")):
        assert push(clone, SECRETARIAT, "origin", f"{sha}:{ref}").returncode == 0
    world.tip, world.pool = m2, [m0, m1, m2, side]
    return world


# -- what a push does, drawn at random ---------------------------------------------------

Action = tuple[str, int]  # ("keep"|"take"|"write"|"delete", argument)
action = st.one_of(
    st.just(("keep", 0)),  # most of a push leaves most entries alone
    st.just(("keep", 0)),
    st.just(("keep", 0)),
    st.tuples(st.just("take"), st.integers(0, 3)),
    st.tuples(st.just("write"), st.integers(0, 2)),
    st.just(("delete", 0)),
)
commit_plan = st.tuples(
    st.fixed_dictionaries({e: action for e in ENTRIES}), st.none() | st.integers(0, 6)
)
Plan = tuple[str, list[tuple[dict[str, Action], int | None]], int | None]
push_plan = st.tuples(
    st.sampled_from(USERS),
    st.lists(commit_plan, min_size=1, max_size=3),
    st.none() | st.integers(0, 3),
)


def build(world: World, plan: list[tuple[dict[str, Action], int | None]]) -> str:
    """The commits of a plan on top of the branch's tip; the new tip."""
    made: list[str] = []
    parent = world.tip
    for number, (actions, extra) in enumerate(plan):
        entries = world.entries_of(parent)
        for entry, (kind, arg) in actions.items():
            if kind == "take":
                taken = world.entries_of(world.pool[arg]).get(entry)
                if taken:
                    entries[entry] = taken
            elif kind == "write":
                entries[entry] = world.blob(entry_text(DEPARTMENTS[arg], f"案{number}"))
            elif kind == "delete":
                entries.pop(entry, None)
        parents = [parent]
        others = [*world.pool, *made]
        if extra is not None and others[extra % len(others)] != parent:
            parents.append(others[extra % len(others)])
        parent = world.commit(entries, parents)
        made.append(parent)
    return parent


# -- the oracle --------------------------------------------------------------------------


def department(world: World, blob: str) -> str:
    text = run(world.clone, "cat-file", "blob", blob)
    value = tomllib.loads(text)["department"]
    assert isinstance(value, str)
    return value


def allowed(world: World, user: str, old: dict[str, str], new: dict[str, str]) -> set[str]:
    """The entries that differ between two versions and that the user may not change."""
    denied = set()
    for entry in set(old) | set(new):
        if old.get(entry) == new.get(entry):
            continue
        departments = {department(world, b) for b in (old.get(entry), new.get(entry)) if b}
        if not departments <= RIGHTS[user]:
            denied.add(entry)
    return denied


def expected(world: World, user: str, new_tip: str) -> bool:
    if user == SECRETARIAT:
        return True
    old_tip = world.tip
    ancestor = subprocess.run(
        ["git", "-C", str(world.clone), "merge-base", "--is-ancestor", old_tip, new_tip],
        check=False,
    )
    if ancestor.returncode != 0:
        return False
    held = world.entries_of(old_tip)
    if allowed(world, user, held, world.entries_of(new_tip)):
        return False
    for line in run(world.clone, "rev-list", "--parents", new_tip, "--not", old_tip).splitlines():
        commit, *parents = line.split()
        after = world.entries_of(commit)
        for parent in parents:
            denied = allowed(world, user, world.entries_of(parent), after)
            denied = {e for e in denied if after.get(e) != held.get(e)}
            if {e for e in denied if not other_side(world, commit, parent, parents, e)}:
                return False
    return True


def other_side(world: World, commit: str, parent: str, parents: list[str], entry: str) -> bool:
    """The merge holds another parent's version, and ``parent``'s side never changed it."""
    after = world.entries_of(commit).get(entry)
    for other in parents:
        if other == parent or world.entries_of(other).get(entry) != after:
            continue
        base = run(world.clone, "merge-base", parent, other)
        if base and world.entries_of(base).get(entry) == world.entries_of(parent).get(entry):
            return True
    return False


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=push_plan)
def test_random_pushes_are_accepted_exactly_when_the_rule_says(
    tmp_path_factory: pytest.TempPathFactory, git_identity: None, plan: Plan
) -> None:
    world = _world(tmp_path_factory)
    user, commits, direct = plan
    new_tip = world.pool[direct] if direct is not None else build(world, commits)
    want = expected(world, user, new_tip)
    event(
        f"{'secretariat' if user == SECRETARIAT else 'department'}: {'accepted' if want else 'refused'}"
    )
    result = push(world.clone, user, "origin", f"+{new_tip}:refs/heads/main")
    assert (result.returncode == 0) == want, result.stderr
    assert "Traceback" not in result.stderr
    if not want:
        assert "todokede: 登録簿の権限により送信を受け付けませんでした" in result.stderr
        assert git(world.bare, "rev-parse", "main").strip() == world.tip
    git(world.bare, "update-ref", "refs/heads/main", world.tip)  # the server as it was


_worlds: dict[int, World] = {}


def _world(factory: pytest.TempPathFactory) -> World:
    """One world per test session: each example leaves the server as it found it."""
    if id(factory) not in _worlds:
        _worlds[id(factory)] = make_world(factory.mktemp("property"))
    return _worlds[id(factory)]
