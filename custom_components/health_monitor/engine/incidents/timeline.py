"""An incident's timeline: its audit trail of entries, bounded by its own limit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, overload

from .lifecycle import TimelineEvent

type DetailValue = str | int | float | bool | None

DEFAULT_TIMELINE_LIMIT: Final = 200


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of an incident's audit trail."""

    time: datetime
    event: TimelineEvent
    actor: str
    details: Mapping[str, DetailValue] = field(default_factory=dict)


class Timeline(Sequence[TimelineEntry]):
    """An incident's audit trail, bounded by its own limit.

    Past ``limit`` entries the oldest after the first (the opening) are
    dropped. Entries read back from storage are kept as they were.
    """

    __slots__ = ("_entries", "limit")

    def __init__(
        self,
        entries: Iterable[TimelineEntry] = (),
        *,
        limit: int = DEFAULT_TIMELINE_LIMIT,
    ) -> None:
        """Hold ``entries``; :meth:`add` keeps at most ``limit``."""
        self._entries = list(entries)
        self.limit = limit

    def add(self, entry: TimelineEntry) -> None:
        """Append ``entry``, dropping the oldest entries after the opening if full."""
        self._entries.append(entry)
        if len(self._entries) > self.limit:
            del self._entries[1 : len(self._entries) - self.limit + 1]

    @overload
    def __getitem__(self, index: int) -> TimelineEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[TimelineEntry]: ...
    def __getitem__(self, index: int | slice) -> TimelineEntry | list[TimelineEntry]:
        """Return an entry, or a list of entries for a slice."""
        return self._entries[index]

    def __len__(self) -> int:
        """Return how many entries are kept."""
        return len(self._entries)

    def __iter__(self) -> Iterator[TimelineEntry]:
        """Iterate from the oldest entry."""
        return iter(self._entries)

    def __eq__(self, other: object) -> bool:
        """Equal to another timeline or sequence with the same entries."""
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._entries == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """Show the entries and the limit."""
        return f"Timeline({self._entries!r}, limit={self.limit})"
