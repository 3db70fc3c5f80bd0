"""From component health to incidents: opening, updating, escalating, closing.

The HA layer drives the tracker once per cycle with
``tracker.observe_all(system_health.components.values(), now)`` (that is
:meth:`IncidentTracker.observe` for each component, then
:meth:`IncidentTracker.review`)
and calls :meth:`IncidentTracker.acknowledge`, :meth:`~IncidentTracker.set_status`
and :meth:`~IncidentTracker.resolve` from services. Every method that
changes something returns the :class:`IncidentEvent` list it produced.

Rules:

- Failing: a check fails when its status reaches ``settings.open_threshold``
  in the order unknown < warning < degraded < critical (healthy never
  fails). During the grace after setup or reload (until :attr:`grace_until`)
  a result marked ``latency_only`` (the target answered, but slowly; the
  event loop ran late) does not fail: the monitor's own start-up load causes
  such findings. Real failures (unreachable, refused) always count.
- Opening (debounce): a component with no incident opens one after
  ``settings.failure_threshold`` consecutive failing checks; a result the
  target pushed by itself (``pushed``, e.g. a lost broker connection) is an
  event, not a sample, and opens at once. Severity: unknown -> info,
  warning -> minor, degraded -> major, critical -> critical. At most one
  incident that is not closed exists per component. Statuses show at once
  elsewhere; only incidents wait.
- Updating: a change of the component's status adds one timeline entry and
  an ``updated`` event; a repeated status adds nothing. A failing status sets
  the severity to its mapping, but never below the severity the last
  escalation reached, and the title to "<component> is <status>"; healthy and
  unknown keep both (an incident about to resolve, or a component we cannot
  see, is no better than before).
- Resolving: ``settings.healthy_checks_to_resolve`` consecutive healthy checks
  resolve the open incident (actor ``system``); only healthy checks count.
- Reopening: a resolved incident whose component fails again before it
  closes is reopened (see :mod:`.lifecycle`), whoever resolved it, after the
  same failure threshold as opening.
- Closing: :meth:`review` closes an incident ``settings.close_after`` after it
  was resolved.
- Escalation: :meth:`review` raises the severity of a ``new`` incident one
  level per ``settings.escalation_interval``, up to emergency: at most one
  level per review, and none while the component's latest check is healthy
  (the incident is about to resolve). Reviews that were missed (e.g. Home
  Assistant was stopped) never add levels at once: an escalation that comes
  a whole interval late restarts the clock, so the next level is an interval
  away; a shorter delay keeps the cadence.
- Recovery: the executor reports each attempt with
  :meth:`record_recovery_attempt`; a successful one is confirmed ("recovery
  succeeded") only if the component's next check is healthy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from ..models import ComponentHealth, HealthStatus
from ..sanitize import sanitize_message
from .codec import (
    EXPORT_VERSION,
    incident_from_dict,
    incident_to_dict,
    read_export_version,
    read_streaks,
)
from .events import IncidentEvent
from .ids import IncidentIdGenerator
from .lifecycle import ARRIVALS, IncidentEventType, IncidentStatus, TimelineEvent
from .model import (
    DEFAULT_TIMELINE_LIMIT,
    SYSTEM_ACTOR,
    DetailValue,
    Incident,
    RecoveryRecord,
    RecoveryResult,
    Severity,
    Timeline,
    TimelineEntry,
    UnknownIncidentError,
    ensure_utc,
    highest_severity,
)
from .statistics import IncidentStatistics, incident_statistics

SEVERITY_FOR_STATUS: Final = {
    HealthStatus.UNKNOWN: Severity.INFO,
    HealthStatus.WARNING: Severity.MINOR,
    HealthStatus.DEGRADED: Severity.MAJOR,
    HealthStatus.CRITICAL: Severity.CRITICAL,
}

# Order used by the opening threshold; healthy is below all and never opens.
THRESHOLD_ORDER: Final = (
    HealthStatus.UNKNOWN,
    HealthStatus.WARNING,
    HealthStatus.DEGRADED,
    HealthStatus.CRITICAL,
)


@dataclass(frozen=True, slots=True)
class IncidentSettings:
    """Tunable rules of incident handling, with the specification's defaults."""

    open_threshold: HealthStatus = HealthStatus.WARNING
    failure_threshold: int = 2
    healthy_checks_to_resolve: int = 2
    close_after: timedelta = timedelta(minutes=60)
    escalation_interval: timedelta = timedelta(minutes=30)
    max_timeline_entries: int = DEFAULT_TIMELINE_LIMIT
    max_incidents: int = 1000

    def __post_init__(self) -> None:
        """Reject settings the rules cannot work with."""
        if self.open_threshold not in THRESHOLD_ORDER:
            raise ValueError("the opening threshold must be a failing status")
        if self.failure_threshold < 1:
            raise ValueError("opening needs at least one failing check")
        if self.healthy_checks_to_resolve < 1:
            raise ValueError("resolving needs at least one healthy check")
        if self.close_after < timedelta(0):
            raise ValueError("the close delay cannot be negative")
        if self.escalation_interval <= timedelta(0):
            raise ValueError("the escalation interval must be positive")
        if self.max_timeline_entries < 2:
            raise ValueError("a timeline keeps at least two entries")
        if self.max_incidents < 1:
            raise ValueError("at least one incident must be kept")

    def opens_incident(self, status: HealthStatus) -> bool:
        """Whether ``status`` is at or above the opening threshold."""
        return status in THRESHOLD_ORDER and THRESHOLD_ORDER.index(
            status
        ) >= THRESHOLD_ORDER.index(self.open_threshold)


