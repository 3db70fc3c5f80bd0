"""Digests: several incident events told in one message that counts and names them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
)
from custom_components.health_monitor.engine.incidents.digest import (
    MAX_DIGEST_LINE_LENGTH,
    MAX_DIGEST_LINES,
    digest,
)
from custom_components.health_monitor.engine.incidents.events import (
    IncidentEvent,
    Notification,
    notification_for,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def health(
    index: int, status: HealthStatus, message: str | None = None
) -> ComponentHealth:
    """Return the health of endpoint ``index``."""
    return ComponentHealth(
        component_id=f"endpoint_{index}",
        name=f"Endpoint {index}",
        component_type=ComponentType.HTTP_ENDPOINT,
        status=status,
        message=message or f"endpoint {index} is {status}",
    )


def tracker() -> IncidentTracker:
    """Return a tracker where one failing or healthy check is enough."""
    return IncidentTracker(
        IncidentSettings(failure_threshold=1, healthy_checks_to_resolve=1)
    )


def opened(count: int, incidents: IncidentTracker | None = None) -> list[IncidentEvent]:
    """Open ``count`` critical incidents in one cycle at T0."""
    incidents = incidents or tracker()
    return incidents.observe_all(
        [health(index, HealthStatus.CRITICAL) for index in range(count)], T0
    )


def test_no_notified_event_makes_no_message() -> None:
    """Updates and acknowledgements are not told, alone or together."""
    incidents = tracker()
    (event,) = opened(1, incidents)
    events = incidents.change(
        event.incident_id, IncidentStatus.ACKNOWLEDGED, actor="alice"
    )
    assert digest(events) is None
    assert digest([]) is None


def test_one_event_keeps_its_own_message() -> None:
    """A single incident gets the normal message, not a digest of one."""
    (event,) = opened(1)
    assert digest([event]) == notification_for(event)


def test_three_opened_in_one_cycle_make_one_message_naming_each() -> None:
    """The title counts them; each line names component, severity and incident."""
    events = opened(3)

    notification = digest(events)

    assert notification is not None
    assert notification.title == "3 incidents opened"
    assert notification.message.splitlines() == [
        f"Endpoint {index} (critical) opened: endpoint {index} is critical "
        f"[{event.incident_id}]"
        for index, event in enumerate(events)
    ]


def test_opened_and_resolved_together_are_counted_apart() -> None:
    """Resolved lines say how long and how bad, not the failure again."""
    incidents = tracker()
    opened(2, incidents)
    later = T0 + timedelta(minutes=5)
    events = incidents.observe_all(
        [
            health(0, HealthStatus.HEALTHY),
            health(1, HealthStatus.CRITICAL),
            health(2, HealthStatus.CRITICAL),
            health(3, HealthStatus.CRITICAL),
        ],
        later,
    )

    notification = digest(events)

    assert notification is not None
    assert notification.title == "2 incidents opened, 1 resolved"
    lines = notification.message.splitlines()
    assert lines[0].startswith(
        "Endpoint 0 (critical) resolved: was critical for 5 min ["
    )
    assert lines[1].startswith("Endpoint 2 (critical) opened: ")


def test_one_of_a_kind_first_says_incident() -> None:
    """One opened and two resolved: "1 incident opened, 2 resolved"."""
    incidents = tracker()
    opened(2, incidents)
    events = incidents.observe_all(
        [
            health(0, HealthStatus.HEALTHY),
            health(1, HealthStatus.HEALTHY),
            health(2, HealthStatus.CRITICAL),
        ],
        T0 + timedelta(minutes=1),
    )
    notification = digest(events)
    assert notification is not None
    assert notification.title == "1 incident opened, 2 resolved"


def test_quiet_events_are_left_out() -> None:
    """Told to nobody: a quiet event neither counts nor is named."""
    first, second, third = opened(3)
    quiet = replace(second, quiet=True)
    assert notification_for(quiet) is None

    notification = digest([first, quiet, third])

    assert notification is not None
    assert notification.title == "2 incidents opened"
    assert second.incident_id not in notification.message
    assert digest([first, quiet]) == notification_for(first)


def test_past_the_line_limit_the_rest_are_counted() -> None:
    """The message stays bounded: the first lines, then "and K more"."""
    events = opened(MAX_DIGEST_LINES + 5)

    notification = digest(events)

    assert notification is not None
    assert notification.title == f"{MAX_DIGEST_LINES + 5} incidents opened"
    lines = notification.message.splitlines()
    assert len(lines) == MAX_DIGEST_LINES + 1
    assert lines[-1] == "and 5 more"


def test_a_long_description_is_cut_but_keeps_the_incident_id() -> None:
    """Each line is bounded; the id at its end is what a person looks up."""
    incidents = tracker()
    events = incidents.observe_all(
        [
            health(0, HealthStatus.CRITICAL, "x" * 1000),
            health(1, HealthStatus.CRITICAL),
        ],
        T0,
    )
    notification = digest(events)
    assert isinstance(notification, Notification)
    first = notification.message.splitlines()[0]
    assert len(first) == MAX_DIGEST_LINE_LENGTH
    assert first.endswith(f"… [{events[0].incident_id}]")


def test_expired_acknowledgements_are_counted_as_such() -> None:
    """An escalation caused by an expiry is named for what it is."""
    incidents = tracker()
    events = opened(2, incidents)
    for event in events:
        incidents.change(
            event.incident_id,
            IncidentStatus.ACKNOWLEDGED,
            actor="alice",
            now=T0,
            expires_in=timedelta(minutes=10),
        )

    expired = incidents.review(T0 + timedelta(minutes=10))

    notification = digest(expired)
    assert notification is not None
    assert notification.title == "2 acknowledgements expired"
    assert "(emergency) acknowledgement expired, escalated: " in notification.message
