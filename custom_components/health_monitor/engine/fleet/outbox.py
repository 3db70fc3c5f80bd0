"""Rows waiting for the fleet database: bounded, in order, the oldest dropped first.

Rows are kept in the order they were made. A flush takes a batch from the
head and removes it only once the database committed it, so a failed flush
loses nothing and the next one starts with the same rows. Past the bound the
oldest rows are dropped and counted: the newest history matters most.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_LIMIT = 10_000
MIN_LIMIT = 100
MAX_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class Row:
    """One row for one table of the fleet schema."""

    table: str
    values: tuple[object, ...]


class Outbox:
    """The rows not yet written, oldest first, at most ``limit``."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        """Hold at most ``limit`` rows."""
        if not MIN_LIMIT <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be within {MIN_LIMIT}..{MAX_LIMIT}")
        self.limit = limit
        self._rows: deque[Row] = deque()
        # Rows dropped because the outbox was full, since the start.
        self.dropped = 0
        # Rows written to the database, since the start.
        self.written = 0

    def __len__(self) -> int:
        """Return the rows waiting."""
        return len(self._rows)

    def add(self, rows: Iterable[Row]) -> int:
        """Queue ``rows`` after the others; return how many old rows were dropped."""
        self._rows.extend(rows)
        excess = len(self._rows) - self.limit
        for _ in range(max(excess, 0)):
            self._rows.popleft()
        dropped = max(excess, 0)
        self.dropped += dropped
        return dropped

    def head(self, count: int) -> list[Row]:
        """Return (without removing) the oldest ``count`` rows."""
        return [self._rows[index] for index in range(min(count, len(self._rows)))]

    def remove_head(self, rows: list[Row]) -> None:
        """Remove ``rows``, the head a flush just committed.

        Rows dropped meanwhile (the outbox overflowed during the flush) were
        the head too, so only the part still there is removed.
        """
        for row in rows:
            if self._rows and self._rows[0] is row:
                self._rows.popleft()
                self.written += 1

    def by_table(self, rows: list[Row]) -> dict[str, list[tuple[object, ...]]]:
        """Group ``rows`` by table, keeping their order within each table."""
        tables: dict[str, list[tuple[object, ...]]] = {}
        for row in rows:
            tables.setdefault(row.table, []).append(row.values)
        return tables
