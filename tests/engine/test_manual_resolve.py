"""Resolving by hand while the component still fails: a reopen waits for the threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.health_monitor.engine.incidents import (
    IncidentEventType,
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def _critical() -> ComponentHealth:
    return ComponentHealth(
        component_id="broker",
        name="Broker",
        component_type=ComponentType.MQTT,
        status=HealthStatus.CRITICAL,
        message="Connection refused",
    )


def test_a_still_failing_component_reopens_only_after_the_failure_threshold() -> None:
    """The first failing check after a manual resolve does not reopen; the second does."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=2))
    for minute in range(5):
        tracker.observe(_critical(), T0 + timedelta(minutes=minute))
    incident = tracker.incident_for("broker")
    assert incident is not None

    tracker.change(
        incident.id,
        IncidentStatus.RESOLVED,
        actor="Alice",
        now=T0 + timedelta(minutes=5),
    )
    first = tracker.observe(_critical(), T0 + timedelta(minutes=6))
    assert incident.status is IncidentStatus.RESOLVED
    assert [event.type for event in first] == []

    second = tracker.observe(_critical(), T0 + timedelta(minutes=7))
    assert incident.status is IncidentStatus.NEW
    assert IncidentEventType.REOPENED in [event.type for event in second]
