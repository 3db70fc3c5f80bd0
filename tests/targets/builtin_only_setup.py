"""Run alone, in a fresh interpreter, by test_kind_imports.py (not collected otherwise).

Sets Health Monitor up with the built-in checks only and asserts that no
driver of a target kind was imported.
"""

from __future__ import annotations

import sys

from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from tests.entries import health_monitor_entry

# The drivers and HA integrations only some kinds of target use.
KIND_MODULES = ("asyncpg", "aiomqtt", "paho", "homeassistant.components.mqtt")


def loaded_kind_modules() -> list[str]:
    """Return the kind-only modules imported so far."""
    return [name for name in KIND_MODULES if name in sys.modules]


async def test_setup_with_builtin_checks_only_imports_no_kind_driver(
    hass: HomeAssistant, enable_custom_integrations: None
) -> None:
    """No target of a kind, no import of its driver.

    The test harness itself may have imported some (HA 2026's plugin loads
    paho for its MQTT fixtures); the drivers of our own kinds it does not.
    """
    before = loaded_kind_modules()
    assert "asyncpg" not in before
    assert "aiomqtt" not in before
    entry = health_monitor_entry(
        options={
            CONF_CHECKS: ["system_resources", "ha_process", "event_loop"],
            CONF_DISK_PATHS: [hass.config.config_dir],
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert loaded_kind_modules() == before
    assert await hass.config_entries.async_unload(entry.entry_id)
