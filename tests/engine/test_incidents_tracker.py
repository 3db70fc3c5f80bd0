"""From component health to incidents: opening, updating, resolving, closing, reopening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.health_monitor.engine.incidents import (
    IncidentScope,
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
    IncidentTransitionError,
    Severity,
    TimelineEvent,
    UnknownIncidentError,
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
WARNING = HealthStatus.WARNING
DEGRADED = HealthStatus.DEGRADED
CRITICAL = HealthStatus.CRITICAL
HEALTHY = HealthStatus.HEALTHY
UNKNOWN = HealthStatus.UNKNOWN


def health(
    status: HealthStatus,
    component_id: str = "database",
    message: str | None = None,
) -> ComponentHealth:
    """Return the health of a database component in ``status``."""
    return ComponentHealth(
        component_id=component_id,
        name=component_id.title(),
        component_type=ComponentType.DATABASE,
        status=status,
        message=message if message is not None else f"{component_id} is {status}",
    )


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def types(events: list[IncidentEvent]) -> list[IncidentEventType]:
    """Return the types of ``events`` in order."""
    return [event.type for event in events]


@pytest.fixture
def tracker() -> IncidentTracker:
    """Return a tracker with the default settings."""
    return IncidentTracker(IncidentSettings(failure_threshold=1))


def open_incident(tracker: IncidentTracker, status: HealthStatus = CRITICAL) -> str:
    """Open an incident for the database at T0 and return its id."""
    (event,) = tracker.observe(health(status), T0)
    return event.incident_id


def test_default_settings_follow_the_specification() -> None:
    """Warning opens, two healthy checks resolve, 60 min close, 30 min escalation."""
    settings = IncidentSettings()
    assert settings.open_threshold is WARNING
    assert settings.healthy_checks_to_resolve == 2
    assert settings.close_after == timedelta(minutes=60)
    assert settings.escalation_interval == timedelta(minutes=30)
    assert settings.max_timeline_entries == 200
    assert settings.max_incidents == 1000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"open_threshold": HEALTHY}, "failing status"),
        ({"healthy_checks_to_resolve": 0}, "healthy check"),
        ({"close_after": timedelta(seconds=-1)}, "negative"),
        ({"escalation_interval": timedelta(0)}, "positive"),
        ({"max_timeline_entries": 1}, "two entries"),
        ({"max_incidents": 0}, "at least one"),
    ],
)
def test_settings_reject_unworkable_values(
    changes: dict[str, Any], message: str
) -> None:
    """Settings the rules cannot work with raise ValueError."""
    with pytest.raises(ValueError, match=message):
        IncidentSettings(**changes)


@pytest.mark.parametrize(
    ("status", "severity"),
    [
        (WARNING, Severity.MINOR),
        (DEGRADED, Severity.MAJOR),
        (CRITICAL, Severity.CRITICAL),
    ],
)
def test_failing_status_opens_incident_with_mapped_severity(
    tracker: IncidentTracker, status: HealthStatus, severity: Severity
) -> None:
    """Warning opens minor, degraded major, critical critical."""
    (event,) = tracker.observe(health(status), T0)
    assert event.type is IncidentEventType.OPENED
    assert tracker.get(event.incident_id).severity is severity


def test_unknown_opens_info_incident_when_threshold_is_unknown() -> None:
    """An unknown status maps to info severity."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, open_threshold=UNKNOWN)
    )
    (event,) = tracker.observe(health(UNKNOWN), T0)
    assert event.severity is Severity.INFO


@pytest.mark.parametrize("threshold", [UNKNOWN, WARNING, DEGRADED, CRITICAL])
@pytest.mark.parametrize("status", list(HealthStatus))
def test_opening_threshold_orders_unknown_warning_degraded_critical(
    threshold: HealthStatus, status: HealthStatus
) -> None:
    """A status opens an incident iff it is at or above the threshold; healthy never."""
    order = [UNKNOWN, WARNING, DEGRADED, CRITICAL]
    expected = status in order and order.index(status) >= order.index(threshold)
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, open_threshold=threshold)
    )
    assert bool(tracker.observe(health(status), T0)) is expected


