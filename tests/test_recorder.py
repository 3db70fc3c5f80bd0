"""The recorder check against HA's real recorder (SQLite)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS
from homeassistant.components.recorder import Recorder
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .targets.target_entities import entity_id_of


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """Start the recorder before Home Assistant, then allow custom integrations."""


@pytest.fixture
def options() -> dict[str, Any]:
    """Watch only the recorder (no hass here: the recorder must start first)."""
    return {CONF_CHECKS: ["recorder"], CONF_DISK_PATHS: ["/"]}


async def test_running_recorder_is_healthy_with_backlog_and_size(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A running recorder reports its queue backlog, database size and round trip."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    status = hass.states.get(entity_id_of(hass, config_entry, "recorder_status"))
    assert status is not None
    assert status.state == "healthy"
    assert status.attributes["message"].startswith("Recorder recording")
    backlog = hass.states.get(entity_id_of(hass, config_entry, "recorder_backlog"))
    assert backlog is not None
    assert int(backlog.state) >= 0
    size = hass.states.get(
        entity_id_of(hass, config_entry, "recorder_database_size_mb")
    )
    assert size is not None
    assert float(size.state) > 0
    component = config_entry.runtime_data.monitor.components["recorder"]
    assert component.metrics["dialect"] == "sqlite"
    assert component.response_time_ms is not None


async def test_stopped_recorder_is_critical(
    hass: HomeAssistant, config_entry: MockConfigEntry, recorder_mock: Recorder
) -> None:
    """When the recorder thread has ended the recorder is critical."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    await hass.async_add_executor_job(recorder_mock.join, 10)
    await config_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    status = hass.states.get(entity_id_of(hass, config_entry, "recorder_status"))
    assert status is not None
    assert status.state == "critical"
    assert status.attributes["message"] == "Recorder thread is not running"
    assert status.attributes["consecutive_failures"] == 1
