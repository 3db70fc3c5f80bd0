"""Sensors of database targets: connections, queries, size, replication, jobs."""

from __future__ import annotations

from homeassistant.const import UnitOfTime

from ...descriptions import (
    DIAGNOSTIC,
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

SENSORS = (
    metric_sensor("connections_percent", "connections_used", _DATABASE, **percentage()),
    metric_sensor("oldest_query_s", "oldest_query_age", _DATABASE, **_SECONDS),
    metric_sensor("database_size_mb", "database_size", _DATABASE, **data_size(1)),
    metric_sensor("replication_lag_s", "replication_lag", _DATABASE, **_SECONDS),
    metric_sensor("failed_jobs", "timescaledb_failed_jobs", _DATABASE, **count()),
    metric_sensor("overdue_jobs", "timescaledb_overdue_jobs", _DATABASE, **count()),
    metric_sensor(
        "hypertables", "timescaledb_hypertables", _DATABASE, **_DIAGNOSTIC_COUNT
    ),
)
