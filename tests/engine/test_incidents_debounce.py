"""Debounce and grace: incidents wait for consecutive failures, not for one sample."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
    Severity,
)
from custom_components.health_monitor.engine.incidents.events import (
    IncidentEvent,
    IncidentEventType,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
HEALTHY = HealthStatus.HEALTHY
WARNING = HealthStatus.WARNING
DEGRADED = HealthStatus.DEGRADED
CRITICAL = HealthStatus.CRITICAL


def health(
    status: HealthStatus, *, latency_only: bool = False, pushed: bool = False
) -> ComponentHealth:
    """Return the health of a database component in ``status``."""
    return ComponentHealth(
        component_id="database",
        name="Database",
        component_type=ComponentType.DATABASE,
        status=status,
        message=f"database is {status}",
        latency_only=latency_only,
        pushed=pushed,
    )


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def types(events: list[IncidentEvent]) -> list[IncidentEventType]:
    """Return the types of ``events`` in order."""
    return [event.type for event in events]


def observe_each(
    tracker: IncidentTracker, *results: ComponentHealth, start: float = 0
) -> list[list[IncidentEventType]]:
    """Observe one result per minute from ``start``; return each one's event types."""
    return [
        types(tracker.observe(result, at(start + minute)))
        for minute, result in enumerate(results)
    ]


def test_default_failure_threshold_is_two_checks() -> None:
    """The specification's default: two consecutive failing checks open."""
    assert IncidentSettings().failure_threshold == 2


@pytest.mark.parametrize("threshold", [0, -1])
def test_failure_threshold_below_one_is_rejected(threshold: int) -> None:
    """Opening needs at least one failing check."""
    with pytest.raises(ValueError, match="failing check"):
        IncidentSettings(failure_threshold=threshold)


def test_one_failing_check_opens_no_incident() -> None:
    """A single sample of a failure is not an incident yet."""
    tracker = IncidentTracker()
    assert tracker.observe(health(CRITICAL), T0) == []
    assert tracker.incident_for("database") is None


def test_second_consecutive_failing_check_opens_the_incident() -> None:
    """The incident opens with the second failing check, at its time."""
    tracker = IncidentTracker()
    assert observe_each(tracker, health(CRITICAL), health(CRITICAL)) == [
        [],
        [IncidentEventType.OPENED],
    ]
    incident = tracker.incident_for("database")
    assert incident is not None
    assert incident.created_at == at(1)
    assert incident.severity is Severity.CRITICAL


def test_healthy_check_between_failures_starts_the_count_again() -> None:
    """Failing, healthy, failing is a flap, not two consecutive failures."""
    tracker = IncidentTracker()
    assert observe_each(
        tracker, health(CRITICAL), health(HEALTHY), health(CRITICAL)
    ) == [[], [], []]
    assert tracker.incident_for("database") is None


def test_different_failing_statuses_count_together() -> None:
    """Warning then critical are two failing checks; severity follows the latest."""
    tracker = IncidentTracker()
    observe_each(tracker, health(WARNING), health(CRITICAL))
    incident = tracker.incident_for("database")
    assert incident is not None
    assert incident.severity is Severity.CRITICAL


def test_status_below_the_opening_threshold_does_not_count() -> None:
    """With degraded as the threshold a warning breaks the run of failures."""
    tracker = IncidentTracker(IncidentSettings(open_threshold=DEGRADED))
    assert observe_each(
        tracker, health(DEGRADED), health(WARNING), health(DEGRADED)
    ) == [[], [], []]
    assert types(tracker.observe(health(DEGRADED), at(3))) == [IncidentEventType.OPENED]


@pytest.mark.parametrize("threshold", [1, 3, 5])
def test_failure_threshold_is_a_setting(threshold: int) -> None:
    """The incident opens exactly with the threshold-th failing check."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=threshold))
    opened = observe_each(tracker, *[health(CRITICAL)] * threshold)
    assert opened == [[]] * (threshold - 1) + [[IncidentEventType.OPENED]]


def test_pushed_failure_opens_at_once() -> None:
    """A lost connection the target reported itself is an event, not a sample."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=5))
    assert types(tracker.observe(health(CRITICAL, pushed=True), T0)) == [
        IncidentEventType.OPENED
    ]


def test_reopen_needs_the_failure_threshold_too() -> None:
    """A resolved incident comes back only after consecutive failures again."""
    tracker = IncidentTracker()
    observe_each(tracker, health(CRITICAL), health(CRITICAL))
    incident = tracker.incident_for("database")
    assert incident is not None
    observe_each(tracker, health(HEALTHY), health(HEALTHY), start=2)
    assert incident.status is IncidentStatus.RESOLVED

    assert observe_each(tracker, health(CRITICAL), health(CRITICAL), start=4) == [
        [],
        [IncidentEventType.REOPENED],
    ]
    assert incident.status is IncidentStatus.NEW


