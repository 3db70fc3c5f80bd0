"""Setting up and unloading the integration."""

from __future__ import annotations

import asyncio
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component

from .entries import health_monitor_entry


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


async def test_a_target_with_unreadable_settings_is_critical_and_breaks_nothing(
    hass: HomeAssistant, options: dict[str, Any]
) -> None:
    """Stored settings a target kind cannot read make that target critical only."""
    entry = health_monitor_entry(
        options=options,
        subentries_data=[
            {
                "data": {"host": "127.0.0.1"},
                "subentry_id": "broken",
                "subentry_type": "network",
                "title": "Broken",
                "unique_id": "broken",
            }
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    components = entry.runtime_data.monitor.components
    assert components["broken"].status == "critical"
    assert "reconfigure" in components["broken"].message
    assert components["event_loop"].status != "critical"


async def test_a_target_added_while_the_entry_starts_is_monitored(
    hass: HomeAssistant, options: dict[str, Any]
) -> None:
    """Adding a target during set-up reloads the entry once set-up is done."""
    assert await async_setup_component(hass, DOMAIN, {})
    entry = health_monitor_entry(options=options)
    entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    while entry.state is not ConfigEntryState.SETUP_IN_PROGRESS:
        await asyncio.sleep(0)
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            data={
                "host": "127.0.0.1",
                "latency_warning_ms": 5000,
                "latency_critical_ms": 10000,
            },
            subentry_type="network",
            title="Loopback",
            unique_id="network:127.0.0.1",
        ),
    )
    assert await setup
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    (subentry_id,) = entry.subentries
    assert subentry_id in entry.runtime_data.monitor.components
