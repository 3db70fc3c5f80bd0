"""What a person is told: titles and messages that match the incident as it is now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
)
from custom_components.health_monitor.engine.incidents.events import (
    IncidentEvent,
    IncidentEventType,
    Notification,
    notification_for,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
HEALTHY = HealthStatus.HEALTHY
WARNING = HealthStatus.WARNING
CRITICAL = HealthStatus.CRITICAL


def health(status: HealthStatus, message: str | None = None) -> ComponentHealth:
    """Return the health of the broker in ``status``."""
    return ComponentHealth(
        component_id="broker",
        name="Broker",
        component_type=ComponentType.MQTT,
        status=status,
        message=message or f"broker is {status}",
    )


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def tracker() -> IncidentTracker:
    """Return a tracker where one failing check opens (debounce tested elsewhere)."""
    return IncidentTracker(IncidentSettings(failure_threshold=1))


def only(events: list[IncidentEvent], event_type: IncidentEventType) -> IncidentEvent:
    """Return the one event of ``event_type`` in ``events``."""
    (event,) = [event for event in events if event.type is event_type]
    return event


def notify(event: IncidentEvent) -> Notification:
    """Return the notification of ``event``, which must have one."""
    notification = notification_for(event)
    assert notification is not None
    return notification


def test_opened_names_the_status_severity_and_failure(
    tracker: IncidentTracker,
) -> None:
    """An opened incident says what is wrong, how bad, and which incident."""
    (event,) = tracker.observe(health(CRITICAL, "Lost the connection"), T0)
    assert notify(event) == Notification(
        "Broker is critical",
        f"Critical incident opened: Lost the connection [{event.incident_id}]",
    )


def test_title_follows_the_component_as_it_worsens(tracker: IncidentTracker) -> None:
    """Warning then critical: the incident's title and severity say critical."""
    (opened,) = tracker.observe(health(WARNING), T0)
    tracker.observe(health(CRITICAL, "Lost the connection"), at(1))
    incident = tracker.get(opened.incident_id)
    assert incident.title == "Broker is critical"
    assert incident.description == "Lost the connection"
    (escalated,) = tracker.review(at(31))
    assert notify(escalated) == Notification(
        "Broker is critical (escalated to emergency)",
        "Not acknowledged, escalated to emergency: Lost the connection "
        f"[{opened.incident_id}]",
    )


def test_title_follows_an_improving_status_while_failing(
    tracker: IncidentTracker,
) -> None:
    """Critical then warning: the title no longer claims critical."""
    (opened,) = tracker.observe(health(CRITICAL), T0)
    tracker.observe(health(WARNING), at(1))
    assert tracker.get(opened.incident_id).title == "Broker is warning"


def test_healthy_check_keeps_the_title_of_the_failure(
    tracker: IncidentTracker,
) -> None:
    """While it waits to resolve, the incident still says what went wrong."""
    (opened,) = tracker.observe(health(CRITICAL), T0)
    tracker.observe(health(HEALTHY), at(1))
    assert tracker.get(opened.incident_id).title == "Broker is critical"


def test_escalation_names_the_new_severity(tracker: IncidentTracker) -> None:
    """Escalated from minor: the title keeps the status, the severity is new."""
    (opened,) = tracker.observe(health(WARNING, "slow"), T0)
    (escalated,) = tracker.review(at(30))
    assert notify(escalated).title == "Broker is warning (escalated to major)"
    assert "major" in notify(escalated).message


def test_automatic_resolve_says_recovered_and_for_how_long(
    tracker: IncidentTracker,
) -> None:
    """A recovered component is not described by its old failure."""
    (opened,) = tracker.observe(health(CRITICAL, "Lost the connection"), T0)
    tracker.observe(health(HEALTHY), at(11))
    resolved = only(
        tracker.observe(health(HEALTHY), at(12)), IncidentEventType.RESOLVED
    )
    notification = notify(resolved)
    assert notification == Notification(
        "Broker recovered",
        f"Broker recovered (was critical for 12 min) [{opened.incident_id}]",
    )
    assert "Lost the connection" not in notification.message


