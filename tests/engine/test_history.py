"""Bounded component history, time windows, uptime and serialization."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.health_monitor.engine.history import (
    DEFAULT_HISTORY_SIZE,
    ComponentHistory,
    HistoryEntry,
)
from custom_components.health_monitor.engine.models import CheckResult, HealthStatus

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def result_at(
    minutes: int,
    status: HealthStatus = HealthStatus.HEALTHY,
    response_time_ms: float | None = 12.5,
) -> CheckResult:
    """Return a check result taken ``minutes`` after T0."""
    return CheckResult(
        status=status,
        message=f"at {minutes}",
        response_time_ms=response_time_ms,
        checked_at=T0 + timedelta(minutes=minutes),
    )


def history_of(*statuses: HealthStatus, max_entries: int = 100) -> ComponentHistory:
    """Return a history with one entry per status, a minute apart."""
    history = ComponentHistory(max_entries)
    for minute, status in enumerate(statuses):
        history.record(result_at(minute, status))
    return history


def test_default_history_keeps_a_thousand_entries() -> None:
    """The default bound comes from the specification."""
    assert DEFAULT_HISTORY_SIZE == 1000
    assert ComponentHistory().max_entries == 1000


def test_history_must_keep_at_least_one_entry() -> None:
    """A bound below one is a configuration error."""
    with pytest.raises(ValueError, match="at least one entry"):
        ComponentHistory(0)


def test_record_copies_the_result_into_an_entry() -> None:
    """An entry keeps the time, status, response time and message of a check."""
    history = ComponentHistory(10)
    entry = history.record(result_at(5, HealthStatus.DEGRADED, 42.0))
    assert entry == HistoryEntry(
        timestamp=T0 + timedelta(minutes=5),
        status=HealthStatus.DEGRADED,
        response_time_ms=42.0,
        message="at 5",
    )
    assert list(history) == [entry]
    assert len(history) == 1


def test_history_drops_the_oldest_entry_when_full() -> None:
    """Past the bound the oldest entries fall off, the newest stay, in order."""
    history = ComponentHistory(3)
    for minute in range(5):
        history.record(result_at(minute))
    assert len(history) == 3
    assert [entry.message for entry in history] == ["at 2", "at 3", "at 4"]


def test_since_returns_entries_from_start_inclusive() -> None:
    """An entry exactly at the start of the window is inside it."""
    history = ComponentHistory(10)
    for minute in range(5):
        history.record(result_at(minute))
    entries = history.since(T0 + timedelta(minutes=2))
    assert [entry.message for entry in entries] == ["at 2", "at 3", "at 4"]


def test_since_with_end_returns_entries_up_to_end_inclusive() -> None:
    """An entry exactly at the end of the window is inside it; later ones are not."""
    history = ComponentHistory(10)
    for minute in range(5):
        history.record(result_at(minute))
    entries = history.since(T0 + timedelta(minutes=1), T0 + timedelta(minutes=3))
    assert [entry.message for entry in entries] == ["at 1", "at 2", "at 3"]


def test_since_after_the_last_entry_is_empty() -> None:
    """A window after every entry contains nothing."""
    history = history_of(HealthStatus.HEALTHY, HealthStatus.HEALTHY)
    assert history.since(T0 + timedelta(hours=1)) == []


def test_uptime_of_an_empty_history_is_unknown() -> None:
    """Without checks there is no uptime to report."""
    assert ComponentHistory(10).uptime_percent() is None


def test_uptime_counts_healthy_warning_and_degraded_as_up() -> None:
    """Only critical and unknown checks count as down."""
    history = history_of(
        HealthStatus.HEALTHY,
        HealthStatus.WARNING,
        HealthStatus.DEGRADED,
        HealthStatus.CRITICAL,
        HealthStatus.UNKNOWN,
    )
    assert history.uptime_percent() == 60.0


def test_uptime_is_rounded_to_two_decimals() -> None:
    """Two up checks out of three is 66.67 %."""
    history = history_of(
        HealthStatus.HEALTHY, HealthStatus.HEALTHY, HealthStatus.CRITICAL
    )
    assert history.uptime_percent() == 66.67


def test_uptime_covers_only_kept_entries() -> None:
    """Failures that fell off the bounded history no longer count."""
    history = history_of(
        HealthStatus.CRITICAL,
        HealthStatus.CRITICAL,
        HealthStatus.HEALTHY,
        HealthStatus.HEALTHY,
        max_entries=2,
    )
    assert history.uptime_percent() == 100.0


def test_entry_serialization_round_trip() -> None:
    """An entry survives as_dict and from_dict unchanged."""
    entry = HistoryEntry(
        timestamp=T0, status=HealthStatus.WARNING, response_time_ms=3.5, message="hi"
    )
    assert entry.as_dict() == {
        "timestamp": "2025-01-01T12:00:00+00:00",
        "status": "warning",
        "response_time_ms": 3.5,
        "message": "hi",
    }
    assert HistoryEntry.from_dict(entry.as_dict()) == entry


def test_entry_without_response_time_round_trips() -> None:
    """A missing response time stays missing."""
    entry = HistoryEntry(
        timestamp=T0, status=HealthStatus.CRITICAL, response_time_ms=None, message=""
    )
    assert HistoryEntry.from_dict(entry.as_dict()) == entry


def test_naive_timestamp_is_read_as_utc() -> None:
    """Stored timestamps without a zone are taken to be UTC."""
    entry = HistoryEntry.from_dict(
        {"timestamp": "2025-01-01T12:00:00", "status": "healthy"}
    )
    assert entry.timestamp == T0
    assert entry.timestamp.tzinfo is UTC


def test_entry_defaults_missing_message_and_response_time() -> None:
    """Only timestamp and status are required."""
    entry = HistoryEntry.from_dict({"timestamp": T0.isoformat(), "status": "degraded"})
    assert entry.message == ""
    assert entry.response_time_ms is None


def test_entry_response_time_is_read_as_float() -> None:
    """A stored integer or numeric string becomes a float."""
    entry = HistoryEntry.from_dict(
        {"timestamp": T0.isoformat(), "status": "healthy", "response_time_ms": "7"}
    )
    assert entry.response_time_ms == 7.0


def test_history_serialization_round_trip() -> None:
    """A history survives as_list and from_list entry for entry."""
    history = history_of(
        HealthStatus.HEALTHY, HealthStatus.CRITICAL, HealthStatus.UNKNOWN
    )
    restored = ComponentHistory.from_list(history.as_list(), max_entries=100)
    assert list(restored) == list(history)
    assert restored.max_entries == 100


@pytest.mark.parametrize(
    "garbage",
    [
        {"status": "healthy"},
        {"timestamp": T0.isoformat()},
        {"timestamp": "not a time", "status": "healthy"},
        {"timestamp": T0.isoformat(), "status": "on fire"},
        {"timestamp": 12345, "status": "healthy"},
        {"timestamp": T0.isoformat(), "status": "healthy", "response_time_ms": "x"},
        {"timestamp": T0.isoformat(), "status": "healthy", "response_time_ms": []},
        "not a dict",
        None,
    ],
)
def test_from_list_skips_unreadable_entries(garbage: Any) -> None:
    """An unreadable entry is dropped; the readable ones around it are kept."""
    good = history_of(HealthStatus.HEALTHY, HealthStatus.CRITICAL).as_list()
    restored = ComponentHistory.from_list([good[0], garbage, good[1]])
    assert [entry.as_dict() for entry in restored] == good


def test_from_list_keeps_only_the_newest_entries_within_the_bound() -> None:
    """Restoring more entries than the bound keeps the newest."""
    stored = history_of(*[HealthStatus.HEALTHY] * 5).as_list()
    restored = ComponentHistory.from_list(stored, max_entries=2)
    assert [entry.message for entry in restored] == ["at 3", "at 4"]


def test_add_appends_an_entry_as_it_is() -> None:
    """Restored entries are appended without change."""
    history = ComponentHistory(2)
    entry = HistoryEntry(
        timestamp=T0, status=HealthStatus.HEALTHY, response_time_ms=None, message="x"
    )
    history.add(entry)
    assert list(history) == [entry]
