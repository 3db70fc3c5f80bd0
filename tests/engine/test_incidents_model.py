"""The incident model: severity order, lifecycle state machine, timeline, serialization."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
import itertools
import json

import pytest

from custom_components.health_monitor.engine.incidents.codec import (
    incident_from_dict,
    incident_summary,
    incident_to_dict,
    parse_time,
    timeline_entry_from_dict,
)
from custom_components.health_monitor.engine.incidents.lifecycle import (
    ALLOWED_TRANSITIONS,
    IncidentStatus,
    TimelineEvent,
)
from custom_components.health_monitor.engine.incidents.model import (
    MAX_RECOVERY_RESULTS,
    Incident,
    IncidentTransitionError,
    RecoveryRecord,
    RecoveryResult,
    Severity,
    TimelineEntry,
    UnknownIncidentError,
    ensure_utc,
    highest_severity,
)
from custom_components.health_monitor.engine.models import ComponentType, HealthStatus

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)

# The lifecycle as the specification states it, written out independently of
# the implementation's table.
SPEC_ALLOWED = {
    (IncidentStatus.NEW, IncidentStatus.ACKNOWLEDGED),
    (IncidentStatus.ACKNOWLEDGED, IncidentStatus.INVESTIGATING),
    (IncidentStatus.INVESTIGATING, IncidentStatus.IN_PROGRESS),
    (IncidentStatus.IN_PROGRESS, IncidentStatus.RESOLVED),
    (IncidentStatus.NEW, IncidentStatus.RESOLVED),
    (IncidentStatus.ACKNOWLEDGED, IncidentStatus.RESOLVED),
    (IncidentStatus.INVESTIGATING, IncidentStatus.RESOLVED),
    (IncidentStatus.RESOLVED, IncidentStatus.CLOSED),
    (IncidentStatus.RESOLVED, IncidentStatus.NEW),
    # An acknowledgement given for a while expires (automatically only).
    (IncidentStatus.ACKNOWLEDGED, IncidentStatus.NEW),
    (IncidentStatus.INVESTIGATING, IncidentStatus.NEW),
    (IncidentStatus.IN_PROGRESS, IncidentStatus.NEW),
}
ALL_PAIRS = list(itertools.product(IncidentStatus, IncidentStatus))


def make_incident(status: IncidentStatus = IncidentStatus.NEW) -> Incident:
    """Return a database incident created at T0 in ``status``."""
    incident = Incident(
        id="INC-20250301-0001",
        title="Database is critical",
        description="connection refused",
        severity=Severity.CRITICAL,
        component_id="database",
        component_name="Database",
        component_type=ComponentType.DATABASE,
        component_status=HealthStatus.CRITICAL,
        created_at=T0,
        status=status,
    )
    incident.record(TimelineEntry(T0, TimelineEvent.OPENED, "system"))
    return incident


def test_severities_are_ordered_info_to_emergency() -> None:
    """Severity ranks follow info < minor < major < critical < emergency."""
    assert [severity.rank for severity in Severity] == [0, 1, 2, 3, 4]
    assert [severity.value for severity in Severity] == [
        "info",
        "minor",
        "major",
        "critical",
        "emergency",
    ]


def test_raised_severity_is_the_next_level() -> None:
    """Raising goes one level up."""
    assert Severity.MINOR.raised() is Severity.MAJOR


def test_emergency_cannot_be_raised_further() -> None:
    """Emergency is the top level."""
    assert Severity.EMERGENCY.raised() is Severity.EMERGENCY


def test_highest_severity_picks_the_more_severe() -> None:
    """The comparison is by rank, not by the alphabet."""
    assert highest_severity(Severity.MINOR, Severity.MAJOR) is Severity.MAJOR
    assert highest_severity(Severity.EMERGENCY, Severity.CRITICAL) is (
        Severity.EMERGENCY
    )


def test_open_statuses_are_new_to_in_progress() -> None:
    """Resolved and closed incidents are not open."""
    assert {status for status in IncidentStatus if status.is_open} == {
        IncidentStatus.NEW,
        IncidentStatus.ACKNOWLEDGED,
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IN_PROGRESS,
    }


def test_transition_table_matches_the_specification() -> None:
    """The implementation's table is exactly the specified lifecycle."""
    table = {
        (source, target)
        for source, targets in ALLOWED_TRANSITIONS.items()
        for target in targets
    }
    assert table == SPEC_ALLOWED


