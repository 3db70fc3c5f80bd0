"""Incident response: incidents from health, recovery actions, and their surfaces.

After each cycle the coordinator hands the system health over; this module
applies the engine's incident rules, starts due recovery actions, persists
the incidents, and tells the Home Assistant surfaces (repair issues, event
and binary sensor entities, the notify action) what changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval

from .const import DOMAIN, EVENT_INCIDENT, INCIDENT_REVIEW_INTERVAL, INCIDENT_SAVE_DELAY
from .engine.incidents import IncidentTracker
from .engine.incidents.events import IncidentEvent, Notification, notification_for
from .engine.incidents.ids import highest_incident_id
from .engine.incidents.statistics import IncidentStatistics
from .engine.models import ComponentHealth, utcnow
from .engine.recovery import RecoveryAction, RecoveryPolicy
from .engine.sanitize import sanitize_message
from .repairs import async_delete_incident_issues, async_sync_incident_issue
from .settings import MonitorSettings
from .snapshot_store import SnapshotStore, incident_id_store_key, incident_store_key

_LOGGER = logging.getLogger(__name__)

# Runs a recovery action for a component; False when it does not apply to it
# (e.g. an endpoint without a recovery script), which records no attempt.
type RecoveryExecutor = Callable[[str], Awaitable[bool]]


def signal_incident_event(entry_id: str) -> str:
    """Return the dispatcher signal carrying an entry's incident events."""
    return f"{DOMAIN}_{entry_id}_incident_event"


def signal_incidents_changed(entry_id: str) -> str:
    """Return the dispatcher signal sent once per batch of incident events."""
    return f"{DOMAIN}_{entry_id}_incidents_changed"


