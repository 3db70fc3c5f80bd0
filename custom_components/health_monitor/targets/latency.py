"""Latency, judged alike for every kind of target: levels, status, form fields."""

from __future__ import annotations

from collections.abc import Mapping
import time
from typing import Any

import voluptuous as vol

from ..engine.classification import InvalidThresholdsError, Thresholds
from ..engine.loop_lag import loop_lag
from ..engine.models import CheckResult, HealthStatus, MetricValue
from ..validation import FieldLimit, NumberRange

CONF_LATENCY_WARNING = "latency_warning_ms"
CONF_LATENCY_CRITICAL = "latency_critical_ms"


def latency_thresholds(config: Mapping[str, Any]) -> Thresholds:
    """Return the latency thresholds of a target."""
    return Thresholds(
        float(config[CONF_LATENCY_WARNING]), float(config[CONF_LATENCY_CRITICAL])
    )


def latency_status(latency_ms: float, thresholds: Thresholds) -> HealthStatus:
    """Classify a reachable target's latency.

    A slow answer is still an answer: at or above the warning level it is a
    warning, at or above the critical level the target is degraded. Only an
    unreachable target is critical.
    """
    status = thresholds.classify(latency_ms)
    return HealthStatus.DEGRADED if status is HealthStatus.CRITICAL else status


def latency_only(latency: HealthStatus, *others: HealthStatus) -> bool:
    """Whether a result is not healthy only because of its latency.

    ``latency`` is the result's :func:`latency_status`, ``others`` the
    statuses of its other findings. Such a result is marked
    ``CheckResult.latency_only``: the target answered, just slowly, which
    the start-up and reload grace does not turn into an incident.
    """
    return latency is not HealthStatus.HEALTHY and all(
        status is HealthStatus.HEALTHY for status in others
    )


def latency_result(
    latency_ms: float,
    config: Mapping[str, Any],
    message: str,
    metrics: dict[str, MetricValue],
) -> CheckResult:
    """Return the result of a target judged by its latency alone."""
    status = latency_status(latency_ms, latency_thresholds(config))
    return CheckResult(
        status=status,
        message=message,
        response_time_ms=latency_ms,
        metrics=metrics,
        latency_only=latency_only(status),
    )


class IoClock:
    """Times awaited I/O without the time spent waiting for a busy event loop.

    A probe awaits its I/O in a loop shared with Home Assistant and with the
    other checks of the cycle: when the answer is there, the probe's task
    still waits its turn behind the callbacks queued before it, and that wait
    is the loop's, not the target's. The clock measures that backlog (a
    callback's wait) just before the I/O starts and again just after it
    ended, and takes the smaller one off the elapsed time: the wake-up waited
    behind at least about as much, so what is left is not less than the
    target's own time by more than the loop's jitter. A target that is
    really slow stays slow: only one loop turn's backlog is taken off.

    Use: ``clock = await IoClock.start()``, the I/O, then ``await
    clock.async_elapsed_ms()`` (or :meth:`elapsed_ms_until` with a time the
    answer was seen, e.g. stamped by a message callback).
    """

    def __init__(self, lag_before: float) -> None:
        """Start timing now, ``lag_before`` being the backlog just measured."""
        self._lag_before = lag_before
        self.started = time.perf_counter()

    @classmethod
    async def start(cls) -> IoClock:
        """Measure the loop's backlog and start timing."""
        return cls(await loop_lag())

    async def async_elapsed_ms(self) -> float:
        """Return the milliseconds of the I/O since :meth:`start`, ended now."""
        return await self.elapsed_ms_until(time.perf_counter())

    async def elapsed_ms_until(self, ended: float) -> float:
        """Return the milliseconds of the I/O from :meth:`start` to ``ended``."""
        lag = min(self._lag_before, await loop_lag())
        return round(max(ended - self.started - lag, 0.0) * 1000, 2)


LATENCY_LEVEL = NumberRange(1, 120000, whole=False, unit="ms")
LATENCY_LIMITS: dict[str, FieldLimit] = {
    CONF_LATENCY_WARNING: LATENCY_LEVEL,
    CONF_LATENCY_CRITICAL: LATENCY_LEVEL,
}


def latency_fields(
    values: Mapping[str, Any], warning: float, critical: float
) -> dict[vol.Marker, Any]:
    """Return the two latency fields, defaulting to ``values`` or the given levels."""
    return {
        vol.Required(
            CONF_LATENCY_WARNING, default=values.get(CONF_LATENCY_WARNING, warning)
        ): LATENCY_LEVEL.selector(),
        vol.Required(
            CONF_LATENCY_CRITICAL, default=values.get(CONF_LATENCY_CRITICAL, critical)
        ): LATENCY_LEVEL.selector(),
    }


def validate_latency(data: Mapping[str, Any]) -> dict[str, str]:
    """Return a field error when the warning latency is not below the critical one.

    ``data`` has passed :data:`LATENCY_LIMITS`; a missing level is an error of
    its own field.
    """
    for key in (CONF_LATENCY_WARNING, CONF_LATENCY_CRITICAL):
        if data.get(key) is None:
            return {key: "not_a_number"}
    try:
        latency_thresholds(data)
    except InvalidThresholdsError:
        return {CONF_LATENCY_WARNING: "warning_not_below_critical"}
    return {}