@pytest.mark.parametrize(
    ("source", "target"), [pair for pair in ALL_PAIRS if pair in SPEC_ALLOWED]
)
def test_allowed_transition_changes_status(
    source: IncidentStatus, target: IncidentStatus
) -> None:
    """An allowed transition sets the status, the updated stamp and a timeline entry."""
    incident = make_incident(source)
    incident.transition(target, actor="alice", now=LATER)
    assert incident.status is target
    assert (incident.updated_at, incident.updated_by) == (LATER, "alice")
    assert incident.timeline[-1].details["from"] == source.value
    assert incident.timeline[-1].details["to"] == target.value


@pytest.mark.parametrize(
    ("source", "target"), [pair for pair in ALL_PAIRS if pair not in SPEC_ALLOWED]
)
def test_forbidden_transition_raises_and_changes_nothing(
    source: IncidentStatus, target: IncidentStatus
) -> None:
    """A forbidden transition raises with from/to and leaves the incident as it was."""
    incident = make_incident(source)
    before = replace(incident, timeline=list(incident.timeline))
    with pytest.raises(IncidentTransitionError) as raised:
        incident.transition(target, actor="alice", now=LATER)
    assert (raised.value.from_status, raised.value.to_status) == (source, target)
    assert raised.value.incident_id == incident.id
    assert incident == before


def test_transition_error_is_a_value_error() -> None:
    """Callers catching ValueError also catch refused transitions."""
    assert issubclass(IncidentTransitionError, ValueError)


def test_unknown_incident_error_names_the_id() -> None:
    """The lookup error carries the id that was not found."""
    error = UnknownIncidentError("INC-20250101-0009")
    assert isinstance(error, LookupError)
    assert error.incident_id == "INC-20250101-0009"
    assert "INC-20250101-0009" in str(error)


def test_can_transition_reports_the_table() -> None:
    """can_transition answers without changing anything."""
    incident = make_incident()
    assert incident.can_transition(IncidentStatus.ACKNOWLEDGED)
    assert not incident.can_transition(IncidentStatus.CLOSED)
    assert incident.status is IncidentStatus.NEW


def test_acknowledging_stamps_time_and_actor() -> None:
    """Acknowledgement records who and when."""
    incident = make_incident()
    incident.transition(IncidentStatus.ACKNOWLEDGED, actor="alice", now=LATER)
    assert (incident.acknowledged_at, incident.acknowledged_by) == (LATER, "alice")
    assert incident.timeline[-1].event is TimelineEvent.ACKNOWLEDGED


def test_resolving_stamps_time_and_actor() -> None:
    """Resolution records who and when."""
    incident = make_incident(IncidentStatus.IN_PROGRESS)
    incident.transition(IncidentStatus.RESOLVED, actor="bob", now=LATER)
    assert (incident.resolved_at, incident.resolved_by) == (LATER, "bob")
    assert incident.timeline[-1].event is TimelineEvent.RESOLVED


def test_closing_stamps_time_and_actor() -> None:
    """Closing records who and when."""
    incident = make_incident(IncidentStatus.RESOLVED)
    incident.transition(IncidentStatus.CLOSED, actor="system", now=LATER)
    assert (incident.closed_at, incident.closed_by) == (LATER, "system")
    assert incident.timeline[-1].event is TimelineEvent.CLOSED


def test_investigating_and_in_progress_are_status_changes() -> None:
    """Working statuses appear in the timeline as status changes."""
    incident = make_incident(IncidentStatus.ACKNOWLEDGED)
    incident.transition(IncidentStatus.INVESTIGATING, actor="alice", now=LATER)
    assert incident.timeline[-1].event is TimelineEvent.STATUS_CHANGED


def test_reopening_clears_acknowledgement_and_resolution() -> None:
    """A reopened incident is new and unacknowledged; the timeline keeps the history."""
    incident = make_incident()
    incident.transition(IncidentStatus.ACKNOWLEDGED, actor="alice", now=T0)
    incident.transition(IncidentStatus.RESOLVED, actor="system", now=T0)
    incident.transition(IncidentStatus.NEW, actor="system", now=LATER)
    assert incident.status is IncidentStatus.NEW
    assert incident.acknowledged_at is None
    assert incident.acknowledged_by is None
    assert incident.resolved_at is None
    assert incident.resolved_by is None
    assert incident.reopened_at == LATER
    assert [entry.event for entry in incident.timeline] == [
        TimelineEvent.OPENED,
        TimelineEvent.ACKNOWLEDGED,
        TimelineEvent.RESOLVED,
        TimelineEvent.REOPENED,
    ]