def test_healthy_component_opens_nothing(tracker: IncidentTracker) -> None:
    """A healthy component has no incident."""
    assert tracker.observe(health(HEALTHY), T0) == []
    assert tracker.incident_for("database") is None


def test_opened_incident_describes_its_component(tracker: IncidentTracker) -> None:
    """A new incident carries id, title, description, component and timestamps."""
    incident = tracker.get(open_incident(tracker))
    assert incident.id == "INC-20250301-0001"
    assert incident.title == "Database is critical"
    assert incident.description == "database is critical"
    assert (incident.component_id, incident.component_name) == ("database", "Database")
    assert incident.component_type is ComponentType.DATABASE
    assert incident.status is IncidentStatus.NEW
    assert (incident.created_at, incident.created_by) == (T0, "system")
    assert incident.updated_at == T0
    assert incident.escalation_level == 0


def test_opening_is_the_first_timeline_entry(tracker: IncidentTracker) -> None:
    """The timeline starts with the opening, its status, severity and message."""
    incident = tracker.get(open_incident(tracker))
    (entry,) = incident.timeline
    assert entry.event is TimelineEvent.OPENED
    assert (entry.time, entry.actor) == (T0, "system")
    assert entry.details == {
        "component_status": "critical",
        "severity": "critical",
        "message": "database is critical",
    }


def test_opened_event_carries_a_snapshot(tracker: IncidentTracker) -> None:
    """The event names the incident and holds its summary at that moment."""
    (event,) = tracker.observe(health(CRITICAL), T0)
    assert event.component_id == "database"
    assert event.status is IncidentStatus.NEW
    assert event.time == T0
    assert event.incident["id"] == event.incident_id
    assert event.incident["severity"] == "critical"
    assert "timeline" not in event.incident


def test_event_snapshot_does_not_follow_later_changes(
    tracker: IncidentTracker,
) -> None:
    """An event handed out earlier keeps the state it described."""
    (event,) = tracker.observe(health(WARNING), T0)
    tracker.observe(health(CRITICAL), at(1))
    assert event.incident["severity"] == "minor"


def test_event_as_dict_is_plain_data(tracker: IncidentTracker) -> None:
    """Event data for the HA bus uses plain strings."""
    (event,) = tracker.observe(health(CRITICAL), T0)
    data = event.as_dict()
    assert data["type"] == "opened"
    assert data["severity"] == "critical"
    assert data["status"] == "new"
    assert data["time"] == T0.isoformat()
    assert data["details"] == {}


def test_later_failures_update_the_same_incident(tracker: IncidentTracker) -> None:
    """A component has at most one open incident."""
    incident_id = open_incident(tracker, WARNING)
    tracker.observe(health(CRITICAL), at(1))
    tracker.observe(health(DEGRADED), at(2))
    assert [i.id for i in tracker.list_incidents(IncidentScope.ALL)] == [incident_id]


def test_each_component_gets_its_own_incident(tracker: IncidentTracker) -> None:
    """Two failing components open two incidents with distinct ids."""
    (first,) = tracker.observe(health(CRITICAL, "database"), T0)
    (second,) = tracker.observe(health(CRITICAL, "mqtt"), T0)
    assert first.incident_id != second.incident_id
    assert tracker.incident_for("mqtt") is tracker.get(second.incident_id)


def test_repeated_status_adds_nothing(tracker: IncidentTracker) -> None:
    """Two hundred identical checks neither emit events nor grow the timeline."""
    incident_id = open_incident(tracker)
    events = [e for n in range(200) for e in tracker.observe(health(CRITICAL), at(n))]
    assert events == []
    incident = tracker.get(incident_id)
    assert len(incident.timeline) == 1
    assert incident.updated_at == T0


def test_message_change_alone_adds_nothing(tracker: IncidentTracker) -> None:
    """Only a change of status is worth a timeline entry."""
    incident_id = open_incident(tracker)
    assert tracker.observe(health(CRITICAL, message="still refused"), at(1)) == []
    assert len(tracker.get(incident_id).timeline) == 1