class IncidentResponse:
    """Owns the incident tracker and recovery policy of one config entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        settings: MonitorSettings,
        executors: dict[str, RecoveryExecutor],
    ) -> None:
        """Prepare incident handling with the entry's settings."""
        self._hass = hass
        self._entry = entry
        self._notify_action = settings.notify_action
        self._grace_period = timedelta(seconds=settings.grace_period)
        self._executors = executors
        self.tracker = IncidentTracker(settings.incidents)
        self.policy = RecoveryPolicy()
        self.monitoring_enabled = True
        self._store = SnapshotStore(
            hass, incident_store_key(entry.entry_id), self.export, INCIDENT_SAVE_DELAY
        )
        # The last id handed out, in a file of its own: should the incidents
        # file become unreadable, ids still never go back.
        self._id_store = SnapshotStore(
            hass,
            incident_id_store_key(entry.entry_id),
            self._export_last_id,
            INCIDENT_SAVE_DELAY,
        )
        self._saved_last_id: str | None = None
        self._running: set[tuple[str, str]] = set()
        # Statistics of the incidents as of (change count, minute): every
        # statistics sensor reads them, so they are computed once per change.
        self._changes = 0
        self._statistics: tuple[tuple[int, int], IncidentStatistics] | None = None
        # Events held back until the entities that show them exist.
        self._held_events: list[IncidentEvent] | None = []
        self._unsub_review: CALLBACK_TYPE | None = None

    @property
    def response_enabled(self) -> bool:
        """Whether automated recovery actions may run."""
        return self.policy.enabled

    def export(self) -> dict[str, Any]:
        """Serialize incidents and the on/off state of monitoring and response."""
        return {
            "tracker": self.tracker.export(),
            "monitoring_enabled": self.monitoring_enabled,
            "response_enabled": self.policy.enabled,
        }

    def _export_last_id(self) -> dict[str, Any]:
        self._saved_last_id = self.tracker.ids.last_id
        return {"last_id": self._saved_last_id}

    def _restore(self, data: Mapping[str, Any]) -> list[str]:
        """Read the stored incidents and switches; name what could not be read.

        A switch whose stored value is not a boolean keeps its default (on):
        a damaged file must not silently stop monitoring or recovery.
        """
        skipped: list[str] = []
        tracker = data.get("tracker", {})
        if isinstance(tracker, Mapping):
            skipped.extend(self.tracker.restore(tracker))
        else:
            skipped.append("tracker")
        self.monitoring_enabled = _stored_switch(data, "monitoring_enabled", skipped)
        self.policy.enabled = _stored_switch(data, "response_enabled", skipped)
        return skipped

    def _restore_last_id(self, data: Mapping[str, Any]) -> list[str]:
        last_id = data.get("last_id")
        if last_id is None or self.tracker.ids.account_for(last_id):
            self._saved_last_id = self.tracker.ids.last_id
            return []
        return ["last incident id"]

    def _salvage_ids(self, text: str) -> None:
        """Never reuse an id found in a file that could not be read."""
        self.tracker.ids.account_for(highest_incident_id(text))

    async def async_start(self) -> None:
        """Restore incidents, re-create their repair issues, start the review timer."""
        await self._store.async_load(self._restore, self._salvage_ids)
        await self._id_store.async_load(self._restore_last_id, self._salvage_ids)
        if self.tracker.ids.last_id != self._saved_last_id:
            self._id_store.async_schedule_save()
        # Setting up (after a start or reload) loads the loop and every target.
        self.tracker.grace_until = utcnow() + self._grace_period
        for incident in self.tracker.list_incidents():
            async_sync_incident_issue(self._hass, self._entry.entry_id, incident)
        self._unsub_review = async_track_time_interval(
            self._hass,
            self._async_review,
            timedelta(seconds=INCIDENT_REVIEW_INTERVAL),
            cancel_on_shutdown=True,
        )

    async def async_stop(self, *, remove_issues: bool) -> None:
        """Stop the timer, save, and (on unload) take the repair issues down."""
        if self._unsub_review is not None:
            self._unsub_review()
            self._unsub_review = None
        await self._store.async_flush()
        await self._id_store.async_flush()
        if remove_issues:
            async_delete_incident_issues(self._hass, self._entry.entry_id)

    @callback
    def async_schedule_save(self) -> None:
        """Save the incident state within a second (e.g. after a switch changed)."""
        self._store.async_schedule_save()
        if self.tracker.ids.last_id != self._saved_last_id:
            self._id_store.async_schedule_save()

    @callback
    def async_process(self, components: Iterable[ComponentHealth]) -> None:
        """Apply one cycle's component health; start due recovery actions."""
        components = list(components)
        self.publish(self.tracker.observe_all(components, utcnow()))
        if not self.policy.enabled:
            return
        for component in components:
            incident = self.tracker.incident_for(component.component_id)
            if incident is None or not incident.is_open:
                continue
            for action in self.policy.due_actions(incident, component, utcnow()):
                key = (incident.id, action.key)
                if key in self._running or action.key not in self._executors:
                    continue
                self._running.add(key)
                self._entry.async_create_background_task(
                    self._hass,
                    self._async_recover(incident.id, component.component_id, action),
                    f"{DOMAIN} recovery {action.key} {component.component_id}",
                )

    async def _async_recover(
        self, incident_id: str, component_id: str, action: RecoveryAction
    ) -> None:
        """Run one recovery action and record its outcome in the timeline."""
        error: str | None = None
        try:
            if not await self._executors[action.key](component_id):
                return
        except Exception as err:  # noqa: BLE001 - any failure is recorded, none escapes
            error = sanitize_message(f"{type(err).__name__}: {err}")
            _LOGGER.warning(
                "Recovery %s of %s failed: %s", action.key, component_id, error
            )
        finally:
            self._running.discard((incident_id, action.key))
        self.publish(
            self.tracker.record_recovery_attempt(
                incident_id,
                action.key,
                success=error is None,
                error=error,
                now=utcnow(),
            )
        )

    @callback
    def _async_review(self, now: datetime) -> None:
        """Escalate and auto-close on time, whatever the checks do."""
        self.publish(self.tracker.review(utcnow()))

    @callback
    def publish(self, events: list[IncidentEvent]) -> None:
        """Bring every surface up to date with ``events`` and schedule a save."""
        if not events:
            return
        entry_id = self._entry.entry_id
        for event in events:
            incident = self.tracker.get(event.incident_id)
            async_sync_incident_issue(self._hass, entry_id, incident)
            if self._held_events is not None:
                self._held_events.append(event)
            else:
                async_dispatcher_send(
                    self._hass, signal_incident_event(entry_id), event
                )
            self._hass.bus.async_fire(EVENT_INCIDENT, _bus_event_data(event))
            if self._notify_action and (notification := notification_for(event)):
                self._async_notify(event.incident_id, notification)
        self._changes += 1
        async_dispatcher_send(self._hass, signal_incidents_changed(entry_id))
        self.async_schedule_save()

    def statistics(self) -> IncidentStatistics:
        """Return the incident statistics, computed again only after a change.

        ``last_24h`` depends on the clock too, so they are also renewed each
        minute.
        """
        now = utcnow()
        key = (self._changes, int(now.timestamp() // 60))
        if self._statistics is None or self._statistics[0] != key:
            self._statistics = (key, self.tracker.statistics(now))
        return self._statistics[1]

    @callback
    def async_platforms_ready(self) -> None:
        """Send the events held back while the entities were being set up."""
        held, self._held_events = self._held_events or [], None
        for event in held:
            async_dispatcher_send(
                self._hass, signal_incident_event(self._entry.entry_id), event
            )

    @callback
    def _async_notify(self, incident_id: str, notification: Notification) -> None:
        """Call the configured notify action without waiting for it."""
        assert self._notify_action is not None
        domain, _, service = self._notify_action.partition(".")
        self._entry.async_create_background_task(
            self._hass,
            self._async_call_notify(
                domain, service, notification.title, notification.message
            ),
            f"{DOMAIN} notify {incident_id}",
        )

    async def _async_call_notify(
        self, domain: str, service: str, title: str, message: str
    ) -> None:
        try:
            await self._hass.services.async_call(
                domain, service, {"title": title, "message": message}, blocking=True
            )
        except Exception as err:  # noqa: BLE001 - a broken notifier must not break incidents
            _LOGGER.warning("Notify action %s.%s failed: %s", domain, service, err)


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
    }


def _stored_switch(data: Mapping[str, Any], key: str, skipped: list[str]) -> bool:
    """Return a stored on/off state; anything but a boolean is skipped (on)."""
    value = data.get(key, True)
    if isinstance(value, bool):
        return value
    skipped.append(key)
    return True
