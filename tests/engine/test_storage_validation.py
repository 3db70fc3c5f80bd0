"""Stored data is checked part by part: what cannot be read is named, never trusted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

import pytest

from custom_components.health_monitor.engine.history import HistoryEntry
from custom_components.health_monitor.engine.incidents import (
    IncidentScope,
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
)
from custom_components.health_monitor.engine.incidents.ids import (
    IncidentIdGenerator,
    highest_incident_id,
)
from custom_components.health_monitor.engine.models import (
    CheckResult,
    ComponentHealth,
    ComponentType,
    HealthStatus,
)
from custom_components.health_monitor.engine.monitor import HealthMonitor

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def health(component_id: str, status: HealthStatus) -> ComponentHealth:
    """Return a database component's health."""
    return ComponentHealth(
        component_id=component_id,
        name=component_id,
        component_type=ComponentType.DATABASE,
        status=status,
        message=status.value,
    )


def tracker_with(count: int) -> IncidentTracker:
    """Return a tracker with ``count`` open incidents, INC-20250301-0001 onwards."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    for number in range(count):
        tracker.observe(health(f"db{number}", HealthStatus.CRITICAL), T0)
    return tracker


def stored(tracker: IncidentTracker) -> dict[str, Any]:
    """Return the tracker's export as it comes back from a JSON file."""
    return json.loads(json.dumps(tracker.export()))


def next_id(tracker: IncidentTracker) -> str:
    """Open one more incident and return its id."""
    (event,) = tracker.observe(health("fresh", HealthStatus.CRITICAL), T0)
    return event.incident_id


# Ids found in files that cannot be parsed


def test_highest_id_is_found_in_damaged_text() -> None:
    """The latest id wins across days, wherever it sits in the text."""
    text = (
        '{"id": "INC-20250301-0032", "x": "INC-20250302-0003"} garbage '
        '"INC-20250228-9999" {"id": "INC-20250302-0002"'
    )
    assert highest_incident_id(text) == "INC-20250302-0003"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "INC-",
        "INC-2025030-0001",
        "INC-20251301-0005",
        "INC-20250301-12",
        "INC-20250301-1234567890",
        "INC-２０２５0301-0001",
        "INC-20250301-٠٠٠١",
    ],
)
def test_text_without_a_well_formed_id_gives_none(text: str) -> None:
    """Near misses, impossible dates and non-ASCII digits are not ids."""
    assert highest_incident_id(text) is None


def test_a_megabyte_of_near_misses_is_read_to_the_end() -> None:
    """One id after a megabyte of prefixes that lead nowhere is still found."""
    text = "INC-2025" * 131072 + "INC-20250301-0007"
    assert highest_incident_id(text) == "INC-20250301-0007"


def test_restoring_an_older_counter_never_moves_it_back() -> None:
    """A counter read from one file cannot undo what another file said."""
    generator = IncidentIdGenerator()
    generator.account_for("INC-20250301-0010")
    assert generator.restore({"day": "20250301", "counter": 3})
    assert generator.next_id(T0) == "INC-20250301-0011"


def test_a_fresh_counter_reads_back_as_valid() -> None:
    """The export of a generator that handed out nothing is not a damaged one."""
    assert IncidentIdGenerator().restore(IncidentIdGenerator().export())


def test_last_id_names_the_latest_id_handed_out() -> None:
    """The last id is what a second file keeps, so that ids never go back."""
    generator = IncidentIdGenerator()
    assert generator.last_id is None
    generator.next_id(T0)
    generator.next_id(T0)
    assert generator.last_id == "INC-20250301-0002"


# Incidents


