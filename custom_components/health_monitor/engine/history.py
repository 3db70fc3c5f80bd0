"""Bounded per-component history with time-window queries.

A history is a ring of parallel columns (check time in epoch microseconds,
status, response time, message), about 25 bytes an entry plus its message;
a message equal to one already kept is kept once. A check made while the
component was in maintenance is marked; the uptime is the share of up checks
among the others, counted as entries come and go, so it costs nothing to read.
:class:`HistoryEntry` is the view callers get; it is built only when asked.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
from typing import Any

from .models import UP_STATUSES, CheckResult, HealthStatus

DEFAULT_HISTORY_SIZE = 1000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_STATUSES: tuple[HealthStatus, ...] = tuple(HealthStatus)
_INDEX = {status: index for index, status in enumerate(_STATUSES)}
_UP = tuple(status in UP_STATUSES for status in _STATUSES)
# The stored status column is one letter per check.
_CODES = {
    HealthStatus.HEALTHY: "h",
    HealthStatus.WARNING: "w",
    HealthStatus.DEGRADED: "d",
    HealthStatus.CRITICAL: "c",
    HealthStatus.UNKNOWN: "u",
}
_BY_CODE = {code: _INDEX[status] for status, code in _CODES.items()}
# Turns the status column's bytes into its stored letters at once.
_CODE_TABLE = bytes.maketrans(
    bytes(range(len(_STATUSES))), "".join(_CODES[s] for s in _STATUSES).encode()
)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One check outcome as kept in the history."""

    timestamp: datetime
    status: HealthStatus
    response_time_ms: float | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        """Serialize for service responses (and the first storage format)."""
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


def _microseconds(moment: datetime) -> int:
    """Return ``moment`` as exact microseconds since the epoch."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def _moment(microseconds: int) -> datetime:
    return _EPOCH + timedelta(microseconds=microseconds)


class HistorySnapshot:
    """The columns of a history at one moment, oldest first, for storing.

    Taking one copies the columns (no per-entry work), so it is cheap in the
    event loop; :meth:`as_dict` builds the stored form and may run in any
    thread, since the copy is never changed.
    """

    __slots__ = ("_maintenance", "_messages", "_response_times", "_statuses", "_times")

    def __init__(
        self,
        times: array[int],
        statuses: array[int],
        response_times: array[float],
        messages: list[str],
        maintenance: array[int] | None = None,
    ) -> None:
        """Keep copies the history no longer changes."""
        self._times = times
        self._statuses = statuses
        self._response_times = response_times
        self._messages = messages
        self._maintenance = maintenance or array("b")

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form.

        ``first_checked_us`` is the first check in epoch microseconds and
        ``checked_after_us`` each check's offset from it; ``status`` has one
        letter per check (h, w, d, c, u); a missing response time is null;
        ``messages`` holds each distinct text once and ``message`` the index
        of each check's text in it; ``maintenance`` (only when there are
        any) lists the positions of the checks made in maintenance.
        """
        first = self._times[0] if self._times else 0
        texts: dict[str, int] = {}
        maintenance = [index for index, flag in enumerate(self._maintenance) if flag]
        stored: dict[str, Any] = {
            "first_checked_us": first,
            "checked_after_us": [moment - first for moment in self._times],
            "status": self._statuses.tobytes().translate(_CODE_TABLE).decode(),
            "response_time_ms": [
                None if math.isnan(value) else value for value in self._response_times
            ],
            "message": [texts.setdefault(text, len(texts)) for text in self._messages],
            "messages": list(texts),
        }
        if maintenance:
            stored["maintenance"] = maintenance
        return stored


