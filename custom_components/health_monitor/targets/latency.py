"""Latency, judged alike for every kind of target: levels, status, form fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from ..engine.classification import InvalidThresholdsError, Thresholds
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
