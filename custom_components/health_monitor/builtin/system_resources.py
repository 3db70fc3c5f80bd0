"""Host CPU, memory, swap and disk usage (psutil, off the event loop)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from psutil_home_assistant import PsutilWrapper

from homeassistant.core import HomeAssistant

from ..descriptions import (
    ComponentSensorDescription,
    metric_sensor,
    metric_value,
    percentage,
)
from ..devices import disk_sensor_key
from ..engine.classification import Findings
from ..engine.models import (
    CheckResult,
    ComponentType,
    HealthStatus,
    MetricValue,
    utcnow,
)
from ..settings import MonitorSettings
from .executor_check import ExecutorCheck

# Shortest time a CPU usage sample averages over, in seconds.
CPU_MIN_WINDOW = 5.0


def disk_metric_key(path: str) -> str:
    """Return the metric key of a watched disk path."""
    return f"disk_percent:{path}"


_SYSTEM = {ComponentType.SYSTEM_RESOURCES}
SENSORS = (
    *(
        metric_sensor(key, key, _SYSTEM, **percentage())
        for key in ("cpu_percent", "memory_percent", "swap_percent")
    ),
)
# The usage of a watched path; each path has its own (``disk_sensor``).
DISK_SENSOR = metric_sensor("disk_percent", "disk_percent", None, **percentage())


def disk_sensor(path: str) -> ComponentSensorDescription:
    """Return the usage sensor of ``path``: its own key, the path in its name.

    As HA core's systemmonitor does for disks, each watched path has its own
    description, whose translated name has a ``{path}`` placeholder.
    """
    return replace(
        DISK_SENSOR,
        key=disk_sensor_key(path),
        translation_placeholders={"path": path},
        value_fn=metric_value(disk_metric_key(path)),
    )


@dataclass(slots=True)
class ResourceReading:
    """Everything one executor job read from psutil."""

    cpu_percent: float | None
    memory_percent: float
    swap_percent: float
    disk_percent: dict[str, float | None] = field(default_factory=dict)


class SystemResourcesCheck(ExecutorCheck[ResourceReading]):
    """Classifies host resource usage against the configured thresholds."""

    component_id = "system_resources"
    name = "System resources"
    component_type = ComponentType.SYSTEM_RESOURCES

    def __init__(self, hass: HomeAssistant, settings: MonitorSettings) -> None:
        """Watch the host with the thresholds and disk paths of ``settings``."""
        super().__init__(hass, settings)
        # A private psutil copy keeps cpu_percent's sampling state our own.
        self._psutil: Any = None
        self._cpu_percent: float | None = None
        self._cpu_sampled_at: float | None = None

    def _classify(self, reading: ResourceReading) -> CheckResult:
        """Classify every resource; the message names each, the worst first."""
        settings = self._settings
        findings = Findings()
        if reading.cpu_percent is not None:
            findings.add(
                settings.cpu.classify(reading.cpu_percent),
                f"CPU {reading.cpu_percent:.0f}%",
            )
        findings.add(
            settings.memory.classify(reading.memory_percent),
            f"memory {reading.memory_percent:.0f}%",
        )
        metrics: dict[str, MetricValue] = {
            "cpu_percent": reading.cpu_percent,
            "memory_percent": reading.memory_percent,
            "swap_percent": reading.swap_percent,
        }
        for path, usage in reading.disk_percent.items():
            metrics[disk_metric_key(path)] = usage
            if usage is None:
                findings.add(HealthStatus.UNKNOWN, f"disk {path} unreadable")
            else:
                findings.add(settings.disk.classify(usage), f"disk {path} {usage:.0f}%")
        # Everything is reported, the worst first, each problem with its status.
        message = ", ".join(findings.worst_first())
        if reading.cpu_percent is None:
            message += ", CPU measuring"
        return CheckResult(status=findings.status, message=message, metrics=metrics)

    def _read(self) -> ResourceReading:
        """Read psutil; runs in the executor."""
        if self._psutil is None:
            self._psutil = PsutilWrapper().psutil
        psutil = self._psutil
        reading = ResourceReading(
            cpu_percent=self._cpu_usage(psutil),
            memory_percent=float(psutil.virtual_memory().percent),
            swap_percent=float(psutil.swap_memory().percent),
        )
        for path in self._settings.disk_paths:
            try:
                reading.disk_percent[path] = float(psutil.disk_usage(path).percent)
            except OSError:
                reading.disk_percent[path] = None
        return reading

    def _cpu_usage(self, psutil: Any) -> float | None:
        """Return CPU usage averaged since the previous sample (in the executor).

        The first call only starts the measurement: a sample taken at start-up
        would show the load of starting, not of the host. Samples closer
        together than CPU_MIN_WINDOW seconds would be noise, so the previous
        value (None before the first full window) stands until it has passed.
        """
        now = utcnow().timestamp()
        if self._cpu_sampled_at is None:
            psutil.cpu_percent(interval=None)
            self._cpu_sampled_at = now
            return None
        if now - self._cpu_sampled_at >= CPU_MIN_WINDOW:
            self._cpu_percent = float(psutil.cpu_percent(interval=None))
            self._cpu_sampled_at = now
        return self._cpu_percent