def test_transition_note_goes_to_the_timeline() -> None:
    """A note given with a transition is kept in the entry's details."""
    incident = make_incident()
    incident.transition(
        IncidentStatus.ACKNOWLEDGED, actor="alice", now=LATER, note="on it"
    )
    assert incident.timeline[-1].details["note"] == "on it"
    assert incident.timeline[-1].actor == "alice"


def test_timeline_drops_oldest_entries_but_keeps_the_opening() -> None:
    """Past its limit the timeline keeps the first entry and the newest ones."""
    incident = make_incident()
    incident.timeline.limit = 4
    for minute in range(1, 11):
        incident.record(
            TimelineEntry(
                T0 + timedelta(minutes=minute),
                TimelineEvent.COMPONENT_STATUS_CHANGED,
                "system",
                {"n": minute},
            )
        )
    assert len(incident.timeline) == 4
    assert incident.timeline[0].event is TimelineEvent.OPENED
    assert [entry.details["n"] for entry in incident.timeline[1:]] == [8, 9, 10]


def test_new_incident_was_last_updated_at_creation() -> None:
    """Creation counts as the first update."""
    incident = Incident(
        id="INC-20250301-0001",
        title="t",
        description="d",
        severity=Severity.MINOR,
        component_id="c",
        component_name="C",
        component_type=ComponentType.MQTT,
        component_status=HealthStatus.WARNING,
        created_at=T0,
    )
    assert (incident.updated_at, incident.updated_by) == (T0, "system")


def test_next_escalation_is_due_an_interval_after_creation() -> None:
    """The escalation clock of a new incident starts at creation."""
    incident = make_incident()
    assert incident.next_escalation_at(timedelta(minutes=30)) == T0 + timedelta(
        minutes=30
    )


def test_next_escalation_counts_from_the_latest_reopen() -> None:
    """A reopen restarts the escalation clock."""
    incident = make_incident()
    incident.reopened_at = T0 + timedelta(hours=2)
    assert incident.next_escalation_at(timedelta(minutes=30)) == T0 + timedelta(
        hours=2, minutes=30
    )


def test_acknowledged_incident_has_no_next_escalation() -> None:
    """Only new incidents escalate."""
    incident = make_incident(IncidentStatus.ACKNOWLEDGED)
    assert incident.next_escalation_at(timedelta(minutes=30)) is None


def test_emergency_incident_has_no_next_escalation() -> None:
    """Nothing is above emergency."""
    incident = make_incident()
    incident.severity = Severity.EMERGENCY
    assert incident.next_escalation_at(timedelta(minutes=30)) is None


def test_escalate_raises_severity_and_counts_the_level() -> None:
    """An escalation goes one level up and is kept in the timeline."""
    incident = make_incident()
    due = T0 + timedelta(minutes=30)
    incident.escalate(due_at=due, now=LATER)
    assert incident.severity is Severity.EMERGENCY
    assert incident.escalation_level == 1
    assert incident.escalation_floor is Severity.EMERGENCY
    assert incident.last_escalated_at == due
    assert incident.timeline[-1].event is TimelineEvent.ESCALATED
    assert incident.timeline[-1].details == {
        "from": "critical",
        "to": "emergency",
        "level": 1,
    }


def test_recovery_record_counts_every_attempt_but_keeps_newest_results() -> None:
    """Results are bounded; the count and the last attempt time are not."""
    record = RecoveryRecord()
    for minute in range(MAX_RECOVERY_RESULTS + 5):
        record.add(RecoveryResult(T0 + timedelta(minutes=minute), success=False))
    assert record.count == MAX_RECOVERY_RESULTS + 5
    assert len(record.results) == MAX_RECOVERY_RESULTS
    assert record.results[0].time == T0 + timedelta(minutes=5)
    assert record.last_attempt_at == T0 + timedelta(minutes=MAX_RECOVERY_RESULTS + 4)