def test_pushed_failure_reopens_at_once() -> None:
    """A pushed loss reopens a resolved incident without waiting."""
    tracker = IncidentTracker()
    observe_each(
        tracker, health(CRITICAL), health(CRITICAL), health(HEALTHY), health(HEALTHY)
    )
    assert types(tracker.observe(health(CRITICAL, pushed=True), at(4))) == [
        IncidentEventType.REOPENED
    ]


def test_status_changes_of_an_open_incident_do_not_wait() -> None:
    """Once open, the incident follows every status at once (updates)."""
    tracker = IncidentTracker()
    observe_each(tracker, health(WARNING), health(WARNING))
    assert types(tracker.observe(health(CRITICAL), at(2))) == [
        IncidentEventType.UPDATED
    ]


def test_failure_streak_survives_export_and_restore() -> None:
    """One failure before a restart and one after are two in a row."""
    tracker = IncidentTracker()
    tracker.observe(health(CRITICAL), T0)
    fresh = IncidentTracker()
    fresh.restore(tracker.export())
    assert types(fresh.observe(health(CRITICAL), at(1))) == [IncidentEventType.OPENED]


@pytest.mark.parametrize(
    "stored",
    [None, "two", [1, 2], {"database": "1"}, {"database": True}, {"database": -1}],
)
def test_unreadable_failure_streaks_start_from_zero(stored: Any) -> None:
    """A stored streak that is not a positive count is dropped, nothing else."""
    tracker = IncidentTracker()
    data = tracker.export()
    data["failure_streaks"] = stored
    tracker.restore(data)
    assert tracker.observe(health(CRITICAL), T0) == []
    assert types(tracker.observe(health(CRITICAL), at(1))) == [IncidentEventType.OPENED]


def test_export_without_failure_streaks_is_read() -> None:
    """Files written before the debounce existed restore with no streaks."""
    tracker = IncidentTracker()
    data = tracker.export()
    del data["failure_streaks"]
    tracker.restore(data)
    assert tracker.export()["failure_streaks"] == {}


# Grace


def graced_tracker(minutes: float = 2) -> IncidentTracker:
    """Return a tracker whose start-up grace ends ``minutes`` after T0."""
    tracker = IncidentTracker()
    tracker.grace_until = at(minutes)
    return tracker


def test_slow_answers_during_the_grace_open_no_incident() -> None:
    """Latency-only findings while setting up are the monitor's own load."""
    tracker = graced_tracker()
    slow = health(DEGRADED, latency_only=True)
    assert observe_each(tracker, slow, slow, slow) == [[], [], []]
    assert tracker.incident_for("database") is None


def test_real_failures_count_during_the_grace() -> None:
    """An unreachable target opens its incident as usual while in the grace."""
    tracker = graced_tracker()
    assert observe_each(tracker, health(CRITICAL), health(CRITICAL)) == [
        [],
        [IncidentEventType.OPENED],
    ]


def test_slow_answers_count_from_the_end_of_the_grace() -> None:
    """After the grace the threshold applies, counted from its end."""
    tracker = graced_tracker(minutes=2)
    slow = health(WARNING, latency_only=True)
    assert observe_each(tracker, slow, slow, slow, slow) == [
        [],
        [],
        [],
        [IncidentEventType.OPENED],
    ]


def test_a_slow_answer_in_the_grace_breaks_a_run_of_failures() -> None:
    """A slow answer is not counted as a failure in the grace, nor as one of a run."""
    tracker = graced_tracker()
    assert observe_each(
        tracker, health(CRITICAL), health(DEGRADED, latency_only=True)
    ) == [[], []]
    assert tracker.observe(health(CRITICAL), at(2)) == []


def test_without_a_grace_slow_answers_count() -> None:
    """No grace set (engine default): a latency finding is an ordinary failure."""
    tracker = IncidentTracker()
    slow = health(WARNING, latency_only=True)
    assert observe_each(tracker, slow, slow) == [[], [IncidentEventType.OPENED]]


def test_grace_ends_exactly_at_its_time() -> None:
    """At the grace's end a slow answer counts."""
    tracker = graced_tracker(minutes=1)
    assert tracker.in_grace(at(0.99))
    assert not tracker.in_grace(at(1))


def test_grace_does_not_hold_back_updates_of_an_open_incident() -> None:
    """An incident restored from before the reload still follows its component."""
    tracker = IncidentTracker()
    observe_each(tracker, health(CRITICAL), health(CRITICAL))
    tracker.grace_until = at(10)
    assert types(tracker.observe(health(DEGRADED, latency_only=True), at(2))) == [
        IncidentEventType.UPDATED
    ]
