"""Latency classification shared by every kind of target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine.classification import Thresholds
from ..engine.models import HealthStatus

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
