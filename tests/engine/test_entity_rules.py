"""Entity rules: value levels with direction and hysteresis, and a check's summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.health_monitor.engine.classification import (
    InvalidThresholdsError,
)
from custom_components.health_monitor.engine.entity_rules import (
    Direction,
    EntityObservation,
    EntityRules,
    EntityWatch,
    ValueLevels,
    age_levels,
    number,
)
from custom_components.health_monitor.engine.models import HealthStatus

T0 = datetime(2025, 1, 1, tzinfo=UTC)
HEALTHY, WARNING, CRITICAL = (
    HealthStatus.HEALTHY,
    HealthStatus.WARNING,
    HealthStatus.CRITICAL,
)


def seen(
    entity_id: str, state: str | None, battery: float | None = None
) -> EntityObservation:
    """Return an observation of ``entity_id`` at T0."""
    return EntityObservation(entity_id, state, T0, T0, battery)


ABOVE = ValueLevels(Direction.ABOVE, 30.0, 40.0, hysteresis=2.0)
BELOW = ValueLevels(Direction.BELOW, 15.0, 5.0, hysteresis=2.0)


# Levels, value, status before, status after.
CASES = """
above 29.99 healthy healthy
above 30 healthy warning
above 40 warning critical
above 38.01 critical critical
above 37.99 critical warning
above 28 warning warning
above 27.99 warning healthy
below 15.01 healthy healthy
below 15 healthy warning
below 5 warning critical
below 6 critical critical
below 7.01 critical warning
"""


@pytest.mark.parametrize("case", CASES.strip().splitlines())
def test_a_level_counts_at_it_and_clears_past_the_hysteresis(case: str) -> None:
    """Above 30/40 and below 15/5, each with a hysteresis of 2."""
    direction, value, before, after = case.split()
    levels = ABOVE if direction == "above" else BELOW
    assert levels.classify(float(value), HealthStatus(before)) is HealthStatus(after)


@pytest.mark.parametrize(
    "levels",
    [
        {"direction": Direction.ABOVE, "warning": 40.0, "critical": 30.0},
        {"direction": Direction.ABOVE, "warning": 30.0, "critical": 30.0},
        {"direction": Direction.BELOW, "warning": 5.0, "critical": 15.0},
        {"direction": Direction.ABOVE},
        {"direction": Direction.ABOVE, "warning": 1.0, "hysteresis": -1.0},
    ],
)
def test_levels_in_the_wrong_order_are_refused(levels: dict[str, object]) -> None:
    """Levels in the wrong order are refused."""
    with pytest.raises(InvalidThresholdsError):
        ValueLevels(**levels)  # type: ignore[arg-type]


def test_a_critical_duration_must_be_longer_than_the_warning() -> None:
    """A critical duration must be longer than the warning."""
    with pytest.raises(InvalidThresholdsError):
        age_levels(timedelta(minutes=10), timedelta(minutes=10))
    assert len(age_levels(None, timedelta(minutes=1))) == 1


@pytest.mark.parametrize("text", ["nan", "inf", "abc", None, True])
def test_only_finite_numbers_are_values(text: object) -> None:
    """Only finite numbers are values."""
    assert number(text) is None


def test_the_check_is_the_worst_entity_and_names_the_affected_worst_first() -> None:
    """The check is the worst entity and names the affected worst first."""
    watch = EntityWatch(
        EntityRules(
            value=ValueLevels(Direction.ABOVE, 30.0, 40.0),
            battery=ValueLevels(Direction.BELOW, 15.0, 5.0),
            unavailable=age_levels(timedelta(0), None),
        )
    )
    assert watch.observe(seen("sensor.a", "31"))
    assert watch.observe(seen("sensor.b", "41"))
    assert watch.observe(seen("lock.c", "locked", battery=3.0))
    assert not watch.observe(seen("sensor.d", "1"))
    watch.observe(seen("sensor.e", "unavailable"))
    watch.advance(T0)
    result = watch.result(T0 + timedelta(minutes=3))
    assert result.status is CRITICAL
    assert result.affected == ("lock.c", "sensor.b", "sensor.a", "sensor.e")
    assert result.metrics == {"affected": 4, "watched": 5}
    assert "4 of 5 entities affected" in result.message
    assert "battery 3 %" in result.message
    assert "unavailable for 3 min" in result.message
    assert watch.remove("sensor.b")
    assert not watch.remove("sensor.unknown")
    assert watch.result(T0).affected == ("lock.c", "sensor.a", "sensor.e")


def test_a_true_condition_counts_without_entities() -> None:
    """A true condition counts without entities."""
    watch = EntityWatch(EntityRules())
    assert watch.result(T0).message == "No entity matches the check"
    watch.condition = (HealthStatus.DEGRADED, "Template condition is true")
    result = watch.result(T0)
    assert result.status is HealthStatus.DEGRADED
    assert result.message == "Template condition is true"


def test_stale_clock_restarts_on_each_report() -> None:
    """Stale clock restarts on each report."""
    watch = EntityWatch(EntityRules(stale=age_levels(timedelta(hours=1), None)))
    watch.observe(seen("sensor.a", "1"))
    assert watch.next_due() == T0 + timedelta(hours=1)
    assert watch.advance(T0 + timedelta(hours=1))
    assert watch.status_of("sensor.a") is WARNING
    later = T0 + timedelta(hours=2)
    assert watch.observe(EntityObservation("sensor.a", "1", T0, later))
    assert watch.status_of("sensor.a") is HEALTHY
    assert "not reported" not in watch.result(later).message
