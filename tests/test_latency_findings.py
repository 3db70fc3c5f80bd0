"""Which results are latency only: what the start-up grace may hold back."""

from __future__ import annotations

import asyncio
import time

import pytest

from custom_components.health_monitor.builtin.event_loop import EventLoopCheck
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.targets.latency import latency_only

HEALTHY = HealthStatus.HEALTHY
WARNING = HealthStatus.WARNING
DEGRADED = HealthStatus.DEGRADED


@pytest.mark.parametrize(
    ("latency", "others", "expected"),
    [
        (WARNING, (), True),
        (DEGRADED, (HEALTHY, HEALTHY), True),
        (HEALTHY, (), False),
        (HEALTHY, (WARNING,), False),
        (WARNING, (WARNING,), False),
        (DEGRADED, (HEALTHY, DEGRADED), False),
    ],
)
def test_result_is_latency_only_when_nothing_else_is_wrong(
    latency: HealthStatus, others: tuple[HealthStatus, ...], expected: bool
) -> None:
    """A slow answer alone is latency only; with any other finding it is not."""
    assert latency_only(latency, *others) is expected


async def test_event_loop_lag_is_a_latency_finding() -> None:
    """A lagging loop is reported as not healthy, and as latency only."""
    check = EventLoopCheck()
    measuring = asyncio.create_task(check.async_check())
    # Let the check schedule its first callback, then keep the loop busy.
    await asyncio.sleep(0)
    time.sleep(0.15)  # noqa: ASYNC251 - blocking the loop is what is measured
    result = await measuring
    assert result.status is not HEALTHY
    assert result.latency_only
