"""Departments → processes, in the order of ``registry.toml``, with their marks.

A register may hold thousands of processes, so a department's leaves are
built only when it is expanded: when the list to show is short (a narrow
filter, a small register) every department opens at once, otherwise only the
ones the user opened. A keystroke in the filter therefore rebuilds at most
the departments (40 or so) and the leaves on screen, never 5,000 nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from rich.text import Text
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from todokede.registry.files.store import EntryFile
from todokede.registry.views.overview import RegisterOverview
from todokede.registry.views.search import SearchResult
from todokede.tui.plain import literal, outside
from todokede.tui.widgets.entry_detail import TAB_KEYS
from todokede.tui.widgets.marks import FILE_BOOK, entry_label

#: Show every department open when no more processes than this are listed.
AUTO_EXPAND_LIMIT: Final = 300


@dataclass(frozen=True)
class DepartmentData:
    """A department node: its listed processes (after the filter) and its total."""

    department: str
    entries: tuple[EntryFile, ...]
    total: int
    generation: int


@dataclass(frozen=True)
class EntryData:
    """A process leaf."""

    entry_id: str


@dataclass(frozen=True)
class ProblemGroupData:
    """The node holding files that could not be loaded."""

    stems: tuple[str, ...]
    generation: int


@dataclass(frozen=True)
class ProblemFileData:
    """A file with errors, named by its stem."""

    stem: str


NodeData = DepartmentData | EntryData | ProblemGroupData | ProblemFileData


class RegisterTree(Tree[NodeData]):
    """The register's departments and processes; leaves built on demand."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_cursor", "開く", show=False, id="tree-open"),
        Binding("space", "toggle_node", "開閉", show=False, id="tree-toggle"),
        # The tree never scrolls sideways (names are cut, w widens it): ←/→ are the
        # screen's keys for the detail's tabs, shown in the footer from here.
        Binding(
            "left",
            "previous_tab",
            "前のタブ",
            key_display="←",
            group=TAB_KEYS,
            id="tree-previous-tab",
        ),
        Binding(
            "right", "next_tab", "次のタブ", key_display="→", group=TAB_KEYS, id="tree-next-tab"
        ),
    ]

    class EntryOpened(Message):
        """Enter on a process: the user wants to read it."""

        def __init__(self, entry_id: str) -> None:
            super().__init__()
            self.entry_id = entry_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("登録簿", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = True
        self._overview: RegisterOverview | None = None
        self._unfiled_slot = False
        """Whether the leaves have a slot for 未 (some process is saved but not filed)."""
        self._files_slot = False
        """Whether the leaves have a slot for 簿 (some process's files need a look)."""
        self._generation = 0
        self._user_open: set[str] = set()
        """Departments the user opened (kept open across filter changes)."""
        self._user_closed: set[str] = set()
        """Departments the user closed while everything was shown open."""
        self._auto_open: set[int] = set()
        """Ids of nodes opened by a rebuild rather than by the user."""
        self._leaves: dict[str, TreeNode[NodeData]] = {}
        self._departments: dict[str, TreeNode[NodeData]] = {}
        self._problem_group: TreeNode[NodeData] | None = None
        self.listed = 0
        """How many processes the current filter lists."""

    # -- building -------------------------------------------------------------

    def show(
        self,
        overview: RegisterOverview,
        result: SearchResult,
        keep: str | None = None,
    ) -> None:
        """Show the departments and the processes of ``result``.

        ``keep`` is the process to leave the cursor on if it is still listed.
        """
        self._overview = overview
        self._unfiled_slot = overview.any_unfiled
        self._files_slot = overview.any_files_wrong
        self._generation += 1
        generation = self._generation
        groups = overview.grouped(result)
        totals = overview.department_totals()
        self.listed = sum(len(items) for items in groups.values())
        open_all = self.listed <= AUTO_EXPAND_LIMIT
        self.clear()
        # The old nodes are gone: no cursor until one is chosen below, so that
        # ``cursor_node`` never names a node of the previous build and moving to
        # line 1 again (a new node there) still posts a highlight.
        self.cursor_line = -1
        self._leaves.clear()
        self._departments.clear()
        self._auto_open.clear()
        self._problem_group = None
        for department, items in groups.items():
            if result.is_filtered and not items:
                continue
            data = DepartmentData(department, tuple(items), totals.get(department, 0), generation)
            node = self.root.add(
                self._department_label(data, result.is_filtered),
                data=data,
                allow_expand=bool(items),
            )
            self._departments[department] = node
            wanted = (
                department not in self._user_closed if open_all else department in self._user_open
            )
            if items and wanted:
                self._populate(node, data)
                self._auto_open.add(node.id)
                node.expand()
        self._add_problem_files(overview, result, generation)
        if keep is not None and self.move_to_entry(keep, expand=False):
            return
        first = self._first_leaf()
        if first is not None:
            self._move_to(first)
        elif self.root.children:
            self._move_to(self.root.children[0])

    def _first_leaf(self) -> TreeNode[NodeData] | None:
        for node in self.root.children:
            if node.is_expanded and node.children:
                return node.children[0]
        return None

    def _department_label(self, data: DepartmentData, filtered: bool) -> Text:
        label = literal(data.department, "bold")
        count = f"{len(data.entries)}/{data.total}" if filtered else f"{data.total}"
        label.append(f"  {count}件", "dim")
        return label

    def _populate(self, node: TreeNode[NodeData], data: DepartmentData) -> None:
        if node.children:
            return
        overview = self._overview
        assert overview is not None
        for item in data.entries:
            marks = overview.marks[item.id]
            label = entry_label(item.summary.name, marks, self._unfiled_slot, self._files_slot)
            leaf = node.add_leaf(label, data=EntryData(item.id))
            self._leaves[item.id] = leaf

    def _add_problem_files(
        self, overview: RegisterOverview, result: SearchResult, generation: int
    ) -> None:
        stems = overview.invalid_files(result)
        if not stems:
            return
        data = ProblemGroupData(tuple(stems), generation)
        label = Text(f"エラーのあるファイル  {len(stems)}件", "bold red")
        group = self.root.add(label, data=data)
        self._problem_group = group
        # Like a department's, a long list of files is built when the group is opened.
        if len(stems) <= AUTO_EXPAND_LIMIT:
            self._populate_problems(group, data)
            group.expand()

    def _populate_problems(self, group: TreeNode[NodeData], data: ProblemGroupData) -> None:
        if group.children or self._overview is None:
            return
        flagged = self._overview.file_flags
        for stem in data.stems:
            # A file name is whatever the folder holds: hidden characters as marks.
            label = outside(f"{stem}.toml", "red")
            flags = flagged.get(stem)
            if flags is not None and flags.wrong:  # e.g. 74-2-9 with 5,000 本人: an error
                label = Text.assemble((FILE_BOOK[0], FILE_BOOK[1]), " ", label)
            group.add_leaf(label, data=ProblemFileData(stem))

    # -- expanding on demand --------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        data = event.node.data
        if isinstance(data, ProblemGroupData) and data.generation == self._generation:
            self._populate_problems(event.node, data)
            return
        if not isinstance(data, DepartmentData) or data.generation != self._generation:
            return
        self._populate(event.node, data)
        if event.node.id in self._auto_open:
            self._auto_open.discard(event.node.id)
            return
        self._user_open.add(data.department)
        self._user_closed.discard(data.department)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[NodeData]) -> None:
        data = event.node.data
        if not isinstance(data, DepartmentData) or data.generation != self._generation:
            return
        self._user_open.discard(data.department)
        self._user_closed.add(data.department)

    def action_previous_tab(self) -> None:
        raise SkipAction  # the screen's binding of the same key moves the tab

    def action_next_tab(self) -> None:
        raise SkipAction

    def action_open_cursor(self) -> None:
        """Enter: open a process for reading, or open/close a department."""
        node = self.cursor_node
        if node is not None and isinstance(node.data, EntryData):
            self.post_message(self.EntryOpened(node.data.entry_id))
        else:
            self.action_select_cursor()

    # -- finding --------------------------------------------------------------

    def leaf(self, entry_id: str) -> TreeNode[NodeData] | None:
        """The leaf of a process, if it is built."""
        return self._leaves.get(entry_id)

    def department_node(self, department: str) -> TreeNode[NodeData] | None:
        return self._departments.get(department)

    def move_to_entry(self, entry_id: str, expand: bool = True) -> bool:
        """Put the cursor on a listed process, opening its department if asked."""
        leaf = self._leaves.get(entry_id)
        if leaf is None and expand and self._overview is not None:
            item = self._overview.get(entry_id)
            node = self._departments.get(item.entry.department) if item else None
            if node is not None and isinstance(node.data, DepartmentData):
                self._populate(node, node.data)
                self._user_open.add(node.data.department)
                self._user_closed.discard(node.data.department)
                node.expand()
                leaf = self._leaves.get(entry_id)
        if leaf is None:
            return False
        if leaf.parent is not None and not leaf.parent.is_expanded:
            if not expand:
                return False
            leaf.parent.expand()
        self._move_to(leaf)
        return True

    def _move_to(self, node: TreeNode[NodeData]) -> None:
        # A node knows its line only once the tree has laid out its lines;
        # ``last_line`` lays them out when nodes were just added. Scrolling
        # waits for the next refresh, when the tree knows its own height.
        if self.last_line >= 0:
            self.cursor_line = node.line
            self.call_after_refresh(self.scroll_to_cursor)

    def scroll_to_cursor(self) -> None:
        node = self.cursor_node
        if node is not None:
            self.scroll_to_node(node, animate=False)

    def highlighted_entry(self) -> str | None:
        """The process under the cursor, if the cursor is on one."""
        node = self.cursor_node
        data = node.data if node is not None else None
        return data.entry_id if isinstance(data, EntryData) else None

    def current_department(self) -> str | None:
        """The department under the cursor (of a process or a department node)."""
        node = self.cursor_node
        if node is None:
            return None
        data = node.data
        if isinstance(data, DepartmentData):
            return data.department
        if isinstance(data, EntryData) and self._overview is not None:
            item = self._overview.get(data.entry_id)
            return item.entry.department if item else None
        return None
