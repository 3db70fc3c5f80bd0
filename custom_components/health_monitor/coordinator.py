"""Coordinator: runs one engine cycle per update interval."""

from __future__ import annotations

from datetime import timedelta
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .checks import build_builtin_checks
from .const import DOMAIN
from .engine.models import SystemHealth
from .engine.monitor import HealthMonitor
from .engine.runner import Check
from .history_store import HistoryStore
from .settings import MonitorSettings

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
        self.checks: list[Check] = build_builtin_checks(hass, settings)
        self.history_store = HistoryStore(hass, entry.entry_id, self.monitor.export)

    async def _async_setup(self) -> None:
        """Restore the histories saved before the last restart."""
        self.monitor.restore(await self.history_store.async_load())

    async def _async_update_data(self) -> SystemHealth:
        """Run one cycle of every check."""
        health = await self.monitor.run_cycle(self.checks)
        self.history_store.async_schedule_save()
        return health

    async def async_shutdown(self) -> None:
        """Stop polling and save the histories."""
        await super().async_shutdown()
        await self.history_store.async_flush()
