"""Home Assistant's event loop responsiveness (application performance)."""

from __future__ import annotations

import asyncio

from ..const import EVENT_LOOP_LAG_CRITICAL_MS, EVENT_LOOP_LAG_WARNING_MS
from ..descriptions import DIAGNOSTIC, count, duration, metric_sensor
from ..engine.classification import Thresholds
from ..engine.loop_lag import loop_lag
from ..engine.models import CheckResult, ComponentType, HealthStatus

SAMPLES = 5
LAG_THRESHOLDS = Thresholds(EVENT_LOOP_LAG_WARNING_MS, EVENT_LOOP_LAG_CRITICAL_MS)

_LOOP = {ComponentType.EVENT_LOOP}
SENSORS = (
    metric_sensor("lag_ms", "loop_lag", _LOOP, **duration()),
    metric_sensor(
        "tasks",
        "loop_tasks",
        _LOOP,
        **count(),
        **DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
)


class EventLoopCheck:
    """Measures how long a callback waits before the loop runs it."""

    component_id = "event_loop"
    name = "Event loop"
    component_type = ComponentType.EVENT_LOOP

    async def async_check(self) -> CheckResult:
        """Schedule a few callbacks and report the worst wait (the lag)."""
        lag_ms = round(max([await loop_lag() for _ in range(SAMPLES)]) * 1000, 2)
        tasks = len(asyncio.all_tasks())
        status = LAG_THRESHOLDS.classify(lag_ms)
        return CheckResult(
            status=status,
            message=f"Loop lag {lag_ms:.1f} ms, {tasks} tasks",
            response_time_ms=lag_ms,
            metrics={"lag_ms": lag_ms, "tasks": tasks},
            # Lag is latency: setting up or reloading (ours included) causes it.
            latency_only=status is not HealthStatus.HEALTHY,
        )
