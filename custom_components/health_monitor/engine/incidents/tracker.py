"""From component health to incidents: opening, updating, escalating, closing.

The HA layer calls :meth:`IncidentTracker.observe_all` once per cycle
(:meth:`~IncidentTracker.observe` for each component, parents first, then
``follow_dependencies`` and :meth:`~IncidentTracker.review`), and
:meth:`~IncidentTracker.change` from services and repair flows. Every
method that changes something returns its :class:`IncidentEvent` list;
:mod:`.store` keeps the incidents, :mod:`.judgment` decides who is told
(suppression by a dependency, flapping, maintenance).

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
  left and an ``updated`` event: one incident per component lists them.
- Resolving: ``settings.healthy_checks_to_resolve`` consecutive healthy checks
  resolve the open incident (actor ``system``), unless it is flapping.
- Flapping (see :mod:`..flapping`): a flapping component opens (or reopens)
  at its first failing check and is told once; its incident stays open and
  quiet until the component is stable for the window.
- Reopening: a resolved incident whose component fails again before it
  closes is reopened (see :mod:`.lifecycle`), whoever resolved it, after the
  same failure threshold as opening.
- Closing: :meth:`review` closes an incident ``settings.close_after`` after it
  was resolved.
- Escalation: :meth:`review` raises the severity of a ``new`` incident one
  level per ``settings.escalation_interval``, up to emergency: at most one
  level per review, none while the latest check is healthy, suppressed,
  flapping or in maintenance. Missed reviews (Home Assistant was stopped)
  never add levels at once: a whole interval late restarts the clock.
- Acknowledgement expiry: :meth:`review` takes back acknowledgements given
  for a while once they expire (see :mod:`.acknowledgement`).
- Maintenance: ``in_maintenance`` says whether a component is in
  maintenance (the HA layer sets it to the schedule). A component in
  maintenance opens and reopens nothing (its failure count starts again
  after it), and every event of its incident is quiet; updates and
  resolving go on. ``record_maintenance`` writes the start and end.
- Recovery: the executor reports each attempt with
  :meth:`record_recovery_attempt`; a successful one is confirmed ("recovery
  succeeded") only if the component's next check is healthy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from ..flapping import FlapObservation
from ..models import ComponentHealth, HealthStatus
from .acknowledgement import acknowledged_until
from .details import count_streak, status_details, take_affected, title_of
from .events import IncidentEvent
from .judgment import cause_details, end_flapping
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
    Incident,
    Severity,
    ensure_utc,
    highest_severity,
)
from .recovery_records import RecoveryRecords
from .settings import IncidentSettings
from .timeline import DetailValue, Timeline, TimelineEntry


class IncidentTracker(RecoveryRecords):
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
        """Run one cycle's step: observe every component, then :meth:`review`.

        Parents are observed before their children, so that a parent's
        incident opening in this cycle already explains its children's.
        """
        now = ensure_utc(now)
        by_id = {component.component_id: component for component in components}
        events = [
            event
            for component_id in self.dependencies.order(by_id)
            for event in self.observe(by_id[component_id], now)
        ]
        events.extend(self.follow_dependencies(now, by_id.keys()))
        events.extend(self.review(now))
        return events

    def observe(
        self, component: ComponentHealth, now: datetime | None = None
    ) -> list[IncidentEvent]:
        """Apply one check outcome of ``component`` to its incident."""
        now = ensure_utc(now)
        status = component.status
        component_id = component.component_id
        healthy = status is HealthStatus.HEALTHY
        streak = count_streak(self._healthy_streaks, component_id, healthy)
        failing = self._fails(component, now)
        maintained = self.maintained(component_id, now)
        failures = count_streak(
            self._failure_streaks, component_id, failing and not maintained
        )
        flap = self.flaps.observe(component_id, healthy, now)
        flapping = self.flaps.is_flapping(flap)
        # A pushed failure opens at once, unless a parent may explain it: the
        # parent's own check has not seen it yet, so it counts as a sample.
        pushed = component.pushed and not self.dependencies.parents_of(component_id)
        threshold = 1 if pushed else self.settings.failure_threshold
        # A flapping component may never fail twice in a row: it opens at once.
        confirmed = (
            failing
            and not maintained
            and (failures >= threshold or flapping)
            and not self.parent_failing(component_id)
        )

        incident = self.incident_for(component_id)
        if incident is None:
            return [self._open(component, now, flap)] if confirmed else []

        events = self._settle_recovery(incident, status, now)
        if incident.status is IncidentStatus.RESOLVED:
            if confirmed:
                events.append(self._reopen(incident, component, now, flap))
            return events
        if flapping and not incident.flapping:
            events.append(self._start_flapping(incident, flap, now))
        elif incident.flapping and self.flaps.stable_for(flap, now):
            details = end_flapping(incident, now)
            # Stable and healthy resolves right below: that is what people hear.
            events.append(
                self._event(IncidentEventType.UPDATED, incident, now, details)
                if not healthy
                else IncidentEvent.of(
                    IncidentEventType.UPDATED, incident, now, details, quiet=True
                )
            )
        if status is not incident.component_status:
            events.append(self._update(incident, component, now))
        elif set(component.affected) != set(incident.affected):
            events.append(self._affected_changed(incident, component, now))
        if streak >= self.settings.healthy_checks_to_resolve and not incident.flapping:
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
            if (expired := self._expire_acknowledgement(incident, now)) is not None:
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

    def _open(
        self, component: ComponentHealth, now: datetime, flap: FlapObservation
    ) -> IncidentEvent:
        incident_id = self._ids.next_id(now)
        while incident_id in self._incidents:
            incident_id = self._ids.next_id(now)
        cause = self._cause(component.component_id)
        incident = Incident(
            affected=component.affected,
            id=incident_id,
            title=title_of(component),
            description=component.message,
            severity=SEVERITY_FOR_STATUS[component.status],
            component_id=component.component_id,
            component_name=component.name,
            component_type=component.component_type,
            component_status=component.status,
            created_at=now,
            timeline=Timeline(limit=self.settings.max_timeline_entries),
            suppressed_by=None if cause is None else cause.id,
        )
        details = status_details(component, incident.severity)
        if cause is not None:
            details.update(cause_details(cause))
        incident.record(TimelineEntry(now, TimelineEvent.OPENED, SYSTEM_ACTOR, details))
        self._incidents[incident_id] = incident
        self._current[component.component_id] = incident_id
        self._prune()
        if self.flaps.is_flapping(flap):
            return self._start_flapping(incident, flap, now, IncidentEventType.OPENED)
        return self._event(
            IncidentEventType.OPENED,
            incident,
            now,
            None if cause is None else cause_details(cause),
        )

    def _update(
        self, incident: Incident, component: ComponentHealth, now: datetime
    ) -> IncidentEvent:
        previous_status = incident.component_status
        previous_severity = incident.severity
        affected = take_affected(incident, component)
        self._follow(incident, component)
        details: dict[str, DetailValue] = {
            "from": previous_status.value,
            **status_details(component, incident.severity),
        }
        if incident.severity is not previous_severity:
            details["previous_severity"] = previous_severity.value
        details.update(affected)
        incident.record(
            TimelineEntry(
                now, TimelineEvent.COMPONENT_STATUS_CHANGED, SYSTEM_ACTOR, details
            )
        )
        return self._event(IncidentEventType.UPDATED, incident, now, details)

    def _affected_changed(
        self, incident: Incident, component: ComponentHealth, now: datetime
    ) -> IncidentEvent:
        details = take_affected(incident, component)
        incident.record(
            TimelineEntry(now, TimelineEvent.AFFECTED_CHANGED, SYSTEM_ACTOR, details)
        )
        return self._event(IncidentEventType.UPDATED, incident, now, details)

    def _reopen(
        self,
        incident: Incident,
        component: ComponentHealth,
        now: datetime,
        flap: FlapObservation,
    ) -> IncidentEvent:
        self._follow(incident, component)
        cause = self._cause(component.component_id)
        incident.suppressed_by = None if cause is None else cause.id
        details = status_details(component, incident.severity)
        if cause is not None:
            details.update(cause_details(cause))
        event = self._transition(incident, IncidentStatus.NEW, now, details=details)
        if self.flaps.is_flapping(flap):
            return self._start_flapping(incident, flap, now, IncidentEventType.REOPENED)
        return event

    def _follow(self, incident: Incident, component: ComponentHealth) -> None:
        """Take over the component's status, message, name, title and severity."""
        status = component.status
        incident.affected = component.affected
        incident.component_status = status
        incident.component_name = component.name
        if status in (HealthStatus.HEALTHY, HealthStatus.UNKNOWN):
            return
        incident.title = title_of(component)
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
            or self.maintained(incident.component_id, now)
        ):
            return None
        incident.escalate(
            # A whole interval late means reviews were missed: the clock
            # restarts now instead of catching up level after level.
            due_at=due if now - due < interval else now,
            now=now,
        )
        return self._event(
            IncidentEventType.ESCALATED,
            incident,
            now,
            {"escalation_level": incident.escalation_level},
        )

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
        return self._event(
            ARRIVALS[to_status].event_type,
            incident,
            now,
            {"note": note} if note else None,
        )
