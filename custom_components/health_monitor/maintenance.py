"""Maintenance on the Home Assistant side: start, end, the timer, events and timeline.

The engine's :class:`MaintenanceSchedule` says who is in maintenance when;
the incidents store it with themselves (and the tracker and monitor ask it).
:class:`Maintenance` changes it and announces every start and end, whoever
or whatever caused it (a service, a switch, a recurring window, the end of
a window): one ``health_monitor_maintenance`` bus event per group of
components, a timeline entry on each open incident, and the entities
brought up to date. A timer wakes it at the next start or end, so
maintenance ends by itself, also after a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time

from .const import DOMAIN
from .engine.maintenance import (
    SYSTEM_ACTOR,
    MaintenanceSchedule,
    MaintenanceWindow,
    RecurringWindow,
)
from .engine.models import utcnow
from .incidents import Incidents

EVENT_MAINTENANCE: Final = f"{DOMAIN}_maintenance"
STARTED: Final = "started"
ENDED: Final = "ended"


class Maintenance:
    """Starts and ends maintenance, and tells everyone (see module doc)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        schedule: MaintenanceSchedule,
        incidents: Incidents,
        names: Callable[[], Mapping[str, str]],
        on_change: Callable[[], None],
    ) -> None:
        """Announce through ``incidents``; ``names`` names the watched components."""
        self._hass = hass
        self._entry = entry
        self.schedule = schedule
        self._incidents = incidents
        self._names = names
        self._on_change = on_change
        # The window each component was last announced in.
        self._shown: dict[str, MaintenanceWindow] = {}
        self._unsub_timer: CALLBACK_TYPE | None = None

    # Reading

    def window(self, component_id: str) -> MaintenanceWindow | None:
        """Return the window the component is in maintenance in now, if any."""
        return self.schedule.active(component_id, utcnow())

    def all_window(self) -> MaintenanceWindow | None:
        """Return the window of maintenance of all components, if it is on."""
        return self.schedule.all_active(utcnow())

    def report(self) -> dict[str, Any]:
        """Describe the maintenance now, for services and diagnostics."""
        now = utcnow()
        everyone = self.schedule.all_active(now)
        active = {
            component_id: window.as_dict()
            for component_id in self._names()
            if (window := self.schedule.active(component_id, now)) is not None
        }
        return {
            "all": None if everyone is None else everyone.as_dict(),
            "components": active,
        }

    def add_to_health_report(self, report: dict[str, Any]) -> None:
        """Show maintenance in a health report (get_health, diagnostics)."""
        for component_id, component in report["components"].items():
            window = self.window(component_id)
            component["in_maintenance"] = window is not None
            component["maintenance_until"] = (
                None if window is None else window.end.isoformat()
            )
        report["system"]["maintenance"] = self.report()

    # Acting

    @callback
    def start(
        self,
        components: Iterable[str] | None,
        *,
        until: datetime,
        reason: str,
        actor: str,
    ) -> None:
        """Start maintenance of ``components`` (None: all) up to ``until``.

        Raises ValueError for a window shorter than a minute or longer than
        a week.
        """
        self.schedule.start(
            components, until=until, reason=reason, actor=actor, now=utcnow()
        )
        self.async_update(actor)

    @callback
    def end(self, components: Iterable[str] | None, *, actor: str) -> None:
        """End maintenance of ``components`` (None: all) now."""
        self.schedule.end(components, now=utcnow())
        self.async_update(actor)

    @callback
    def set_recurring(self, windows: Mapping[str, RecurringWindow | None]) -> None:
        """Give components their recurring windows (None: none) and apply them now."""
        for component_id, window in windows.items():
            self.schedule.set_recurring(component_id, window)
        self.async_update(SYSTEM_ACTOR)

    # Lifecycle

    @callback
    def async_start(self) -> None:
        """After the incidents were restored: announce what ended meanwhile, start the timer."""
        now = utcnow()
        for window in self.schedule.expire(now):
            components = window.components or self._names().keys()
            self._announce(ENDED, list(components), window, SYSTEM_ACTOR, now)
        self._shown = self._current(now)
        self._async_schedule_timer(now)

    @callback
    def async_stop(self) -> None:
        """Stop the timer (the incidents save the schedule)."""
        if self._unsub_timer is not None:
            self._unsub_timer()
            self._unsub_timer = None

    @callback
    def async_update(self, actor: str = SYSTEM_ACTOR) -> None:
        """Announce who entered and left maintenance since the last time; save."""
        now = utcnow()
        self.schedule.expire(now)
        current = self._current(now)
        started: dict[MaintenanceWindow, list[str]] = {}
        ended: dict[MaintenanceWindow, list[str]] = {}
        for component_id, window in self._shown.items():
            if current.get(component_id) != window:
                ended.setdefault(window, []).append(component_id)
        for component_id, window in current.items():
            if self._shown.get(component_id) != window:
                started.setdefault(window, []).append(component_id)
        self._shown = current
        for window, components in ended.items():
            # A window replaced by another is not announced as ended.
            left = [c for c in components if c not in current]
            if left:
                ender = SYSTEM_ACTOR if window.end <= now else actor
                self._announce(ENDED, left, window, ender, now)
        for window, components in started.items():
            self._announce(STARTED, components, window, window.actor, now)
        self._incidents.async_schedule_save()
        self._on_change()
        self._async_schedule_timer(now)

    # Internals

    def _current(self, now: datetime) -> dict[str, MaintenanceWindow]:
        return {
            component_id: window
            for component_id in self._names()
            if (window := self.schedule.active(component_id, now)) is not None
        }

    @callback
    def _announce(
        self,
        kind: str,
        components: list[str],
        window: MaintenanceWindow,
        actor: str,
        now: datetime,
    ) -> None:
        """Fire the bus event and write the timeline of each open incident."""
        names = self._names()
        details: dict[str, str | int | float | bool | None] = {
            "until": window.end.isoformat(),
            "reason": window.reason or None,
        }
        for component_id in components:
            self._incidents.record_maintenance(
                component_id, kind == STARTED, details, actor, now
            )
        self._hass.bus.async_fire(
            EVENT_MAINTENANCE,
            {
                "type": kind,
                "components": components,
                "names": [names.get(c, c) for c in components],
                "until": window.end.isoformat(),
                "reason": window.reason,
                "actor": actor,
            },
        )

    @callback
    def _async_schedule_timer(self, now: datetime) -> None:
        if self._unsub_timer is not None:
            self._unsub_timer()
            self._unsub_timer = None
        moment = self.schedule.next_change(now)
        if moment is not None:
            self._unsub_timer = async_track_point_in_utc_time(
                self._hass, self._async_tick, moment
            )

    @callback
    def _async_tick(self, _: datetime) -> None:
        self._unsub_timer = None
        self.async_update(SYSTEM_ACTOR)


def until_after(duration: timedelta) -> datetime:
    """Return the end of maintenance lasting ``duration`` from now."""
    return utcnow() + duration
