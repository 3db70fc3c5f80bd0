"""Which components depend on which: the graph that lets the monitor page once, for the cause.

A component's *parents* are the components it cannot work without (a
database on a host depends on the network target of that host). While a
parent has an open incident, a failing child's incident is suppressed (see
:mod:`.incidents.tracker`); the graph only answers questions about the
edges:

- :meth:`DependencyGraph.ancestors`: every component above one, nearest
  first, each once (a cycle in stored data never loops forever);
- :meth:`DependencyGraph.order`: components with their parents before them,
  so that within one cycle a parent's incident opens before its children's;
- :func:`find_cycle`: a cycle the edges would make, which forms refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType


class DependencyGraph:
    """Parents of each component, as given (edges to unknown components are kept)."""

    __slots__ = ("_ancestors", "_order", "_parents")

    def __init__(self, parents: Mapping[str, Iterable[str]] | None = None) -> None:
        """Hold ``parents``: component id -> the ids it depends on (itself excluded)."""
        self._parents: Mapping[str, frozenset[str]] = MappingProxyType(
            {
                child: frozenset(p for p in direct if p != child)
                for child, direct in (parents or {}).items()
            }
        )
        # The graph never changes: what is asked every cycle is kept.
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._order: tuple[tuple[str, ...], list[str]] | None = None

    @property
    def parents(self) -> Mapping[str, frozenset[str]]:
        """Direct parents of every component that has any."""
        return self._parents

    def parents_of(self, component_id: str) -> frozenset[str]:
        """Return the direct parents of ``component_id``."""
        return self._parents.get(component_id, frozenset())

    def ancestors(self, component_id: str) -> tuple[str, ...]:
        """Return every component above ``component_id``, nearest first, each once."""
        if not self._parents:
            return ()
        known = self._ancestors.get(component_id)
        if known is None:
            known = self._ancestors[component_id] = tuple(
                self._find_ancestors(component_id)
            )
        return known

    def _find_ancestors(self, component_id: str) -> list[str]:
        found: list[str] = []
        seen = {component_id}
        level = sorted(self.parents_of(component_id))
        while level:
            following: list[str] = []
            for parent in level:
                if parent in seen:
                    continue
                seen.add(parent)
                found.append(parent)
                following.extend(sorted(self.parents_of(parent)))
            level = following
        return found

    def order(self, component_ids: Iterable[str]) -> list[str]:
        """Return ``component_ids`` with parents before their children.

        Otherwise the given order is kept; components on a cycle (which forms
        refuse, but stored data may hold) keep their given order.
        """
        given = list(component_ids)
        if not self._parents:
            return given
        key = tuple(given)
        if self._order is not None and self._order[0] == key:
            return list(self._order[1])
        wanted = set(given)
        placed: set[str] = set()
        ordered: list[str] = []

        def place(component_id: str, path: set[str]) -> None:
            if component_id in placed or component_id in path:
                return
            path.add(component_id)
            for parent in sorted(self.parents_of(component_id)):
                if parent in wanted:
                    place(parent, path)
            path.discard(component_id)
            placed.add(component_id)
            ordered.append(component_id)

        for component_id in given:
            place(component_id, set())
        self._order = (key, ordered)
        return list(ordered)


def find_cycle(parents: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Return one cycle of the edges (``[a, b, ..., a]``), or None if there is none."""
    edges = {child: sorted(set(direct)) for child, direct in parents.items()}
    done: set[str] = set()

    def visit(component_id: str, path: list[str]) -> list[str] | None:
        if component_id in path:
            return [*path[path.index(component_id) :], component_id]
        if component_id in done:
            return None
        path.append(component_id)
        for parent in edges.get(component_id, ()):
            if (cycle := visit(parent, path)) is not None:
                return cycle
        path.pop()
        done.add(component_id)
        return None

    for component_id in sorted(edges):
        if (cycle := visit(component_id, [])) is not None:
            return cycle
    return None
