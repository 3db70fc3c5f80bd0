"""Every sensor's ids, unit and classes, pinned: a refactoring must not move them.

Entity ids and unique ids are what users' automations and history hang on;
units, device/state classes and categories decide how HA shows and records
the values. The built-in checks and the system device are read from the
entity registry of a running entry; the target kinds' sensors (which need
real servers to appear) from the descriptions the sensor platform gives each
component type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor import sensor
from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

# Unique id (after "<entry id>_"), entity id, unit, device class, state class,
# entity category, enabled by default ("-" for none).
BUILTIN_AND_SYSTEM: list[str] = [
    "event_loop_lag_ms sensor.event_loop_loop_lag ms duration measurement - on",
    "event_loop_response_time sensor.event_loop_response_time ms duration measurement diagnostic off",
    "event_loop_status sensor.event_loop_status - enum - - on",
    "event_loop_tasks sensor.event_loop_tasks - - measurement diagnostic off",
    "event_loop_uptime_percent sensor.event_loop_uptime % - measurement diagnostic on",
    "ha_process_memory_percent sensor.home_assistant_process_share_of_system_memory % - measurement - on",
    "ha_process_open_files sensor.home_assistant_process_open_files - - measurement diagnostic off",
    "ha_process_response_time sensor.home_assistant_process_response_time ms duration measurement diagnostic off",
    "ha_process_rss_mb sensor.home_assistant_process_resident_memory MiB data_size measurement - on",
    "ha_process_status sensor.home_assistant_process_status - enum - - on",
    "ha_process_threads sensor.home_assistant_process_threads - - measurement diagnostic off",
    "ha_process_uptime_percent sensor.home_assistant_process_uptime % - measurement diagnostic on",
    "system_critical_components sensor.health_monitor_critical_components - - measurement - on",
    "system_cycle_duration sensor.health_monitor_last_cycle_duration ms duration measurement diagnostic off",
    "system_degraded_components sensor.health_monitor_degraded_components - - measurement - on",
    "system_health_score sensor.health_monitor_health_score % - measurement - on",
    "system_healthy_components sensor.health_monitor_healthy_components - - measurement - on",
    "system_highest_open_severity sensor.health_monitor_highest_open_severity - enum - - on",
    "system_incidents_last_24h sensor.health_monitor_incidents_in_the_last_24_hours - - measurement - on",
    "system_mtta sensor.health_monitor_mean_time_to_acknowledge min duration measurement - on",
    "system_mttr sensor.health_monitor_mean_time_to_resolve min duration measurement - on",
    "system_open_incidents sensor.health_monitor_open_incidents - - measurement - on",
    "system_overall_status sensor.health_monitor_overall_status - enum - - on",
    "system_performance_score sensor.health_monitor_performance_score % - measurement diagnostic on",
    "system_recovery_success_rate sensor.health_monitor_recovery_success_rate % - measurement - on",
    "system_resources_cpu_percent sensor.system_resources_cpu_usage % - measurement - on",
    "system_resources_disk_percent_unknown sensor.system_resources_disk_usage % - measurement - on",
    "system_resources_disk_percent_usr sensor.system_resources_disk_usage_usr % - measurement - on",
    "system_resources_memory_percent sensor.system_resources_memory_usage % - measurement - on",
    "system_resources_response_time sensor.system_resources_response_time ms duration measurement diagnostic off",
    "system_resources_status sensor.system_resources_status - enum - - on",
    "system_resources_swap_percent sensor.system_resources_swap_usage % - measurement - on",
    "system_resources_uptime_percent sensor.system_resources_uptime % - measurement diagnostic on",
    "system_unknown_components sensor.health_monitor_components_in_unknown_state - - measurement - on",
    "system_warning_components sensor.health_monitor_components_with_warnings - - measurement - on",
]

# Per component type: key (the end of the unique id), translation key (the
# name, so the entity id), unit, device class, state class, entity category,
# enabled by default, display precision.
TARGET_SENSORS: dict[str, list[str]] = {
    "database": [
        "status component_status - enum - - on -",
        "response_time response_time ms duration measurement - on 1",
        "uptime_percent uptime_percent % - measurement diagnostic on 1",
        "connections_percent connections_used % - measurement - on 1",
        "oldest_query_s oldest_query_age s duration measurement - on 0",
        "database_size_mb database_size MiB data_size measurement - on 1",
        "replication_lag_s replication_lag s duration measurement - on 0",
        "failed_jobs timescaledb_failed_jobs - - measurement - on -",
        "overdue_jobs timescaledb_overdue_jobs - - measurement - on -",
        "overrun_jobs timescaledb_overrun_jobs - - measurement - on -",
        "stale_aggregates timescaledb_stale_aggregates - - measurement - on -",
        "compression_backlog_chunks timescaledb_compression_backlog - - measurement - on -",
        "compression_backlog_mb timescaledb_compression_backlog_size MiB data_size measurement - on 1",
        "background_workers_percent timescaledb_workers_used % - measurement - on 1",
        "hypertables timescaledb_hypertables - - measurement diagnostic on -",
        "chunks timescaledb_chunks - - measurement diagnostic on -",
    ],
    "fleet_database": [
        "status component_status - enum - - on -",
        "response_time response_time ms duration measurement - on 1",
        "uptime_percent uptime_percent % - measurement diagnostic on 1",
        "rows_waiting fleet_rows_waiting - - measurement - on -",
        "rows_dropped fleet_rows_dropped - - total_increasing - on -",
        "rows_written fleet_rows_written - - total_increasing diagnostic on -",
        "fleet_instances fleet_instances - - measurement - on -",
    ],
    "instance": [
        "status component_status - enum - - on -",
        "uptime_percent uptime_percent % - measurement diagnostic on 1",
        "score instance_score % - measurement - on 0",
        "open_incidents instance_open_incidents - - measurement - on -",
        "last_heartbeat instance_last_heartbeat - timestamp - - on -",
    ],
    "http_endpoint": [
        "status component_status - enum - - on -",
        "response_time response_time ms duration measurement - on 1",
        "uptime_percent uptime_percent % - measurement diagnostic on 1",
        "success_rate http_success_rate % - measurement - on 1",
        "status_code http_status_code - - - diagnostic on -",
        "certificate_days certificate_days_left d duration measurement - on 0",
    ],
    "mqtt": [
        "status component_status - enum - - on -",
        "response_time response_time ms duration measurement - on 1",
        "uptime_percent uptime_percent % - measurement diagnostic on 1",
        "round_trip_ms round_trip ms duration measurement - on 1",
    ],
    "network": [
        "status component_status - enum - - on -",
        "response_time response_time ms duration measurement - on 1",
        "uptime_percent uptime_percent % - measurement diagnostic on 1",
        "dns_ms dns_time ms duration measurement diagnostic off 1",
        "connect_ms connect_time ms duration measurement diagnostic off 1",
    ],
}


@pytest.fixture
def options() -> dict[str, Any]:
    """Every built-in check that runs without a recorder; two disks."""
    return {
        CONF_CHECKS: ["system_resources", "ha_process", "event_loop"],
        CONF_DISK_PATHS: ["/", "/usr"],
    }


def _catalogue(registry: er.EntityRegistry, entry: MockConfigEntry) -> list[str]:
    rows = []
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.domain != "sensor":
            continue
        fields = (
            entity.unique_id.removeprefix(f"{entry.entry_id}_"),
            entity.entity_id,
            _text(entity.unit_of_measurement),
            _text(entity.original_device_class),
            _text((entity.capabilities or {}).get("state_class")),
            _text(entity.entity_category),
            _text(entity.disabled_by is None),
        )
        rows.append(" ".join(fields))
    return sorted(rows)


async def test_builtin_and_system_sensors_keep_their_ids_and_units(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The sensors of the built-in checks, the disks and the system device."""
    assert _catalogue(entity_registry, loaded_entry) == BUILTIN_AND_SYSTEM