def test_worse_status_raises_severity(tracker: IncidentTracker) -> None:
    """Warning to critical turns a minor incident critical and says so."""
    incident_id = open_incident(tracker, WARNING)
    (event,) = tracker.observe(health(CRITICAL), at(1))
    assert event.type is IncidentEventType.UPDATED
    assert event.severity is Severity.CRITICAL
    assert event.details == {
        "from": "warning",
        "component_status": "critical",
        "severity": "critical",
        "message": "database is critical",
        "previous_severity": "minor",
    }
    entry = tracker.get(incident_id).timeline[-1]
    assert entry.event is TimelineEvent.COMPONENT_STATUS_CHANGED
    assert entry.time == at(1)


def test_better_failing_status_lowers_severity(tracker: IncidentTracker) -> None:
    """Critical to warning lowers the severity to minor."""
    incident_id = open_incident(tracker, CRITICAL)
    tracker.observe(health(WARNING), at(1))
    assert tracker.get(incident_id).severity is Severity.MINOR


def test_status_change_updates_description(tracker: IncidentTracker) -> None:
    """The description follows the latest failing message."""
    incident_id = open_incident(tracker, WARNING)
    tracker.observe(health(CRITICAL, message="connection refused"), at(1))
    assert tracker.get(incident_id).description == "connection refused"


def test_severity_never_drops_below_the_escalated_level(
    tracker: IncidentTracker,
) -> None:
    """An escalated incident keeps its severity when the status improves."""
    incident_id = open_incident(tracker, DEGRADED)
    tracker.review(at(30))
    tracker.observe(health(WARNING), at(31))
    assert tracker.get(incident_id).severity is Severity.CRITICAL


def test_worse_status_raises_severity_above_the_escalated_level(
    tracker: IncidentTracker,
) -> None:
    """The escalated level is a floor, not a cap."""
    incident_id = open_incident(tracker, WARNING)
    tracker.review(at(30))
    tracker.observe(health(CRITICAL), at(31))
    assert tracker.get(incident_id).severity is Severity.CRITICAL


def test_unknown_status_keeps_severity(tracker: IncidentTracker) -> None:
    """A component we cannot see is no better than before."""
    incident_id = open_incident(tracker, CRITICAL)
    (event,) = tracker.observe(health(UNKNOWN), at(1))
    incident = tracker.get(incident_id)
    assert event.type is IncidentEventType.UPDATED
    assert incident.severity is Severity.CRITICAL
    assert incident.component_status is UNKNOWN
    assert incident.description == "database is critical"


def test_healthy_check_is_recorded_without_lowering_severity(
    tracker: IncidentTracker,
) -> None:
    """The first healthy check is a status change; the severity stays."""
    incident_id = open_incident(tracker, CRITICAL)
    assert types(tracker.observe(health(HEALTHY), at(1))) == [IncidentEventType.UPDATED]
    incident = tracker.get(incident_id)
    assert incident.severity is Severity.CRITICAL
    assert incident.status is IncidentStatus.NEW


def test_flapping_for_200_cycles_keeps_one_incident_and_a_bounded_timeline(
    tracker: IncidentTracker,
) -> None:
    """Warning/critical flapping never duplicates the incident or grows the timeline past 200."""
    for cycle in range(200):
        tracker.observe(health(WARNING), at(2 * cycle))
        tracker.observe(health(CRITICAL), at(2 * cycle + 1))
    (incident,) = tracker.list_incidents(IncidentScope.ALL)
    assert len(incident.timeline) == 200
    assert incident.timeline[0].event is TimelineEvent.OPENED
    assert incident.timeline[-1].time == at(399)


def test_healthy_flapping_never_resolves_and_keeps_one_incident(
    tracker: IncidentTracker,
) -> None:
    """Single healthy checks between failures never reach the resolve count."""
    for cycle in range(200):
        tracker.observe(health(WARNING), at(2 * cycle))
        tracker.observe(health(HEALTHY), at(2 * cycle + 1))
    (incident,) = tracker.list_incidents(IncidentScope.ALL)
    assert incident.status is IncidentStatus.NEW
    assert len(incident.timeline) <= 200


