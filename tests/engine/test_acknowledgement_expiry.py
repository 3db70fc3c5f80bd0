"""Acknowledgements that expire: back to new, escalated once, the note kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
    Severity,
    TimelineEvent,
    incident_summary,
)
from custom_components.health_monitor.engine.incidents.acknowledgement import (
    next_expiry,
)
from custom_components.health_monitor.engine.incidents.events import (
    IncidentEventType,
    notification_for,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


def health(status: HealthStatus) -> ComponentHealth:
    """Return the health of the database in ``status``."""
    return ComponentHealth(
        component_id="database",
        name="Database",
        component_type=ComponentType.DATABASE,
        status=status,
        message=f"database is {status}",
    )


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def tracker() -> IncidentTracker:
    """Return a tracker where one failing check opens (debounce tested elsewhere)."""
    return IncidentTracker(IncidentSettings(failure_threshold=1))


def acknowledged_for(
    tracker: IncidentTracker,
    expires_in: timedelta = HALF_HOUR,
    note: str | None = "restarting it",
) -> str:
    """Open a minor incident at T0, acknowledge it at minute 1 for ``expires_in``."""
    (opened,) = tracker.observe(health(HealthStatus.WARNING), T0)
    tracker.change(
        opened.incident_id,
        IncidentStatus.ACKNOWLEDGED,
        actor="alice",
        note=note,
        now=at(1),
        expires_in=expires_in,
    )
    return opened.incident_id


def test_acknowledging_for_a_while_sets_acknowledged_until(
    tracker: IncidentTracker,
) -> None:
    """The expiry is the acknowledge time plus expires_in, in the summary too."""
    incident = tracker.get(acknowledged_for(tracker))
    assert incident.acknowledged_until == at(31)
    assert incident.acknowledgement_note == "restarting it"
    assert incident.timeline[-1].details["until"] == at(31).isoformat()
    assert incident_summary(incident)["acknowledged_until"] == at(31).isoformat()


def test_plain_acknowledgement_has_no_expiry(tracker: IncidentTracker) -> None:
    """Without expires_in an acknowledgement lasts until the incident is resolved."""
    (opened,) = tracker.observe(health(HealthStatus.WARNING), T0)
    tracker.change(opened.incident_id, IncidentStatus.ACKNOWLEDGED, actor="bob")
    incident = tracker.get(opened.incident_id)
    assert incident.acknowledged_until is None
    assert tracker.review(at(60 * 24 * 40)) == []
    assert incident.status is IncidentStatus.ACKNOWLEDGED


def test_no_expiry_one_second_before_acknowledged_until(
    tracker: IncidentTracker,
) -> None:
    """Until the expiry the incident stays acknowledged."""
    incident_id = acknowledged_for(tracker)
    assert tracker.review(at(31) - timedelta(seconds=1)) == []
    assert tracker.get(incident_id).status is IncidentStatus.ACKNOWLEDGED


def test_expiry_at_exactly_acknowledged_until_escalates_once(
    tracker: IncidentTracker,
) -> None:
    """At the expiry: new again, one level up, one event saying the acknowledgement expired."""
    incident_id = acknowledged_for(tracker)

    (event,) = tracker.review(at(31))

    incident = tracker.get(incident_id)
    assert incident.status is IncidentStatus.NEW
    assert incident.severity is Severity.MAJOR
    assert incident.escalation_level == 1
    assert incident.acknowledged_until is None
    assert incident.acknowledged_by is None
    assert incident.reopened_at is None
    assert event.type is IncidentEventType.ESCALATED
    assert event.details["acknowledgement_expired"] is True
    assert event.details["escalation_level"] == 1
    notification = notification_for(event)
    assert notification is not None
    assert notification.title == (
        "Database is warning (acknowledgement expired, escalated to major)"
    )
    assert notification.message.startswith(
        "Acknowledgement by alice expired, escalated to major: "
    )


def test_the_timeline_says_the_acknowledgement_expired_with_its_note(
    tracker: IncidentTracker,
) -> None:
    """The reason is kept: who acknowledged, when, until when and their note."""
    incident_id = acknowledged_for(tracker)
    tracker.review(at(31))

    entries = list(tracker.get(incident_id).timeline)
    expired = next(
        entry
        for entry in entries
        if entry.event is TimelineEvent.ACKNOWLEDGEMENT_EXPIRED
    )
    assert expired.actor == "system"
    assert expired.details == {
        "from": "acknowledged",
        "to": "new",
        "acknowledged_by": "alice",
        "acknowledged_at": at(1).isoformat(),
        "until": at(31).isoformat(),
        "note": "restarting it",
    }
    assert TimelineEvent.REOPENED not in [entry.event for entry in entries]
    assert entries[-1].event is TimelineEvent.ESCALATED


def test_next_level_is_one_interval_after_the_expiry(
    tracker: IncidentTracker,
) -> None:
    """The expiry starts the escalation clock again: no burst of levels."""
    incident_id = acknowledged_for(tracker)
    tracker.review(at(31))
    assert tracker.review(at(60)) == []
    (event,) = tracker.review(at(61))
    assert event.type is IncidentEventType.ESCALATED
    assert "acknowledgement_expired" not in event.details
    assert tracker.get(incident_id).severity is Severity.CRITICAL


@pytest.mark.parametrize(
    "status", [IncidentStatus.INVESTIGATING, IncidentStatus.IN_PROGRESS]
)
def test_investigating_and_in_progress_expire_too(
    tracker: IncidentTracker, status: IncidentStatus
) -> None:
    """Working on it keeps the acknowledgement's expiry."""
    incident_id = acknowledged_for(tracker)
    tracker.change(incident_id, IncidentStatus.INVESTIGATING, actor="alice")
    if status is IncidentStatus.IN_PROGRESS:
        tracker.change(incident_id, status, actor="alice")
    (event,) = tracker.review(at(31))
    assert event.type is IncidentEventType.ESCALATED
    assert tracker.get(incident_id).status is IncidentStatus.NEW


