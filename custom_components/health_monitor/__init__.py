"""Health Monitor: health and incidents of Home Assistant and its services."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HassJob, HomeAssistant
import homeassistant.helpers.config_validation as cv
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .const import CONF_CHECKS, DOMAIN
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .devices import async_remove_stale_devices, may_remove_device
from .engine.models import ComponentType
from .frontend import async_register_card
from .maintenance_services import async_register_maintenance_services
from .repairs import async_delete_incident_issues, async_sync_settings_issue
from .services import async_register_services
from .settings import MonitorSettings
from .snapshot_store import SnapshotStore, async_delete_storage_issues, entry_store_keys

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

# Built-in checks that joined in a minor version, on for entries made before it.
CHECKS_ADDED_IN: dict[int, tuple[ComponentType, ...]] = {
    2: (ComponentType.INTEGRATIONS,),
}


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the services and the dashboard card (once, whatever entries exist)."""
    async_register_services(hass)
    async_register_maintenance_services(hass)
    await async_register_card(hass)
    return True


async def async_migrate_entry(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> bool:
    """Turn on the built-in checks added since the entry was made.

    Only a stored list of checks is extended (without one, every check runs);
    a newer entry than this version knows is refused.
    """
    if entry.version != 1:
        return False
    current = max(CHECKS_ADDED_IN)
    if entry.minor_version >= current:
        return True
    options = dict(entry.options)
    checks = options.get(CONF_CHECKS)
    if isinstance(checks, list):
        for minor_version, added in CHECKS_ADDED_IN.items():
            if entry.minor_version < minor_version:
                checks = [*checks, *(str(c) for c in added if str(c) not in checks)]
        options[CONF_CHECKS] = checks
    hass.config_entries.async_update_entry(
        entry, options=options, minor_version=current
    )
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> bool:
    """Start monitoring with the entry's settings."""
    # First of all: a target added while this setup runs must still reload it.
    entry.async_on_unload(entry.add_update_listener(_async_apply_entry_update))
    settings = MonitorSettings.from_options(entry.options, hass.config.config_dir)
    async_sync_settings_issue(hass, entry.entry_id, settings.invalid_options)
    coordinator = HealthMonitorCoordinator(hass, entry, settings)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    # Home Assistant stopping unloads no entry: targets still close (a fleet
    # database writes what waits, a broker publishing the state says offline).
    entry.async_on_unload(
        hass.async_add_shutdown_job(HassJob(coordinator.async_close_targets))
    )
    # Before the platforms: entities of what is no longer watched are not restored.
    async_remove_stale_devices(hass, entry, settings.disk_paths)
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
    """Delete the stored histories and incidents of a removed entry.

    Backups of files that could not be read are kept: they are the user's.
    """
    async_delete_incident_issues(hass, entry.entry_id)
    async_delete_storage_issues(hass, entry.entry_id)
    for key in entry_store_keys(entry.entry_id):
        await SnapshotStore(hass, key, dict).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry, device: DeviceEntry
) -> bool:
    """Let the user delete the device of a component that is no longer watched."""
    return may_remove_device(entry, device)


async def _async_apply_entry_update(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> None:
    """Apply an added, changed or removed target in place; reload for options.

    Home Assistant calls this for every change of the entry, subentries
    included; reloading for each target made adding many targets cycle the
    whole entry (unavailable, reconnecting) for minutes.
    """
    if entry.state is ConfigEntryState.LOADED and not entry.runtime_data.needs_reload():
        await entry.runtime_data.async_apply_target_changes()
        return
    await hass.config_entries.async_reload(entry.entry_id)
