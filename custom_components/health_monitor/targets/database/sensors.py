"""Sensors of database targets: connections, queries, size, replication, TimescaleDB.

A replica's lag and TimescaleDB's sensors exist only where the server has
them (``when_measured``).
"""

from __future__ import annotations

from typing import Any

from homeassistant.const import UnitOfTime

from ...descriptions import (
    DIAGNOSTIC,
    ComponentSensorDescription,
    count,
    data_size,
    duration,
    metric_sensor,
    percentage,
)
from ...engine.models import ComponentType

_DATABASE = {ComponentType.DATABASE}
_SECONDS = duration(UnitOfTime.SECONDS)
_DIAGNOSTIC_COUNT = {**count(), **DIAGNOSTIC}


def _measured(
    key: str, translation_key: str, **fields: Any
) -> ComponentSensorDescription:
    return metric_sensor(key, translation_key, _DATABASE, when_measured=True, **fields)


SENSORS = (
    metric_sensor("connections_percent", "connections_used", _DATABASE, **percentage()),
    metric_sensor("oldest_query_s", "oldest_query_age", _DATABASE, **_SECONDS),
    metric_sensor("database_size_mb", "database_size", _DATABASE, **data_size(1)),
    _measured("replication_lag_s", "replication_lag", **_SECONDS),
    _measured("failed_jobs", "timescaledb_failed_jobs", **count()),
    _measured("overdue_jobs", "timescaledb_overdue_jobs", **count()),
    _measured("overrun_jobs", "timescaledb_overrun_jobs", **count()),
    _measured("stale_aggregates", "timescaledb_stale_aggregates", **count()),
    _measured(
        "compression_backlog_chunks", "timescaledb_compression_backlog", **count()
    ),
    _measured(
        "compression_backlog_mb", "timescaledb_compression_backlog_size", **data_size(1)
    ),
    _measured("background_workers_percent", "timescaledb_workers_used", **percentage()),
    _measured("hypertables", "timescaledb_hypertables", **_DIAGNOSTIC_COUNT),
    _measured("chunks", "timescaledb_chunks", **_DIAGNOSTIC_COUNT),
)
