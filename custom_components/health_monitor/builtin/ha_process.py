"""The Home Assistant process itself: memory, threads and open files."""

from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Any

from psutil_home_assistant import PsutilWrapper

from homeassistant.core import HomeAssistant

from ..descriptions import DIAGNOSTIC, count, data_size, metric_sensor, percentage
from ..engine.models import CheckResult, ComponentType
from ..settings import MonitorSettings

_PROCESS = {ComponentType.HA_PROCESS}
SENSORS = (
    metric_sensor("memory_percent", "process_memory_percent", _PROCESS, **percentage()),
    metric_sensor("rss_mb", "rss", _PROCESS, **data_size(precision=0)),
    *(
        metric_sensor(key, key, _PROCESS, **count(), **DIAGNOSTIC)
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


class HaProcessCheck:
    """Classifies the HA process's share of system memory."""

    component_id = "ha_process"
    name = "Home Assistant process"
    component_type = ComponentType.HA_PROCESS

    def __init__(self, hass: HomeAssistant, settings: MonitorSettings) -> None:
        """Watch this process with the memory thresholds of ``settings``."""
        self._hass = hass
        self._settings = settings
        self._process: Any = None

    async def async_check(self) -> CheckResult:
        """Read the process in one executor job and classify its memory share."""
        reading = await self._hass.async_add_executor_job(self._read)
        status = self._settings.memory.classify(reading.memory_percent)
        return CheckResult(
            status=status,
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
