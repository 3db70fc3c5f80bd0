"""Incidents: severity, lifecycle state machine, timeline and serialization.

Lifecycle (:data:`ALLOWED_TRANSITIONS` is the whole truth)::

    new -> acknowledged -> investigating -> in_progress -> resolved -> closed
    new | acknowledged | investigating | in_progress -> resolved
    resolved -> new                                   (reopen)

A transition that is not in the table raises :class:`IncidentTransitionError`
and leaves the incident untouched, its updated time and timeline included.

Reopening goes back to ``new`` and clears the acknowledgement and the
resolution (the timeline keeps both): the fix did not hold, so people must
be told again and the escalation clock restarts at the reopen time. The
escalation level and the severity it reached are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from ..models import ComponentType, HealthStatus, utcnow

type DetailValue = str | int | float | bool | None

SYSTEM_ACTOR: Final = "system"
DEFAULT_TIMELINE_LIMIT: Final = 200
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


def highest_severity(first: Severity, second: Severity) -> Severity:
    """Return the more severe of two severities."""
    return first if first.rank >= second.rank else second


class IncidentStatus(StrEnum):
    """Where an incident is in its lifecycle."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Whether the problem is still being dealt with (not resolved or closed)."""
        return self in OPEN_STATUSES


OPEN_STATUSES: Final = frozenset(
    {
        IncidentStatus.NEW,
        IncidentStatus.ACKNOWLEDGED,
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IN_PROGRESS,
    }
)

ALLOWED_TRANSITIONS: Final[Mapping[IncidentStatus, frozenset[IncidentStatus]]] = (
    MappingProxyType(
        {
            IncidentStatus.NEW: frozenset(
                {IncidentStatus.ACKNOWLEDGED, IncidentStatus.RESOLVED}
            ),
            IncidentStatus.ACKNOWLEDGED: frozenset(
                {IncidentStatus.INVESTIGATING, IncidentStatus.RESOLVED}
            ),
            IncidentStatus.INVESTIGATING: frozenset(
                {IncidentStatus.IN_PROGRESS, IncidentStatus.RESOLVED}
            ),
            IncidentStatus.IN_PROGRESS: frozenset({IncidentStatus.RESOLVED}),
            IncidentStatus.RESOLVED: frozenset(
                {IncidentStatus.CLOSED, IncidentStatus.NEW}
            ),
            IncidentStatus.CLOSED: frozenset(),
        }
    )
)


class TimelineEvent(StrEnum):
    """What a timeline entry records."""

    OPENED = "opened"
    COMPONENT_STATUS_CHANGED = "component_status_changed"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    STATUS_CHANGED = "status_changed"
    RECOVERY_ATTEMPTED = "recovery_attempted"
    RECOVERY_SUCCEEDED = "recovery_succeeded"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


_TRANSITION_EVENTS: Final = {
    IncidentStatus.NEW: TimelineEvent.REOPENED,
    IncidentStatus.ACKNOWLEDGED: TimelineEvent.ACKNOWLEDGED,
    IncidentStatus.INVESTIGATING: TimelineEvent.STATUS_CHANGED,
    IncidentStatus.IN_PROGRESS: TimelineEvent.STATUS_CHANGED,
    IncidentStatus.RESOLVED: TimelineEvent.RESOLVED,
    IncidentStatus.CLOSED: TimelineEvent.CLOSED,
}


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