class ComponentHistory:
    """The most recent check outcomes of one component, oldest first."""

    def __init__(self, max_entries: int = DEFAULT_HISTORY_SIZE) -> None:
        """Keep at most ``max_entries`` entries; older ones fall off."""
        if max_entries < 1:
            raise ValueError("a history keeps at least one entry")
        self._max = max_entries
        # Columns grow to the bound, then the slot at ``_oldest`` is reused.
        self._times: array[int] = array("q")
        self._statuses: array[int] = array("b")
        self._response_times: array[float] = array("d")
        self._messages: list[str] = []
        # 1 for a check made in maintenance (not counted in the uptime).
        self._maintenance: array[int] = array("b")
        self._oldest = 0
        self._up = 0
        self._counted = 0
        # Each distinct message kept once: text -> [the kept text, entries using it].
        self._texts: dict[str, list[Any]] = {}

    def __len__(self) -> int:
        """Return how many entries are kept."""
        return len(self._times)

    def __iter__(self) -> Iterator[HistoryEntry]:
        """Iterate oldest first."""
        return (self._entry(slot) for slot in self._slots())

    @property
    def max_entries(self) -> int:
        """Return the bound."""
        return self._max

    def record(self, result: CheckResult, *, maintenance: bool = False) -> None:
        """Append the outcome of a check (made in maintenance if ``maintenance``)."""
        self._append(
            _microseconds(result.checked_at),
            _INDEX[result.status],
            result.response_time_ms,
            result.message,
            maintenance,
        )

    def add(self, entry: HistoryEntry) -> None:
        """Append an entry as it is (used when restoring)."""
        self._append(
            _microseconds(entry.timestamp),
            _INDEX[entry.status],
            entry.response_time_ms,
            entry.message,
        )

    def since(self, start: datetime, end: datetime | None = None) -> list[HistoryEntry]:
        """Return entries with ``start <= timestamp`` (and ``<= end``), oldest first."""
        low = _microseconds(start)
        high = _microseconds(end) if end is not None else None
        times = self._times
        return [
            self._entry(slot)
            for slot in self._slots()
            if times[slot] >= low and (high is None or times[slot] <= high)
        ]

    def uptime_percent(self) -> float | None:
        """Share of kept checks outside maintenance that found it up, in percent."""
        if not self._counted:
            return None
        return round(100.0 * self._up / self._counted, 2)

    def snapshot(self) -> HistorySnapshot:
        """Copy the columns, oldest first, for storing."""
        cut = self._oldest
        return HistorySnapshot(
            self._times[cut:] + self._times[:cut],
            self._statuses[cut:] + self._statuses[:cut],
            self._response_times[cut:] + self._response_times[:cut],
            self._messages[cut:] + self._messages[:cut],
            self._maintenance[cut:] + self._maintenance[:cut],
        )

    @classmethod
    def from_list(
        cls,
        data: list[Any],
        max_entries: int = DEFAULT_HISTORY_SIZE,
        skipped: list[str] | None = None,
    ) -> ComponentHistory:
        """Rebuild a history from entries as the first storage format kept them.

        An entry that cannot be read is skipped and named in ``skipped``
        when it is given.
        """
        history = cls(max_entries)
        for index, raw in enumerate(data):
            try:
                history.add(HistoryEntry.from_dict(raw))
            except (AttributeError, KeyError, TypeError, ValueError):
                if skipped is not None:
                    skipped.append(f"history entry {index}")
        return history

    @classmethod
    def from_stored(
        cls,
        data: Mapping[str, Any],
        max_entries: int = DEFAULT_HISTORY_SIZE,
        skipped: list[str] | None = None,
    ) -> ComponentHistory:
        """Rebuild a history from :meth:`HistorySnapshot.as_dict` output.

        Raises TypeError or ValueError when the columns are not laid out as
        written (then no entry can be trusted); an entry that cannot be read
        is skipped and named in ``skipped`` when it is given.
        """
        first = data["first_checked_us"]
        offsets, statuses = data["checked_after_us"], data["status"]
        response_times, indexes = data["response_time_ms"], data["message"]
        texts = data["messages"]
        if not (
            _is_int(first)
            and isinstance(statuses, str)
            and all(isinstance(column, list) for column in (offsets, response_times))
            and all(isinstance(column, list) for column in (indexes, texts))
        ):
            raise TypeError("history columns are a number, a text and lists")
        if not len(offsets) == len(statuses) == len(response_times) == len(indexes):
            raise ValueError("history columns have one value per check")
        maintenance = _stored_positions(data.get("maintenance", []), len(offsets))
        if maintenance is None:
            maintenance = set()
            if skipped is not None:
                skipped.append("history maintenance column")
        history = cls(max_entries)
        for index, raw in enumerate(
            zip(offsets, statuses, response_times, indexes, strict=True)
        ):
            try:
                entry = _stored_entry(first, texts, *raw)
                history._append(*entry, index in maintenance)
            except (IndexError, KeyError, OverflowError, TypeError, ValueError):
                if skipped is not None:
                    skipped.append(f"history entry {index}")
        return history

    def _append(
        self,
        microseconds: int,
        status: int,
        response_time_ms: float | None,
        message: str,
        maintenance: bool = False,
    ) -> None:
        kept = self._texts.get(message)
        if kept is None:
            kept = self._texts[message] = [message, 0]
        kept[1] += 1
        response_time = math.nan if response_time_ms is None else response_time_ms
        if len(self._times) < self._max:
            self._times.append(microseconds)
            self._statuses.append(status)
            self._response_times.append(response_time)
            self._messages.append(kept[0])
            self._maintenance.append(maintenance)
        else:
            slot = self._oldest
            if not self._maintenance[slot]:
                self._up -= _UP[self._statuses[slot]]
                self._counted -= 1
            self._release(self._messages[slot])
            self._times[slot] = microseconds
            self._statuses[slot] = status
            self._response_times[slot] = response_time
            self._messages[slot] = kept[0]
            self._maintenance[slot] = maintenance
            self._oldest = (slot + 1) % self._max
        if not maintenance:
            self._up += _UP[status]
            self._counted += 1

    def _release(self, message: str) -> None:
        kept = self._texts[message]
        kept[1] -= 1
        if not kept[1]:
            del self._texts[message]

    def _slots(self) -> Iterator[int]:
        size, cut = len(self._times), self._oldest
        yield from range(cut, size)
        yield from range(cut)

    def _entry(self, slot: int) -> HistoryEntry:
        response_time = self._response_times[slot]
        return HistoryEntry(
            timestamp=_moment(self._times[slot]),
            status=_STATUSES[self._statuses[slot]],
            response_time_ms=None if math.isnan(response_time) else response_time,
            message=self._messages[slot],
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _stored_positions(stored: Any, size: int) -> set[int] | None:
    """Return the stored positions of checks made in maintenance, None if unreadable."""
    if not isinstance(stored, list) or not all(
        _is_int(index) and 0 <= index < size for index in stored
    ):
        return None
    return set(stored)


def _stored_entry(
    first: int, texts: Sequence[Any], offset: Any, code: str, response: Any, index: Any
) -> tuple[int, int, float | None, str]:
    """Return one stored check as ``_append`` takes it; raise if unreadable."""
    if not _is_int(offset) or not _is_int(index) or index < 0:
        raise TypeError("offsets and message indexes are whole numbers")
    microseconds = first + offset
    _moment(microseconds)  # raises OverflowError outside the datetime range
    message = texts[index]
    if not isinstance(message, str):
        raise TypeError("a message is stored as a string")
    if isinstance(response, str):
        raise TypeError("a stored response time is a number")
    return microseconds, _BY_CODE[code], _response_time(response), message