def test_one_healthy_check_does_not_resolve(tracker: IncidentTracker) -> None:
    """A single healthy check is not enough by default."""
    incident_id = open_incident(tracker)
    tracker.observe(health(HEALTHY), at(1))
    assert tracker.get(incident_id).status is IncidentStatus.NEW


def test_two_healthy_checks_auto_resolve(tracker: IncidentTracker) -> None:
    """The second consecutive healthy check resolves the incident as system."""
    incident_id = open_incident(tracker)
    tracker.observe(health(HEALTHY), at(1))
    events = tracker.observe(health(HEALTHY), at(2))
    incident = tracker.get(incident_id)
    assert types(events) == [IncidentEventType.RESOLVED]
    assert incident.status is IncidentStatus.RESOLVED
    assert (incident.resolved_at, incident.resolved_by) == (at(2), "system")


def test_interrupted_healthy_streak_starts_over(tracker: IncidentTracker) -> None:
    """A failure between healthy checks resets the count."""
    incident_id = open_incident(tracker)
    tracker.observe(health(HEALTHY), at(1))
    tracker.observe(health(WARNING), at(2))
    tracker.observe(health(HEALTHY), at(3))
    assert tracker.get(incident_id).status is IncidentStatus.NEW


def test_unknown_check_breaks_the_healthy_streak(tracker: IncidentTracker) -> None:
    """Only healthy checks count towards resolving."""
    incident_id = open_incident(tracker)
    tracker.observe(health(HEALTHY), at(1))
    tracker.observe(health(UNKNOWN), at(2))
    tracker.observe(health(HEALTHY), at(3))
    assert tracker.get(incident_id).status is IncidentStatus.NEW


def test_healthy_checks_to_resolve_is_a_setting() -> None:
    """With three required, the third healthy check resolves."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, healthy_checks_to_resolve=3)
    )
    incident_id = open_incident(tracker)
    tracker.observe(health(HEALTHY), at(1))
    tracker.observe(health(HEALTHY), at(2))
    assert tracker.get(incident_id).status is IncidentStatus.NEW
    tracker.observe(health(HEALTHY), at(3))
    assert tracker.get(incident_id).status is IncidentStatus.RESOLVED


def test_acknowledged_incident_also_auto_resolves(tracker: IncidentTracker) -> None:
    """Every open status resolves on recovery, not only new."""
    incident_id = open_incident(tracker)
    tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(1))
    tracker.change(incident_id, IncidentStatus.INVESTIGATING, actor="alice", now=at(1))
    tracker.observe(health(HEALTHY), at(2))
    tracker.observe(health(HEALTHY), at(3))
    assert tracker.get(incident_id).status is IncidentStatus.RESOLVED


def resolved_incident(tracker: IncidentTracker) -> str:
    """Open an incident at T0 and let it auto-resolve at T0 + 2 min."""
    incident_id = open_incident(tracker)
    tracker.observe(health(HEALTHY), at(1))
    tracker.observe(health(HEALTHY), at(2))
    return incident_id


def test_resolved_incident_stays_resolved_just_before_an_hour(
    tracker: IncidentTracker,
) -> None:
    """At 59:59 after resolving nothing closes."""
    incident_id = resolved_incident(tracker)
    assert tracker.review(at(2) + timedelta(minutes=59, seconds=59)) == []
    assert tracker.get(incident_id).status is IncidentStatus.RESOLVED


def test_resolved_incident_auto_closes_after_an_hour(tracker: IncidentTracker) -> None:
    """At 60:00 after resolving the incident closes as system."""
    incident_id = resolved_incident(tracker)
    events = tracker.review(at(62))
    incident = tracker.get(incident_id)
    assert types(events) == [IncidentEventType.CLOSED]
    assert incident.status is IncidentStatus.CLOSED
    assert (incident.closed_at, incident.closed_by) == (at(62), "system")
    assert tracker.incident_for("database") is None


def test_close_delay_is_a_setting() -> None:
    """With a ten-minute delay the incident closes ten minutes after resolving."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, close_after=timedelta(minutes=10))
    )
    incident_id = resolved_incident(tracker)
    tracker.review(at(12))
    assert tracker.get(incident_id).status is IncidentStatus.CLOSED


