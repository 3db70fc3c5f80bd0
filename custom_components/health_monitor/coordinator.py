"""Coordinator: runs one engine cycle per update interval."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from functools import partial
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .availability_log import AvailabilityLog
from .builtin import build_builtin_checks, listening_checks
from .const import BUILTIN_CHECKS, DOMAIN
from .controls import Controls
from .dependencies import dependency_edges
from .devices import async_remove_component_device, async_rename_component_device
from .engine.maintenance import MaintenanceSchedule
from .engine.models import CheckResult, ComponentHealth, SystemHealth, utcnow
from .engine.monitor import HealthMonitor
from .engine.runner import Check, run_checks
from .fleet import Fleet, InstanceCheck, instance_component_id
from .incidents import Incidents
from .maintenance import Maintenance
from .settings import MonitorSettings
from .snapshot_store import history_store
from .targets import TARGET_KINDS
from .targets.base import TargetCheck
from .targets.configs import TargetConfig, target_configs
from .targets.maintenance_fields import recurring_window

_LOGGER = logging.getLogger(__name__)

type HealthMonitorConfigEntry = ConfigEntry[HealthMonitorCoordinator]

# Notes on the incident of a component that is no longer watched.
TARGET_REMOVED_NOTE = "target removed"
CHECK_REMOVED_NOTE = "check removed"
INSTANCE_GONE_NOTE = "instance left the fleet"


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
        self._builtin_checks = build_builtin_checks(hass, settings)
        # Options and data are applied by a reload, targets in place.
        self._loaded_options = dict(entry.options)
        self._loaded_data = dict(entry.data)
        self._target_configs = target_configs(entry)
        # Held by a cycle and by a change of targets, so neither sees half the other.
        self._targets_lock = asyncio.Lock()
        self.targets: list[TargetCheck] = []
        self.checks: list[Check] = []
        self.fleet = Fleet(
            hass,
            entry.entry_id,
            settings.update_interval,
            settings.instance_name,
            settings.check_timeout,
            push=self._async_push_result,
            use_checks=self._async_use_fleet_checks,
            health=lambda: self.data,
        )
        # The target checks are made in _async_setup, once their kinds are imported.
        self._use_targets([])
        self.history_store = history_store(hass, entry.entry_id, self._history_snapshot)
        self._availability = AvailabilityLog()
        self.controls = Controls()
        schedule = MaintenanceSchedule(dt_util.get_default_time_zone())
        # Checks made in maintenance count for no uptime.
        self.monitor.in_maintenance = schedule.is_active
        self.incidents = Incidents(
            hass,
            entry,
            settings,
            self.controls,
            recovery_host=self,
            maintenance=schedule,
        )
        self.maintenance = Maintenance(
            hass,
            entry,
            schedule,
            self.incidents,
            self.component_names,
            self.async_update_listeners,
        )

    async def _async_setup(self) -> None:
        """Make the target checks, restore histories, start push listeners.

        Only the kinds of the configured targets are imported (off the loop):
        a driver no target uses is never loaded.
        """
        await self._async_load_kinds(self._target_configs.values())
        self._use_targets(
            [
                self._create_target(self.config_entry.subentries[subentry_id])
                for subentry_id in self._target_configs
            ]
        )
        self._use_dependencies()
        for subentry_id, config in self._target_configs.items():
            self.maintenance.schedule.set_recurring(
                subentry_id, recurring_window(config.data)
            )
        await self.history_store.async_load(self._restore_history)
        await self.fleet.async_start(self.incidents)
        self._use_targets(self.targets)
        builtin = {str(check) for check in BUILTIN_CHECKS}
        current = {check.component_id for check in self.checks}
        for component_id in self.monitor.known_component_ids() - current - builtin:
            self.monitor.forget(component_id)
        for check in [*listening_checks(self._builtin_checks), *self.targets]:
            await check.async_start(partial(self._async_push_result, check))
        await self.incidents.async_start()
        self.maintenance.async_start()
        for incident in self.incidents.list_incidents():
            if incident.component_id not in current:
                builtin_check = incident.component_type in BUILTIN_CHECKS
                self.incidents.resolve_unwatched(
                    incident.component_id,
                    CHECK_REMOVED_NOTE if builtin_check else TARGET_REMOVED_NOTE,
                )

    def _history_snapshot(self) -> dict[str, Any]:
        """Histories, and what the targets' statuses depend on (e.g. a success rate)."""
        return {
            **self.monitor.export(),
            "targets": {
                target.component_id: target.export_state() for target in self.targets
            },
            "fleet": self.fleet.export(),
        }

    def _restore_history(self, data: Mapping[str, Any]) -> list[str]:
        """Restore :meth:`_history_snapshot` output; name the parts not readable."""
        skipped = self.monitor.restore(data)
        if not self.fleet.restore(data.get("fleet")):
            skipped.append("fleet instances")
        states = data.get("targets", {})
        if not isinstance(states, Mapping):
            return [*skipped, "target states"]
        for target in self.targets:
            state = states.get(target.component_id)
            if isinstance(state, Mapping):
                target.restore_state(state)
            elif state is not None:
                skipped.append("target state")
        return skipped

    async def _async_load_kinds(self, configs: Iterable[TargetConfig]) -> None:
        """Import the kinds of ``configs`` in the import executor."""
        for kind in sorted({config.kind for config in configs}):
            await TARGET_KINDS[kind].async_load(self.hass)

    def _create_target(self, subentry: ConfigSubentry) -> TargetCheck:
        # The kind checks the stored settings against its form's limits first.
        return TARGET_KINDS[subentry.subentry_type].create_check(
            self.hass, subentry, update_interval=self.settings.update_interval
        )

    def _use_targets(self, targets: list[TargetCheck]) -> None:
        """Switch to new lists; a running cycle keeps the ones it started with."""
        self.targets = targets
        self.fleet.use_members(targets)
        self.checks = [*self._builtin_checks, *targets, *self.fleet.checks.values()]

    def _use_dependencies(self) -> None:
        """Tell the incidents which targets depend on which (chosen and implied)."""
        self.incidents.use_dependencies(
            dependency_edges(
                self.hass,
                {cid: (c.kind, c.data) for cid, c in self._target_configs.items()},
            )
        )

    @callback
    def _async_push_result(self, check: Check, result: CheckResult) -> None:
        """Publish a result a check reported by itself, without a full cycle."""
        if (
            not self.controls.monitoring
            or self.data is None
            or check.component_id not in self.data.components
            # A replaced or removed target's check may still report.
            or check not in self.checks
        ):
            return
        # A pushed result is an event the check saw (a lost connection).
        component = self.monitor.apply(check, replace(result, pushed=True))
        self._async_process([component])
        self.async_set_updated_data(
            self.monitor.system_health(
                self.data.cycle_started, self.data.cycle_duration_ms
            )
        )

    @callback
    def _async_process(self, components: Iterable[ComponentHealth]) -> None:
        """Hand fresh component health to the log and to the incidents."""
        components = list(components)
        self._availability.observe(components)
        self.incidents.process(components)

    async def _async_update_data(self) -> SystemHealth:
        """Run one cycle of every check (none while monitoring is stopped)."""
        if not self.controls.monitoring:
            self.update_interval = None
            if self.monitor.last_health is None:
                self.monitor.register(self.checks)
                self.monitor.last_health = self.monitor.system_health(utcnow(), 0.0)
            return self.monitor.last_health
        async with self._targets_lock:
            self.fleet.start_cycle()
            health = await self.monitor.run_cycle(self.checks)
        self.history_store.async_schedule_save()
        self._async_process(health.components.values())
        self.fleet.record_cycle(health)
        return health

    async def async_shutdown(self) -> None:
        """Stop polling, close target connections and save the histories."""
        await super().async_shutdown()
        await self.async_close_targets()
        self.fleet.async_stop()
        await self.history_store.async_flush()
        self.maintenance.async_stop()
        await self.incidents.async_stop(remove_issues=False)

    async def async_close_targets(self) -> None:
        """Close the connections; also as Home Assistant stops, which unloads no entry."""
        for check in [*listening_checks(self._builtin_checks), *self.targets]:
            await check.async_close()

    async def async_set_monitoring(self, enabled: bool) -> None:
        """Start or stop polling; the choice survives a restart."""
        if enabled == self.controls.monitoring:
            return
        self.controls.monitoring = enabled
        self.incidents.async_schedule_save()
        if enabled:
            self.update_interval = timedelta(seconds=self.settings.update_interval)
            await self.async_refresh()
        else:
            self.update_interval = None
            self.async_update_listeners()

    def async_set_incident_response(self, enabled: bool) -> None:
        """Allow or forbid automated recovery actions; the choice survives a restart."""
        self.controls.incident_response = enabled
        self.incidents.async_schedule_save()
        self.async_update_listeners()

    def needs_reload(self) -> bool:
        """Whether the entry changed beyond its targets (options, data): reload."""
        entry = self.config_entry
        return entry.options != self._loaded_options or entry.data != self._loaded_data

    async def async_apply_target_changes(self) -> None:
        """Add, replace, rename and drop target checks to match the subentries.

        No reload: the other components keep their state and nothing is
        unavailable meanwhile. A reconfigured target keeps its component id
        (its subentry id), so its history, incident and entities stay. A new
        target is checked at once, so its entities appear without waiting for
        the next cycle.
        """
        async with self._targets_lock:
            wanted = target_configs(self.config_entry)
            if wanted == self._target_configs:
                return
            await self._async_load_kinds(wanted.values())
            by_id = {target.component_id: target for target in self.targets}
            started: list[TargetCheck] = []
            for component_id, target in list(by_id.items()):
                config = wanted.get(component_id)
                previous = self._target_configs[component_id]
                if config is None:
                    del by_id[component_id]
                    await target.async_close()
                    await self._async_drop_component(component_id, TARGET_REMOVED_NOTE)
                    continue
                if config.title != previous.title:
                    async_rename_component_device(
                        self.hass, self.config_entry, component_id, config.title
                    )
                if config.data == previous.data:
                    target.name = config.title
                    continue
                await target.async_close()
                by_id[component_id] = self._create_target(
                    self.config_entry.subentries[component_id]
                )
                started.append(by_id[component_id])
            for component_id in wanted.keys() - by_id.keys():
                by_id[component_id] = self._create_target(
                    self.config_entry.subentries[component_id]
                )
                started.append(by_id[component_id])
            previous_ids = self._target_configs.keys() - wanted.keys()
            self._target_configs = wanted
            self._use_targets([by_id[component_id] for component_id in wanted])
            self._use_dependencies()
            self.maintenance.set_recurring(
                {
                    **dict.fromkeys(previous_ids),
                    **{cid: recurring_window(c.data) for cid, c in wanted.items()},
                }
            )
            for target in started:
                await target.async_start(partial(self._async_push_result, target))
            await self._async_check_now(started)

    async def _async_check_now(self, targets: Sequence[Check]) -> None:
        """Check new targets once (monitoring on) and publish the system health."""
        if targets and self.controls.monitoring:
            results = await run_checks(targets, self.settings.check_timeout)
            components = [
                self.monitor.apply(target, result)
                for target, result in zip(targets, results, strict=True)
            ]
            self.history_store.async_schedule_save()
            self._async_process(components)
        elif targets:
            self.monitor.register(targets)
        previous = self.monitor.last_health or self.data
        health = self.monitor.system_health(
            previous.cycle_started if previous else utcnow(),
            previous.cycle_duration_ms if previous else 0.0,
        )
        self.monitor.last_health = health
        self.async_set_updated_data(health)

    async def _async_use_fleet_checks(
        self, added: list[InstanceCheck], gone: list[str]
    ) -> None:
        """Watch instances the fleet just heard of; forget those no source knows."""
        async with self._targets_lock:
            self._use_targets(self.targets)
            for component_id in (instance_component_id(i) for i in gone):
                await self._async_drop_component(component_id, INSTANCE_GONE_NOTE)
            await self._async_check_now([c for c in added if c in self.checks])

    async def _async_drop_component(self, component_id: str, note: str) -> None:
        """Forget a component: its history, incident and device."""
        self.monitor.forget(component_id)
        self._availability.forget(component_id)
        self.history_store.async_schedule_save()
        self.incidents.resolve_unwatched(component_id, note)
        # Home Assistant removes a subentry's devices; one made before devices
        # belonged to subentries (and another instance's) is removed here.
        async_remove_component_device(self.hass, self.config_entry, component_id)

    def component_names(self) -> dict[str, str]:
        """Return the name of every watched component by id."""
        return {check.component_id: check.name for check in self.checks}

    def check(self, component_id: str) -> Check | None:
        """Return the check of a watched component, if ``component_id`` is one."""
        return next((c for c in self.checks if c.component_id == component_id), None)

    def target(self, component_id: str) -> TargetCheck | None:
        """Return the check of a watched target, if ``component_id`` is one."""
        return next((t for t in self.targets if t.component_id == component_id), None)

    def forget_unwatched_histories(self) -> None:
        """Drop the histories of components nobody monitors any more."""
        current = {check.component_id for check in self.checks}
        for stale in self.monitor.known_component_ids() - current:
            self.monitor.forget(stale)
