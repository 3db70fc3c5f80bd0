"""Incidents on the Home Assistant side, behind one service object.

After each cycle the coordinator hands the component health over; an action
(acknowledge, resolve, set a status) comes from a service or a repair flow.
Either way :class:`Incidents` applies the engine's rules and publishes what
changed in the same call: repair issues, event and binary sensor entities,
the bus event and the notify action follow from it, and the incidents are
saved. Platforms and surfaces only read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_time_interval,
)

from .const import DOMAIN, EVENT_INCIDENT, INCIDENT_REVIEW_INTERVAL
from .controls import Controls
from .engine.dependencies import DependencyGraph
from .engine.incidents import (
    SYSTEM_ACTOR,
    Incident,
    IncidentScope,
    IncidentStatus,
    IncidentTracker,
    UnknownIncidentError,
)
from .engine.incidents.acknowledgement import next_expiry
from .engine.incidents.events import IncidentEvent, IncidentEventType
from .engine.incidents.statistics import IncidentStatistics
from .engine.incidents.timeline import DetailValue
from .engine.maintenance import MaintenanceSchedule
from .engine.models import ComponentHealth, utcnow
from .incident_files import IncidentFiles
from .notifier import IncidentNotifier
from .recovery import RecoveryHost, RecoveryRunner
from .repairs import async_delete_incident_issues, async_sync_incident_issue
from .settings import MonitorSettings

_LOGGER = logging.getLogger(__name__)


def signal_incident_event(entry_id: str, component_id: str) -> str:
    """Return the dispatcher signal carrying the incident events of one component."""
    return f"{DOMAIN}_{entry_id}_{component_id}_incident_event"


def signal_incidents_changed(entry_id: str) -> str:
    """Return the dispatcher signal sent once per batch of incident events."""
    return f"{DOMAIN}_{entry_id}_incidents_changed"


class Incidents:
    """The incidents of one config entry: actions that publish, reads for surfaces."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        settings: MonitorSettings,
        controls: Controls,
        recovery_host: RecoveryHost,
        maintenance: MaintenanceSchedule,
    ) -> None:
        """Prepare incident handling with the entry's settings.

        ``controls`` and the ``maintenance`` schedule are the coordinator's;
        they are stored with the incidents.
        """
        self._hass = hass
        self._entry = entry
        self._controls = controls
        self._maintenance = maintenance
        self._notifier = IncidentNotifier(
            hass,
            entry,
            settings.notify_action,
            settings.digest_window,
            self._still_notifiable,
        )
        self._grace_period = timedelta(seconds=settings.grace_period)
        self._tracker = IncidentTracker(settings.incidents)
        self._tracker.in_maintenance = maintenance.is_active
        self._recovery = RecoveryRunner(
            hass, entry, recovery_host, self._record_recovery
        )
        self._files = IncidentFiles(
            hass, entry.entry_id, self._tracker, controls, maintenance
        )
        # Statistics of the incidents as of (change count, minute): every
        # statistics sensor reads them, so they are computed once per change.
        self._changes = 0
        self._statistics: tuple[tuple[int, int], IncidentStatistics] | None = None
        # Events of the first cycle, held back until the entities that show
        # them exist (None once they do).
        self._held_events: list[IncidentEvent] | None = []
        self._unsub_review: CALLBACK_TYPE | None = None
        # The review at the next acknowledgement expiry, and its time.
        self._unsub_expiry: CALLBACK_TYPE | None = None
        self._expiry_at: datetime | None = None

    # Reading

    @property
    def dependencies(self) -> DependencyGraph:
        """Which components depend on which."""
        return self._tracker.dependencies

    def use_dependencies(self, edges: Mapping[str, Iterable[str]]) -> None:
        """Take the components' parents (see ``dependencies.dependency_edges``)."""
        self._tracker.dependencies = DependencyGraph(edges)

    def maintenance_until(self, component_id: str) -> datetime | None:
        """Return when the component's maintenance ends, if it is in maintenance now."""
        window = self._maintenance.active(component_id, utcnow())
        return None if window is None else window.end

    def incident_for(self, component_id: str) -> Incident | None:
        """Return the component's incident that is not closed, if any."""
        return self._tracker.incident_for(component_id)

    def get(self, incident_id: str) -> Incident:
        """Return the incident ``incident_id``; raise UnknownIncidentError."""
        return self._tracker.get(incident_id)

    def list_incidents(
        self,
        which: IncidentScope | IncidentStatus = IncidentScope.ACTIVE,
        *,
        hours: float | None = None,
    ) -> list[Incident]:
        """Return the incidents in ``which`` (open ones by default), of the last ``hours``."""
        return self._tracker.list_incidents(which, hours=hours, now=utcnow())

    def statistics(self) -> IncidentStatistics:
        """Return the incident statistics, computed again only after a change.

        ``last_24h`` depends on the clock too, so they are also renewed each
        minute.
        """
        now = utcnow()
        key = (self._changes, int(now.timestamp() // 60))
        if self._statistics is None or self._statistics[0] != key:
            self._statistics = (key, self._tracker.statistics(now))
        return self._statistics[1]

    # Acting: each action applies the change and publishes it

    @callback
    def process(self, components: Iterable[ComponentHealth]) -> None:
        """Apply one cycle's component health; start due recovery actions."""
        components = list(components)
        now = utcnow()
        self._publish(self._tracker.observe_all(components, now))
        if not self._controls.incident_response:
            return
        for component in components:
            incident = self._tracker.incident_for(component.component_id)
            # A suppressed incident waits for its cause, and nothing is
            # repaired while people work on it (maintenance).
            if (
                incident is not None
                and incident.is_open
                and incident.suppressed_by is None
                and not self._tracker.maintained(component.component_id, now)
            ):
                self._recovery.async_start_due(incident, component)

    @callback
    def change(
        self,
        incident_id: str,
        status: IncidentStatus,
        *,
        note: str | None,
        actor: str,
        expires_in: timedelta | None = None,
    ) -> Incident:
        """Bring an incident to ``status`` by hand, as a service or repair flow asks.

        Acknowledged stops the escalation (for ``expires_in``, if given:
        then it is new again and escalates); resolved removes the repair issue;
        investigating and in progress are set as they are. Raises
        UnknownIncidentError or IncidentTransitionError, which each caller
        shows in its own way.
        """
        self._publish(
            self._tracker.change(
                incident_id, status, actor=actor, note=note, expires_in=expires_in
            )
        )
        return self._tracker.get(incident_id)

    @callback
    def resolve_unwatched(self, component_id: str, note: str) -> None:
        """Resolve the open incident of a component nobody watches any more.

        Nothing would ever resolve it otherwise; resolving also removes its
        repair issue.
        """
        incident = self._tracker.incident_for(component_id)
        if incident is not None and incident.is_open:
            self.change(
                incident.id, IncidentStatus.RESOLVED, actor=SYSTEM_ACTOR, note=note
            )

    @callback
    def record_maintenance(
        self,
        component_id: str,
        started: bool,
        details: Mapping[str, DetailValue],
        actor: str,
        now: datetime,
    ) -> None:
        """Write the start or end of maintenance on the component's open incident."""
        self._publish(
            self._tracker.record_maintenance(component_id, started, details, actor, now)
        )

    @callback
    def _record_recovery(
        self, incident_id: str, action_key: str, error: str | None
    ) -> None:
        self._publish(
            self._tracker.record_recovery_attempt(
                incident_id,
                action_key,
                success=error is None,
                error=error,
                now=utcnow(),
            )
        )

    @callback
    def _async_review(self, now: datetime) -> None:
        """Escalate and auto-close on time, whatever the checks do."""
        self._publish(self._tracker.review(utcnow()))

    @callback
    def _schedule_expiry_review(self) -> None:
        """Review at the next acknowledgement expiry, to the second.

        An expiry that passed while Home Assistant was stopped is reviewed at
        once.
        """
        when = next_expiry(self._tracker.list_incidents())
        if when == self._expiry_at:
            return
        if self._unsub_expiry is not None:
            self._unsub_expiry()
            self._unsub_expiry = None
        self._expiry_at = when
        if when is not None:
            self._unsub_expiry = async_track_point_in_utc_time(
                self._hass, self._async_expiry_due, when
            )

    @callback
    def _async_expiry_due(self, now: datetime) -> None:
        self._unsub_expiry = None
        self._expiry_at = None
        self._async_review(now)
        self._schedule_expiry_review()

    # Lifecycle and storage

    def export(self) -> dict[str, Any]:
        """Serialize incidents, the controls (monitoring, incident response) and maintenance."""
        return self._files.export()

    async def async_start(self) -> None:
        """Restore incidents, re-create their repair issues, start the review timer."""
        await self._files.async_load()
        # Setting up (after a start or reload) loads the loop and every target.
        self._tracker.grace_until = utcnow() + self._grace_period
        for incident in self._tracker.list_incidents():
            async_sync_incident_issue(
                self._hass,
                self._entry.entry_id,
                incident,
                self.maintenance_until(incident.component_id),
            )
        self._schedule_expiry_review()
        self._unsub_review = async_track_time_interval(
            self._hass,
            self._async_review,
            timedelta(seconds=INCIDENT_REVIEW_INTERVAL),
            cancel_on_shutdown=True,
        )

    async def async_stop(self, *, remove_issues: bool) -> None:
        """Stop the timers, tell what was gathered, save, and (on unload) drop the issues."""
        if self._unsub_review is not None:
            self._unsub_review()
            self._unsub_review = None
        if self._unsub_expiry is not None:
            self._unsub_expiry()
            self._unsub_expiry = None
        self._notifier.async_flush(stopping=True)
        await self._files.async_flush()
        if remove_issues:
            async_delete_incident_issues(self._hass, self._entry.entry_id)

    @callback
    def async_schedule_save(self) -> None:
        """Save the incident state within a second (e.g. after a switch changed)."""
        self._files.async_schedule_save()

    # Publishing

    @callback
    def _publish(self, events: list[IncidentEvent]) -> None:
        """Bring every surface up to date with ``events`` and schedule a save."""
        if not events:
            return
        entry_id = self._entry.entry_id
        for event in events:
            incident = self._tracker.get(event.incident_id)
            async_sync_incident_issue(
                self._hass,
                entry_id,
                incident,
                self.maintenance_until(incident.component_id),
            )
            if self._held_events is not None:
                self._held_events.append(event)
            else:
                self._send_to_entities(event)
            self._hass.bus.async_fire(EVENT_INCIDENT, _bus_event_data(event))
        self._notifier.add(events)
        self._schedule_expiry_review()
        self._changes += 1
        async_dispatcher_send(self._hass, signal_incidents_changed(entry_id))
        self.async_schedule_save()

    @callback
    def async_platforms_ready(self) -> None:
        """Send the events held back while the entities were being set up."""
        held, self._held_events = self._held_events or [], None
        for event in held:
            self._send_to_entities(event)

    @callback
    def _send_to_entities(self, event: IncidentEvent) -> None:
        """Hand ``event`` to its component's event entity and problem sensor."""
        async_dispatcher_send(
            self._hass,
            signal_incident_event(self._entry.entry_id, event.component_id),
            event,
        )

    @callback
    def _still_notifiable(self, event: IncidentEvent) -> bool:
        """Whether ``event`` is still worth telling when its digest is sent.

        An incident may have become quiet while its notification waited in
        the digest window: suppressed by a parent whose incident opened
        meanwhile, or in maintenance. Such notifications are dropped; a
        resolution is always told.
        """
        if event.type in (IncidentEventType.RESOLVED, IncidentEventType.CLOSED):
            return True
        try:
            incident = self._tracker.get(event.incident_id)
        except UnknownIncidentError:
            return True
        return incident.suppressed_by is None and not self._tracker.maintained(
            incident.component_id, utcnow()
        )


def _bus_event_data(event: IncidentEvent) -> dict[str, Any]:
    """Return the data of the ``health_monitor_incident`` bus event."""
    return {
        "type": event.type.value,
        "incident_id": event.incident_id,
        "component_id": event.component_id,
        "component_name": event.incident["component_name"],
        "severity": event.severity.value,
        "status": event.status.value,
        "title": event.incident["title"],
        "suppressed_by": event.incident.get("suppressed_by"),
        "flapping": event.incident.get("flapping", False),
        "quiet": event.quiet,
    }
