"""Devices of the watched components, and what happens to those no longer watched.

Each component has a device whose identifier holds the component id; the
whole installation has the system device. A component that is no longer
watched (a built-in check switched off, a target removed, a disk path
dropped) takes its device and entities along, so nothing stays
``unavailable`` for ever.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import slugify

from .const import (
    BUILTIN_CHECKS,
    CONF_CHECKS,
    CONF_PUBLISH_STATE,
    DOMAIN,
    FLEET_DATABASE_KIND,
    OFF_BY_DEFAULT_CHECKS,
    SYSTEM_DEVICE_KEY,
)
from .engine.models import ComponentType
from .targets import TARGET_KINDS


def component_device_identifier(entry_id: str, component_id: str) -> tuple[str, str]:
    """Return the device registry identifier of a component."""
    return (DOMAIN, f"{entry_id}_{component_id}")


def disk_sensor_key(path: str) -> str:
    """Return the unique id suffix of the usage sensor of a disk path."""
    return f"disk_percent_{slugify(path) or 'root'}"


def watched_component_ids(entry: ConfigEntry) -> set[str]:
    """Return the ids of the components the entry watches, from its configuration."""
    checks = entry.options.get(
        CONF_CHECKS,
        [str(check) for check in BUILTIN_CHECKS if check not in OFF_BY_DEFAULT_CHECKS],
    )
    return {str(check) for check in checks} | {
        subentry_id
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type in TARGET_KINDS
    }


def has_fleet_source(entry: ConfigEntry) -> bool:
    """Whether the entry hears of other instances (a fleet database, MQTT state)."""
    return any(
        subentry.subentry_type == FLEET_DATABASE_KIND
        or subentry.data.get(CONF_PUBLISH_STATE) is True
        for subentry in entry.subentries.values()
    )


def device_component_id(entry_id: str, device: dr.DeviceEntry) -> str | None:
    """Return the component id a device of the entry stands for, if it is one of ours."""
    prefix = f"{entry_id}_"
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and identifier.startswith(prefix):
            return identifier.removeprefix(prefix)
    return None


def may_remove_device(entry: ConfigEntry, device: dr.DeviceEntry) -> bool:
    """Whether the user may delete ``device``: only a component no longer watched."""
    component_id = device_component_id(entry.entry_id, device)
    if component_id is None:
        # Not a device of this entry's components: nothing watches it.
        return True
    if component_id == SYSTEM_DEVICE_KEY:
        return False
    return component_id not in watched_component_ids(entry)


@callback
def async_remove_component_device(
    hass: HomeAssistant, entry: ConfigEntry, component_id: str
) -> None:
    """Remove the device (and so the entities) of one component of the entry."""
    registry = dr.async_get(hass)
    identifier = component_device_identifier(entry.entry_id, component_id)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if identifier in device.identifiers:
            registry.async_update_device(
                device.id, remove_config_entry_id=entry.entry_id
            )


@callback
def async_rename_component_device(
    hass: HomeAssistant, entry: ConfigEntry, component_id: str, name: str
) -> None:
    """Show a renamed target's new title on its device (a user's name stays)."""
    registry = dr.async_get(hass)
    identifier = component_device_identifier(entry.entry_id, component_id)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if identifier in device.identifiers:
            registry.async_update_device(device.id, name=name)


@callback
def async_remove_stale_devices(
    hass: HomeAssistant, entry: ConfigEntry, disk_paths: tuple[str, ...]
) -> None:
    """Remove the devices of components, and the sensors of disk paths, no longer watched.

    Removing a device removes its entities with it, restored states included.
    """
    watched = watched_component_ids(entry) | {SYSTEM_DEVICE_KEY}
    # Other instances come back from the fleet after a restart.
    fleet = has_fleet_source(entry)
    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        component_id = device_component_id(entry.entry_id, device)
        if component_id is None or (fleet and component_id.startswith("instance_")):
            continue
        if component_id not in watched:
            devices.async_update_device(
                device.id, remove_config_entry_id=entry.entry_id
            )
    resources = str(ComponentType.SYSTEM_RESOURCES)
    disk_prefix = f"{entry.entry_id}_{resources}_disk_percent_"
    wanted = {
        f"{entry.entry_id}_{resources}_{disk_sensor_key(path)}" for path in disk_paths
    }
    entities = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if entity.unique_id.startswith(disk_prefix) and entity.unique_id not in wanted:
            entities.async_remove(entity.entity_id)
