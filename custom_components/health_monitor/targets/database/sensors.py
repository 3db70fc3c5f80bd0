"""Sensors of database targets: connections, queries, size, replication, jobs."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfInformation, UnitOfTime

from ...descriptions import ComponentSensorDescription, metric_value, percent_sensor
from ...engine.models import ComponentType

_DATABASE = frozenset({ComponentType.DATABASE})


def _measurement(
    key: str,
    translation_key: str,
    **kwargs: Any,
) -> ComponentSensorDescription:
    return ComponentSensorDescription(
        key=key,
        translation_key=translation_key,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=metric_value(key),
        component_types=_DATABASE,
        **kwargs,
    )


SENSORS = (
    percent_sensor("connections_percent", "connections_used", set(_DATABASE)),
    _measurement(
        "oldest_query_s",
        "oldest_query_age",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
    ),
    _measurement(
        "database_size_mb",
        "database_size",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.MEBIBYTES,
        suggested_display_precision=1,
    ),
    _measurement(
        "replication_lag_s",
        "replication_lag",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
    ),
    _measurement("failed_jobs", "timescaledb_failed_jobs"),
    _measurement("overdue_jobs", "timescaledb_overdue_jobs"),
    _measurement(
        "hypertables",
        "timescaledb_hypertables",
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
)