def parse_time(value: Any) -> datetime:
    """Read an ISO time written by :func:`datetime.isoformat`; naive means UTC."""
    if not isinstance(value, str):
        raise TypeError("a time is stored as an ISO string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _optional_time(value: Any) -> datetime | None:
    return None if value is None else parse_time(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


# Readers of stored values: each raises TypeError or ValueError for a value
# the integration could not have written, instead of coercing it.


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a text is stored as a string")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("a count is a non-negative integer")
    return value


def _details(raw: Any) -> dict[str, DetailValue]:
    if not isinstance(raw, dict):
        return {}
    return {
        str(key): value
        for key, value in raw.items()
        if value is None or isinstance(value, str | int | float | bool)
    }


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of an incident's audit trail."""

    time: datetime
    event: TimelineEvent
    actor: str
    details: Mapping[str, DetailValue] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Serialize as ``{time, event, actor, details}``."""
        return {
            "time": self.time.isoformat(),
            "event": self.event.value,
            "actor": self.actor,
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimelineEntry:
        """Rebuild an entry from :meth:`as_dict` output."""
        return cls(
            time=parse_time(data["time"]),
            event=TimelineEvent(data["event"]),
            actor=_text(data["actor"]),
            details=_details(data.get("details")),
        )


@dataclass(frozen=True, slots=True)
class RecoveryResult:
    """The outcome of one recovery attempt as the executor reported it."""

    time: datetime
    success: bool
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Serialize for storage."""
        return {
            "time": self.time.isoformat(),
            "success": self.success,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecoveryResult:
        """Rebuild a result from :meth:`as_dict` output."""
        success = data["success"]
        if not isinstance(success, bool):
            raise TypeError("success is a boolean")
        return cls(parse_time(data["time"]), success, _optional_text(data.get("error")))


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

    def as_dict(self) -> dict[str, Any]:
        """Serialize for storage."""
        return {
            "count": self.count,
            "last_attempt_at": _iso(self.last_attempt_at),
            "results": [result.as_dict() for result in self.results],
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], skipped: list[str] | None = None
    ) -> RecoveryRecord:
        """Rebuild a record; unreadable results are skipped (and listed in ``skipped``)."""
        count = _count(data["count"])
        results = []
        raw_results = data.get("results") or []
        if not isinstance(raw_results, list):
            raw_results = []
            _note(skipped, "recovery results")
        for index, raw in enumerate(raw_results):
            try:
                results.append(RecoveryResult.from_dict(raw))
            except (AttributeError, KeyError, TypeError, ValueError):
                _note(skipped, f"recovery result {index}")
        return cls(count, _optional_time(data.get("last_attempt_at")), results)


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
    timeline: list[TimelineEntry] = field(default_factory=list)
    recovery: dict[str, RecoveryRecord] = field(default_factory=dict)
    # Action whose successful attempt the next check confirms or refutes.
    recovery_awaiting_confirmation: str | None = None
    recoveries_succeeded: int = 0

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
        timeline_limit: int = DEFAULT_TIMELINE_LIMIT,
    ) -> None:
        """Change status, stamp who and when, and add it to the timeline.

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
        self.status = to_status
        if to_status is IncidentStatus.ACKNOWLEDGED:
            self.acknowledged_at, self.acknowledged_by = now, actor
        elif to_status is IncidentStatus.RESOLVED:
            self.resolved_at, self.resolved_by = now, actor
        elif to_status is IncidentStatus.CLOSED:
            self.closed_at, self.closed_by = now, actor
        elif to_status is IncidentStatus.NEW:
            self.reopened_at = now
            self.acknowledged_at = self.acknowledged_by = None
            self.resolved_at = self.resolved_by = None
        self.record(
            TimelineEntry(now, _TRANSITION_EVENTS[to_status], actor, entry_details),
            timeline_limit,
        )

    def record(
        self, entry: TimelineEntry, timeline_limit: int = DEFAULT_TIMELINE_LIMIT
    ) -> None:
        """Add ``entry`` to the timeline and mark the incident updated.

        Past ``timeline_limit`` the oldest entries after the first (the
        opening) are dropped.
        """
        self.timeline.append(entry)
        if len(self.timeline) > timeline_limit:
            del self.timeline[1 : len(self.timeline) - timeline_limit + 1]
        self.updated_at, self.updated_by = entry.time, entry.actor

    def next_escalation_at(self, interval: timedelta) -> datetime | None:
        """When the next escalation is due; None if the incident cannot escalate.

        Only unacknowledged (``new``) incidents below emergency escalate. The
        clock runs from creation, the last reopen or the last escalation,
        whichever is latest.
        """
        if self.status is not IncidentStatus.NEW or self.severity is Severity.EMERGENCY:
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
        timeline_limit: int = DEFAULT_TIMELINE_LIMIT,
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
            ),
            timeline_limit,
        )

    def summary(self) -> dict[str, Any]:
        """Return the incident without timeline and recovery records, JSON-ready."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "severity": self.severity.value,
            "status": self.status.value,
            "component_id": self.component_id,
            "component_name": self.component_name,
            "component_type": self.component_type.value,
            "component_status": self.component_status.value,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "updated_at": _iso(self.updated_at),
            "updated_by": self.updated_by,
            "acknowledged_at": _iso(self.acknowledged_at),
            "acknowledged_by": self.acknowledged_by,
            "resolved_at": _iso(self.resolved_at),
            "resolved_by": self.resolved_by,
            "closed_at": _iso(self.closed_at),
            "closed_by": self.closed_by,
            "escalation_level": self.escalation_level,
            "recovery_attempts": self.recovery_attempts,
        }

    def as_dict(self) -> dict[str, Any]:
        """Serialize everything, JSON-ready (ISO times)."""
        return {
            **self.summary(),
            "reopened_at": _iso(self.reopened_at),
            "escalation_floor": _optional_str(self.escalation_floor),
            "last_escalated_at": _iso(self.last_escalated_at),
            "timeline": [entry.as_dict() for entry in self.timeline],
            "recovery": {
                key: record.as_dict() for key, record in self.recovery.items()
            },
            "recovery_awaiting_confirmation": self.recovery_awaiting_confirmation,
            "recoveries_succeeded": self.recoveries_succeeded,
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], skipped: list[str] | None = None
    ) -> Incident:
        """Rebuild an incident from :meth:`as_dict` output.

        Raises KeyError, TypeError or ValueError when a required field is
        unreadable or the incident contradicts itself (e.g. resolved without
        a resolve time, so it could never close); unreadable timeline entries
        and recovery records are skipped and named in ``skipped``.
        """
        floor = data.get("escalation_floor")
        status = IncidentStatus(data["status"])
        incident = cls(
            id=_text(data["id"]),
            title=_text(data["title"]),
            description=_text(data["description"]),
            severity=Severity(data["severity"]),
            status=status,
            component_id=_text(data["component_id"]),
            component_name=_text(data["component_name"]),
            component_type=ComponentType(data["component_type"]),
            component_status=HealthStatus(data["component_status"]),
            created_at=parse_time(data["created_at"]),
            created_by=_text(data.get("created_by", SYSTEM_ACTOR)),
            updated_at=_optional_time(data.get("updated_at")),
            updated_by=_optional_text(data.get("updated_by")),
            acknowledged_at=_optional_time(data.get("acknowledged_at")),
            acknowledged_by=_optional_text(data.get("acknowledged_by")),
            resolved_at=_optional_time(data.get("resolved_at")),
            resolved_by=_optional_text(data.get("resolved_by")),
            closed_at=_optional_time(data.get("closed_at")),
            closed_by=_optional_text(data.get("closed_by")),
            reopened_at=_optional_time(data.get("reopened_at")),
            escalation_level=_count(data.get("escalation_level", 0)),
            escalation_floor=None if floor is None else Severity(floor),
            last_escalated_at=_optional_time(data.get("last_escalated_at")),
            recovery_awaiting_confirmation=_optional_text(
                data.get("recovery_awaiting_confirmation")
            ),
            recoveries_succeeded=_count(data.get("recoveries_succeeded", 0)),
        )
        if not incident.component_id:
            raise ValueError("an incident belongs to a component")
        if status is IncidentStatus.RESOLVED and incident.resolved_at is None:
            raise ValueError("a resolved incident has a resolve time")
        name = incident.id[:40]
        raw_timeline = data.get("timeline") or []
        if not isinstance(raw_timeline, list):
            raw_timeline = []
            _note(skipped, f"{name}: timeline")
        for index, raw_entry in enumerate(raw_timeline):
            try:
                incident.timeline.append(TimelineEntry.from_dict(raw_entry))
            except (AttributeError, KeyError, TypeError, ValueError):
                _note(skipped, f"{name}: timeline entry {index}")
        recovery = data.get("recovery")
        if isinstance(recovery, dict):
            for key, raw_record in recovery.items():
                try:
                    incident.recovery[str(key)] = RecoveryRecord.from_dict(
                        raw_record, skipped
                    )
                except (AttributeError, KeyError, TypeError, ValueError):
                    _note(skipped, f"{name}: recovery record")
        elif recovery is not None:
            _note(skipped, f"{name}: recovery records")
        return incident


def _note(skipped: list[str] | None, what: str) -> None:
    """Name a part of stored data that was left out because it was unreadable."""
    if skipped is not None:
        skipped.append(what)