class IncidentScope(StrEnum):
    """Broad selections for :meth:`IncidentTracker.list_incidents`."""

    ACTIVE = "active"
    ALL = "all"


# Statuses a person may set by hand besides acknowledge and resolve.
MANUAL_STATUSES: Final = frozenset(
    {IncidentStatus.INVESTIGATING, IncidentStatus.IN_PROGRESS}
)


class IncidentTracker:
    """Keeps every incident and applies the incident rules (see module doc)."""

    def __init__(self, settings: IncidentSettings | None = None) -> None:
        """Start with no incidents."""
        self.settings = settings or IncidentSettings()
        self._incidents: dict[str, Incident] = {}
        # The incident of each component that is not closed yet.
        self._current: dict[str, str] = {}
        self._healthy_streaks: dict[str, int] = {}
        # Consecutive failing checks of each component (the debounce).
        self._failure_streaks: dict[str, int] = {}
        self._ids = IncidentIdGenerator()
        # End of the start-up or reload grace (set by the HA layer at setup).
        self.grace_until: datetime | None = None

    # Queries

    def get(self, incident_id: str) -> Incident:
        """Return the incident with ``incident_id``; raise UnknownIncidentError."""
        try:
            return self._incidents[incident_id]
        except KeyError:
            raise UnknownIncidentError(incident_id) from None

    def incident_for(self, component_id: str) -> Incident | None:
        """Return the component's incident that is not closed, if any."""
        incident_id = self._current.get(component_id)
        return None if incident_id is None else self._incidents[incident_id]

    def list_incidents(
        self,
        which: IncidentScope | IncidentStatus = IncidentScope.ACTIVE,
        *,
        hours: float | None = None,
        now: datetime | None = None,
    ) -> list[Incident]:
        """Return matching incidents, newest first.

        ``which`` is ``active`` (new, acknowledged, investigating, in
        progress), ``all`` or one status; ``hours`` keeps incidents created
        within that many hours before ``now``.
        """
        since = None if hours is None else ensure_utc(now) - timedelta(hours=hours)
        return [
            incident
            for incident in reversed(self._incidents.values())
            if (
                which == IncidentScope.ALL
                or (which == IncidentScope.ACTIVE and incident.is_open)
                or incident.status == which
            )
            and (since is None or incident.created_at >= since)
        ]

    def statistics(self, now: datetime | None = None) -> IncidentStatistics:
        """Return statistics over the kept incidents (see :mod:`.statistics`)."""
        return incident_statistics(self._incidents.values(), ensure_utc(now))

    # Observing health

    def observe_all(
        self, components: Iterable[ComponentHealth], now: datetime | None = None
    ) -> list[IncidentEvent]:
        """Run one cycle's step: observe every component, then :meth:`review`."""
        now = ensure_utc(now)
        events = [event for c in components for event in self.observe(c, now)]
        events.extend(self.review(now))
        return events

    def observe(
        self, component: ComponentHealth, now: datetime | None = None
    ) -> list[IncidentEvent]:
        """Apply one check outcome of ``component`` to its incident."""
        now = ensure_utc(now)
        status = component.status
        component_id = component.component_id
        streak = _count(
            self._healthy_streaks, component_id, status is HealthStatus.HEALTHY
        )
        failing = self._fails(component, now)
        failures = _count(self._failure_streaks, component_id, failing)
        threshold = 1 if component.pushed else self.settings.failure_threshold
        confirmed = failing and failures >= threshold

        incident = self.incident_for(component_id)
        if incident is None:
            return [self._open(component, now)] if confirmed else []

        events = self._settle_recovery(incident, status, now)
        if incident.status is IncidentStatus.RESOLVED:
            if confirmed:
                events.append(self._reopen(incident, component, now))
            return events
        if status is not incident.component_status:
            events.append(self._update(incident, component, now))
        if streak >= self.settings.healthy_checks_to_resolve:
            events.append(self._transition(incident, IncidentStatus.RESOLVED, now))
        return events

    def in_grace(self, now: datetime | None = None) -> bool:
        """Whether ``now`` is within the start-up or reload grace."""
        return self.grace_until is not None and ensure_utc(now) < self.grace_until

    def review(self, now: datetime | None = None) -> list[IncidentEvent]:
        """Escalate overdue unacknowledged incidents and close old resolved ones."""
        now = ensure_utc(now)
        events: list[IncidentEvent] = []
        for incident in list(self._incidents.values()):
            if (escalated := self._escalate_if_due(incident, now)) is not None:
                events.append(escalated)
            if (
                incident.status is IncidentStatus.RESOLVED
                and incident.resolved_at is not None
                and now - incident.resolved_at >= self.settings.close_after
            ):
                events.append(self._transition(incident, IncidentStatus.CLOSED, now))
        self._prune()
        return events

    # Manual operations

    def acknowledge(
        self,
        incident_id: str,
        *,
        actor: str,
        note: str | None = None,
        now: datetime | None = None,
    ) -> list[IncidentEvent]:
        """Acknowledge a new incident, which stops its escalation."""
        incident = self.get(incident_id)
        return [
            self._transition(
                incident, IncidentStatus.ACKNOWLEDGED, ensure_utc(now), actor, note
            )
        ]

    def set_status(
        self,
        incident_id: str,
        status: IncidentStatus,
        *,
        actor: str,
        note: str | None = None,
        now: datetime | None = None,
    ) -> list[IncidentEvent]:
        """Move an incident to investigating or in progress.

        Other statuses have their own method (acknowledge, resolve) or are
        reached only automatically (closed, reopened); asking for them raises
        ValueError.
        """
        if status not in MANUAL_STATUSES:
            raise ValueError(f"status {status} cannot be set by hand")
        incident = self.get(incident_id)
        return [self._transition(incident, status, ensure_utc(now), actor, note)]

    def resolve(
        self,
        incident_id: str,
        *,
        actor: str,
        note: str | None = None,
        now: datetime | None = None,
    ) -> list[IncidentEvent]:
        """Resolve an open incident by hand; it closes after the close delay."""
        incident = self.get(incident_id)
        return [
            self._transition(
                incident, IncidentStatus.RESOLVED, ensure_utc(now), actor, note
            )
        ]

    # Recovery

    def record_recovery_attempt(
        self,
        incident_id: str,
        action_key: str,
        *,
        success: bool,
        error: str | None = None,
        actor: str = SYSTEM_ACTOR,
        now: datetime | None = None,
    ) -> list[IncidentEvent]:
        """Record that ``action_key`` was tried for the incident, and how it went.

        ``success`` is the executor's view; the next check confirms it.
        ``error`` is sanitized before it is stored.
        """
        incident = self.get(incident_id)
        now = ensure_utc(now)
        error = None if error is None else sanitize_message(error)
        record = incident.recovery.setdefault(action_key, RecoveryRecord())
        record.add(RecoveryResult(now, success, error))
        incident.recovery_awaiting_confirmation = action_key if success else None
        details: dict[str, DetailValue] = {
            "action": action_key,
            "success": success,
            "error": error,
            "attempt": record.count,
        }
        incident.record(
            TimelineEntry(now, TimelineEvent.RECOVERY_ATTEMPTED, actor, details)
        )
        return [
            IncidentEvent.of(
                IncidentEventType.RECOVERY_ATTEMPTED, incident, now, details
            )
        ]

    # Persistence

    def export(self) -> dict[str, Any]:
        """Serialize every kept incident and the state the rules depend on."""
        return {
            "version": EXPORT_VERSION,
            "ids": self._ids.export(),
            "incidents": [
                incident_to_dict(incident) for incident in self._incidents.values()
            ],
            "healthy_streaks": dict(self._healthy_streaks),
            "failure_streaks": dict(self._failure_streaks),
        }

    @property
    def ids(self) -> IncidentIdGenerator:
        """The id generator (kept apart too, so that ids never go back)."""
        return self._ids

    def restore(self, data: Mapping[str, Any]) -> list[str]:
        """Replace the tracker's state with :meth:`export` output.

        Everything read back is checked, part by part: unreadable incidents,
        a second incident not closed for the same component, duplicate ids
        and unreadable streaks are skipped, and the returned list names each
        skipped part (empty when everything was read). The id counter only
        moves forward, also past the ids of incidents that were skipped.
        """
        skipped: list[str] = []
        self._incidents.clear()
        self._current.clear()
        if not read_export_version(data):
            skipped.append("tracker version")
        if "ids" in data and not self._ids.restore(data["ids"]):
            skipped.append("id counter")
        raw_incidents = data.get("incidents", [])
        if not isinstance(raw_incidents, list):
            skipped.append("incidents")
            raw_incidents = []
        for index, raw in enumerate(raw_incidents):
            self._restore_incident(index, raw, skipped)
        self._healthy_streaks = read_streaks(
            data.get("healthy_streaks"), "healthy streak", skipped
        )
        self._failure_streaks = read_streaks(
            data.get("failure_streaks"), "failure streak", skipped
        )
        self._prune()
        return skipped

    def _restore_incident(self, index: int, raw: Any, skipped: list[str]) -> None:
        """Keep one stored incident if it is readable and consistent."""
        if not isinstance(raw, Mapping):
            skipped.append(f"incident {index}")
            return
        # Its id is never handed out again, whether the rest is readable or not.
        if not self._ids.account_for(raw.get("id")):
            skipped.append(f"incident {index}")
            return
        try:
            incident = incident_from_dict(
                raw, skipped, timeline_limit=self.settings.max_timeline_entries
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            skipped.append(f"incident {index}")
            return
        if incident.id in self._incidents or (
            incident.status is not IncidentStatus.CLOSED
            and incident.component_id in self._current
        ):
            skipped.append(f"incident {index} (duplicate)")
            return
        self._incidents[incident.id] = incident
        if incident.status is not IncidentStatus.CLOSED:
            self._current[incident.component_id] = incident.id

    # Internals

    def _open(self, component: ComponentHealth, now: datetime) -> IncidentEvent:
        incident_id = self._ids.next_id(now)
        while incident_id in self._incidents:
            incident_id = self._ids.next_id(now)
        incident = Incident(
            id=incident_id,
            title=_title(component),
            description=component.message,
            severity=SEVERITY_FOR_STATUS[component.status],
            component_id=component.component_id,
            component_name=component.name,
            component_type=component.component_type,
            component_status=component.status,
            created_at=now,
            timeline=Timeline(limit=self.settings.max_timeline_entries),
        )
        incident.record(
            TimelineEntry(
                now,
                TimelineEvent.OPENED,
                SYSTEM_ACTOR,
                _status_details(component, incident.severity),
            )
        )
        self._incidents[incident_id] = incident
        self._current[component.component_id] = incident_id
        self._prune()
        return IncidentEvent.of(IncidentEventType.OPENED, incident, now)

    def _update(
        self, incident: Incident, component: ComponentHealth, now: datetime
    ) -> IncidentEvent:
        previous_status = incident.component_status
        previous_severity = incident.severity
        self._follow(incident, component)
        details: dict[str, DetailValue] = {
            "from": previous_status.value,
            **_status_details(component, incident.severity),
        }
        if incident.severity is not previous_severity:
            details["previous_severity"] = previous_severity.value
        incident.record(
            TimelineEntry(
                now, TimelineEvent.COMPONENT_STATUS_CHANGED, SYSTEM_ACTOR, details
            )
        )
        return IncidentEvent.of(IncidentEventType.UPDATED, incident, now, details)

    def _reopen(
        self, incident: Incident, component: ComponentHealth, now: datetime
    ) -> IncidentEvent:
        self._follow(incident, component)
        return self._transition(
            incident,
            IncidentStatus.NEW,
            now,
            details=_status_details(component, incident.severity),
        )

    def _follow(self, incident: Incident, component: ComponentHealth) -> None:
        """Take over the component's status, message, name, title and severity."""
        status = component.status
        incident.component_status = status
        incident.component_name = component.name
        if status in (HealthStatus.HEALTHY, HealthStatus.UNKNOWN):
            return
        incident.title = _title(component)
        incident.description = component.message
        incident.severity = highest_severity(
            SEVERITY_FOR_STATUS[status], incident.escalation_floor or Severity.INFO
        )

    def _fails(self, component: ComponentHealth, now: datetime) -> bool:
        """Whether the check counts towards opening an incident (see module doc)."""
        if not self.settings.opens_incident(component.status):
            return False
        return not (component.latency_only and self.in_grace(now))

    def _escalate_if_due(
        self, incident: Incident, now: datetime
    ) -> IncidentEvent | None:
        """Raise the severity one level if due and the component is not healthy."""
        interval = self.settings.escalation_interval
        due = incident.next_escalation_at(interval)
        if (
            due is None
            or due > now
            or self._healthy_streaks.get(incident.component_id, 0) > 0
        ):
            return None
        incident.escalate(
            # A whole interval late means reviews were missed: the clock
            # restarts now instead of catching up level after level.
            due_at=due if now - due < interval else now,
            now=now,
        )
        return IncidentEvent.of(
            IncidentEventType.ESCALATED,
            incident,
            now,
            {"escalation_level": incident.escalation_level},
        )

    def _settle_recovery(
        self, incident: Incident, status: HealthStatus, now: datetime
    ) -> list[IncidentEvent]:
        """Confirm or drop the last successful recovery attempt (next check only)."""
        action_key = incident.recovery_awaiting_confirmation
        if action_key is None:
            return []
        incident.recovery_awaiting_confirmation = None
        if status is not HealthStatus.HEALTHY:
            return []
        incident.recoveries_succeeded += 1
        details: dict[str, DetailValue] = {"recovery_succeeded": action_key}
        incident.record(
            TimelineEntry(
                now,
                TimelineEvent.RECOVERY_SUCCEEDED,
                SYSTEM_ACTOR,
                {"action": action_key},
            )
        )
        return [IncidentEvent.of(IncidentEventType.UPDATED, incident, now, details)]

    def _transition(
        self,
        incident: Incident,
        to_status: IncidentStatus,
        now: datetime,
        actor: str = SYSTEM_ACTOR,
        note: str | None = None,
        details: Mapping[str, DetailValue] | None = None,
    ) -> IncidentEvent:
        incident.transition(
            to_status,
            actor=actor,
            now=now,
            note=note,
            details=details,
        )
        if to_status is IncidentStatus.CLOSED:
            self._current.pop(incident.component_id, None)
        return IncidentEvent.of(
            ARRIVALS[to_status].event_type,
            incident,
            now,
            {"note": note} if note else None,
        )

    def _prune(self) -> None:
        """Drop the oldest closed incidents beyond ``settings.max_incidents``."""
        excess = len(self._incidents) - self.settings.max_incidents
        if excess <= 0:
            return
        closed = [
            incident_id
            for incident_id, incident in self._incidents.items()
            if incident.status is IncidentStatus.CLOSED
        ]
        for incident_id in closed[:excess]:
            del self._incidents[incident_id]


def _title(component: ComponentHealth) -> str:
    return f"{component.name} is {component.status.value}"


def _count(streaks: dict[str, int], component_id: str, counts: bool) -> int:
    """Extend a component's streak if ``counts``, else end it; return its length."""
    if not counts:
        streaks.pop(component_id, None)
        return 0
    streak = streaks[component_id] = streaks.get(component_id, 0) + 1
    return streak


def _status_details(
    component: ComponentHealth, severity: Severity
) -> dict[str, DetailValue]:
    return {
        "component_status": component.status.value,
        "severity": severity.value,
        "message": component.message,
    }
