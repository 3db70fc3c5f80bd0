"""Whom an incident is told to: suppression by a dependency, and flapping.

These are the records the tracker writes when an incident starts or stops
being quiet (see :mod:`.tracker` for when):

- Suppressed: a component this one depends on has an open incident, which
  explains this one. The incident stays open and keeps following its
  component, but has no repair issue, sends no notification and does not
  escalate; its timeline and ``suppressed_by`` name the parent's incident.
- No longer suppressed: the parent's incident is resolved and this
  component still fails: it becomes a normal incident, told once, and its
  escalation clock starts now (nobody could have acknowledged it before).
- Flapping: the component changes between healthy and not healthy too
  often; the incident is told once and then stays quiet, does not resolve
  and does not escalate, until the component has been stable for a window.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from ..dependencies import DependencyGraph
from ..flapping import FlapDetector, FlapObservation
from .acknowledgement import expire_acknowledgement
from .events import IncidentEvent
from .lifecycle import IncidentEventType, TimelineEvent
from .model import SYSTEM_ACTOR, Incident, ensure_utc
from .settings import IncidentSettings
from .store import IncidentStore
from .timeline import DetailValue, TimelineEntry


def cause_details(cause: Incident) -> dict[str, DetailValue]:
    """Name the parent's incident and component."""
    return {"suppressed_by": cause.id, "parent": cause.component_name}


def suppress(
    incident: Incident, cause: Incident, now: datetime
) -> dict[str, DetailValue]:
    """Hide ``incident`` behind its parent's open incident ``cause``."""
    incident.suppressed_by = cause.id
    details = cause_details(cause)
    incident.record(TimelineEntry(now, TimelineEvent.SUPPRESSED, SYSTEM_ACTOR, details))
    return details


def unsuppress(
    incident: Incident, parent: str | None, now: datetime
) -> dict[str, DetailValue]:
    """Make a suppressed incident a normal one again; its escalation clock restarts."""
    details: dict[str, DetailValue] = {"unsuppressed": incident.suppressed_by}
    if parent:
        details["parent"] = parent
    incident.suppressed_by = None
    incident.last_escalated_at = now
    incident.record(
        TimelineEntry(now, TimelineEvent.UNSUPPRESSED, SYSTEM_ACTOR, details)
    )
    return details


def start_flapping(
    incident: Incident, changes: int, window: timedelta, now: datetime
) -> dict[str, DetailValue]:
    """Mark ``incident`` flapping after ``changes`` changes within ``window``."""
    incident.flapping = True
    incident.flaps += 1
    details: dict[str, DetailValue] = {
        "flapping": True,
        "changes": changes,
        "window_minutes": round(window.total_seconds() / 60, 1),
    }
    incident.record(
        TimelineEntry(now, TimelineEvent.FLAPPING_STARTED, SYSTEM_ACTOR, details)
    )
    return details


def end_flapping(incident: Incident, now: datetime) -> dict[str, DetailValue]:
    """Make a flapping incident normal again (its component was stable for a window)."""
    incident.flapping = False
    details: dict[str, DetailValue] = {"flapping": False}
    incident.record(
        TimelineEntry(now, TimelineEvent.FLAPPING_ENDED, SYSTEM_ACTOR, details)
    )
    return details


