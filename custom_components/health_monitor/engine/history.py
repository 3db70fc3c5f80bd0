"""Bounded per-component history with time-window queries."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import math
from typing import Any

from .models import UP_STATUSES, CheckResult, HealthStatus

DEFAULT_HISTORY_SIZE = 1000


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One check outcome as kept in the history."""

    timestamp: datetime
    status: HealthStatus
    response_time_ms: float | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        """Serialize for storage and service responses."""
        return {
            "timestamp": self.timestamp.isoformat(),
            "status": self.status.value,
            "response_time_ms": self.response_time_ms,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        """Rebuild an entry from :meth:`as_dict` output.

        Raises KeyError, TypeError or ValueError for an entry the monitor
        could not have written (e.g. a negative or non-finite response time).
        """
        raw_timestamp = data["timestamp"]
        if not isinstance(raw_timestamp, str):
            raise TypeError("a timestamp is stored as an ISO string")
        timestamp = datetime.fromisoformat(raw_timestamp)
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=UTC)
        message = data.get("message", "")
        if not isinstance(message, str):
            raise TypeError("a message is stored as a string")
        return cls(
            timestamp=timestamp,
            status=HealthStatus(data["status"]),
            response_time_ms=_response_time(data.get("response_time_ms")),
            message=message,
        )


def _response_time(raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise TypeError("a response time is a number")
    value = float(raw)
    if not math.isfinite(value) or value < 0:
        raise ValueError("a response time is finite and not negative")
    return value


class ComponentHistory:
    """The most recent check outcomes of one component, oldest first."""

    def __init__(self, max_entries: int = DEFAULT_HISTORY_SIZE) -> None:
        """Keep at most ``max_entries`` entries; older ones fall off."""
        if max_entries < 1:
            raise ValueError("a history keeps at least one entry")
        self._entries: deque[HistoryEntry] = deque(maxlen=max_entries)

    def __len__(self) -> int:
        """Return how many entries are kept."""
        return len(self._entries)

    def __iter__(self) -> Iterator[HistoryEntry]:
        """Iterate oldest first."""
        return iter(self._entries)

    @property
    def max_entries(self) -> int:
        """Return the bound."""
        return self._entries.maxlen or 0

    def record(self, result: CheckResult) -> HistoryEntry:
        """Append the outcome of a check."""
        entry = HistoryEntry(
            timestamp=result.checked_at,
            status=result.status,
            response_time_ms=result.response_time_ms,
            message=result.message,
        )
        self._entries.append(entry)
        return entry

    def add(self, entry: HistoryEntry) -> None:
        """Append an entry as it is (used when restoring)."""
        self._entries.append(entry)

    def since(self, start: datetime, end: datetime | None = None) -> list[HistoryEntry]:
        """Return entries with ``start <= timestamp`` (and ``<= end``), oldest first."""
        return [
            entry
            for entry in self._entries
            if entry.timestamp >= start and (end is None or entry.timestamp <= end)
        ]

    def uptime_percent(self) -> float | None:
        """Share of kept checks during which the component was up, in percent."""
        if not self._entries:
            return None
        up = sum(1 for entry in self._entries if entry.status in UP_STATUSES)
        return round(100.0 * up / len(self._entries), 2)

    def as_list(self) -> list[dict[str, Any]]:
        """Serialize every entry, oldest first."""
        return [entry.as_dict() for entry in self._entries]

    @classmethod
    def from_list(
        cls,
        data: list[Any],
        max_entries: int = DEFAULT_HISTORY_SIZE,
        skipped: list[str] | None = None,
    ) -> ComponentHistory:
        """Rebuild a history, skipping entries that cannot be read.

        Each skipped entry is named in ``skipped`` when it is given.
        """
        history = cls(max_entries)
        for index, raw in enumerate(data):
            try:
                history.add(HistoryEntry.from_dict(raw))
            except (AttributeError, KeyError, TypeError, ValueError):
                if skipped is not None:
                    skipped.append(f"history entry {index}")
        return history
