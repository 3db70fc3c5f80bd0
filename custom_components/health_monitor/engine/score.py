"""System-wide health: overall status, health score and performance score.

Health score (0-100)::

    score = sum(weight(c) * value(status(c))) / sum(weight(c))

with ``value`` healthy 100, warning 75, degraded 50, unknown 50 and
critical 0, and ``weight`` from :data:`COMPONENT_WEIGHTS` (the host and the
databases weigh most). If any component is critical the score is capped at
:data:`CRITICAL_SCORE_CAP`, so one dead database can never hide behind many
healthy endpoints.

Performance score (0-100): the mean over components that report a response
time of ``100 * (slow - t) / (slow - fast)`` clamped to 0..100, where
``fast`` is :data:`FAST_RESPONSE_MS` and ``slow`` is the check timeout.
"""

from __future__ import annotations

from collections.abc import Iterable

from .classification import worst_status
from .models import ComponentHealth, ComponentType, HealthStatus

STATUS_VALUES: dict[HealthStatus, float] = {
    HealthStatus.HEALTHY: 100.0,
    HealthStatus.WARNING: 75.0,
    HealthStatus.DEGRADED: 50.0,
    HealthStatus.UNKNOWN: 50.0,
    HealthStatus.CRITICAL: 0.0,
}

COMPONENT_WEIGHTS: dict[ComponentType, float] = {
    ComponentType.SYSTEM_RESOURCES: 3.0,
    ComponentType.HA_PROCESS: 2.0,
    ComponentType.EVENT_LOOP: 2.0,
    ComponentType.RECORDER: 2.0,
    ComponentType.INTEGRATIONS: 2.0,
    ComponentType.DATABASE: 3.0,
    ComponentType.MQTT: 2.0,
    ComponentType.HTTP_ENDPOINT: 1.0,
    ComponentType.NETWORK: 1.0,
    ComponentType.ENTITIES: 1.0,
    ComponentType.ENTITY_CHECK: 1.0,
    ComponentType.FLEET_DATABASE: 1.0,
    ComponentType.INSTANCE: 1.0,
}

CRITICAL_SCORE_CAP = 40.0
FAST_RESPONSE_MS = 100.0


def health_score(components: Iterable[ComponentHealth]) -> float:
    """Return the weighted health score; 0 when nothing is monitored."""
    total_weight = 0.0
    total = 0.0
    any_critical = False
    for component in components:
        weight = COMPONENT_WEIGHTS[component.component_type]
        total_weight += weight
        total += weight * STATUS_VALUES[component.status]
        any_critical |= component.status is HealthStatus.CRITICAL
    if total_weight == 0:
        return 0.0
    score = total / total_weight
    if any_critical:
        score = min(score, CRITICAL_SCORE_CAP)
    return round(score, 1)


def performance_score(components: Iterable[ComponentHealth], slow_ms: float) -> float:
    """Return how quickly components answer; 100 when none reports a time."""
    slow = max(slow_ms, FAST_RESPONSE_MS + 1.0)
    values = [
        min(
            100.0,
            max(0.0, 100.0 * (slow - c.response_time_ms) / (slow - FAST_RESPONSE_MS)),
        )
        for c in components
        if c.response_time_ms is not None
    ]
    if not values:
        return 100.0
    return round(sum(values) / len(values), 1)


def overall_status(components: Iterable[ComponentHealth]) -> HealthStatus:
    """Return the worst component status; unknown when nothing is monitored."""
    statuses = [component.status for component in components]
    if not statuses:
        return HealthStatus.UNKNOWN
    return worst_status(statuses)


def status_counts(components: Iterable[ComponentHealth]) -> dict[HealthStatus, int]:
    """Count components per status (every status present, zero included)."""
    counts: dict[HealthStatus, int] = dict.fromkeys(HealthStatus, 0)
    for component in components:
        counts[component.status] += 1
    return counts
