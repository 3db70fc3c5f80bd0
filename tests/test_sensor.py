"""Entities and states of the built-in checks and the system device."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.builtin import event_loop
from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_CPU_CRITICAL,
    CONF_CPU_WARNING,
    CONF_DISK_CRITICAL,
    CONF_DISK_PATHS,
    CONF_DISK_WARNING,
    CONF_MEMORY_CRITICAL,
    CONF_MEMORY_WARNING,
)
from custom_components.health_monitor.engine.classification import Thresholds
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.util import slugify

from .entries import health_monitor_entry
from .targets.target_entities import enable_sensors, entity_id_of, number

STATUSES = ["healthy", "warning", "degraded", "critical", "unknown"]
COMPONENTS = ("system_resources", "ha_process", "event_loop")


@pytest.fixture
def options(hass: HomeAssistant) -> dict[str, Any]:
    """Host checks with levels no test machine reaches, however busy it is.

    The statuses are then decided by these levels, not by the host's load
    (CPU is still being measured in the first cycles: unknown, not a finding).
    """
    return {
        CONF_CHECKS: list(COMPONENTS),
        CONF_DISK_PATHS: [hass.config.config_dir],
        CONF_CPU_WARNING: 99.9,
        CONF_CPU_CRITICAL: 100,
        CONF_MEMORY_WARNING: 99.9,
        CONF_MEMORY_CRITICAL: 100,
        CONF_DISK_WARNING: 99.9,
        CONF_DISK_CRITICAL: 100,
    }


@pytest.fixture(autouse=True)
def generous_lag_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Event loop lag levels (not an option) that no busy machine reaches: 1 and 2 minutes."""
    monkeypatch.setattr(event_loop, "LAG_THRESHOLDS", Thresholds(60_000, 120_000))


async def test_system_resources_report_real_values(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
) -> None:
    """Memory, swap and the watched disk have values read from this host."""
    for key in ("memory_percent", "swap_percent"):
        value = number(
            hass, entity_id_of(hass, loaded_entry, f"system_resources_{key}")
        )
        assert 0 <= value <= 100
    disk = entity_id_of(
        hass,
        loaded_entry,
        f"system_resources_disk_percent_{slugify(hass.config.config_dir)}",
    )
    assert 0 <= number(hass, disk) <= 100
    state = hass.states.get(disk)
    assert state is not None
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "%"
    assert hass.config.config_dir in state.attributes["friendly_name"]


async def test_cpu_usage_is_measured_over_a_window_not_at_start_up(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """CPU usage is unknown at first, then averaged over at least 5 seconds."""
    cpu = entity_id_of(hass, loaded_entry, "system_resources_cpu_percent")
    status = entity_id_of(hass, loaded_entry, "system_resources_status")
    assert hass.states.get(cpu).state == "unknown"  # type: ignore[union-attr]
    assert "CPU measuring" in hass.states.get(status).attributes["message"]  # type: ignore[union-attr]

    # A quick second cycle is too short a window to mean anything.
    await loaded_entry.runtime_data.async_refresh()
    assert hass.states.get(cpu).state == "unknown"  # type: ignore[union-attr]

    freezer.tick(timedelta(seconds=6))
    await loaded_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    assert 0 <= number(hass, cpu) <= 100
    message = hass.states.get(status).attributes["message"]  # type: ignore[union-attr]
    assert "CPU " in message
    assert "measuring" not in message


async def test_status_sensor_is_a_translated_enum_with_message(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
) -> None:
    """Each component's status is one of the five classes and explains itself."""
    for component in COMPONENTS:
        state = hass.states.get(entity_id_of(hass, loaded_entry, f"{component}_status"))
        assert state is not None
        assert state.state == "healthy"
        assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENUM
        assert state.attributes["options"] == STATUSES
        assert state.attributes["message"]
        assert state.attributes["consecutive_failures"] == 0
        assert "history" not in state.attributes


async def test_ha_process_reports_its_own_memory_and_threads(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
) -> None:
    """The HA process's resident memory and threads are real and positive.

    Threads and open files are off by default; a user who enables them sees them.
    """
    assert number(hass, entity_id_of(hass, loaded_entry, "ha_process_rss_mb")) > 10
    await enable_sensors(
        hass, loaded_entry, "ha_process_threads", "ha_process_open_files"
    )
    assert number(hass, entity_id_of(hass, loaded_entry, "ha_process_threads")) >= 1
    assert number(hass, entity_id_of(hass, loaded_entry, "ha_process_open_files")) >= 0


async def test_event_loop_lag_is_measured(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
) -> None:
    """The event loop check measures a lag, below its (here generous) warning level."""
    lag = number(hass, entity_id_of(hass, loaded_entry, "event_loop_lag_ms"))
    assert 0 <= lag < 60_000
    state = hass.states.get(entity_id_of(hass, loaded_entry, "event_loop_status"))
    assert state is not None
    assert state.state == "healthy"
    assert state.attributes["message"].startswith("Loop lag ")


async def test_system_device_summarizes_the_components(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
) -> None:
    """Three healthy components: score 100, overall healthy, three counted healthy."""
    counts = {
        status: number(
            hass, entity_id_of(hass, loaded_entry, f"system_{status}_components")
        )
        for status in STATUSES
    }
    assert counts == {
        "healthy": 3,
        "warning": 0,
        "degraded": 0,
        "critical": 0,
        "unknown": 0,
    }
    assert number(hass, entity_id_of(hass, loaded_entry, "system_health_score")) == 100
    overall = hass.states.get(entity_id_of(hass, loaded_entry, "system_overall_status"))
    assert overall is not None
    assert overall.state == "healthy"


async def test_missing_recorder_is_unknown_and_says_not_loaded(
    hass: HomeAssistant,
) -> None:
    """Without the recorder the component is unknown with a clear message."""
    loaded_entry = health_monitor_entry(
        options={CONF_CHECKS: ["recorder"], CONF_DISK_PATHS: ["/"]}
    )
    loaded_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    status = hass.states.get(entity_id_of(hass, loaded_entry, "recorder_status"))
    assert status is not None
    assert status.state == "unknown"
    assert status.attributes["message"] == "Recorder not loaded"


async def test_a_vanished_disk_path_is_unknown_not_an_error(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """A watched folder that disappears makes its disk unknown; the rest keeps working."""
    watched = tmp_path / "media"
    watched.mkdir()
    entry = health_monitor_entry(
        options={CONF_CHECKS: ["system_resources"], CONF_DISK_PATHS: [str(watched)]},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    watched.rmdir()

    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    disk = entity_id_of(
        hass, entry, f"system_resources_disk_percent_{slugify(str(watched))}"
    )
    assert hass.states.get(disk).state == "unknown"  # type: ignore[union-attr]
    status = hass.states.get(entity_id_of(hass, entry, "system_resources_status"))
    assert status is not None
    assert f"disk {watched} unreadable" in status.attributes["message"]
    assert (
        0
        <= number(hass, entity_id_of(hass, entry, "system_resources_memory_percent"))
        <= 100
    )
