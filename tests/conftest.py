"""Shared fixtures: a real Home Assistant with Health Monitor set up."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS, DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture
def options(hass: HomeAssistant) -> dict[str, Any]:
    """Options of a freshly configured entry: host checks only, no recorder."""
    return {
        CONF_CHECKS: ["system_resources", "ha_process", "event_loop"],
        CONF_DISK_PATHS: [hass.config.config_dir],
    }


@pytest.fixture
def config_entry(options: dict[str, Any]) -> MockConfigEntry:
    """Return a Health Monitor config entry (not yet added to hass)."""
    return MockConfigEntry(
        domain=DOMAIN, title="Health Monitor", data={}, options=options
    )


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> AsyncGenerator[MockConfigEntry]:
    """Set up and load the config entry."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    return config_entry
