"""Devices and entities of what is no longer watched do not stay behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS, DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component

from .lanes import find_device


def component_device(
    hass: HomeAssistant, entry: MockConfigEntry, component_id: str
) -> dr.DeviceEntry | None:
    """Return the device of one component of ``entry``."""
    return find_device(
        hass, entry.entry_id, (DOMAIN, f"{entry.entry_id}_{component_id}")
    )


def entities_of(hass: HomeAssistant, device: dr.DeviceEntry) -> list[er.RegistryEntry]:
    """Return every entity registered on ``device``."""
    return er.async_entries_for_device(
        er.async_get(hass), device.id, include_disabled_entities=True
    )


def disk_sensors(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the unique ids of the entry's disk usage sensors."""
    return {
        entity.unique_id
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if "_disk_percent_" in entity.unique_id
    }


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> None:
    """Change what is watched through Reconfigure."""
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.state is ConfigEntryState.LOADED


async def test_a_check_removed_in_reconfigure_takes_its_device_and_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Switching off a built-in check leaves no device or entity of it."""
    device = component_device(hass, loaded_entry, "system_resources")
    assert device is not None
    entity_ids = [entity.entity_id for entity in entities_of(hass, device)]
    assert len(entity_ids) >= 5

    await reconfigure(
        hass,
        loaded_entry,
        {
            CONF_CHECKS: ["ha_process", "event_loop"],
            CONF_DISK_PATHS: [hass.config.config_dir],
        },
    )

    assert component_device(hass, loaded_entry, "system_resources") is None
    registry = er.async_get(hass)
    assert all(registry.async_get(entity_id) is None for entity_id in entity_ids)
    assert all(hass.states.get(entity_id) is None for entity_id in entity_ids)
    assert component_device(hass, loaded_entry, "event_loop") is not None
    assert component_device(hass, loaded_entry, "system") is not None


async def test_a_disk_path_removed_in_reconfigure_takes_its_sensor(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, tmp_path: Path
) -> None:
    """The usage sensor of a dropped path goes; the others stay."""
    paths = [hass.config.config_dir, str(tmp_path)]
    checks = ["system_resources", "ha_process", "event_loop"]
    await reconfigure(hass, loaded_entry, {CONF_CHECKS: checks, CONF_DISK_PATHS: paths})
    both = disk_sensors(hass, loaded_entry)
    assert len(both) == 2

    await reconfigure(
        hass, loaded_entry, {CONF_CHECKS: checks, CONF_DISK_PATHS: [str(tmp_path)]}
    )

    (kept,) = disk_sensors(hass, loaded_entry)
    assert kept in both
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id("sensor", DOMAIN, kept)
    assert entity_id is not None
    assert hass.states.get(entity_id) is not None


async def test_restored_entities_of_an_unwatched_check_are_removed_at_setup(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """After a restart, a check watched no more is not shown as unavailable for ever."""
    config_entry.add_to_hass(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=config_entry.entry_id,
        identifiers={(DOMAIN, f"{config_entry.entry_id}_recorder")},
        name="Recorder",
    )
    stale = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{config_entry.entry_id}_recorder_status",
        config_entry=config_entry,
        device_id=device.id,
    )
    hass.states.async_set(stale.entity_id, "unavailable", {"restored": True})

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert component_device(hass, config_entry, "recorder") is None
    assert entity_registry.async_get(stale.entity_id) is None
    assert hass.states.get(stale.entity_id) is None
    assert component_device(hass, config_entry, "event_loop") is not None


async def _remove_device(client: Any, device_id: str, entry_id: str) -> Any:
    """Ask to delete a device as the UI does (the test client's helper differs by HA version)."""
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry_id,
            "device_id": device_id,
        }
    )
    return await client.receive_json()


async def test_only_a_device_of_an_unwatched_component_may_be_deleted(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The user may delete a leftover device, never the system or a watched one."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    leftover = device_registry.async_get_or_create(
        config_entry_id=loaded_entry.entry_id,
        identifiers={(DOMAIN, f"{loaded_entry.entry_id}_gone_target")},
        name="Gone target",
    )
    for watched in ("system", "event_loop"):
        device = component_device(hass, loaded_entry, watched)
        assert device is not None
        response = await _remove_device(client, device.id, loaded_entry.entry_id)
        assert not response["success"], watched
        assert component_device(hass, loaded_entry, watched) is not None

    response = await _remove_device(client, leftover.id, loaded_entry.entry_id)

    assert response["success"]
    assert component_device(hass, loaded_entry, "gone_target") is None
