"""The Home Assistant process itself: memory, threads and open files."""

from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Any

from psutil_home_assistant import PsutilWrapper

from ..descriptions import DIAGNOSTIC, count, data_size, metric_sensor, percentage
from ..engine.models import CheckResult, ComponentType
from .executor_check import ExecutorCheck

_PROCESS = {ComponentType.HA_PROCESS}
SENSORS = (
    metric_sensor("memory_percent", "process_memory_percent", _PROCESS, **percentage()),
    metric_sensor("rss_mb", "rss", _PROCESS, **data_size(precision=0)),
    # Rarely looked at, and changing often: off until enabled.
    *(
        metric_sensor(
            key,
            key,
            _PROCESS,
            **count(),
            **DIAGNOSTIC,
            entity_registry_enabled_default=False,
        )
        for key in ("threads", "open_files")
    ),
)


@dataclass(slots=True, frozen=True)
class ProcessReading:
    """What one executor job read about the HA process."""

    rss_mb: float
    memory_percent: float
    threads: int
    open_files: int


class HaProcessCheck(ExecutorCheck[ProcessReading]):
    """Classifies the HA process's share of system memory."""

    component_id = "ha_process"
    name = "Home Assistant process"
    component_type = ComponentType.HA_PROCESS

    # psutil's handle on this process, made by the first read.
    _process: Any = None

    def _classify(self, reading: ProcessReading) -> CheckResult:
        """Classify the process's memory share; every reading is a metric."""
        return CheckResult(
            status=self._settings.memory.classify(reading.memory_percent),
            message=(
                f"RSS {reading.rss_mb:.0f} MB ({reading.memory_percent:.1f}% of memory), "
                f"{reading.threads} threads, {reading.open_files} open files"
            ),
            metrics={
                "rss_mb": reading.rss_mb,
                "memory_percent": reading.memory_percent,
                "threads": reading.threads,
                "open_files": reading.open_files,
            },
        )

    def _read(self) -> ProcessReading:
        """Read psutil; runs in the executor."""
        if self._process is None:
            self._process = PsutilWrapper().psutil.Process(os.getpid())
        process = self._process
        with process.oneshot():
            return ProcessReading(
                rss_mb=round(process.memory_info().rss / 1024 / 1024, 1),
                memory_percent=round(float(process.memory_percent()), 2),
                threads=int(process.num_threads()),
                open_files=len(process.open_files()),
            )