def test_resolve_after_escalation_names_the_severity_reached(
    tracker: IncidentTracker,
) -> None:
    """The resolve message states how bad it became, not how it started."""
    tracker.observe(health(WARNING), T0)
    tracker.review(at(30))
    tracker.observe(health(HEALTHY), at(40))
    resolved = only(
        tracker.observe(health(HEALTHY), at(41)), IncidentEventType.RESOLVED
    )
    assert "(was major for 41 min)" in notify(resolved).message


def test_resolve_by_a_person_names_them_and_the_note(
    tracker: IncidentTracker,
) -> None:
    """A person's resolve is not a recovery: it says who resolved it and why."""
    (opened,) = tracker.observe(health(CRITICAL), T0)
    (resolved,) = tracker.change(
        opened.incident_id,
        IncidentStatus.RESOLVED,
        actor="Alice",
        note="replaced the cable",
        now=at(125),
    )
    assert notify(resolved) == Notification(
        "Broker: incident resolved by Alice",
        "Resolved by Alice (was critical for 2 h 5 min): replaced the cable "
        f"[{opened.incident_id}]",
    )


def test_resolve_by_the_system_with_a_note_is_not_a_recovery(
    tracker: IncidentTracker,
) -> None:
    """E.g. a removed target: resolved with a reason, the component did not recover."""
    (opened,) = tracker.observe(health(CRITICAL), T0)
    (resolved,) = tracker.change(
        opened.incident_id,
        IncidentStatus.RESOLVED,
        actor="system",
        note="target removed",
        now=at(0.5),
    )
    assert notify(resolved) == Notification(
        "Broker: incident resolved",
        f"Resolved (was critical for 30 s): target removed [{opened.incident_id}]",
    )


def test_reopened_says_again_and_counts_from_the_reopen(
    tracker: IncidentTracker,
) -> None:
    """A reopen is told like an opening; the next resolve counts from the reopen."""
    (opened,) = tracker.observe(health(CRITICAL), T0)
    tracker.observe(health(HEALTHY), at(1))
    tracker.observe(health(HEALTHY), at(2))
    (reopened,) = tracker.observe(health(CRITICAL, "Refused"), at(3 * 60))
    assert notify(reopened) == Notification(
        "Broker is critical again",
        f"Critical incident reopened: Refused [{opened.incident_id}]",
    )
    tracker.observe(health(HEALTHY), at(3 * 60 + 1))
    resolved = only(
        tracker.observe(health(HEALTHY), at(3 * 60 + 4)), IncidentEventType.RESOLVED
    )
    assert "(was critical for 4 min)" in notify(resolved).message


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(0.75, "45 s"), (1, "1 min"), (60, "1 h"), (61.5, "1 h 1 min"), (1500, "1 d 1 h")],
)
def test_durations_read_naturally(
    tracker: IncidentTracker, minutes: float, said: str
) -> None:
    """Seconds below a minute, then minutes, hours and days (two units at most)."""
    (opened,) = tracker.observe(health(CRITICAL), T0)
    (resolved,) = tracker.change(
        opened.incident_id, IncidentStatus.RESOLVED, actor="Bob", now=at(minutes)
    )
    assert f"for {said})" in notify(resolved).message


@pytest.mark.parametrize(
    "event_type",
    [
        IncidentEventType.UPDATED,
        IncidentEventType.ACKNOWLEDGED,
        IncidentEventType.RECOVERY_ATTEMPTED,
        IncidentEventType.CLOSED,
    ],
)
def test_other_events_are_not_notified(
    tracker: IncidentTracker, event_type: IncidentEventType
) -> None:
    """Only opened, reopened, escalated and resolved reach people."""
    (opened,) = tracker.observe(health(CRITICAL), T0)
    incident = tracker.get(opened.incident_id)
    assert notification_for(IncidentEvent.of(event_type, incident, at(1))) is None
