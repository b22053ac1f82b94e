"""The register's order of departments (``registry.toml``'s ``departments``).

Every list and report orders by it: :meth:`todokede.registry.schema.model.RegistryConfig.department_index`
for a checked register, :func:`department_index` itself for a version read from
history (the diff), which is never validated. No imports: the light readers
(history, diffs) use it without loading pydantic.
"""

from __future__ import annotations

from collections.abc import Sequence


def department_index(departments: Sequence[str], department: str) -> int:
    """Position of a department in the register's order (unknown ones last)."""
    try:
        return departments.index(department)
    except ValueError:
        return len(departments)
