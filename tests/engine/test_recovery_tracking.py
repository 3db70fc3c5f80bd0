"""Recording recovery attempts in incidents, and confirming success by the next check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
)
from custom_components.health_monitor.engine.incidents.events import IncidentEventType
from custom_components.health_monitor.engine.incidents.lifecycle import TimelineEvent
from custom_components.health_monitor.engine.incidents.model import RecoveryResult
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)
from custom_components.health_monitor.engine.recovery import (
    DATABASE_RECONNECT,
    RecoveryPolicy,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def database(status: HealthStatus, failures: int = 0) -> ComponentHealth:
    """Return the database's health."""
    return ComponentHealth(
        component_id="db",
        name="Database",
        component_type=ComponentType.DATABASE,
        status=status,
        message=status.value,
        consecutive_failures=failures,
    )


@pytest.fixture
def tracker() -> IncidentTracker:
    """Return a tracker with an open database incident (INC-20250301-0001)."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    tracker.observe(database(HealthStatus.CRITICAL, 3), T0)
    return tracker


INCIDENT = "INC-20250301-0001"


def test_attempt_is_counted_with_time_and_result(tracker: IncidentTracker) -> None:
    """The record keeps the count, the last attempt time and each result."""
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=False, error="refused", now=at(1)
    )
    record = tracker.get(INCIDENT).recovery[DATABASE_RECONNECT]
    assert record.count == 1
    assert record.last_attempt_at == at(1)
    assert record.results == [RecoveryResult(at(1), success=False, error="refused")]


def test_attempt_goes_to_the_timeline(tracker: IncidentTracker) -> None:
    """A recovery_attempted entry names the action, result, error and attempt."""
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=False, error="refused", now=at(1)
    )
    entry = tracker.get(INCIDENT).timeline[-1]
    assert entry.event is TimelineEvent.RECOVERY_ATTEMPTED
    assert (entry.time, entry.actor) == (at(1), "system")
    assert entry.details == {
        "action": DATABASE_RECONNECT,
        "success": False,
        "error": "refused",
        "attempt": 1,
    }


def test_attempt_emits_a_recovery_attempted_event(tracker: IncidentTracker) -> None:
    """The HA layer hears about every attempt."""
    (event,) = tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=True, now=at(1)
    )
    assert event.type is IncidentEventType.RECOVERY_ATTEMPTED
    assert event.details["action"] == DATABASE_RECONNECT
    assert event.details["success"] is True
    assert event.incident["recovery_attempts"] == 1


def test_attempt_error_is_sanitized(tracker: IncidentTracker) -> None:
    """Credentials in an executor's error never reach the timeline."""
    tracker.record_recovery_attempt(
        INCIDENT,
        DATABASE_RECONNECT,
        success=False,
        error="postgresql://ha:hunter2@db/ha password=hunter2",
        now=at(1),
    )
    assert "hunter2" not in str(tracker.get(INCIDENT).timeline[-1].details["error"])


def test_attempts_are_counted_per_action(tracker: IncidentTracker) -> None:
    """Each action key has its own count; the incident sums them."""
    for minute, key in enumerate(["a", "b", "a"]):
        tracker.record_recovery_attempt(INCIDENT, key, success=False, now=at(minute))
    incident = tracker.get(INCIDENT)
    assert incident.recovery["a"].count == 2
    assert incident.recovery["b"].count == 1
    assert incident.recovery_attempts == 3


def test_successful_attempt_is_confirmed_by_a_healthy_next_check(
    tracker: IncidentTracker,
) -> None:
    """Recovery succeeded is recorded when the component comes back healthy."""
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=True, now=at(1)
    )
    events = tracker.observe(database(HealthStatus.HEALTHY), at(2))
    incident = tracker.get(INCIDENT)
    assert incident.recoveries_succeeded == 1
    assert events[0].type is IncidentEventType.UPDATED
    assert events[0].details == {"recovery_succeeded": DATABASE_RECONNECT}
    assert TimelineEvent.RECOVERY_SUCCEEDED in [e.event for e in incident.timeline]


def test_successful_attempt_is_confirmed_only_once(tracker: IncidentTracker) -> None:
    """Further healthy checks do not count the same recovery again."""
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=True, now=at(1)
    )
    tracker.observe(database(HealthStatus.HEALTHY), at(2))
    tracker.observe(database(HealthStatus.HEALTHY), at(3))
    assert tracker.get(INCIDENT).recoveries_succeeded == 1


def test_successful_attempt_refuted_by_a_failing_next_check(
    tracker: IncidentTracker,
) -> None:
    """If the next check still fails, a later recovery is not credited to it."""
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=True, now=at(1)
    )
    tracker.observe(database(HealthStatus.CRITICAL, 4), at(2))
    tracker.observe(database(HealthStatus.HEALTHY), at(3))
    assert tracker.get(INCIDENT).recoveries_succeeded == 0


def test_failed_attempt_is_never_confirmed(tracker: IncidentTracker) -> None:
    """A failed attempt followed by a healthy check is not a recovery success."""
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=False, now=at(1)
    )
    tracker.observe(database(HealthStatus.HEALTHY), at(2))
    assert tracker.get(INCIDENT).recoveries_succeeded == 0


def test_only_the_last_attempt_counts_for_confirmation(
    tracker: IncidentTracker,
) -> None:
    """A failure after a success means the last attempt was not successful."""
    tracker.record_recovery_attempt(INCIDENT, "a", success=True, now=at(1))
    tracker.record_recovery_attempt(INCIDENT, "b", success=False, now=at(1))
    tracker.observe(database(HealthStatus.HEALTHY), at(2))
    assert tracker.get(INCIDENT).recoveries_succeeded == 0


def test_recovered_incident_then_auto_resolves(tracker: IncidentTracker) -> None:
    """Recovery success does not resolve by itself; the healthy checks do."""
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=True, now=at(1)
    )
    first = tracker.observe(database(HealthStatus.HEALTHY), at(2))
    second = tracker.observe(database(HealthStatus.HEALTHY), at(3))
    assert IncidentEventType.RESOLVED not in [event.type for event in first]
    assert [event.type for event in second] == [IncidentEventType.RESOLVED]


def test_attempt_confirmed_even_if_recorded_after_resolve(
    tracker: IncidentTracker,
) -> None:
    """An executor reporting late still gets its success confirmed by the next check."""
    tracker.change(INCIDENT, IncidentStatus.RESOLVED, actor="alice", now=at(1))
    tracker.record_recovery_attempt(
        INCIDENT, DATABASE_RECONNECT, success=True, now=at(2)
    )
    tracker.observe(database(HealthStatus.HEALTHY), at(3))
    assert tracker.get(INCIDENT).recoveries_succeeded == 1


def test_policy_and_tracker_honour_limit_and_cooldown_together(
    tracker: IncidentTracker,
) -> None:
    """Due, recorded, blocked by cooldown, due again, and stopped after three."""
    policy = RecoveryPolicy()
    failing = database(HealthStatus.CRITICAL, 5)
    incident = tracker.get(INCIDENT)
    history = []
    for minute in range(0, 45, 5):
        due = policy.due_actions(incident, failing, at(minute))
        history.append(len(due))
        for action in due:
            tracker.record_recovery_attempt(
                INCIDENT, action.key, success=False, now=at(minute)
            )
    assert history == [1, 0, 1, 0, 1, 0, 0, 0, 0]
    assert incident.recovery[DATABASE_RECONNECT].count == 3
