"""Cost of the incident rules per cycle: 500 components, with and without dependencies.

Run: ``.venv/bin/python -m benchmarks.incident_rules``. The engine alone, no
Home Assistant: observe every component (parents first), follow the
dependencies, review; median and worst of 35 cycles after 5 warm-up cycles.
A whole cycle's budget of event-loop blocking is 5 ms (DESIGN.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import statistics
import sys
import time

from custom_components.health_monitor.engine.dependencies import DependencyGraph
from custom_components.health_monitor.engine.incidents import IncidentTracker
from custom_components.health_monitor.engine.maintenance import MaintenanceSchedule
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

COMPONENTS = 500
CYCLES = 40
WARM_UP = 5


def components(status: HealthStatus) -> list[ComponentHealth]:
    """Return ``COMPONENTS`` network components in ``status``."""
    return [
        ComponentHealth(
            component_id=f"c{index}",
            name=f"C{index}",
            component_type=ComponentType.NETWORK,
            status=status,
            message="measured",
        )
        for index in range(COMPONENTS)
    ]


def measure(parents: dict[str, list[str]], status: HealthStatus) -> list[float]:
    """Return the milliseconds of each cycle after the warm-up."""
    tracker = IncidentTracker()
    tracker.dependencies = DependencyGraph(parents)
    tracker.in_maintenance = MaintenanceSchedule().is_active
    checked = components(status)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    times: list[float] = []
    for cycle in range(CYCLES):
        began = time.perf_counter()
        tracker.observe_all(checked, start + timedelta(seconds=30 * cycle))
        times.append((time.perf_counter() - began) * 1000)
    return times[WARM_UP:]


def main() -> None:
    """Print one line per case."""
    children = {f"c{index}": ["c0"] for index in range(1, COMPONENTS)}
    for label, parents in (("no dependencies", {}), ("499 children of one", children)):
        for status in (HealthStatus.HEALTHY, HealthStatus.CRITICAL):
            times = measure(parents, status)
            sys.stdout.write(
                f"{label:20s} all {status.value:8s} "
                f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms\n"
            )


if __name__ == "__main__":
    main()
