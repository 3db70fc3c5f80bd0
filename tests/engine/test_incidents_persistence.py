"""Export and restore: after a restart every incident continues exactly as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

import pytest

from custom_components.health_monitor.engine.incidents import (
    IncidentScope,
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
)
from custom_components.health_monitor.engine.incidents.events import IncidentEventType
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)
from custom_components.health_monitor.engine.recovery import RecoveryPolicy

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def health(
    component_id: str, status: HealthStatus, failures: int = 0
) -> ComponentHealth:
    """Return a database component's health."""
    return ComponentHealth(
        component_id=component_id,
        name=component_id,
        component_type=ComponentType.DATABASE,
        status=status,
        message=status.value,
        consecutive_failures=failures,
    )


def restarted(tracker: IncidentTracker) -> IncidentTracker:
    """Return a new tracker restored from ``tracker``'s export through JSON."""
    fresh = IncidentTracker(tracker.settings)
    fresh.restore(json.loads(json.dumps(tracker.export())))
    return fresh


@pytest.fixture
def tracker() -> IncidentTracker:
    """Return a tracker with an acknowledged, a new, and a resolved incident."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    (db,) = tracker.observe(health("db", HealthStatus.CRITICAL, 3), T0)
    tracker.change(
        db.incident_id,
        IncidentStatus.ACKNOWLEDGED,
        actor="alice",
        note="on it",
        now=at(1),
    )
    tracker.record_recovery_attempt(
        db.incident_id, "database_reconnect", success=False, error="refused", now=at(2)
    )
    tracker.observe(health("mqtt", HealthStatus.WARNING), at(3))
    (recorder,) = tracker.observe(health("recorder", HealthStatus.DEGRADED), at(4))
    tracker.change(
        recorder.incident_id, IncidentStatus.RESOLVED, actor="bob", now=at(5)
    )
    tracker.observe(health("db", HealthStatus.HEALTHY), at(6))
    return tracker


def test_export_is_json_serializable(tracker: IncidentTracker) -> None:
    """The export survives json.dumps unchanged."""
    data = tracker.export()
    assert json.loads(json.dumps(data)) == data


def test_round_trip_reproduces_the_export_exactly(tracker: IncidentTracker) -> None:
    """Exporting a restored tracker gives the same data."""
    assert restarted(tracker).export() == tracker.export()


def test_round_trip_keeps_every_incident_equal(tracker: IncidentTracker) -> None:
    """Timeline, acknowledgement and attempt counts come back as they were."""
    fresh = restarted(tracker)
    for incident in tracker.list_incidents(IncidentScope.ALL):
        assert fresh.get(incident.id) == incident


def test_restored_ids_continue_the_day_counter(tracker: IncidentTracker) -> None:
    """The next incident after a restart does not reuse an id."""
    fresh = restarted(tracker)
    (event,) = fresh.observe(health("http", HealthStatus.CRITICAL), at(10))
    assert event.incident_id == "INC-20250301-0004"


def test_restored_ids_stay_unique_without_the_counter(
    tracker: IncidentTracker,
) -> None:
    """A lost counter is rebuilt from the restored incidents' ids."""
    data = tracker.export()
    del data["ids"]
    fresh = IncidentTracker(IncidentSettings(failure_threshold=1))
    fresh.restore(data)
    (event,) = fresh.observe(health("http", HealthStatus.CRITICAL), at(10))
    assert event.incident_id == "INC-20250301-0004"


def test_restored_open_incident_still_owns_its_component(
    tracker: IncidentTracker,
) -> None:
    """A failure after a restart updates the restored incident, not a new one."""
    fresh = restarted(tracker)
    events = fresh.observe(health("mqtt", HealthStatus.CRITICAL), at(10))
    assert [event.type for event in events] == [IncidentEventType.UPDATED]


def test_restored_healthy_streak_continues(tracker: IncidentTracker) -> None:
    """One healthy check before and one after the restart resolve the incident."""
    fresh = restarted(tracker)
    events = fresh.observe(health("db", HealthStatus.HEALTHY), at(10))
    assert [event.type for event in events] == [IncidentEventType.RESOLVED]


def test_restored_resolved_incident_still_auto_closes(
    tracker: IncidentTracker,
) -> None:
    """The close timer counts from the resolve time kept in storage."""
    fresh = restarted(tracker)
    recorder = fresh.incident_for("recorder")
    assert recorder is not None
    fresh.review(at(64))
    assert recorder.status is IncidentStatus.RESOLVED
    fresh.review(at(65))
    assert recorder.status is IncidentStatus.CLOSED