def test_resolved_incident_does_not_expire(tracker: IncidentTracker) -> None:
    """Resolving ends the acknowledgement's expiry."""
    incident_id = acknowledged_for(tracker)
    tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice")
    assert tracker.get(incident_id).acknowledged_until is None
    assert tracker.review(at(31)) == []
    assert tracker.get(incident_id).status is IncidentStatus.RESOLVED


def test_plain_acknowledgement_again_clears_the_expiry(
    tracker: IncidentTracker,
) -> None:
    """After an expiry, a plain acknowledgement lasts."""
    incident_id = acknowledged_for(tracker)
    tracker.review(at(31))
    tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="bob", now=at(32))
    assert tracker.get(incident_id).acknowledged_until is None
    assert tracker.get(incident_id).acknowledgement_note is None
    assert tracker.review(at(600)) == []


def test_emergency_incident_is_told_without_escalating(
    tracker: IncidentTracker,
) -> None:
    """Nothing is above emergency: an update says the acknowledgement expired."""
    (opened,) = tracker.observe(health(HealthStatus.CRITICAL), T0)
    tracker.review(at(30))
    assert tracker.get(opened.incident_id).severity is Severity.EMERGENCY
    tracker.change(
        opened.incident_id,
        IncidentStatus.ACKNOWLEDGED,
        actor="alice",
        now=at(31),
        expires_in=HALF_HOUR,
    )

    (event,) = tracker.review(at(61))

    assert event.type is IncidentEventType.UPDATED
    assert event.details["acknowledgement_expired"] is True
    notification = notification_for(event)
    assert notification is not None
    assert notification.title == "Database is critical (acknowledgement expired)"
    assert "still emergency" in notification.message


def test_healthy_component_goes_back_to_new_without_escalating(
    tracker: IncidentTracker,
) -> None:
    """A component about to resolve does not escalate (as with any escalation)."""
    incident_id = acknowledged_for(tracker)
    tracker.observe(health(HealthStatus.HEALTHY), at(20))
    (event,) = tracker.review(at(31))
    assert event.type is IncidentEventType.UPDATED
    assert tracker.get(incident_id).status is IncidentStatus.NEW
    assert tracker.get(incident_id).severity is Severity.MINOR


