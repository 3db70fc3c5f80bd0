"""Incident statistics, checked against values worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json

import pytest

from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentStatus,
    IncidentTracker,
    Severity,
)
from custom_components.health_monitor.engine.incidents.statistics import (
    IncidentStatistics,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """Return the time ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def health(component_id: str, status: HealthStatus) -> ComponentHealth:
    """Return a component's health in ``status``."""
    return ComponentHealth(
        component_id=component_id,
        name=component_id,
        component_type=ComponentType.DATABASE,
        status=status,
        message=status.value,
    )


def opened(
    tracker: IncidentTracker, component_id: str, status: HealthStatus, minutes: float
) -> str:
    """Open an incident and return its id."""
    (event,) = tracker.observe(health(component_id, status), at(minutes))
    return event.incident_id


@pytest.fixture
def tracker() -> IncidentTracker:
    """Return a tracker holding four incidents with a known history.

    - A (db, critical at 0): acknowledged at 10, recovery succeeded at 25/30,
      auto-resolved at 40, closed at 100. TTA 10, TTR 40.
    - B (mqtt, warning at 20): escalated at 50, resolved by bob at 80. TTR 60.
    - C (recorder, degraded at 60): acknowledged at 67, open. TTA 7.
    - D (http, critical at 90): a failed recovery attempt at 95, open, new.
    """
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    a = opened(tracker, "db", HealthStatus.CRITICAL, 0)
    tracker.change(a, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(10))
    b = opened(tracker, "mqtt", HealthStatus.WARNING, 20)
    tracker.record_recovery_attempt(a, "database_reconnect", success=True, now=at(25))
    tracker.observe(health("db", HealthStatus.HEALTHY), at(30))
    tracker.observe(health("db", HealthStatus.HEALTHY), at(40))
    tracker.review(at(50))
    c = opened(tracker, "recorder", HealthStatus.DEGRADED, 60)
    tracker.change(c, IncidentStatus.ACKNOWLEDGED, actor="alice", now=at(67))
    tracker.change(b, IncidentStatus.RESOLVED, actor="bob", now=at(80))
    d = opened(tracker, "http", HealthStatus.CRITICAL, 90)
    tracker.record_recovery_attempt(
        d, "endpoint_recovery", success=False, error="timeout", now=at(95)
    )
    tracker.review(at(100))
    return tracker


@pytest.fixture
def stats(tracker: IncidentTracker) -> IncidentStatistics:
    """Return the statistics of the fixture tracker at minute 100."""
    return tracker.statistics(at(100))


def test_total_counts_every_kept_incident(stats: IncidentStatistics) -> None:
    """Open, resolved and closed incidents all count."""
    assert stats.total == 4


def test_open_counts_only_open_incidents(stats: IncidentStatistics) -> None:
    """C (acknowledged) and D (new) are open; A is closed, B resolved."""
    assert stats.open == 2


def test_open_by_severity_lists_every_severity(stats: IncidentStatistics) -> None:
    """C is major and D critical; the other severities are zero."""
    assert stats.open_by_severity == {
        Severity.INFO: 0,
        Severity.MINOR: 0,
        Severity.MAJOR: 1,
        Severity.CRITICAL: 1,
        Severity.EMERGENCY: 0,
    }


def test_by_component_counts_incidents_per_component(
    stats: IncidentStatistics,
) -> None:
    """Each component had one incident."""
    assert stats.by_component == {"db": 1, "mqtt": 1, "recorder": 1, "http": 1}


def test_escalations_sum_escalation_levels(stats: IncidentStatistics) -> None:
    """Only B escalated, once."""
    assert stats.escalations == 1


def test_recovery_attempts_successes_and_rate(stats: IncidentStatistics) -> None:
    """Two attempts, one confirmed by a healthy check: 50 %."""
    assert stats.recovery_attempts == 2
    assert stats.recovery_successes == 1
    assert stats.recovery_success_rate == 50.0


def test_auto_resolved_counts_resolutions_by_system(
    stats: IncidentStatistics,
) -> None:
    """A resolved itself; B was resolved by a person."""
    assert stats.auto_resolved == 1


def test_mtta_is_the_mean_minutes_to_acknowledge(stats: IncidentStatistics) -> None:
    """(10 + 7) / 2 = 8.5 minutes."""
    assert stats.mtta_minutes == 8.5


def test_mttr_is_the_mean_minutes_to_resolve(stats: IncidentStatistics) -> None:
    """(40 + 60) / 2 = 50 minutes."""
    assert stats.mttr_minutes == 50.0


def test_last_24h_counts_all_recent_incidents(stats: IncidentStatistics) -> None:
    """All four were created within the last day."""
    assert stats.last_24h == 4


def test_last_24h_counts_back_from_now(tracker: IncidentTracker) -> None:
    """A day and 30 minutes after T0 only C (60) and D (90) are recent."""
    assert tracker.statistics(at(24 * 60 + 30)).last_24h == 2


def test_statistics_as_dict_is_json_ready(stats: IncidentStatistics) -> None:
    """Severities become strings and everything serializes."""
    data = json.loads(json.dumps(stats.as_dict()))
    assert data["open_by_severity"]["major"] == 1
    assert data["mtta_minutes"] == 8.5
    assert data["recovery_success_rate"] == 50.0


def test_empty_statistics_have_no_means() -> None:
    """Without incidents the counts are zero and the means and rate None."""
    stats = IncidentTracker(IncidentSettings(failure_threshold=1)).statistics(T0)
    assert stats.total == 0
    assert stats.open == 0
    assert stats.mtta_minutes is None
    assert stats.mttr_minutes is None
    assert stats.recovery_success_rate is None
    assert set(stats.open_by_severity.values()) == {0}


def test_reopened_incident_leaves_mttr_until_resolved_again() -> None:
    """A reopened incident has no current resolution, so MTTR skips it."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    incident_id = opened(tracker, "db", HealthStatus.CRITICAL, 0)
    tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(10))
    tracker.observe(health("db", HealthStatus.CRITICAL), at(20))
    assert tracker.statistics(at(21)).mttr_minutes is None
    tracker.change(incident_id, IncidentStatus.RESOLVED, actor="alice", now=at(30))
    assert tracker.statistics(at(31)).mttr_minutes == 30.0


def test_statistics_cover_only_kept_incidents() -> None:
    """Closed incidents dropped past the bound no longer count."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1, max_incidents=1))
    first = opened(tracker, "db", HealthStatus.CRITICAL, 0)
    tracker.change(first, IncidentStatus.RESOLVED, actor="alice", now=at(10))
    tracker.review(at(70))
    opened(tracker, "mqtt", HealthStatus.WARNING, 80)
    stats = tracker.statistics(at(81))
    assert stats.total == 1
    assert stats.mttr_minutes is None
    assert stats.by_component == {"mqtt": 1}


def test_component_names_name_the_components_counted_by_id() -> None:
    """A target is counted under its subentry id and named by its title."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    target = ComponentHealth(
        component_id="01JDB0TARGET",
        name="db.local:5432",
        component_type=ComponentType.DATABASE,
        status=HealthStatus.CRITICAL,
        message="refused",
    )
    tracker.observe(target, at(0))
    stats = tracker.statistics(at(1))
    assert stats.by_component == {"01JDB0TARGET": 1}
    assert stats.component_names == {"01JDB0TARGET": "db.local:5432"}
    assert stats.as_dict()["component_names"] == {"01JDB0TARGET": "db.local:5432"}
