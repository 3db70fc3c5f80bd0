"""Home Assistant's recorder and its database (SQLite by default)."""

from __future__ import annotations

from dataclasses import dataclass
import time
from typing import TYPE_CHECKING

from sqlalchemy import text

from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance, session_scope

from ..const import RECORDER_BACKLOG_CRITICAL, RECORDER_BACKLOG_WARNING
from ..descriptions import count, data_size, metric_sensor
from ..engine.classification import Findings, Thresholds
from ..engine.models import (
    CheckResult,
    ComponentType,
    HealthStatus,
    MetricValue,
    elapsed_ms,
)
from ..engine.sanitize import sanitize_message

if TYPE_CHECKING:
    from homeassistant.components.recorder.core import Recorder

RECORDER_DOMAIN = "recorder"
BACKLOG_THRESHOLDS = Thresholds(RECORDER_BACKLOG_WARNING, RECORDER_BACKLOG_CRITICAL)

_RECORDER = {ComponentType.RECORDER}
SENSORS = (
    metric_sensor("backlog", "recorder_backlog", _RECORDER, **count()),
    metric_sensor("database_size_mb", "database_size", _RECORDER, **data_size(1)),
)

# Database size per SQL dialect, in bytes.
_SIZE_QUERIES = {
    "sqlite": "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
    "postgresql": "SELECT pg_database_size(current_database())",
    "mysql": (
        "SELECT SUM(data_length + index_length) FROM information_schema.tables "
        "WHERE table_schema = DATABASE()"
    ),
}


@dataclass(slots=True, frozen=True)
class DatabaseProbe:
    """Round trip and size of the recorder database."""

    round_trip_ms: float
    size_mb: float | None


class RecorderCheck:
    """Watches that the recorder runs, keeps up and reaches its database."""

    component_id = "recorder"
    name = "Recorder"
    component_type = ComponentType.RECORDER

    def __init__(self, hass: HomeAssistant) -> None:
        """Watch the recorder of ``hass``."""
        self._hass = hass

    async def async_check(self) -> CheckResult:
        """Inspect the recorder and probe its database on its own executor."""
        if RECORDER_DOMAIN not in self._hass.config.components:
            return CheckResult(
                status=HealthStatus.UNKNOWN,
                message="Recorder not loaded",
                metrics={"running": "not_loaded"},
            )
        instance = get_instance(self._hass)
        backlog = instance.backlog
        metrics: dict[str, MetricValue] = {
            "backlog": backlog,
            "dialect": instance.dialect_name.value if instance.dialect_name else None,
        }
        if not instance.is_alive():
            metrics["running"] = "stopped"
            return CheckResult(
                HealthStatus.CRITICAL, "Recorder thread is not running", None, metrics
            )
        if not instance.async_db_ready.done():
            metrics["running"] = "starting"
            return CheckResult(
                HealthStatus.UNKNOWN, "Recorder database is starting", None, metrics
            )
        metrics["running"] = "recording" if instance.recording else "paused"
        try:
            probe = await instance.async_add_executor_job(_probe_database, instance)
        except Exception as err:  # noqa: BLE001 - any driver error means unreachable
            return CheckResult(
                HealthStatus.CRITICAL,
                sanitize_message(
                    f"Recorder database unreachable: {type(err).__name__}"
                ),
                None,
                metrics,
            )
        metrics["database_size_mb"] = probe.size_mb
        findings = Findings()
        findings.add(BACKLOG_THRESHOLDS.classify(backlog), f"backlog {backlog} events")
        if not instance.recording:
            findings.add(HealthStatus.DEGRADED, "not recording")
        size = f", database {probe.size_mb:.1f} MB" if probe.size_mb is not None else ""
        details = ", ".join(findings.texts())
        return CheckResult(
            status=findings.status,
            message=f"Recorder {metrics['running']}, {details}{size}",
            response_time_ms=probe.round_trip_ms,
            metrics=metrics,
        )


def _probe_database(instance: Recorder) -> DatabaseProbe:
    """Run SELECT 1 and read the database size; runs on the recorder's executor."""
    start = time.perf_counter()
    with session_scope(session=instance.get_session(), read_only=True) as session:
        session.execute(text("SELECT 1")).scalar()
        round_trip_ms = elapsed_ms(start)
        size_mb: float | None = None
        dialect = instance.dialect_name.value if instance.dialect_name else None
        if dialect in _SIZE_QUERIES:
            size = session.execute(text(_SIZE_QUERIES[dialect])).scalar()
            if size:
                size_mb = round(float(size) / 1024 / 1024, 2)
    return DatabaseProbe(round_trip_ms=round_trip_ms, size_mb=size_mb)
