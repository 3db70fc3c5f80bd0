"""Clocks of things in a condition and the levels they reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.health_monitor.engine.condition_age import (
    AgeLevel,
    ConditionAges,
)
from custom_components.health_monitor.engine.models import HealthStatus

T0 = datetime(2025, 1, 1, tzinfo=UTC)
WARNING = AgeLevel(timedelta(minutes=5), HealthStatus.WARNING)
CRITICAL = AgeLevel(timedelta(minutes=10), HealthStatus.CRITICAL)


def test_a_level_is_reached_at_its_age_exactly_not_before() -> None:
    """A level is reached at its age exactly not before."""
    ages = ConditionAges([CRITICAL, WARNING])
    ages.start("a", T0)
    assert ages.advance(T0 + timedelta(minutes=4, seconds=59)) == []
    assert ages.status("a") is None
    assert ages.advance(T0 + timedelta(minutes=5)) == ["a"]
    assert ages.status("a") is HealthStatus.WARNING
    assert ages.next_due() == T0 + timedelta(minutes=10)
    assert ages.advance(T0 + timedelta(minutes=10)) == ["a"]
    assert ages.status("a") is HealthStatus.CRITICAL
    assert ages.next_due() is None


def test_a_late_advance_reaches_every_level_at_once() -> None:
    """A late advance reaches every level at once."""
    ages = ConditionAges([WARNING, CRITICAL])
    ages.start("a", T0)
    assert ages.advance(T0 + timedelta(hours=1)) == ["a", "a"]
    assert ages.status("a") is HealthStatus.CRITICAL


def test_stopping_a_clock_drops_its_level_and_restarting_starts_over() -> None:
    """Stopping a clock drops its level and restarting starts over."""
    ages = ConditionAges([WARNING])
    ages.start("a", T0)
    ages.advance(T0 + timedelta(minutes=6))
    assert ages.reached_count == 1
    assert ages.start("a", T0 + timedelta(minutes=6)) is True
    assert ages.status("a") is None
    assert ages.stop("a") is False
    assert "a" not in ages
    assert ages.stop("a") is False


def test_a_clock_that_joins_late_with_an_old_start_is_not_held_back() -> None:
    """Clocks out of order are sorted before the queue is read."""
    ages = ConditionAges([WARNING])
    ages.start("new", T0 + timedelta(minutes=4))
    ages.start("old", T0)
    assert ages.next_due() == T0 + timedelta(minutes=5)
    assert ages.advance(T0 + timedelta(minutes=5)) == ["old"]
    assert [key for key, _, _ in ages.reached()] == ["old"]


def test_no_levels_tracks_nothing() -> None:
    """No levels tracks nothing."""
    ages = ConditionAges([])
    assert not ages
    assert ages.start("a", T0) is False
    assert len(ages) == 0
