"""Classifying measured values and ranking statuses."""

from __future__ import annotations

import pytest

from custom_components.health_monitor.engine.classification import (
    InvalidThresholdsError,
    Thresholds,
    worst_status,
)
from custom_components.health_monitor.engine.models import HealthStatus

CPU = Thresholds(warning=70, critical=85)
MEMORY = Thresholds(warning=70, critical=85)
DISK = Thresholds(warning=80, critical=90)


@pytest.mark.parametrize(
    ("thresholds", "value", "expected"),
    [
        (CPU, 69.9, HealthStatus.HEALTHY),
        (CPU, 70.0, HealthStatus.WARNING),
        (CPU, 70.1, HealthStatus.WARNING),
        (CPU, 84.9, HealthStatus.WARNING),
        (CPU, 85.0, HealthStatus.CRITICAL),
        (CPU, 85.1, HealthStatus.CRITICAL),
        (MEMORY, 69.9, HealthStatus.HEALTHY),
        (MEMORY, 70.0, HealthStatus.WARNING),
        (MEMORY, 70.1, HealthStatus.WARNING),
        (MEMORY, 84.9, HealthStatus.WARNING),
        (MEMORY, 85.0, HealthStatus.CRITICAL),
        (MEMORY, 85.1, HealthStatus.CRITICAL),
        (DISK, 79.9, HealthStatus.HEALTHY),
        (DISK, 80.0, HealthStatus.WARNING),
        (DISK, 80.1, HealthStatus.WARNING),
        (DISK, 89.9, HealthStatus.WARNING),
        (DISK, 90.0, HealthStatus.CRITICAL),
        (DISK, 90.1, HealthStatus.CRITICAL),
    ],
    ids=lambda param: str(param) if isinstance(param, float) else None,
)
def test_default_thresholds_classify_values_around_each_level(
    thresholds: Thresholds, value: float, expected: HealthStatus
) -> None:
    """A value at a level takes that level's status; just below it does not."""
    assert thresholds.classify(value) is expected


def test_zero_is_healthy() -> None:
    """The lowest possible reading is healthy."""
    assert CPU.classify(0) is HealthStatus.HEALTHY


def test_missing_value_is_unknown() -> None:
    """No reading at all cannot be judged."""
    assert CPU.classify(None) is HealthStatus.UNKNOWN


def test_warning_threshold_equal_to_critical_is_rejected() -> None:
    """Warning and critical at the same level leave no warning band."""
    with pytest.raises(InvalidThresholdsError, match="must be below critical"):
        Thresholds(warning=85, critical=85)


def test_warning_threshold_above_critical_is_rejected() -> None:
    """A warning above critical would never fire."""
    with pytest.raises(InvalidThresholdsError):
        Thresholds(warning=90, critical=80)


def test_invalid_thresholds_error_is_a_value_error() -> None:
    """Callers validating user input can catch a plain ValueError."""
    assert issubclass(InvalidThresholdsError, ValueError)


def test_warning_just_below_critical_is_accepted() -> None:
    """Any warning strictly below critical is valid."""
    thresholds = Thresholds(warning=84.9, critical=85)
    assert thresholds.classify(84.95) is HealthStatus.WARNING


def test_worst_status_of_nothing_is_healthy() -> None:
    """With no statuses there is nothing wrong."""
    assert worst_status([]) is HealthStatus.HEALTHY


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([HealthStatus.HEALTHY, HealthStatus.HEALTHY], HealthStatus.HEALTHY),
        ([HealthStatus.HEALTHY, HealthStatus.WARNING], HealthStatus.WARNING),
        ([HealthStatus.WARNING, HealthStatus.DEGRADED], HealthStatus.DEGRADED),
        ([HealthStatus.CRITICAL, HealthStatus.DEGRADED], HealthStatus.CRITICAL),
        ([HealthStatus.HEALTHY, HealthStatus.UNKNOWN], HealthStatus.UNKNOWN),
        ([HealthStatus.UNKNOWN, HealthStatus.DEGRADED], HealthStatus.DEGRADED),
        (list(HealthStatus), HealthStatus.CRITICAL),
    ],
)
def test_worst_status_orders_healthy_warning_degraded_critical(
    statuses: list[HealthStatus], expected: HealthStatus
) -> None:
    """Healthy < warning (= unknown) < degraded < critical."""
    assert worst_status(statuses) is expected


@pytest.mark.parametrize(
    "statuses",
    [
        [HealthStatus.UNKNOWN, HealthStatus.WARNING],
        [HealthStatus.WARNING, HealthStatus.UNKNOWN],
    ],
)
def test_worst_status_prefers_warning_over_unknown_of_equal_rank(
    statuses: list[HealthStatus],
) -> None:
    """A measured warning says more than an unknown of the same rank, in any order."""
    assert worst_status(statuses) is HealthStatus.WARNING


def test_worst_status_accepts_any_iterable() -> None:
    """A generator of statuses works as well as a list."""
    assert (
        worst_status(s for s in (HealthStatus.HEALTHY, HealthStatus.CRITICAL))
        is HealthStatus.CRITICAL
    )


def test_unknown_ranks_with_warning() -> None:
    """Unknown is worth a look but is not evidence of a failure."""
    assert HealthStatus.UNKNOWN.rank == HealthStatus.WARNING.rank
    assert HealthStatus.UNKNOWN.rank < HealthStatus.DEGRADED.rank