def test_incident_survives_a_json_round_trip() -> None:
    """The stored form is JSON-ready and reads back as an equal incident."""
    incident = make_incident()
    incident.transition(IncidentStatus.ACKNOWLEDGED, actor="alice", now=LATER)
    incident.escalate(due_at=LATER, now=LATER)
    incident.recovery["database_reconnect"] = RecoveryRecord()
    incident.recovery["database_reconnect"].add(
        RecoveryResult(LATER, success=False, error="refused")
    )
    incident.recovery_awaiting_confirmation = "database_reconnect"
    incident.recoveries_succeeded = 2
    data = json.loads(json.dumps(incident_to_dict(incident)))
    assert incident_from_dict(data) == incident


def test_summary_leaves_out_timeline_and_recovery_records() -> None:
    """The summary is small: no timeline, just the attempt total."""
    summary = incident_summary(make_incident())
    assert "timeline" not in summary
    assert "recovery" not in summary
    assert summary["recovery_attempts"] == 0
    assert summary["id"] == "INC-20250301-0001"


def test_from_dict_skips_unreadable_timeline_entries() -> None:
    """A broken timeline entry is dropped, the incident is kept."""
    data = incident_to_dict(make_incident())
    data["timeline"].append({"time": "yesterday", "event": "opened", "actor": "x"})
    data["timeline"].append({"time": T0.isoformat(), "event": "exploded", "actor": "x"})
    assert len(incident_from_dict(data).timeline) == 1


def test_from_dict_skips_unreadable_recovery_records_and_results() -> None:
    """Broken recovery data is dropped piece by piece."""
    data = incident_to_dict(make_incident())
    data["recovery"] = {
        "bad_count": {"count": -1},
        "not_a_dict": "x",
        "good": {
            "count": 2,
            "last_attempt_at": T0.isoformat(),
            "results": [
                {"time": T0.isoformat(), "success": "yes"},
                {"time": T0.isoformat(), "success": True, "error": None},
            ],
        },
    }
    recovery = incident_from_dict(data).recovery
    assert list(recovery) == ["good"]
    assert recovery["good"].count == 2
    assert recovery["good"].results == [RecoveryResult(T0, success=True)]


def test_from_dict_keeps_only_scalar_details() -> None:
    """Timeline details that are not JSON scalars are dropped."""
    entry = timeline_entry_from_dict(
        {
            "time": T0.isoformat(),
            "event": "opened",
            "actor": "system",
            "details": {"ok": 1, "nested": {"a": 1}},
        }
    )
    assert entry.details == {"ok": 1}


def test_from_dict_reads_non_dict_details_as_empty() -> None:
    """Details that are not a mapping become empty."""
    entry = timeline_entry_from_dict(
        {"time": T0.isoformat(), "event": "opened", "actor": "system", "details": 3}
    )
    assert entry.details == {}


def test_from_dict_rejects_a_missing_required_field() -> None:
    """An incident without an id cannot be rebuilt."""
    data = incident_to_dict(make_incident())
    del data["id"]
    with pytest.raises(KeyError):
        incident_from_dict(data)


def test_parse_time_reads_naive_times_as_utc() -> None:
    """Stored times without an offset are UTC."""
    assert parse_time("2025-03-01T08:00:00") == T0


def test_parse_time_converts_offsets_to_utc() -> None:
    """Stored times with another offset come back in UTC."""
    parsed = parse_time("2025-03-01T09:00:00+01:00")
    assert parsed == T0
    assert parsed.tzinfo is UTC


def test_parse_time_rejects_non_strings() -> None:
    """Only ISO strings are times."""
    with pytest.raises(TypeError):
        parse_time(12)


def test_ensure_utc_defaults_to_the_current_time() -> None:
    """Without a time, the current UTC time is used."""
    before = datetime.now(UTC)
    assert before <= ensure_utc(None) <= datetime.now(UTC)


def test_ensure_utc_rejects_naive_times() -> None:
    """A naive time is ambiguous and refused."""
    with pytest.raises(ValueError, match="timezone-aware"):
        ensure_utc(datetime(2025, 1, 1))  # noqa: DTZ001


def test_ensure_utc_converts_other_zones() -> None:
    """Times in other zones are converted to UTC."""
    cet = timezone(timedelta(hours=1))
    assert ensure_utc(datetime(2025, 3, 1, 9, 0, tzinfo=cet)).tzinfo is UTC
