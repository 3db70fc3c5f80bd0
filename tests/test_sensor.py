"""Entities and states of the built-in checks and the system device."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS, DOMAIN
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

STATUSES = ["healthy", "warning", "degraded", "critical", "unknown"]


def _entity_id(
    entity_registry: er.EntityRegistry, entry: MockConfigEntry, suffix: str
) -> str:
    """Find an entity of ``entry`` by the end of its unique id."""
    unique_id = f"{entry.entry_id}_{suffix}"
    entity_id = entity_registry.async_get_entity_id(
        "sensor", "health_monitor", unique_id
    )
    assert entity_id is not None, unique_id
    return entity_id


def _number(hass: HomeAssistant, entity_id: str) -> float:
    state = hass.states.get(entity_id)
    assert state is not None
    return float(state.state)


async def test_system_resources_report_real_values(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Memory, swap and the watched disk have values read from this host."""
    for key in ("memory_percent", "swap_percent"):
        value = _number(
            hass, _entity_id(entity_registry, loaded_entry, f"system_resources_{key}")
        )
        assert 0 <= value <= 100
    disk = _entity_id(
        entity_registry, loaded_entry, f"system_resources_disk_percent_{_slug(hass)}"
    )
    assert 0 < _number(hass, disk) < 100
    state = hass.states.get(disk)
    assert state is not None
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "%"
    assert hass.config.config_dir in state.attributes["friendly_name"]


async def test_cpu_usage_is_measured_over_a_window_not_at_start_up(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """CPU usage is unknown at first, then averaged over at least 5 seconds."""
    cpu = _entity_id(entity_registry, loaded_entry, "system_resources_cpu_percent")
    assert hass.states.get(cpu).state == "unknown"  # type: ignore[union-attr]
    component = loaded_entry.runtime_data.monitor.components["system_resources"]
    assert "CPU measuring" in component.message

    # A quick second cycle is too short a window to mean anything.
    await loaded_entry.runtime_data.async_refresh()
    assert hass.states.get(cpu).state == "unknown"  # type: ignore[union-attr]

    freezer.tick(timedelta(seconds=6))
    await loaded_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    assert 0 <= _number(hass, cpu) <= 100
    assert "CPU " in component.message
    assert "measuring" not in component.message


def _slug(hass: HomeAssistant) -> str:
    from homeassistant.util import slugify  # noqa: PLC0415

    return slugify(hass.config.config_dir)


async def test_status_sensor_is_a_translated_enum_with_message(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Each component's status is one of the five classes and explains itself."""
    for component in ("system_resources", "ha_process", "event_loop"):
        state = hass.states.get(
            _entity_id(entity_registry, loaded_entry, f"{component}_status")
        )
        assert state is not None
        assert state.state in STATUSES
        assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENUM
        assert state.attributes["options"] == STATUSES
        assert state.attributes["message"]
        # A loaded test machine can push the CPU past its critical level.
        assert state.attributes["consecutive_failures"] == int(
            state.state == "critical"
        )
        assert "history" not in state.attributes


async def test_ha_process_reports_its_own_memory_and_threads(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The HA process's resident memory and threads are real and positive."""
    assert (
        _number(hass, _entity_id(entity_registry, loaded_entry, "ha_process_rss_mb"))
        > 10
    )
    assert (
        _number(hass, _entity_id(entity_registry, loaded_entry, "ha_process_threads"))
        >= 1
    )
    assert (
        _number(
            hass, _entity_id(entity_registry, loaded_entry, "ha_process_open_files")
        )
        >= 0
    )


async def test_event_loop_lag_is_measured(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The event loop check measures a lag well below its warning level."""
    lag = _number(hass, _entity_id(entity_registry, loaded_entry, "event_loop_lag_ms"))
    assert 0 <= lag < 100
    state = hass.states.get(
        _entity_id(entity_registry, loaded_entry, "event_loop_status")
    )
    assert state is not None
    assert state.state == "healthy"


async def test_system_device_summarizes_the_components(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Score, overall status and counts agree with the component statuses."""
    statuses = [
        hass.states.get(_entity_id(entity_registry, loaded_entry, f"{c}_status")).state  # type: ignore[union-attr]
        for c in ("system_resources", "ha_process", "event_loop")
    ]
    counts = {
        status: int(
            _number(
                hass,
                _entity_id(
                    entity_registry, loaded_entry, f"system_{status}_components"
                ),
            )
        )
        for status in STATUSES
    }
    assert counts == {status: statuses.count(status) for status in STATUSES}
    score = _number(
        hass, _entity_id(entity_registry, loaded_entry, "system_health_score")
    )
    assert 0 <= score <= 100
    if all(status == "healthy" for status in statuses):
        assert score == 100
    overall = hass.states.get(
        _entity_id(entity_registry, loaded_entry, "system_overall_status")
    )
    assert overall is not None
    assert overall.state in STATUSES


async def test_missing_recorder_is_unknown_and_says_not_loaded(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Without the recorder the component is unknown with a clear message."""
    loaded_entry = MockConfigEntry(
        domain=DOMAIN, options={CONF_CHECKS: ["recorder"], CONF_DISK_PATHS: ["/"]}
    )
    loaded_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    status = hass.states.get(
        _entity_id(entity_registry, loaded_entry, "recorder_status")
    )
    assert status is not None
    assert status.state == "unknown"
    assert status.attributes["message"] == "Recorder not loaded"


async def test_a_vanished_disk_path_is_unknown_not_an_error(
    hass: HomeAssistant, tmp_path: Path, entity_registry: er.EntityRegistry
) -> None:
    """A watched folder that disappears makes its disk unknown; the rest keeps working."""
    watched = tmp_path / "media"
    watched.mkdir()
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={CONF_CHECKS: ["system_resources"], CONF_DISK_PATHS: [str(watched)]},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    watched.rmdir()

    await entry.runtime_data.async_refresh()

    component = entry.runtime_data.monitor.components["system_resources"]
    assert component.metrics[f"disk_percent:{watched}"] is None
    assert f"disk {watched} unreadable" in component.message
    assert isinstance(component.metrics["memory_percent"], float)
