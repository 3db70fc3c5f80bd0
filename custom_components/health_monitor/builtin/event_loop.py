"""Home Assistant's event loop responsiveness (application performance)."""

from __future__ import annotations

import asyncio

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfTime

from ..const import EVENT_LOOP_LAG_CRITICAL_MS, EVENT_LOOP_LAG_WARNING_MS
from ..descriptions import ComponentSensorDescription, metric_value
from ..engine.classification import Thresholds
from ..engine.models import CheckResult, ComponentType, HealthStatus

SAMPLES = 5
LAG_THRESHOLDS = Thresholds(EVENT_LOOP_LAG_WARNING_MS, EVENT_LOOP_LAG_CRITICAL_MS)

_LOOP = frozenset({ComponentType.EVENT_LOOP})
SENSORS = (
    ComponentSensorDescription(
        key="lag_ms",
        translation_key="loop_lag",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=metric_value("lag_ms"),
        component_types=_LOOP,
    ),
    ComponentSensorDescription(
        key="tasks",
        translation_key="loop_tasks",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=metric_value("tasks"),
        component_types=_LOOP,
    ),
)


class EventLoopCheck:
    """Measures how long a callback waits before the loop runs it."""

    component_id = "event_loop"
    name = "Event loop"
    component_type = ComponentType.EVENT_LOOP

    async def async_check(self) -> CheckResult:
        """Schedule a few callbacks and report the worst wait (the lag)."""
        loop = asyncio.get_running_loop()
        lags: list[float] = []
        for _ in range(SAMPLES):
            ran: asyncio.Future[float] = loop.create_future()
            scheduled = loop.time()
            loop.call_soon(_mark_ran, ran)
            lags.append((await ran - scheduled) * 1000)
        lag_ms = round(max(lags), 2)
        tasks = len(asyncio.all_tasks(loop))
        status = LAG_THRESHOLDS.classify(lag_ms)
        return CheckResult(
            status=status,
            message=f"Loop lag {lag_ms:.1f} ms, {tasks} tasks",
            response_time_ms=lag_ms,
            metrics={"lag_ms": lag_ms, "tasks": tasks},
            # Lag is latency: setting up or reloading (ours included) causes it.
            latency_only=status is not HealthStatus.HEALTHY,
        )


def _mark_ran(ran: asyncio.Future[float]) -> None:
    """Record when the loop got round to this callback."""
    if not ran.done():
        ran.set_result(ran.get_loop().time())
