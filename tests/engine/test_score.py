"""System-wide health: score, performance score, overall status and counts."""

from __future__ import annotations

import pytest

from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)
from custom_components.health_monitor.engine.score import (
    COMPONENT_WEIGHTS,
    CRITICAL_SCORE_CAP,
    FAST_RESPONSE_MS,
    STATUS_VALUES,
    health_score,
    overall_status,
    performance_score,
    status_counts,
)


def component(
    status: HealthStatus,
    component_type: ComponentType = ComponentType.HTTP_ENDPOINT,
    response_time_ms: float | None = None,
    component_id: str = "c",
) -> ComponentHealth:
    """Return a component in ``status``."""
    return ComponentHealth(
        component_id=component_id,
        name=component_id,
        component_type=component_type,
        status=status,
        response_time_ms=response_time_ms,
    )


def test_score_of_nothing_monitored_is_zero() -> None:
    """Without components there is no health to claim."""
    assert health_score([]) == 0.0


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (HealthStatus.HEALTHY, 100.0),
        (HealthStatus.WARNING, 75.0),
        (HealthStatus.DEGRADED, 50.0),
        (HealthStatus.UNKNOWN, 50.0),
        (HealthStatus.CRITICAL, 0.0),
    ],
)
def test_score_of_one_component_is_its_status_value(
    status: HealthStatus, expected: float
) -> None:
    """Healthy 100, warning 75, degraded 50, unknown 50, critical 0."""
    assert health_score([component(status)]) == expected
    assert STATUS_VALUES[status] == expected


def test_every_component_type_has_a_weight() -> None:
    """Adding a component type without a weight would break the score."""
    assert set(COMPONENT_WEIGHTS) == set(ComponentType)


def test_score_is_weighted_by_component_type() -> None:
    """The host (weight 3) counts three times as much as an endpoint (weight 1)."""
    components = [
        component(HealthStatus.HEALTHY, ComponentType.SYSTEM_RESOURCES),
        component(HealthStatus.DEGRADED, ComponentType.HTTP_ENDPOINT),
    ]
    # (3 * 100 + 1 * 50) / 4
    assert health_score(components) == 87.5


def test_score_is_rounded_to_one_decimal() -> None:
    """Two healthy and one warning endpoint give 91.7."""
    components = [
        component(HealthStatus.HEALTHY),
        component(HealthStatus.HEALTHY),
        component(HealthStatus.WARNING),
    ]
    assert health_score(components) == 91.7


def test_one_critical_component_caps_the_score() -> None:
    """Many healthy components cannot hide one critical component."""
    components = [component(HealthStatus.HEALTHY)] * 20 + [
        component(HealthStatus.CRITICAL)
    ]
    score = health_score(components)
    assert score <= 40
    assert score == CRITICAL_SCORE_CAP


def test_critical_cap_does_not_raise_a_lower_score() -> None:
    """The cap is an upper bound, not a floor."""
    components = [
        component(HealthStatus.CRITICAL, ComponentType.DATABASE),
        component(HealthStatus.DEGRADED, ComponentType.HTTP_ENDPOINT),
    ]
    # (3 * 0 + 1 * 50) / 4
    assert health_score(components) == 12.5


def test_score_without_critical_is_not_capped() -> None:
    """Degraded components alone lower the score only by their weight."""
    components = [component(HealthStatus.HEALTHY)] * 3 + [
        component(HealthStatus.DEGRADED)
    ]
    assert health_score(components) == 87.5


def test_performance_score_without_response_times_is_perfect() -> None:
    """Nothing measured means nothing slow."""
    assert performance_score([component(HealthStatus.HEALTHY)], 10_000) == 100.0


def test_performance_score_ignores_components_without_a_response_time() -> None:
    """Only components that report a time are averaged."""
    components = [
        component(HealthStatus.HEALTHY, response_time_ms=10_000),
        component(HealthStatus.HEALTHY, response_time_ms=None),
    ]
    assert performance_score(components, 10_000) == 0.0


@pytest.mark.parametrize(
    ("response_time_ms", "expected"),
    [
        (0.0, 100.0),
        (FAST_RESPONSE_MS, 100.0),
        (5_050.0, 50.0),
        (10_000.0, 0.0),
        (60_000.0, 0.0),
    ],
)
def test_performance_score_is_linear_between_fast_and_timeout_and_clamped(
    response_time_ms: float, expected: float
) -> None:
    """Fast answers score 100, answers at the timeout score 0, in between linearly."""
    components = [component(HealthStatus.HEALTHY, response_time_ms=response_time_ms)]
    assert performance_score(components, 10_000) == expected


def test_performance_score_is_the_mean_over_components() -> None:
    """A fast and a timed-out component average to 50."""
    components = [
        component(HealthStatus.HEALTHY, response_time_ms=50),
        component(HealthStatus.CRITICAL, response_time_ms=10_000),
    ]
    assert performance_score(components, 10_000) == 50.0


def test_performance_score_survives_a_timeout_below_the_fast_limit() -> None:
    """A timeout at or below the fast limit does not divide by zero."""
    components = [component(HealthStatus.HEALTHY, response_time_ms=100.5)]
    assert performance_score(components, 50) == 50.0


def test_overall_status_of_nothing_monitored_is_unknown() -> None:
    """Without components the installation's health is unknown."""
    assert overall_status([]) is HealthStatus.UNKNOWN


def test_overall_status_is_the_worst_component_status() -> None:
    """One degraded component makes the whole system degraded."""
    components = [
        component(HealthStatus.HEALTHY),
        component(HealthStatus.DEGRADED),
        component(HealthStatus.WARNING),
    ]
    assert overall_status(components) is HealthStatus.DEGRADED


def test_overall_status_of_healthy_components_is_healthy() -> None:
    """All healthy is healthy."""
    assert overall_status([component(HealthStatus.HEALTHY)] * 3) is HealthStatus.HEALTHY


def test_counts_include_every_status_with_zeros() -> None:
    """Every status has a count, even when no component has it."""
    assert status_counts([]) == dict.fromkeys(HealthStatus, 0)


def test_counts_count_components_per_status() -> None:
    """Each component is counted once under its status."""
    components = [
        component(HealthStatus.HEALTHY),
        component(HealthStatus.HEALTHY),
        component(HealthStatus.CRITICAL),
        component(HealthStatus.UNKNOWN),
    ]
    assert status_counts(components) == {
        HealthStatus.HEALTHY: 2,
        HealthStatus.WARNING: 0,
        HealthStatus.DEGRADED: 0,
        HealthStatus.CRITICAL: 1,
        HealthStatus.UNKNOWN: 1,
    }