def test_a_complete_export_restores_with_nothing_skipped() -> None:
    """What the tracker wrote itself is never reported as damaged."""
    tracker = tracker_with(3)
    incident = tracker.incident_for("db1")
    assert incident is not None
    tracker.change(
        incident.id, IncidentStatus.ACKNOWLEDGED, actor="alice", note="on it", now=T0
    )
    tracker.record_recovery_attempt(
        incident.id, "database_reconnect", success=False, error="refused", now=T0
    )
    assert IncidentTracker().restore(stored(tracker)) == []
    assert IncidentTracker().restore(stored(IncidentTracker())) == []


def test_an_unreadable_incident_is_skipped_and_the_others_kept() -> None:
    """One incident with an unknown severity does not cost the others."""
    data = stored(tracker_with(3))
    data["incidents"][1]["severity"] = "apocalyptic"
    fresh = IncidentTracker()
    assert fresh.restore(data) == ["incident 1"]
    assert sorted(i.id for i in fresh.list_incidents(IncidentScope.ALL)) == [
        "INC-20250301-0001",
        "INC-20250301-0003",
    ]


def test_the_id_of_a_skipped_incident_is_never_reused() -> None:
    """The newest incident is unreadable and the counter is gone: its id still counts."""
    data = stored(tracker_with(3))
    del data["ids"]
    data["incidents"][2]["created_at"] = "last Tuesday"
    fresh = IncidentTracker(IncidentSettings(failure_threshold=1))
    assert fresh.restore(data) == ["incident 2"]
    assert next_id(fresh) == "INC-20250301-0004"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 5),
        ("component_id", ["db0"]),
        ("component_id", ""),
        ("acknowledged_by", {"name": "alice"}),
        ("escalation_level", -1),
        ("escalation_level", True),
        ("id", "INC-1"),
        ("id", "x" * 100_000),
    ],
)
def test_an_incident_with_a_field_it_could_not_have_written_is_skipped(
    field: str, value: Any
) -> None:
    """Values of the wrong type are rejected, not turned into text."""
    data = stored(tracker_with(1))
    data["incidents"][0][field] = value
    fresh = IncidentTracker()
    assert fresh.restore(data) == ["incident 0"]
    assert fresh.list_incidents(IncidentScope.ALL) == []


def test_a_resolved_incident_without_a_resolve_time_is_skipped() -> None:
    """It could never close and would hold its component for ever."""
    tracker = tracker_with(1)
    incident = tracker.incident_for("db0")
    assert incident is not None
    tracker.change(incident.id, IncidentStatus.RESOLVED, actor="bob", now=T0)
    data = stored(tracker)
    data["incidents"][0]["resolved_at"] = None
    fresh = IncidentTracker()
    assert fresh.restore(data) == ["incident 0"]
    assert fresh.incident_for("db0") is None


def test_unreadable_timeline_entries_are_named() -> None:
    """A timeline entry whose actor is not text is dropped and reported."""
    data = stored(tracker_with(1))
    data["incidents"][0]["timeline"][0]["actor"] = None
    fresh = IncidentTracker()
    assert fresh.restore(data) == ["INC-20250301-0001: timeline entry 0"]
    assert fresh.get("INC-20250301-0001").timeline == []


@pytest.mark.parametrize(
    ("part", "value", "named"),
    [
        ("incidents", {"INC-20250301-0001": {}}, "incidents"),
        ("healthy_streaks", ["db0"], "healthy streaks"),
        ("failure_streaks", "db0", "failure streaks"),
        ("ids", {"day": "yesterday", "counter": 3}, "id counter"),
        ("version", "1", "tracker version"),
        ("version", 2, "tracker version"),
    ],
)
def test_a_wrongly_shaped_part_is_named(part: str, value: Any, named: str) -> None:
    """Each part of the export that has the wrong shape is reported by name."""
    data = stored(tracker_with(1))
    data[part] = value
    assert named in IncidentTracker().restore(data)


def test_unreadable_streak_counts_are_named_and_readable_ones_kept() -> None:
    """A boolean is not a count; the other component's streak survives."""
    data = stored(tracker_with(1))
    data["healthy_streaks"] = {"db0": True, "db1": 2}
    fresh = IncidentTracker()
    assert fresh.restore(data) == ["healthy streak"]
    assert fresh.export()["healthy_streaks"] == {"db1": 2}


