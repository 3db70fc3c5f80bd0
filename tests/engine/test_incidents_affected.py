"""One incident per component, with who is affected in its timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentTracker,
    TimelineEvent,
    incident_from_dict,
    incident_to_dict,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def health(status: HealthStatus, *affected: str) -> ComponentHealth:
    """Return the health of one entity check naming ``affected``."""
    return ComponentHealth(
        component_id="check",
        name="Critical devices",
        component_type=ComponentType.ENTITY_CHECK,
        status=status,
        message="m",
        affected=affected,
    )


def test_two_failing_entities_are_one_incident_whose_timeline_names_both() -> None:
    """Two failing entities are one incident whose timeline names both."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    tracker.observe(health(HealthStatus.CRITICAL, "sensor.a"), T0)
    events = tracker.observe(
        health(HealthStatus.CRITICAL, "sensor.a", "sensor.b"), T0 + timedelta(minutes=1)
    )
    (incident,) = tracker.list_incidents()
    assert incident.affected == ("sensor.a", "sensor.b")
    opened, joined = incident.timeline
    assert opened.details["affected"] == "sensor.a"
    assert joined.event is TimelineEvent.AFFECTED_CHANGED
    assert joined.details["joined"] == "sensor.b"
    assert events[0].details["affected_count"] == 2

    tracker.observe(
        health(HealthStatus.CRITICAL, "sensor.b"), T0 + timedelta(minutes=2)
    )
    assert incident.timeline[-1].details["left"] == "sensor.a"
    # The same set again records nothing.
    tracker.observe(
        health(HealthStatus.CRITICAL, "sensor.b"), T0 + timedelta(minutes=3)
    )
    assert len(incident.timeline) == 3


def test_recovering_lists_who_left_with_the_status_change() -> None:
    """Recovering lists who left with the status change."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    tracker.observe(health(HealthStatus.CRITICAL, "sensor.a"), T0)
    tracker.observe(health(HealthStatus.HEALTHY), T0 + timedelta(minutes=1))
    (incident,) = tracker.list_incidents("all")
    change = incident.timeline[1]
    assert change.event is TimelineEvent.COMPONENT_STATUS_CHANGED
    assert change.details["left"] == "sensor.a"


def test_many_affected_are_counted_beyond_the_first_ten() -> None:
    """Many affected are counted beyond the first ten."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    names = [f"sensor.s{index:02}" for index in range(25)]
    tracker.observe(health(HealthStatus.WARNING, *names), T0)
    (incident,) = tracker.list_incidents()
    assert str(incident.timeline[0].details["affected"]).endswith("and 15 more")


def test_affected_survives_storage_and_bad_stored_values_are_refused() -> None:
    """Affected survives storage and bad stored values are refused."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    tracker.observe(health(HealthStatus.WARNING, "sensor.a"), T0)
    (incident,) = tracker.list_incidents()
    stored = incident_to_dict(incident)
    assert incident_from_dict(stored).affected == ("sensor.a",)
    for bad in ("sensor.a", ["x"] * 51, [1]):
        try:
            incident_from_dict({**stored, "affected": bad})
        except (TypeError, ValueError):
            continue
        raise AssertionError(bad)