def test_restored_resolved_incident_still_reopens(tracker: IncidentTracker) -> None:
    """A restored resolved incident reopens on its component's next failure."""
    fresh = restarted(tracker)
    events = fresh.observe(health("recorder", HealthStatus.CRITICAL), at(10))
    assert [event.type for event in events] == [IncidentEventType.REOPENED]


def test_restored_escalation_continues_on_schedule(tracker: IncidentTracker) -> None:
    """The unacknowledged MQTT incident escalates 30 minutes after its creation."""
    fresh = restarted(tracker)
    assert fresh.review(at(32)) == []
    assert [event.type for event in fresh.review(at(33))] == [
        IncidentEventType.ESCALATED
    ]


def test_restored_cooldown_still_applies(tracker: IncidentTracker) -> None:
    """An attempt made before the restart still blocks the action for 10 minutes."""
    fresh = restarted(tracker)
    incident = fresh.incident_for("db")
    assert incident is not None
    policy = RecoveryPolicy()
    failing = health("db", HealthStatus.CRITICAL, 4)
    assert policy.due_actions(incident, failing, at(11)) == []
    assert [a.key for a in policy.due_actions(incident, failing, at(12))] == [
        "database_reconnect"
    ]


def test_restore_replaces_existing_state(tracker: IncidentTracker) -> None:
    """Restoring an empty export leaves nothing behind."""
    tracker.restore({})
    assert tracker.list_incidents(IncidentStatus.NEW) == []
    assert tracker.export()["incidents"] == []


@pytest.mark.parametrize(
    "broken",
    [
        {"id": "INC-20250301-0099"},
        "not a dict",
        {"id": "INC-20250301-0099", "severity": "apocalyptic"},
    ],
)
def test_unreadable_incidents_are_skipped(
    tracker: IncidentTracker, broken: Any
) -> None:
    """A broken incident is dropped; the others are restored."""
    data = tracker.export()
    data["incidents"].insert(0, broken)
    fresh = IncidentTracker(IncidentSettings(failure_threshold=1))
    fresh.restore(data)
    assert len(fresh.export()["incidents"]) == 3


def test_duplicate_incident_ids_are_skipped(tracker: IncidentTracker) -> None:
    """Only the first incident with an id is kept."""
    data = tracker.export()
    data["incidents"].append(dict(data["incidents"][0]))
    fresh = IncidentTracker(IncidentSettings(failure_threshold=1))
    fresh.restore(data)
    assert len(fresh.export()["incidents"]) == 3


def test_second_unclosed_incident_of_a_component_is_skipped(
    tracker: IncidentTracker,
) -> None:
    """At most one incident that is not closed per component, even from storage."""
    data = tracker.export()
    twin = dict(data["incidents"][0], id="INC-20250301-0050")
    data["incidents"].append(twin)
    fresh = IncidentTracker(IncidentSettings(failure_threshold=1))
    fresh.restore(data)
    assert "INC-20250301-0050" not in [i["id"] for i in fresh.export()["incidents"]]


@pytest.mark.parametrize("incidents", [None, "x", 3])
def test_unreadable_incident_list_restores_nothing(incidents: Any) -> None:
    """A missing or broken incident list is not fatal."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    tracker.restore({"incidents": incidents})
    assert tracker.export()["incidents"] == []


def test_unreadable_streaks_are_skipped() -> None:
    """Only positive integer streaks are restored."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    tracker.restore({"healthy_streaks": {"a": 2, "b": -1, "c": "x", "d": True, "e": 0}})
    assert tracker.export()["healthy_streaks"] == {"a": 2}


def test_closed_incidents_are_restored_without_owning_their_component() -> None:
    """A closed incident is kept for history; a new failure opens a new incident."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    (event,) = tracker.observe(health("db", HealthStatus.CRITICAL), T0)
    tracker.change(event.incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(1))
    tracker.review(at(61))
    fresh = restarted(tracker)
    assert fresh.get(event.incident_id).status is IncidentStatus.CLOSED
    (opened,) = fresh.observe(health("db", HealthStatus.CRITICAL), at(62))
    assert opened.type is IncidentEventType.OPENED