def test_failure_after_close_opens_a_new_incident(tracker: IncidentTracker) -> None:
    """A closed incident never reopens; a new failure gets a new id."""
    first = resolved_incident(tracker)
    tracker.review(at(62))
    (event,) = tracker.observe(health(CRITICAL), at(63))
    assert event.type is IncidentEventType.OPENED
    assert event.incident_id != first
    assert tracker.get(first).status is IncidentStatus.CLOSED


def test_failure_before_close_reopens_the_resolved_incident(
    tracker: IncidentTracker,
) -> None:
    """The same incident comes back as new, with a reopened event."""
    incident_id = resolved_incident(tracker)
    events = tracker.observe(health(WARNING), at(30))
    incident = tracker.get(incident_id)
    assert types(events) == [IncidentEventType.REOPENED]
    assert events[0].incident_id == incident_id
    assert incident.status is IncidentStatus.NEW
    assert incident.reopened_at == at(30)
    assert incident.resolved_at is None
    assert incident.timeline[-1].event is TimelineEvent.REOPENED
    assert incident.timeline[-1].details["component_status"] == "warning"


def test_reopened_incident_takes_the_current_severity(
    tracker: IncidentTracker,
) -> None:
    """A critical incident that comes back as a warning is minor."""
    incident_id = resolved_incident(tracker)
    tracker.observe(health(WARNING), at(30))
    assert tracker.get(incident_id).severity is Severity.MINOR


def test_reopened_incident_needs_a_new_acknowledgement(
    tracker: IncidentTracker,
) -> None:
    """The earlier acknowledgement is cleared (kept in the timeline)."""
    incident_id = open_incident(tracker)
    tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(1))
    tracker.observe(health(HEALTHY), at(2))
    tracker.observe(health(HEALTHY), at(3))
    tracker.observe(health(CRITICAL), at(4))
    incident = tracker.get(incident_id)
    assert incident.acknowledged_by is None
    assert TimelineEvent.ACKNOWLEDGED in [entry.event for entry in incident.timeline]
    assert types(
        tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="bob", now=at(5))
    ) == [IncidentEventType.ACKNOWLEDGED]


