"""Coordinator: runs one engine cycle per update interval."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
import gc
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .checks import build_builtin_checks
from .checks.http_endpoint import CONF_RECOVERY_SCRIPT
from .checks.target import TargetCheck, create_target_check
from .const import BUILTIN_CHECKS, DOMAIN
from .engine.models import CheckResult, SystemHealth, utcnow
from .engine.monitor import HealthMonitor
from .engine.recovery import (
    DATABASE_RECONNECT,
    ENDPOINT_RECOVERY,
    MEMORY_RELIEF,
    MQTT_RECONNECT,
)
from .engine.runner import Check
from .incident_response import IncidentResponse
from .settings import MonitorSettings
from .snapshot_store import SnapshotStore, history_store_key
from .targets import TARGET_KINDS

_LOGGER = logging.getLogger(__name__)

type HealthMonitorConfigEntry = ConfigEntry[HealthMonitorCoordinator]


class HealthMonitorCoordinator(DataUpdateCoordinator[SystemHealth]):
    """Runs every check concurrently and publishes the system health.

    A failing check becomes a status, never an UpdateFailed: one broken
    component must not make every entity unavailable.
    """

    config_entry: HealthMonitorConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: HealthMonitorConfigEntry,
        settings: MonitorSettings,
    ) -> None:
        """Prepare the checks and the engine for ``entry``."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=timedelta(seconds=settings.update_interval),
        )
        self.settings = settings
        self.monitor = HealthMonitor(
            history_size=settings.history_size, check_timeout=settings.check_timeout
        )
        self.targets: list[TargetCheck] = [
            create_target_check(
                TARGET_KINDS[subentry.subentry_type].check_class, hass, subentry
            )
            for subentry in entry.subentries.values()
            if subentry.subentry_type in TARGET_KINDS
        ]
        self.checks: list[Check] = [
            *build_builtin_checks(hass, settings),
            *self.targets,
        ]
        self.history_store = SnapshotStore(
            hass, history_store_key(entry.entry_id), self.monitor.export
        )
        self.incidents = IncidentResponse(
            hass,
            entry,
            settings,
            {
                DATABASE_RECONNECT: self._async_reconnect_target,
                MQTT_RECONNECT: self._async_reconnect_target,
                MEMORY_RELIEF: self._async_relieve_memory,
                ENDPOINT_RECOVERY: self._async_run_endpoint_recovery,
            },
        )

    async def _async_setup(self) -> None:
        """Restore histories, drop those of removed targets, start push listeners."""
        self.monitor.restore(await self.history_store.async_load())
        builtin = {str(check) for check in BUILTIN_CHECKS}
        current = {check.component_id for check in self.checks}
        for component_id in self.monitor.known_component_ids() - current - builtin:
            self.monitor.forget(component_id)
        for target in self.targets:
            await target.async_start(partial(self._async_push_result, target))
        await self.incidents.async_start()

    @callback
    def _async_push_result(self, check: Check, result: CheckResult) -> None:
        """Publish a result a target reported by itself, without a full cycle."""
        if (
            not self.incidents.monitoring_enabled
            or self.data is None
            or check.component_id not in self.data.components
        ):
            return
        component = self.monitor.apply(check, result)
        self.incidents.async_process([component])
        self.async_set_updated_data(
            self.monitor.system_health(
                self.data.cycle_started, self.data.cycle_duration_ms
            )
        )

    async def _async_update_data(self) -> SystemHealth:
        """Run one cycle of every check (none while monitoring is stopped)."""
        if not self.incidents.monitoring_enabled:
            self.update_interval = None
            if self.monitor.last_health is None:
                self.monitor.register(self.checks)
                self.monitor.last_health = self.monitor.system_health(utcnow(), 0.0)
            return self.monitor.last_health
        health = await self.monitor.run_cycle(self.checks)
        self.history_store.async_schedule_save()
        self.incidents.async_process(health.components.values())
        return health

    async def async_shutdown(self) -> None:
        """Stop polling, close target connections and save the histories."""
        await super().async_shutdown()
        for target in self.targets:
            await target.async_close()
        await self.history_store.async_flush()
        await self.incidents.async_stop(remove_issues=False)

    async def async_set_monitoring(self, enabled: bool) -> None:
        """Start or stop polling; the choice survives a restart."""
        if enabled == self.incidents.monitoring_enabled:
            return
        self.incidents.monitoring_enabled = enabled
        self.incidents.async_schedule_save()
        if enabled:
            self.update_interval = timedelta(seconds=self.settings.update_interval)
            await self.async_refresh()
        else:
            self.update_interval = None
            self.async_update_listeners()

    def async_set_incident_response(self, enabled: bool) -> None:
        """Allow or forbid automated recovery actions; the choice survives a restart."""
        self.incidents.policy.enabled = enabled
        self.incidents.async_schedule_save()
        self.async_update_listeners()

    def _target(self, component_id: str) -> TargetCheck:
        return next(t for t in self.targets if t.component_id == component_id)

    async def _async_reconnect_target(self, component_id: str) -> bool:
        """Recovery: drop and re-open a database or broker connection."""
        await self._target(component_id).async_reconnect()
        return True

    async def _async_relieve_memory(self, component_id: str) -> bool:
        """Recovery: collect garbage and drop histories nobody monitors any more."""
        current = {check.component_id for check in self.checks}
        for stale in self.monitor.known_component_ids() - current:
            self.monitor.forget(stale)
        await self.hass.async_add_executor_job(gc.collect)
        return True

    async def _async_run_endpoint_recovery(self, component_id: str) -> bool:
        """Recovery: run the script chosen on the endpoint target, if any."""
        script = self._target(component_id).config.get(CONF_RECOVERY_SCRIPT)
        if not script:
            return False
        await self.hass.services.async_call(
            "script", "turn_on", {"entity_id": script}, blocking=True
        )
        return True
