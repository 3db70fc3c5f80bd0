"""Incidents: severity, the incident with its timeline, and recovery records.

Change an incident's status only through :meth:`Incident.transition`, which
follows the lifecycle of :mod:`.lifecycle`. The timeline keeps its own limit
(see :class:`Timeline`); serialization lives in :mod:`.codec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from ..models import ComponentType, HealthStatus, utcnow
from .lifecycle import ALLOWED_TRANSITIONS, ARRIVALS, IncidentStatus, TimelineEvent
from .timeline import DetailValue, Timeline, TimelineEntry

SYSTEM_ACTOR: Final = "system"
# Results kept per recovery action; the attempt count itself is never trimmed.
MAX_RECOVERY_RESULTS: Final = 20


class Severity(StrEnum):
    """How bad an incident is, from least to most severe."""

    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        """Position in the order info (0) < minor < major < critical < emergency (4)."""
        return _SEVERITY_ORDER.index(self)

    def raised(self) -> Severity:
        """Return the next higher severity; emergency stays emergency."""
        return _SEVERITY_ORDER[min(self.rank + 1, len(_SEVERITY_ORDER) - 1)]


_SEVERITY_ORDER: Final[tuple[Severity, ...]] = tuple(Severity)


# The severity an incident takes from its component's failing status.
SEVERITY_FOR_STATUS: Final = {
    HealthStatus.UNKNOWN: Severity.INFO,
    HealthStatus.WARNING: Severity.MINOR,
    HealthStatus.DEGRADED: Severity.MAJOR,
    HealthStatus.CRITICAL: Severity.CRITICAL,
}


def highest_severity(first: Severity, second: Severity) -> Severity:
    """Return the more severe of two severities."""
    return first if first.rank >= second.rank else second


class IncidentTransitionError(ValueError):
    """Raised when the lifecycle does not allow a status change."""

    def __init__(
        self, incident_id: str, from_status: IncidentStatus, to_status: IncidentStatus
    ) -> None:
        """Describe the refused change."""
        super().__init__(
            f"Incident {incident_id} cannot go from {from_status} to {to_status}"
        )
        self.incident_id = incident_id
        self.from_status = from_status
        self.to_status = to_status


class UnknownIncidentError(LookupError):
    """Raised when no kept incident has the given id."""

    def __init__(self, incident_id: str) -> None:
        """Name the missing incident."""
        super().__init__(f"Unknown incident {incident_id}")
        self.incident_id = incident_id


def ensure_utc(now: datetime | None) -> datetime:
    """Return ``now`` in UTC (the current time if None); naive times are refused."""
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("time must be timezone-aware")
    return now.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class RecoveryResult:
    """The outcome of one recovery attempt as the executor reported it."""

    time: datetime
    success: bool
    error: str | None = None


@dataclass(slots=True)
class RecoveryRecord:
    """Every attempt of one recovery action within one incident."""

    count: int = 0
    last_attempt_at: datetime | None = None
    results: list[RecoveryResult] = field(default_factory=list)

    def add(self, result: RecoveryResult) -> None:
        """Count an attempt; only the newest results are kept."""
        self.count += 1
        self.last_attempt_at = result.time
        self.results.append(result)
        del self.results[:-MAX_RECOVERY_RESULTS]


@dataclass(slots=True)
class Incident:
    """A problem of one component, from the first failure until it is closed.

    Create incidents through the tracker; change their status only through
    :meth:`transition`, which enforces :data:`ALLOWED_TRANSITIONS`.
    """

    id: str
    title: str
    description: str
    severity: Severity
    component_id: str
    component_name: str
    component_type: ComponentType
    component_status: HealthStatus
    created_at: datetime
    status: IncidentStatus = IncidentStatus.NEW
    created_by: str = SYSTEM_ACTOR
    updated_at: datetime | None = None
    updated_by: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    # An acknowledgement given for a while (see .acknowledgement), and its note.
    acknowledged_until: datetime | None = None
    acknowledgement_note: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    reopened_at: datetime | None = None
    escalation_level: int = 0
    # Severity reached by the last escalation; status changes never go below it.
    escalation_floor: Severity | None = None
    # Start of the current escalation interval: when the last escalation was
    # due (keeps the cadence free of cycle jitter), or when it ran if it came
    # a whole interval late (missed reviews never escalate in a burst).
    last_escalated_at: datetime | None = None
    timeline: Timeline = field(default_factory=Timeline)
    recovery: dict[str, RecoveryRecord] = field(default_factory=dict)
    # Action whose successful attempt the next check confirms or refutes.
    recovery_awaiting_confirmation: str | None = None
    recoveries_succeeded: int = 0
    # What the component's status is about (see CheckResult.affected).
    affected: tuple[str, ...] = ()
    # The open incident of a component this one depends on, while it hides
    # this one (no repair issue, notification or escalation; see tracker).
    suppressed_by: str | None = None
    # Changing between healthy and not healthy too often (see engine.flapping),
    # and how many times it started flapping.
    flapping: bool = False
    flaps: int = 0

    def __post_init__(self) -> None:
        """Count creation as the first update."""
        if self.updated_at is None:
            self.updated_at = self.created_at
            self.updated_by = self.created_by

    @property
    def is_open(self) -> bool:
        """Whether the incident is new, acknowledged, investigating or in progress."""
        return self.status.is_open

    @property
    def recovery_attempts(self) -> int:
        """Attempts of every recovery action in this incident."""
        return sum(record.count for record in self.recovery.values())

    def can_transition(self, to_status: IncidentStatus) -> bool:
        """Whether the lifecycle allows going to ``to_status`` now."""
        return to_status in ALLOWED_TRANSITIONS[self.status]

    def transition(
        self,
        to_status: IncidentStatus,
        *,
        actor: str,
        now: datetime,
        note: str | None = None,
        details: Mapping[str, DetailValue] | None = None,
        until: datetime | None = None,
        timeline_event: TimelineEvent | None = None,
    ) -> None:
        """Change status, stamp who and when, and add it to the timeline.

        An acknowledgement keeps ``note`` and lasts ``until`` (None: until
        resolved). ``timeline_event`` names the entry when it is not the
        arrival's own (an acknowledgement that expired is no reopen).
        Raises :class:`IncidentTransitionError` (and changes nothing) when the
        lifecycle does not allow the change.
        """
        if not self.can_transition(to_status):
            raise IncidentTransitionError(self.id, self.status, to_status)
        entry_details: dict[str, DetailValue] = {
            "from": self.status.value,
            "to": to_status.value,
            **(details or {}),
        }
        if note:
            entry_details["note"] = note
        if until is not None:
            entry_details["until"] = until.isoformat()
        reopened = self.status is IncidentStatus.RESOLVED
        self.status = to_status
        if to_status is IncidentStatus.ACKNOWLEDGED:
            self.acknowledged_at, self.acknowledged_by = now, actor
            self.acknowledged_until, self.acknowledgement_note = until, note
        elif to_status is IncidentStatus.RESOLVED:
            self.resolved_at, self.resolved_by = now, actor
            self.acknowledged_until = None
        elif to_status is IncidentStatus.CLOSED:
            self.closed_at, self.closed_by = now, actor
        elif to_status is IncidentStatus.NEW:
            if reopened:
                self.reopened_at = now
            self.acknowledged_at = self.acknowledged_by = None
            self.acknowledged_until = self.acknowledgement_note = None
            self.resolved_at = self.resolved_by = None
        event = timeline_event or ARRIVALS[to_status].timeline_event
        self.record(TimelineEntry(now, event, actor, entry_details))

    def record(self, entry: TimelineEntry) -> None:
        """Add ``entry`` to the timeline (see :class:`Timeline`) and mark the incident updated."""
        self.timeline.add(entry)
        self.updated_at, self.updated_by = entry.time, entry.actor

    def record_recovery_attempt(
        self, result: RecoveryResult, action_key: str, actor: str
    ) -> dict[str, DetailValue]:
        """Count an attempt of ``action_key`` and add it to the timeline.

        A successful attempt awaits confirmation by the next check (see
        :meth:`settle_recovery`). Returns the timeline entry's details.
        """
        record = self.recovery.setdefault(action_key, RecoveryRecord())
        record.add(result)
        self.recovery_awaiting_confirmation = action_key if result.success else None
        details: dict[str, DetailValue] = {
            "action": action_key,
            "success": result.success,
            "error": result.error,
            "attempt": record.count,
        }
        self.record(
            TimelineEntry(result.time, TimelineEvent.RECOVERY_ATTEMPTED, actor, details)
        )
        return details

    def settle_recovery(self, healthy: bool, now: datetime) -> str | None:
        """Confirm or drop the attempt awaiting confirmation; return it if confirmed.

        Only the check right after a successful attempt decides: healthy
        confirms it ("recovery succeeded"), anything else drops it.
        """
        action_key = self.recovery_awaiting_confirmation
        self.recovery_awaiting_confirmation = None
        if action_key is None or not healthy:
            return None
        self.recoveries_succeeded += 1
        self.record(
            TimelineEntry(
                now,
                TimelineEvent.RECOVERY_SUCCEEDED,
                SYSTEM_ACTOR,
                {"action": action_key},
            )
        )
        return action_key

    def next_escalation_at(self, interval: timedelta) -> datetime | None:
        """When the next escalation is due; None if the incident cannot escalate.

        Only unacknowledged (``new``) incidents below emergency escalate, and
        none while suppressed or flapping (nobody is told about them). The
        clock runs from creation, the last reopen or the last escalation,
        whichever is latest (an incident no longer suppressed restarts it).
        """
        if (
            self.status is not IncidentStatus.NEW
            or self.severity is Severity.EMERGENCY
            or self.suppressed_by is not None
            or self.flapping
        ):
            return None
        start = max(
            moment
            for moment in (self.created_at, self.reopened_at, self.last_escalated_at)
            if moment is not None
        )
        return start + interval

    def escalate(
        self,
        *,
        due_at: datetime,
        now: datetime,
    ) -> None:
        """Raise the severity one level (the caller checked it is due).

        ``due_at`` starts the next escalation interval (see
        ``last_escalated_at``).
        """
        previous = self.severity
        self.severity = previous.raised()
        self.escalation_floor = self.severity
        self.escalation_level += 1
        self.last_escalated_at = due_at
        self.record(
            TimelineEntry(
                now,
                TimelineEvent.ESCALATED,
                SYSTEM_ACTOR,
                {
                    "from": previous.value,
                    "to": self.severity.value,
                    "level": self.escalation_level,
                },
            )
        )