def _text(value: Any) -> str:
    """Write a value of a catalogue line: "-" for none, "on"/"off" for flags."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _row(description: Any) -> str:
    fields = (
        description.key,
        description.translation_key,
        _text(description.native_unit_of_measurement),
        _text(description.device_class),
        _text(description.state_class),
        _text(description.entity_category),
        _text(description.entity_registry_enabled_default),
        _text(description.suggested_display_precision),
    )
    return " ".join(fields)


def _descriptions_of(component_type: ComponentType) -> list[Any]:
    return [
        description
        for description in sensor.COMPONENT_SENSORS
        if description.component_types is None
        or component_type in description.component_types
    ]


@pytest.mark.parametrize("component_type", sorted(TARGET_SENSORS))
def test_target_sensors_keep_their_keys_and_units(component_type: str) -> None:
    """Each target type's sensors: key (the unique id's end), name, unit, classes."""
    rows = [_row(d) for d in _descriptions_of(ComponentType(component_type))]
    assert rows == TARGET_SENSORS[component_type]


@pytest.mark.parametrize("component_type", list(ComponentType))
def test_every_metric_sensor_reads_the_metric_named_by_its_key(
    component_type: ComponentType,
) -> None:
    """A metric sensor shows its metric; a missing or non-numeric one is unknown."""
    common = {"status", "response_time", "uptime_percent"}
    for description in _descriptions_of(component_type):
        if description.key in common:
            continue
        if description.device_class is SensorDeviceClass.TIMESTAMP:
            moment = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
            component = _component(
                component_type, {description.key: moment.isoformat()}
            )
            assert description.value_fn(component) == moment, description.key
            component = _component(component_type, {description.key: "n/a"})
            assert description.value_fn(component) is None, description.key
            continue
        component = _component(component_type, {description.key: 12.5})
        assert description.value_fn(component) == 12.5, description.key
        component = _component(component_type, {description.key: "n/a"})
        assert description.value_fn(component) is None, description.key
        assert description.value_fn(_component(component_type, {})) is None


def _component(
    component_type: ComponentType, metrics: dict[str, Any]
) -> ComponentHealth:
    return ComponentHealth(
        component_id="c",
        name="C",
        component_type=component_type,
        status=HealthStatus.HEALTHY,
        metrics=metrics,
    )
