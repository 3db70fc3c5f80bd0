"""Setting up and unloading the integration."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr


async def test_setup_creates_a_device_per_component_and_the_system_device(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Every enabled check and the whole installation get a device."""
    devices = dr.async_entries_for_config_entry(device_registry, loaded_entry.entry_id)
    assert sorted(device.name for device in devices) == [
        "Event loop",
        "Health Monitor",
        "Home Assistant process",
        "System resources",
    ]
    assert all(device.entry_type is dr.DeviceEntryType.SERVICE for device in devices)


async def test_unload_leaves_nothing_running(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Unloading stops polling and removes every listener."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