def test_status_below_threshold_does_not_reopen() -> None:
    """With a critical threshold a warning leaves the resolved incident resolved."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, open_threshold=CRITICAL)
    )
    incident_id = resolved_incident(tracker)
    assert tracker.observe(health(WARNING), at(30)) == []
    assert tracker.get(incident_id).status is IncidentStatus.RESOLVED


def test_manually_resolved_incident_reopens_while_still_failing(
    tracker: IncidentTracker,
) -> None:
    """Resolving a component that still fails is undone by its next check."""
    incident_id = open_incident(tracker)
    tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(1))
    assert types(tracker.observe(health(CRITICAL), at(2))) == [
        IncidentEventType.REOPENED
    ]


def test_acknowledge_stamps_actor_and_note(tracker: IncidentTracker) -> None:
    """Acknowledging records the person and the note, and emits an event."""
    incident_id = open_incident(tracker)
    (event,) = tracker.change(
        incident_id,
        IncidentStatus.ACKNOWLEDGED,
        actor="alice",
        note="looking",
        now=at(3),
    )
    incident = tracker.get(incident_id)
    assert event.type is IncidentEventType.ACKNOWLEDGED
    assert event.details == {"note": "looking"}
    assert incident.status is IncidentStatus.ACKNOWLEDGED
    assert (incident.acknowledged_at, incident.acknowledged_by) == (at(3), "alice")
    assert incident.timeline[-1].details["note"] == "looking"


def test_set_status_moves_through_investigating_and_in_progress(
    tracker: IncidentTracker,
) -> None:
    """Working statuses are set by hand, one after the other, as updates."""
    incident_id = open_incident(tracker)
    tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(1))
    first = tracker.change(
        incident_id, IncidentStatus.INVESTIGATING, actor="alice", now=at(2)
    )
    second = tracker.change(
        incident_id, IncidentStatus.IN_PROGRESS, actor="bob", now=at(3)
    )
    assert types(first + second) == [IncidentEventType.UPDATED] * 2
    incident = tracker.get(incident_id)
    assert incident.status is IncidentStatus.IN_PROGRESS
    assert (incident.updated_at, incident.updated_by) == (at(3), "bob")


@pytest.mark.parametrize(
    "status",
    [IncidentStatus.NEW, IncidentStatus.CLOSED],
)
def test_change_refuses_statuses_that_only_come_by_themselves(
    tracker: IncidentTracker, status: IncidentStatus
) -> None:
    """New and closed are never set by hand (a reopen comes back as new)."""
    incident_id = open_incident(tracker)
    with pytest.raises(ValueError, match="cannot be set by hand"):
        tracker.change(incident_id, status, actor="alice", now=at(1))


def test_set_status_cannot_skip_acknowledgement(tracker: IncidentTracker) -> None:
    """A new incident cannot go straight to investigating."""
    incident_id = open_incident(tracker)
    with pytest.raises(IncidentTransitionError):
        tracker.change(
            incident_id, IncidentStatus.INVESTIGATING, actor="alice", now=at(1)
        )


def test_refused_acknowledgement_changes_nothing(tracker: IncidentTracker) -> None:
    """Acknowledging twice raises; the incident keeps its first acknowledgement."""
    incident_id = open_incident(tracker)
    tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(1))
    with pytest.raises(IncidentTransitionError):
        tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="bob", now=at(2))
    incident = tracker.get(incident_id)
    assert incident.acknowledged_by == "alice"
    assert incident.updated_at == at(1)
    assert len(incident.timeline) == 2


def test_manual_resolve_stamps_actor_and_note(tracker: IncidentTracker) -> None:
    """A person can resolve an open incident with a note."""
    incident_id = open_incident(tracker)
    (event,) = tracker.change(
        incident_id, IncidentStatus.RESOLVED, actor="alice", note="fixed", now=at(4)
    )
    incident = tracker.get(incident_id)
    assert event.type is IncidentEventType.RESOLVED
    assert (incident.resolved_at, incident.resolved_by) == (at(4), "alice")
    assert incident.timeline[-1].details["note"] == "fixed"


def test_resolving_a_resolved_incident_is_refused(tracker: IncidentTracker) -> None:
    """Resolved is not an open status."""
    incident_id = resolved_incident(tracker)
    with pytest.raises(IncidentTransitionError):
        tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(5))


@pytest.mark.parametrize(
    "operation",
    [
        lambda t: t.change(
            "INC-20990101-0001", IncidentStatus.ACKNOWLEDGED, actor="a", now=T0
        ),
        lambda t: t.change(
            "INC-20990101-0001", IncidentStatus.RESOLVED, actor="a", now=T0
        ),
        lambda t: t.change(
            "INC-20990101-0001", IncidentStatus.INVESTIGATING, actor="a", now=T0
        ),
        lambda t: t.record_recovery_attempt(
            "INC-20990101-0001", "database_reconnect", success=True, now=T0
        ),
        lambda t: t.get("INC-20990101-0001"),
    ],
)
def test_unknown_incident_id_raises_a_domain_error(
    tracker: IncidentTracker, operation: Any
) -> None:
    """Every lookup by id raises UnknownIncidentError for an id not kept."""
    with pytest.raises(UnknownIncidentError):
        operation(tracker)


def test_naive_time_is_refused(tracker: IncidentTracker) -> None:
    """Times must be timezone-aware UTC."""
    with pytest.raises(ValueError, match="timezone-aware"):
        tracker.observe(health(CRITICAL), datetime(2025, 1, 1))  # noqa: DTZ001


def test_time_defaults_to_now(tracker: IncidentTracker) -> None:
    """Without a time the current time is used."""
    before = datetime.now(UTC)
    (event,) = tracker.observe(health(CRITICAL))
    assert before <= event.time <= datetime.now(UTC)


def populated(tracker: IncidentTracker) -> dict[str, str]:
    """Create a new, an acknowledged, a resolved and a closed incident."""
    ids = {}
    for minutes, name in enumerate(["closed", "resolved", "acknowledged", "new"]):
        (event,) = tracker.observe(health(CRITICAL, name), at(minutes * 60))
        ids[name] = event.incident_id
    tracker.change(
        ids["acknowledged"], IncidentStatus.ACKNOWLEDGED, actor="a", now=at(200)
    )
    tracker.change(ids["resolved"], IncidentStatus.RESOLVED, actor="a", now=at(200))
    tracker.change(ids["closed"], IncidentStatus.RESOLVED, actor="a", now=at(50))
    tracker.review(at(200))
    return ids


def test_list_defaults_to_active_incidents_newest_first(
    tracker: IncidentTracker,
) -> None:
    """Active means new, acknowledged, investigating or in progress."""
    ids = populated(tracker)
    assert [i.id for i in tracker.list_incidents()] == [ids["new"], ids["acknowledged"]]


def test_list_all_returns_every_kept_incident(tracker: IncidentTracker) -> None:
    """All includes resolved and closed incidents."""
    ids = populated(tracker)
    listed = [i.id for i in tracker.list_incidents(IncidentScope.ALL)]
    assert listed == [ids["new"], ids["acknowledged"], ids["resolved"], ids["closed"]]


def test_list_filters_by_one_status(tracker: IncidentTracker) -> None:
    """A status selects exactly the incidents in it."""
    ids = populated(tracker)
    assert [i.id for i in tracker.list_incidents(IncidentStatus.RESOLVED)] == [
        ids["resolved"]
    ]


def test_list_accepts_plain_strings(tracker: IncidentTracker) -> None:
    """Service calls can pass the filter as text."""
    ids = populated(tracker)
    assert [i.id for i in tracker.list_incidents(IncidentStatus("closed"))] == [
        ids["closed"]
    ]
    assert len(tracker.list_incidents(IncidentScope("all"))) == 4


def test_list_window_keeps_incidents_created_within_the_hours(
    tracker: IncidentTracker,
) -> None:
    """The window counts back from now by creation time, start inclusive."""
    ids = populated(tracker)
    listed = tracker.list_incidents(IncidentScope.ALL, hours=2, now=at(240))
    assert [i.id for i in listed] == [ids["new"], ids["acknowledged"]]


def test_observe_all_observes_then_reviews(tracker: IncidentTracker) -> None:
    """One call per cycle opens, updates and escalates."""
    tracker.observe(health(WARNING, "mqtt"), T0)
    events = tracker.observe_all([health(CRITICAL, "database")], at(30))
    assert types(events) == [IncidentEventType.OPENED, IncidentEventType.ESCALATED]


def test_oldest_closed_incidents_are_dropped_past_the_bound() -> None:
    """Beyond max_incidents the oldest closed incidents go; open ones stay."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1, max_incidents=3))
    first = resolved_incident(tracker)
    tracker.review(at(62))
    second_open = open_incident_at(tracker, "mqtt", at(63))
    third_open = open_incident_at(tracker, "recorder", at(64))
    fourth_open = open_incident_at(tracker, "network", at(65))
    fifth_open = open_incident_at(tracker, "http", at(66))
    kept = {i.id for i in tracker.list_incidents(IncidentScope.ALL)}
    assert first not in kept
    assert kept == {second_open, third_open, fourth_open, fifth_open}


def open_incident_at(
    tracker: IncidentTracker, component_id: str, when: datetime
) -> str:
    """Open an incident for ``component_id`` at ``when`` and return its id."""
    (event,) = tracker.observe(health(CRITICAL, component_id), when)
    return event.incident_id


def test_dropped_closed_incident_ids_are_never_reused() -> None:
    """Pruning does not rewind the id counter."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1, max_incidents=1))
    first = resolved_incident(tracker)
    tracker.review(at(62))
    second = open_incident_at(tracker, "database", at(63))
    assert second != first
    assert [i.id for i in tracker.list_incidents(IncidentScope.ALL)] == [second]


def test_ids_stay_unique_when_the_clock_goes_back_a_day(
    tracker: IncidentTracker,
) -> None:
    """An id already kept is skipped even if the day counter had to restart."""
    first = open_incident_at(tracker, "database", T0)
    open_incident_at(tracker, "mqtt", T0 + timedelta(days=1))
    again = open_incident_at(tracker, "recorder", T0)
    assert first == "INC-20250301-0001"
    assert again == "INC-20250301-0002"