# Histories


def test_a_complete_history_export_restores_with_nothing_skipped() -> None:
    """What the monitor wrote itself is never reported as damaged."""
    monitor = HealthMonitor()
    monitor.restore(
        {
            "histories": {
                "db": [
                    {
                        "timestamp": T0.isoformat(),
                        "status": "critical",
                        "response_time_ms": 3.5,
                        "message": "refused",
                    }
                ]
            },
            "consecutive_failures": {"db": 1},
        }
    )
    exported = json.dumps(monitor.export(), default=lambda part: part.as_dict())
    assert HealthMonitor().restore(json.loads(exported)) == []


def test_a_stored_history_with_an_unreadable_check_keeps_the_others() -> None:
    """One check the monitor could not have written is named; the rest stay."""
    columns = {
        "first_checked_us": 1_740_816_000_000_000,
        "checked_after_us": [0, 60_000_000, 120_000_000],
        "status": "hqc",
        "response_time_ms": [2.0, 3.0, None],
        "message": [0, 0, 1],
        "messages": ["ok", "refused"],
    }
    monitor = HealthMonitor()
    assert monitor.restore({"histories": {"db": columns}}) == ["history entry 1"]
    history = monitor.history("db")
    assert history is not None
    assert [(entry.message, entry.response_time_ms) for entry in history] == [
        ("ok", 2.0),
        ("refused", None),
    ]
    assert history.uptime_percent() == 50.0


@pytest.mark.parametrize("response_time", ["nan", "inf", -1.0, True, [1.0]])
def test_a_history_entry_with_an_impossible_response_time_is_skipped(
    response_time: Any,
) -> None:
    """A response time the monitor could not have measured is not kept."""
    entries = [
        {"timestamp": T0.isoformat(), "status": "healthy", "response_time_ms": 2.0},
        {
            "timestamp": (T0 + timedelta(minutes=1)).isoformat(),
            "status": "healthy",
            "response_time_ms": response_time,
        },
    ]
    monitor = HealthMonitor()
    assert monitor.restore({"histories": {"db": entries}}) == ["history entry 1"]
    history = monitor.history("db")
    assert history is not None
    assert [entry.response_time_ms for entry in history] == [2.0]


def test_a_history_entry_with_a_message_that_is_not_text_is_skipped() -> None:
    """A message is stored as text; anything else is not shown as one."""
    with pytest.raises(TypeError):
        HistoryEntry.from_dict(
            {"timestamp": T0.isoformat(), "status": "healthy", "message": {"a": 1}}
        )


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"histories": ["db"]}, "histories"),
        ({"histories": {"db": "entries"}}, "history"),
        ({"histories": {"db": {"status": "h"}}}, "history"),
        ({"histories": {"db": {"first_checked_us": None}}}, "history"),
        ({"histories": {1: []}}, "history"),
        ({"consecutive_failures": [1]}, "consecutive failures"),
        ({"consecutive_failures": {"db": -2}}, "consecutive failure count"),
    ],
)
def test_unreadable_history_parts_are_named(data: dict[str, Any], named: str) -> None:
    """Each unreadable part of the histories is reported, the rest restored."""
    monitor = HealthMonitor()
    assert monitor.restore(data) == [named]
    component = monitor.apply(
        _Check("db"), CheckResult(HealthStatus.CRITICAL, "down", checked_at=T0)
    )
    assert component.consecutive_failures == 1


class _Check:
    """The identity of a check, for applying a result by hand."""

    component_type = ComponentType.DATABASE

    def __init__(self, component_id: str) -> None:
        self.component_id = component_id
        self.name = component_id

    async def async_check(self) -> CheckResult:
        raise NotImplementedError