@pytest.mark.parametrize(
    "expires_in",
    [timedelta(seconds=59), timedelta(days=30, seconds=1), timedelta(minutes=-5)],
)
def test_expiry_outside_one_minute_to_thirty_days_is_refused(
    tracker: IncidentTracker, expires_in: timedelta
) -> None:
    """The engine refuses what the services refuse, and changes nothing."""
    (opened,) = tracker.observe(health(HealthStatus.WARNING), T0)
    with pytest.raises(ValueError):
        tracker.change(
            opened.incident_id,
            IncidentStatus.ACKNOWLEDGED,
            actor="alice",
            expires_in=expires_in,
        )
    assert tracker.get(opened.incident_id).status is IncidentStatus.NEW


def test_only_an_acknowledgement_expires(tracker: IncidentTracker) -> None:
    """Resolving for a while means nothing."""
    (opened,) = tracker.observe(health(HealthStatus.WARNING), T0)
    with pytest.raises(ValueError):
        tracker.change(
            opened.incident_id,
            IncidentStatus.RESOLVED,
            actor="alice",
            expires_in=HALF_HOUR,
        )
    assert tracker.get(opened.incident_id).status is IncidentStatus.NEW


def test_next_expiry_is_the_earliest_of_the_open_incidents(
    tracker: IncidentTracker,
) -> None:
    """What the HA layer sets its timer to."""
    assert next_expiry(tracker.list_incidents()) is None
    acknowledged_for(tracker)
    assert next_expiry(tracker.list_incidents()) == at(31)


def restarted(
    tracker: IncidentTracker, **changes: Any
) -> tuple[IncidentTracker, list[str]]:
    """Return a new tracker restored from ``tracker``'s export, changed as asked."""
    data = tracker.export()
    data["incidents"][0].update(changes)
    again = IncidentTracker(tracker.settings)
    skipped = again.restore(data)
    return again, skipped


def test_expiry_survives_a_restart_and_comes_due_after_it(
    tracker: IncidentTracker,
) -> None:
    """Stored with the incident: an expiry passed while stopped happens at the first review."""
    incident_id = acknowledged_for(tracker)
    again, skipped = restarted(tracker)
    assert skipped == []
    incident = again.get(incident_id)
    assert incident.acknowledged_until == at(31)
    assert incident.acknowledgement_note == "restarting it"

    (event,) = again.review(at(95))
    assert event.type is IncidentEventType.ESCALATED
    assert again.get(incident_id).status is IncidentStatus.NEW


def test_files_without_the_expiry_still_load(tracker: IncidentTracker) -> None:
    """Incidents stored by an older version have neither key."""
    incident_id = acknowledged_for(tracker)
    data = tracker.export()
    del data["incidents"][0]["acknowledged_until"]
    del data["incidents"][0]["acknowledgement_note"]
    again = IncidentTracker(tracker.settings)
    assert again.restore(data) == []
    assert again.get(incident_id).acknowledged_until is None
    assert again.get(incident_id).status is IncidentStatus.ACKNOWLEDGED


@pytest.mark.parametrize(
    ("changes", "skipped_part"),
    [
        ({"acknowledged_until": "tomorrow"}, "acknowledgement expiry"),
        ({"acknowledged_until": 1700000000}, "acknowledgement expiry"),
        (
            {"status": "new", "acknowledged_at": None, "acknowledged_by": None},
            "acknowledgement expiry",
        ),
        ({"acknowledgement_note": ["a"]}, "acknowledgement note"),
        ({"acknowledgement_note": "x" * 2001}, "acknowledgement note"),
    ],
)
def test_unreadable_expiry_or_note_is_skipped_and_named(
    tracker: IncidentTracker, changes: dict[str, Any], skipped_part: str
) -> None:
    """Never coerced: the part is left out and named; the incident is kept."""
    incident_id = acknowledged_for(tracker)
    again, skipped = restarted(tracker, **changes)
    assert skipped == [f"{incident_id}: {skipped_part}"]
    incident = again.get(incident_id)
    if skipped_part == "acknowledgement expiry":
        assert incident.acknowledged_until is None
    else:
        assert incident.acknowledgement_note is None
