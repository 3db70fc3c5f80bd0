"""Bounded component history, time windows, uptime and serialization."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
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


def stored(history: ComponentHistory) -> dict[str, Any]:
    """Return the history as it comes back from the file."""
    data: dict[str, Any] = json.loads(json.dumps(history.snapshot().as_dict()))
    return data


def test_record_copies_the_result_into_an_entry() -> None:
    """An entry keeps the time, status, response time and message of a check."""
    history = ComponentHistory(10)
    history.record(result_at(5, HealthStatus.DEGRADED, 42.0))
    assert list(history) == [
        HistoryEntry(
            timestamp=T0 + timedelta(minutes=5),
            status=HealthStatus.DEGRADED,
            response_time_ms=42.0,
            message="at 5",
        )
    ]
    assert len(history) == 1


def test_a_check_without_a_response_time_keeps_none() -> None:
    """A check that measured no time shows none, not zero."""
    history = ComponentHistory(10)
    history.record(result_at(0, HealthStatus.CRITICAL, None))
    assert [entry.response_time_ms for entry in history] == [None]


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


def test_since_covers_the_window_after_the_oldest_entries_fell_off() -> None:
    """A full history still answers a window oldest first."""
    history = ComponentHistory(3)
    for minute in range(7):
        history.record(result_at(minute))
    entries = history.since(T0 + timedelta(minutes=3), T0 + timedelta(minutes=5))
    assert [entry.message for entry in entries] == ["at 4", "at 5"]


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


def test_uptime_follows_every_entry_that_comes_and_goes() -> None:
    """Across many wraps of the bound, the uptime is that of the kept entries."""
    statuses = [
        [HealthStatus.CRITICAL, HealthStatus.HEALTHY, HealthStatus.UNKNOWN][n % 3]
        if n % 7
        else HealthStatus.WARNING
        for n in range(40)
    ]
    history = ComponentHistory(6)
    for minute, status in enumerate(statuses):
        history.record(result_at(minute, status))
        kept = [entry.status for entry in history]
        up = sum(s in {HealthStatus.HEALTHY, HealthStatus.WARNING} for s in kept)
        assert history.uptime_percent() == round(100 * up / len(kept), 2)


def test_a_check_time_without_a_zone_is_taken_as_utc() -> None:
    """A naive time is kept as the same wall time in UTC."""
    history = ComponentHistory(2)
    history.add(
        HistoryEntry(
            timestamp=datetime(2025, 1, 1, 12, 0),  # noqa: DTZ001
            status=HealthStatus.HEALTHY,
            response_time_ms=None,
            message="",
        )
    )
    assert [entry.timestamp for entry in history] == [T0]


# Stored form


def test_stored_history_round_trips_to_the_microsecond() -> None:
    """Every field of every entry comes back from the file as it was."""
    history = ComponentHistory(3)
    for minute, status in enumerate(
        [HealthStatus.WARNING, HealthStatus.CRITICAL, HealthStatus.UNKNOWN]
    ):
        result = result_at(minute, status, None if minute == 1 else 0.25 * minute)
        history.record(
            CheckResult(
                status=result.status,
                message=result.message,
                response_time_ms=result.response_time_ms,
                checked_at=result.checked_at + timedelta(microseconds=123457),
            )
        )
    restored = ComponentHistory.from_stored(stored(history), max_entries=3)
    assert list(restored) == list(history)


def test_stored_history_keeps_its_columns_oldest_first() -> None:
    """One time offset, status letter, response time and message per check."""
    history = ComponentHistory(3)
    for minute, status in enumerate(
        [
            HealthStatus.HEALTHY,
            HealthStatus.DEGRADED,
            HealthStatus.CRITICAL,
            HealthStatus.WARNING,
        ]
    ):
        history.record(result_at(minute, status, None if minute == 2 else 1.5))
    data = stored(history)
    first = int((T0 + timedelta(minutes=1)).timestamp()) * 1_000_000
    assert data == {
        "first_checked_us": first,
        "checked_after_us": [0, 60_000_000, 120_000_000],
        "status": "dcw",
        "response_time_ms": [1.5, None, 1.5],
        "message": [0, 1, 2],
        "messages": ["at 1", "at 2", "at 3"],
    }


def test_a_message_repeated_by_many_checks_is_stored_once() -> None:
    """Checks that say the same refer to one stored text."""
    history = ComponentHistory(10)
    for minute in range(6):
        history.record(
            CheckResult(
                status=HealthStatus.CRITICAL,
                message=["refused", "timed out"][minute % 2],
                checked_at=T0 + timedelta(minutes=minute),
            )
        )
    data = stored(history)
    assert data["messages"] == ["refused", "timed out"]
    assert data["message"] == [0, 1, 0, 1, 0, 1]
    restored = ComponentHistory.from_stored(data)
    assert [entry.message for entry in restored] == ["refused", "timed out"] * 3


def test_a_snapshot_does_not_change_with_later_checks() -> None:
    """What is being written stays as it was taken, whatever comes next."""
    history = history_of(HealthStatus.HEALTHY, HealthStatus.HEALTHY, max_entries=2)
    snapshot = history.snapshot()
    before = snapshot.as_dict()
    history.record(result_at(9, HealthStatus.CRITICAL))
    assert snapshot.as_dict() == before


def test_an_empty_history_is_stored_and_read_back_empty() -> None:
    """A history without entries stays without entries."""
    assert len(ComponentHistory.from_stored(stored(ComponentHistory(5)))) == 0


def test_a_stored_history_is_cut_to_the_bound_newest_kept() -> None:
    """Restoring more entries than the bound keeps the newest."""
    data = stored(history_of(*[HealthStatus.HEALTHY] * 5))
    restored = ComponentHistory.from_stored(data, max_entries=2)
    assert [entry.message for entry in restored] == ["at 3", "at 4"]
    assert restored.uptime_percent() == 100.0


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("checked_after_us", "5"),
        ("checked_after_us", 1.5),
        ("checked_after_us", True),
        ("checked_after_us", 10**20),
        ("status", "x"),
        ("response_time_ms", -1.0),
        ("response_time_ms", "7"),
        ("response_time_ms", [1]),
        ("message", 5),
        ("message", -1),
        ("message", "0"),
        ("messages", 3),
    ],
)
def test_an_unreadable_stored_check_is_skipped_and_named(
    column: str, value: Any
) -> None:
    """A value the monitor could not have written drops that check only."""
    data = stored(history_of(HealthStatus.HEALTHY, HealthStatus.CRITICAL))
    if column == "status":
        data["status"] = "h" + value
    elif column == "messages":
        data["messages"][1] = value
    else:
        data[column][1] = value
    skipped: list[str] = []
    restored = ComponentHistory.from_stored(data, skipped=skipped)
    assert [entry.message for entry in restored] == ["at 0"]
    assert skipped == ["history entry 1"]


@pytest.mark.parametrize(
    "damage",
    [
        {"first_checked_us": "0"},
        {"first_checked_us": False},
        {"status": ["h", "c"]},
        {"checked_after_us": "0,60"},
        {"response_time_ms": None},
        {"message": {}},
        {"messages": "at 0"},
        {"status": "hcc"},
        {"checked_after_us": [0]},
    ],
)
def test_stored_columns_not_laid_out_as_written_are_refused(
    damage: dict[str, Any],
) -> None:
    """Columns of the wrong kind or length give no entry to trust."""
    data = {**stored(history_of(HealthStatus.HEALTHY, HealthStatus.CRITICAL)), **damage}
    with pytest.raises((TypeError, ValueError)):
        ComponentHistory.from_stored(data)


def test_stored_columns_without_a_column_are_refused() -> None:
    """A missing column is not guessed."""
    data = stored(history_of(HealthStatus.HEALTHY))
    del data["messages"]
    with pytest.raises(KeyError):
        ComponentHistory.from_stored(data)


# The first storage format: a list of entry objects


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


def as_list(history: ComponentHistory) -> list[dict[str, Any]]:
    """Return the history as the first storage format kept it."""
    return [entry.as_dict() for entry in history]


def test_history_serialization_round_trip() -> None:
    """A history survives as_list and from_list entry for entry."""
    history = history_of(
        HealthStatus.HEALTHY, HealthStatus.CRITICAL, HealthStatus.UNKNOWN
    )
    restored = ComponentHistory.from_list(as_list(history), max_entries=100)
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
    good = as_list(history_of(HealthStatus.HEALTHY, HealthStatus.CRITICAL))
    restored = ComponentHistory.from_list([good[0], garbage, good[1]])
    assert [entry.as_dict() for entry in restored] == good


def test_from_list_keeps_only_the_newest_entries_within_the_bound() -> None:
    """Restoring more entries than the bound keeps the newest."""
    entries = as_list(history_of(*[HealthStatus.HEALTHY] * 5))
    restored = ComponentHistory.from_list(entries, max_entries=2)
    assert [entry.message for entry in restored] == ["at 3", "at 4"]


def test_add_appends_an_entry_as_it_is() -> None:
    """Restored entries are appended without change."""
    history = ComponentHistory(2)
    entry = HistoryEntry(
        timestamp=T0, status=HealthStatus.HEALTHY, response_time_ms=None, message="x"
    )
    history.add(entry)
    assert list(history) == [entry]
