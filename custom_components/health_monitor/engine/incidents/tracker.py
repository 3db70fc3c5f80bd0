"""From component health to incidents: opening, updating, escalating, closing.

The HA layer calls :meth:`IncidentTracker.observe_all` once per cycle (that
is :meth:`~IncidentTracker.observe` for each component, then
:meth:`~IncidentTracker.review`), and :meth:`~IncidentTracker.change`
from services and repair flows. Every method that changes something returns the
:class:`IncidentEvent` list it produced; where incidents are kept, and how
they are stored, is :mod:`.store`'s.

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
- Affected: a check may name what its status is about (``affected``, e.g.
  the entities an entity check finds failing). While the incident is open,
  a change of that set adds one timeline entry naming who joined and who
  left (with the status change, if the status changed too) and an
  ``updated`` event; the incident keeps the current set. One incident per
  component lists them, rather than one incident per entity.
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
- Acknowledgement expiry: :meth:`review` takes back acknowledgements given
  for a while once they expire (see :mod:`.acknowledgement`).
- Recovery: the executor reports each attempt with
  :meth:`record_recovery_attempt`; a successful one is confirmed ("recovery
  succeeded") only if the component's next check is healthy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from ..models import ComponentHealth, HealthStatus
from ..sanitize import sanitize_message
from .acknowledgement import acknowledged_until, expire_acknowledgement
from .events import IncidentEvent
from .lifecycle import (
    ARRIVALS,
    MANUAL_STATUSES,
    IncidentEventType,
    IncidentStatus,
    TimelineEvent,
)
from .model import (
    SEVERITY_FOR_STATUS,
    SYSTEM_ACTOR,
    DetailValue,
    Incident,
    RecoveryResult,
    Severity,
    Timeline,
    TimelineEntry,
    ensure_utc,
    highest_severity,
)
from .settings import IncidentSettings
from .store import IncidentStore


class IncidentTracker(IncidentStore):
    """Applies the incident rules (see module doc) to the kept incidents."""

    def __init__(self, settings: IncidentSettings | None = None) -> None:
        """Start with no incidents."""
        super().__init__(settings)
        # End of the start-up or reload grace (set by the HA layer at setup).
        self.grace_until: datetime | None = None

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
        elif set(component.affected) != set(incident.affected):
            events.append(self._affected_changed(incident, component, now))
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
            healthy = self._healthy_streaks.get(incident.component_id, 0) > 0
            if expired := expire_acknowledgement(incident, now, healthy=healthy):
                events.append(expired)
            elif (escalated := self._escalate_if_due(incident, now)) is not None:
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

    def change(
        self,
        incident_id: str,
        status: IncidentStatus,
        *,
        actor: str,
        note: str | None = None,
        now: datetime | None = None,
        expires_in: timedelta | None = None,
    ) -> list[IncidentEvent]:
        """Bring an incident to ``status`` by hand.

        Acknowledged stops the escalation, for ``expires_in`` if given (see
        :mod:`.acknowledgement`); resolved closes the incident after
        the close delay and starts the failure count again (a reopen needs
        ``failure_threshold`` checks). New and closed are reached only
        automatically: asking for them raises ValueError.
        """
        if status not in MANUAL_STATUSES:
            raise ValueError(f"status {status} cannot be set by hand")
        now = ensure_utc(now)
        until = acknowledged_until(now, expires_in)
        if until is not None and status is not IncidentStatus.ACKNOWLEDGED:
            raise ValueError("only an acknowledgement expires")
        incident = self.get(incident_id)
        events = [self._transition(incident, status, now, actor, note, until=until)]
        if status is IncidentStatus.RESOLVED:
            self._failure_streaks.pop(incident.component_id, None)
        return events

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
        details = incident.record_recovery_attempt(
            RecoveryResult(now, success, error), action_key, actor
        )
        return [
            IncidentEvent.of(
                IncidentEventType.RECOVERY_ATTEMPTED, incident, now, details
            )
        ]

    # Internals

    def _open(self, component: ComponentHealth, now: datetime) -> IncidentEvent:
        incident_id = self._ids.next_id(now)
        while incident_id in self._incidents:
            incident_id = self._ids.next_id(now)
        incident = Incident(
            affected=component.affected,
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
        affected = _take_affected(incident, component)
        self._follow(incident, component)
        details: dict[str, DetailValue] = {
            "from": previous_status.value,
            **_status_details(component, incident.severity),
        }
        if incident.severity is not previous_severity:
            details["previous_severity"] = previous_severity.value
        details.update(affected)
        incident.record(
            TimelineEntry(
                now, TimelineEvent.COMPONENT_STATUS_CHANGED, SYSTEM_ACTOR, details
            )
        )
        return IncidentEvent.of(IncidentEventType.UPDATED, incident, now, details)

    def _affected_changed(
        self, incident: Incident, component: ComponentHealth, now: datetime
    ) -> IncidentEvent:
        details = _take_affected(incident, component)
        incident.record(
            TimelineEntry(now, TimelineEvent.AFFECTED_CHANGED, SYSTEM_ACTOR, details)
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
        incident.affected = component.affected
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
        action_key = incident.settle_recovery(status is HealthStatus.HEALTHY, now)
        if action_key is None:
            return []
        details: dict[str, DetailValue] = {"recovery_succeeded": action_key}
        return [IncidentEvent.of(IncidentEventType.UPDATED, incident, now, details)]

    def _transition(
        self,
        incident: Incident,
        to_status: IncidentStatus,
        now: datetime,
        actor: str = SYSTEM_ACTOR,
        note: str | None = None,
        details: Mapping[str, DetailValue] | None = None,
        *,
        until: datetime | None = None,
    ) -> IncidentEvent:
        incident.transition(
            to_status, actor=actor, now=now, note=note, details=details, until=until
        )
        if to_status is IncidentStatus.CLOSED:
            self._current.pop(incident.component_id, None)
        return IncidentEvent.of(
            ARRIVALS[to_status].event_type,
            incident,
            now,
            {"note": note} if note else None,
        )


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
    details: dict[str, DetailValue] = {
        "component_status": component.status.value,
        "severity": severity.value,
        "message": component.message,
    }
    if component.affected:
        details["affected"] = named(component.affected)
    return details


# Names written into one timeline entry; the rest are counted.
MAX_NAMED = 10


def named(names: Iterable[str]) -> str:
    """Return up to :data:`MAX_NAMED` names, joined, and how many more there are."""
    listed = list(names)
    text = ", ".join(listed[:MAX_NAMED])
    if len(listed) > MAX_NAMED:
        text += f" and {len(listed) - MAX_NAMED} more"
    return text


def _take_affected(
    incident: Incident, component: ComponentHealth
) -> dict[str, DetailValue]:
    """Take over the component's affected set; return who joined and who left."""
    before = set(incident.affected)
    now = set(component.affected)
    incident.affected = component.affected
    details: dict[str, DetailValue] = {}
    joined = [name for name in component.affected if name not in before]
    left = sorted(before - now)
    if joined:
        details["joined"] = named(joined)
        details["joined_count"] = len(joined)
    if left:
        details["left"] = named(left)
        details["left_count"] = len(left)
    if joined or left:
        details["affected_count"] = len(now)
    return details