class IncidentJudgment(IncidentStore):
    """The kept incidents, and whether each is told: dependencies, flapping, maintenance.

    The tracker's rules build on this; the HA layer sets ``dependencies``
    and ``in_maintenance``.
    """

    def __init__(self, settings: IncidentSettings | None = None) -> None:
        """Start with no incidents, no dependencies and no maintenance."""
        super().__init__(settings)
        # Which components depend on which.
        self.dependencies = DependencyGraph()
        # Whether a component is in maintenance at a time.
        self.in_maintenance: Callable[[str, datetime], bool] = _never
        self.flaps = FlapDetector(
            self.settings.flap_threshold, self.settings.flap_window
        )
        # Cycles each suppressed incident has failed since its cause went away.
        self._cleared_cycles: dict[str, int] = {}

    def follow_dependencies(
        self, now: datetime | None = None, observed: Collection[str] | None = None
    ) -> list[IncidentEvent]:
        """Suppress open incidents a parent's open incident explains; release the rest.

        Run once per cycle, after every component was observed. An open
        incident whose nearest ancestor with an open incident appears is
        suppressed (also one opened before its parent's: which check fails
        first is chance). A suppressed incident whose ancestors have no open
        incident any more becomes a normal one once its component has failed
        ``failure_threshold`` more cycles (a service on a host that just came
        back needs a moment); if it turns healthy it resolves as usual, and
        that resolution is told. Only checks of ``observed`` components (all
        when None) count as such cycles: a result one check pushed is none
        of the others'.
        """
        now = ensure_utc(now)
        events: list[IncidentEvent] = []
        for incident in [
            i
            for i in map(self._incidents.get, self._current.values())
            if i and i.is_open
        ]:
            component_id = incident.component_id
            cause = self._cause(component_id)
            if cause is not None:
                self._cleared_cycles.pop(component_id, None)
                if incident.suppressed_by is None:
                    details = suppress(incident, cause, now)
                    events.append(
                        self._event(IncidentEventType.UPDATED, incident, now, details)
                    )
                else:
                    # The nearest cause may change (a closer parent failed too).
                    incident.suppressed_by = cause.id
                continue
            if incident.suppressed_by is None or not self._failure_streaks.get(
                component_id
            ):
                self._cleared_cycles.pop(component_id, None)
                continue
            if observed is not None and component_id not in observed:
                continue
            cycles = self._cleared_cycles.get(component_id, 0) + 1
            self._cleared_cycles[component_id] = cycles
            if cycles >= self.settings.failure_threshold:
                del self._cleared_cycles[component_id]
                former = self._incidents.get(incident.suppressed_by)
                details = unsuppress(
                    incident, former.component_name if former else None, now
                )
                events.append(
                    self._event(IncidentEventType.UPDATED, incident, now, details)
                )
        return events

    def maintained(self, component_id: str, now: datetime) -> bool:
        """Whether the component or one it depends on is in maintenance.

        Working on a host covers what runs on it: its children's failures
        open nothing and are told to nobody either.
        """
        return self.in_maintenance(component_id, now) or any(
            self.in_maintenance(ancestor, now)
            for ancestor in self.dependencies.ancestors(component_id)
        )

    def parent_failing(self, component_id: str) -> bool:
        """Whether an ancestor fails but has opened no incident yet.

        A child waits for it (at most ``failure_threshold`` cycles): its
        incident then opens suppressed, or normally if the parent recovers.
        """
        return any(
            self._failure_streaks.get(ancestor, 0) > 0
            and self._open_incident(ancestor) is None
            for ancestor in self.dependencies.ancestors(component_id)
        )

    def _open_incident(self, component_id: str) -> Incident | None:
        """Return the component's incident if it is open."""
        incident = self.incident_for(component_id)
        return incident if incident is not None and incident.is_open else None

    def _start_flapping(
        self,
        incident: Incident,
        flap: FlapObservation,
        now: datetime,
        event_type: IncidentEventType = IncidentEventType.UPDATED,
    ) -> IncidentEvent:
        """Mark the incident flapping: told once (this event), quiet after."""
        details = start_flapping(incident, flap.recent_changes, self.flaps.window, now)
        return self._event(event_type, incident, now, details, announce=True)

    def _cause(self, component_id: str) -> Incident | None:
        """Return the open incident of the nearest ancestor that has one."""
        return next(
            (
                incident
                for ancestor in self.dependencies.ancestors(component_id)
                if (incident := self._open_incident(ancestor)) is not None
            ),
            None,
        )

    def _event(
        self,
        event_type: IncidentEventType,
        incident: Incident,
        now: datetime,
        details: Mapping[str, DetailValue] | None = None,
        *,
        announce: bool = False,
    ) -> IncidentEvent:
        """Describe a change, quiet when nobody should be told of it.

        In maintenance everything is quiet; otherwise a suppressed or
        flapping incident is (``announce``: the event that starts the
        flapping is told), but never its resolution.
        """
        quiet = self._quiet(event_type, incident, now, announce=announce)
        return IncidentEvent.of(event_type, incident, now, details, quiet=quiet)

    def record_maintenance(
        self,
        component_id: str,
        started: bool,
        details: Mapping[str, DetailValue],
        actor: str = SYSTEM_ACTOR,
        now: datetime | None = None,
    ) -> list[IncidentEvent]:
        """Write the start or end of maintenance on the component's open incident."""
        incident = self.incident_for(component_id)
        if incident is None or not incident.is_open:
            return []
        now = ensure_utc(now)
        event = (
            TimelineEvent.MAINTENANCE_STARTED
            if started
            else TimelineEvent.MAINTENANCE_ENDED
        )
        incident.record(TimelineEntry(now, event, actor, dict(details)))
        return [
            IncidentEvent.of(
                IncidentEventType.UPDATED, incident, now, details, quiet=True
            )
        ]

    def _quiet(
        self,
        event_type: IncidentEventType,
        incident: Incident,
        now: datetime,
        *,
        announce: bool = False,
    ) -> bool:
        """Whether an event of ``incident`` is told to nobody (see :meth:`_event`)."""
        return self.maintained(incident.component_id, now) or (
            event_type not in (IncidentEventType.RESOLVED, IncidentEventType.CLOSED)
            and (
                incident.suppressed_by is not None
                or (incident.flapping and not announce)
            )
        )

    def _expire_acknowledgement(
        self, incident: Incident, now: datetime
    ) -> IncidentEvent | None:
        """Take back an expired acknowledgement (see :mod:`.acknowledgement`).

        Only an incident acknowledged for a while is judged: every review
        goes through every kept incident. Nobody is told of a quiet
        incident, so its expiry escalates nothing.
        """
        if incident.acknowledged_until is None or not incident.is_open:
            return None
        quiet = self._quiet(IncidentEventType.UPDATED, incident, now)
        calm = quiet or self._healthy_streaks.get(incident.component_id, 0) > 0
        expired = expire_acknowledgement(incident, now, healthy=calm)
        return None if expired is None else replace(expired, quiet=quiet)

    # Persistence: the flapping state goes with the incidents.

    def export(self) -> dict[str, Any]:
        """Serialize the incidents and each component's recent changes."""
        return {**super().export(), "flapping": self.flaps.export()}

    def restore(self, data: Mapping[str, Any]) -> list[str]:
        """Read :meth:`export` output back; name the parts that were skipped."""
        skipped = super().restore(data)
        skipped.extend(self.flaps.restore(data.get("flapping")))
        return skipped


def _never(component_id: str, now: datetime) -> bool:
    """No component is in maintenance (until the HA layer says otherwise)."""
    return False
