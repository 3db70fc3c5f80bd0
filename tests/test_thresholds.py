"""Thresholds from the options drive the statuses shown."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_DISK_PATHS,
    CONF_MEMORY_CRITICAL,
    CONF_MEMORY_WARNING,
)
from homeassistant.core import HomeAssistant

from .targets.target_entities import entity_id_of, number


@pytest.fixture
def options(hass: HomeAssistant) -> dict[str, Any]:
    """Watch the HA process with a memory warning level any process crosses (0.01 %)."""
    return {
        CONF_CHECKS: ["ha_process"],
        CONF_DISK_PATHS: [hass.config.config_dir],
        CONF_MEMORY_WARNING: 0.01,
        CONF_MEMORY_CRITICAL: 99.9,
    }


async def test_changing_a_threshold_changes_the_status(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
) -> None:
    """Lowering the memory critical level in the options turns the status critical."""
    status_id = entity_id_of(hass, loaded_entry, "ha_process_status")
    state = hass.states.get(status_id)
    assert state is not None
    assert state.state == "warning"
    assert "of memory" in state.attributes["message"]

    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, CONF_MEMORY_CRITICAL: 0.02}
    )
    await hass.async_block_till_done()

    state = hass.states.get(status_id)
    assert state is not None
    assert state.state == "critical"
    score = number(hass, entity_id_of(hass, loaded_entry, "system_health_score"))
    assert score <= 40
