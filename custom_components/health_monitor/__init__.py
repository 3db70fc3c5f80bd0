"""Health Monitor: health and incidents of Home Assistant and its services."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import homeassistant.helpers.config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .repairs import async_delete_incident_issues
from .services import async_register_services
from .settings import MonitorSettings
from .snapshot_store import SnapshotStore, history_store_key, incident_store_key

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the services (once, whatever entries exist)."""
    async_register_services(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> bool:
    """Start monitoring with the entry's settings."""
    # First of all: a target added while this setup runs must still reload it.
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_update))
    settings = MonitorSettings.from_options(entry.options, hass.config.config_dir)
    coordinator = HealthMonitorCoordinator(hass, entry, settings)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Incident events of the first cycle reach the event entities now they exist.
    coordinator.incidents.async_platforms_ready()
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> bool:
    """Stop monitoring; the coordinator saves histories and incidents as it shuts down."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        async_delete_incident_issues(hass, entry.entry_id)
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> None:
    """Delete the stored histories and incidents of a removed entry."""
    async_delete_incident_issues(hass, entry.entry_id)
    for key in (history_store_key(entry.entry_id), incident_store_key(entry.entry_id)):
        await SnapshotStore(hass, key, dict).async_remove()


async def _async_reload_on_update(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> None:
    """Apply changed options by reloading."""
    await hass.config_entries.async_reload(entry.entry_id)
