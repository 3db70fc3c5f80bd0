"""Escalation: one severity level per 30 unacknowledged minutes, up to emergency.

At most one level per review, none while the component is healthy, and no burst
after missed reviews.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
    Severity,
    TimelineEvent,
)
from custom_components.health_monitor.engine.incidents.events import IncidentEventType
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def health(status: HealthStatus) -> ComponentHealth:
    """Return the health of the MQTT broker in ``status``."""
    return ComponentHealth(
        component_id="mqtt",
        name="MQTT",
        component_type=ComponentType.MQTT,
        status=status,
        message=f"broker is {status}",
    )


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def open_minor(tracker: IncidentTracker) -> str:
    """Open a minor (warning) incident at T0 and return its id."""
    (event,) = tracker.observe(health(HealthStatus.WARNING), T0)
    return event.incident_id


def test_no_escalation_at_29_minutes_59_seconds() -> None:
    """Just before the interval the severity is unchanged."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    assert tracker.review(T0 + timedelta(minutes=29, seconds=59)) == []
    assert tracker.get(incident_id).severity is Severity.MINOR


def test_escalation_at_exactly_30_minutes() -> None:
    """At the interval the severity rises one level and an event says so."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    (event,) = tracker.review(at(30))
    incident = tracker.get(incident_id)
    assert event.type is IncidentEventType.ESCALATED
    assert event.severity is Severity.MAJOR
    assert event.details == {"escalation_level": 1}
    assert incident.severity is Severity.MAJOR
    assert incident.escalation_level == 1
    assert incident.timeline[-1].event is TimelineEvent.ESCALATED


def test_escalation_repeats_each_interval_up_to_emergency() -> None:
    """Minor becomes major, critical, then emergency, and stays there."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    severities = []
    for minutes in (30, 60, 90, 120, 150):
        tracker.review(at(minutes))
        severities.append(tracker.get(incident_id).severity)
    assert severities == [
        Severity.MAJOR,
        Severity.CRITICAL,
        Severity.EMERGENCY,
        Severity.EMERGENCY,
        Severity.EMERGENCY,
    ]
    assert tracker.get(incident_id).escalation_level == 3


def test_second_escalation_waits_a_full_interval_after_the_first() -> None:
    """At 59:59 the second level is not yet due."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.review(at(30))
    assert tracker.review(T0 + timedelta(minutes=59, seconds=59)) == []
    assert tracker.get(incident_id).escalation_level == 1


def test_late_review_keeps_the_escalation_cadence() -> None:
    """A review that runs late does not push the next escalation back."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.review(at(45))
    tracker.review(at(60))
    assert tracker.get(incident_id).escalation_level == 2


def test_missed_reviews_escalate_one_level_only() -> None:
    """After 95 minutes without a review one level rises, not three in a burst."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    events = tracker.review(at(95))
    assert [event.type for event in events] == [IncidentEventType.ESCALATED]
    incident = tracker.get(incident_id)
    assert incident.severity is Severity.MAJOR
    assert incident.escalation_level == 1


def test_after_missed_reviews_the_next_level_is_an_interval_away() -> None:
    """A whole interval late, the escalation restarts the clock at its own time."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.review(at(95))
    assert tracker.review(at(96)) == []
    assert tracker.review(T0 + timedelta(minutes=124, seconds=59)) == []
    assert len(tracker.review(at(125))) == 1
    assert tracker.get(incident_id).severity is Severity.CRITICAL


def test_short_interval_rises_one_level_per_review() -> None:
    """With a 1-minute interval, reviews 10 minutes apart still add one level each."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, escalation_interval=timedelta(minutes=1))
    )
    incident_id = open_minor(tracker)
    levels = []
    for minutes in (10, 20):
        assert len(tracker.review(at(minutes))) == 1
        levels.append(tracker.get(incident_id).severity)
    assert levels == [Severity.MAJOR, Severity.CRITICAL]


def test_no_escalation_in_a_cycle_where_the_component_is_healthy() -> None:
    """A component healthy in this cycle is about to resolve: no level is added."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, escalation_interval=timedelta(minutes=1))
    )
    (opened,) = tracker.observe(health(HealthStatus.DEGRADED), T0)
    events = tracker.observe_all([health(HealthStatus.HEALTHY)], at(5))
    assert [event.type for event in events] == [IncidentEventType.UPDATED]
    incident = tracker.get(opened.incident_id)
    assert incident.severity is Severity.MAJOR
    assert incident.escalation_level == 0


def test_no_escalation_between_cycles_while_the_component_is_healthy() -> None:
    """The review timer does not escalate after a healthy check either."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.observe(health(HealthStatus.HEALTHY), at(29))
    assert tracker.review(at(31)) == []
    assert tracker.get(incident_id).escalation_level == 0


def test_escalation_resumes_when_the_component_fails_again() -> None:
    """Back to failing before it resolved, the overdue incident rises one level."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.observe_all([health(HealthStatus.HEALTHY)], at(30))
    events = tracker.observe_all([health(HealthStatus.WARNING)], at(31))
    assert [event.type for event in events] == [
        IncidentEventType.UPDATED,
        IncidentEventType.ESCALATED,
    ]
    assert tracker.get(incident_id).escalation_level == 1


def test_acknowledgement_stops_escalation() -> None:
    """An acknowledged incident keeps its severity however long it stays open."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.review(at(30))
    tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(31))
    assert tracker.review(at(600)) == []
    incident = tracker.get(incident_id)
    assert incident.severity is Severity.MAJOR
    assert incident.escalation_level == 1


def test_working_incidents_do_not_escalate() -> None:
    """Investigating and in-progress incidents were acknowledged first."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.change(incident_id, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(1))
    tracker.change(incident_id, IncidentStatus.INVESTIGATING, actor="alice", now=at(2))
    assert tracker.review(at(600)) == []


def test_resolved_incidents_do_not_escalate() -> None:
    """Only open, unacknowledged incidents escalate."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, close_after=timedelta(days=1))
    )
    incident_id = open_minor(tracker)
    tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(1))
    assert tracker.review(at(600)) == []


def test_reopen_restarts_the_escalation_clock() -> None:
    """A reopened incident escalates an interval after the reopen, not the creation."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(10))
    tracker.observe(health(HealthStatus.WARNING), at(40))
    assert tracker.review(at(69)) == []
    assert [event.type for event in tracker.review(at(70))] == [
        IncidentEventType.ESCALATED
    ]


def test_reopened_incident_keeps_its_escalation_level() -> None:
    """Escalations before the resolve still count."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = open_minor(tracker)
    tracker.review(at(30))
    tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(31))
    tracker.observe(health(HealthStatus.WARNING), at(32))
    incident = tracker.get(incident_id)
    assert incident.escalation_level == 1
    assert incident.severity is Severity.MAJOR


def test_escalation_interval_is_a_setting() -> None:
    """With a 5-minute interval the first escalation comes at 5 minutes."""
    tracker = IncidentTracker(
        IncidentSettings(failure_threshold=1, escalation_interval=timedelta(minutes=5))
    )
    incident_id = open_minor(tracker)
    tracker.review(at(5))
    assert tracker.get(incident_id).severity is Severity.MAJOR
