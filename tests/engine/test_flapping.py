"""Flapping: one incident, told once, quiet until the component is stable for the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.health_monitor.engine.flapping import FlapDetector
from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
    TimelineEvent,
    notification_for,
)
from custom_components.health_monitor.engine.incidents.events import IncidentEvent
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CRITICAL = HealthStatus.CRITICAL
HEALTHY = HealthStatus.HEALTHY


def health(status: HealthStatus) -> ComponentHealth:
    """Return the health of a web component in ``status``."""
    return ComponentHealth(
        component_id="web",
        name="Web",
        component_type=ComponentType.HTTP_ENDPOINT,
        status=status,
        message=f"web is {status}",
    )


def at(seconds: float) -> datetime:
    """Return the time ``seconds`` after T0."""
    return T0 + timedelta(seconds=seconds)


def told(events: list[IncidentEvent]) -> list[str]:
    """Return the titles of the notifications ``events`` send."""
    return [n.title for e in events if (n := notification_for(e)) is not None]


def test_200_cycles_of_flapping_make_one_incident_told_once() -> None:
    """Every other 30 s cycle fails for 100 minutes: one incident, one notification."""
    tracker = IncidentTracker()
    events: list[IncidentEvent] = []
    for index in range(200):
        status = CRITICAL if index % 2 else HEALTHY
        events += tracker.observe_all([health(status)], at(30 * index))

    incidents = tracker.list_incidents()
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident.flapping
    assert incident.status is IncidentStatus.NEW
    assert incident.escalation_level == 0
    assert told(events) == ["Web is flapping"]
    assert tracker.statistics(at(6000)).flaps == 1
    assert tracker.statistics(at(6000)).flapping == 1


def test_flapping_ends_after_a_stable_window_and_resolves_when_healthy() -> None:
    """Stable and healthy for 30 minutes: the flapping ends and the resolution is told."""
    tracker = IncidentTracker()
    for index in range(10):
        tracker.observe_all(
            [health(CRITICAL if index % 2 else HEALTHY)], at(30 * index)
        )
    events: list[IncidentEvent] = []
    second = 30 * 10
    while second < 30 * 10 + 31 * 60:
        events += tracker.observe_all([health(HEALTHY)], at(second))
        second += 30
    incident = tracker.list_incidents("all")[0]
    assert not incident.flapping
    assert incident.status is IncidentStatus.RESOLVED
    assert told(events) == ["Web recovered"]
    assert [e.event for e in incident.timeline].count(TimelineEvent.FLAPPING_ENDED) == 1


def test_flapping_that_settles_on_failing_is_told_once_more() -> None:
    """Stable but still critical after the window: one notification, then normal rules."""
    tracker = IncidentTracker(IncidentSettings(flap_window=timedelta(minutes=10)))
    for index in range(10):
        tracker.observe_all(
            [health(CRITICAL if index % 2 else HEALTHY)], at(30 * index)
        )
    events: list[IncidentEvent] = []
    for index in range(10, 40):
        events += tracker.observe_all([health(CRITICAL)], at(30 * index))
    assert told(events) == ["Web stopped flapping"]
    incident = tracker.incident_for("web")
    assert incident is not None
    assert not incident.flapping
    assert incident.is_open


def test_four_changes_in_the_window_are_no_flapping() -> None:
    """The default threshold is five changes within thirty minutes."""
    detector = FlapDetector()
    healthy = True
    last = None
    for minute in range(5):
        last = detector.observe("web", healthy, at(minute * 60))
        healthy = not healthy
    assert last is not None
    assert last.recent_changes == 4
    assert not detector.is_flapping(last)
    fifth = detector.observe("web", healthy, at(5 * 60))
    assert detector.is_flapping(fifth)


def test_changes_older_than_the_window_do_not_count() -> None:
    """Five changes spread over more than thirty minutes are no flapping."""
    detector = FlapDetector()
    observation = None
    for index in range(6):
        observation = detector.observe("web", index % 2 == 0, at(index * 8 * 60))
    assert observation is not None
    assert observation.recent_changes == 4
    assert not detector.is_flapping(observation)


def test_the_detector_survives_a_restart_and_refuses_garbage() -> None:
    """Change times are stored; unreadable entries start afresh and are named."""
    detector = FlapDetector()
    for index in range(5):
        detector.observe("web", index % 2 == 0, at(index * 60))
    restored = FlapDetector()
    assert restored.restore(detector.export()) == []
    observation = restored.observe("web", False, at(300))
    assert restored.is_flapping(observation)

    damaged = FlapDetector()
    skipped = damaged.restore(
        {
            "web": {"healthy": "yes", "changes": []},
            "db": {"healthy": True, "changes": ["not a time"]},
            "mqtt": {
                "healthy": True,
                "changes": ["2026-12-01T08:05:00+00:00", "2026-12-01T08:00:00+00:00"],
            },
            "ok": {"healthy": True, "changes": [], "last_change": None},
        }
    )
    assert skipped == ["flapping state"] * 3
    assert damaged.restore([1, 2]) == ["flapping"]
    assert damaged.restore(None) == []


@pytest.mark.parametrize(("threshold", "window"), [(1, 30), (5, 0)])
def test_settings_that_cannot_work_are_refused(threshold: int, window: int) -> None:
    """Flapping needs two changes and a positive window."""
    with pytest.raises(ValueError):
        FlapDetector(threshold, timedelta(minutes=window))
    with pytest.raises(ValueError):
        IncidentSettings(
            flap_threshold=threshold, flap_window=timedelta(minutes=window)
        )
