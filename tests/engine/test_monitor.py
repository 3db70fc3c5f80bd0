"""The health monitor: component state, histories, persistence and system health."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
from typing import Any

import pytest

from custom_components.health_monitor.engine.models import (
    CheckResult,
    ComponentType,
    HealthStatus,
    MetricValue,
    utcnow,
)
from custom_components.health_monitor.engine.monitor import (
    DEFAULT_CHECK_TIMEOUT,
    HealthMonitor,
)

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


@dataclass
class ScriptedCheck:
    """A check that answers with the next status of its script, then repeats the last."""

    component_id: str
    statuses: list[HealthStatus]
    name: str = "Scripted"
    component_type: ComponentType = ComponentType.DATABASE
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    response_time_ms: float | None = 20.0

    async def async_check(self) -> CheckResult:
        """Return the next scripted status."""
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return CheckResult(
            status=status,
            message=f"{self.component_id} is {status}",
            response_time_ms=self.response_time_ms,
            metrics=dict(self.metrics),
        )


def result(
    status: HealthStatus, checked_at: datetime, message: str = ""
) -> CheckResult:
    """Return a check result taken at ``checked_at``."""
    return CheckResult(status=status, message=message, checked_at=checked_at)


async def run_cycles(
    monitor: HealthMonitor, checks: list[ScriptedCheck], cycles: int
) -> None:
    """Run ``cycles`` cycles of ``checks``."""
    for _ in range(cycles):
        await monitor.run_cycle(checks)


def test_new_monitor_is_empty_with_default_settings() -> None:
    """A fresh monitor knows no component and uses the default timeout."""
    monitor = HealthMonitor()
    assert monitor.components == {}
    assert monitor.last_health is None
    assert monitor.history("db") is None
    assert monitor.check_timeout == DEFAULT_CHECK_TIMEOUT == 10.0
    assert monitor.history_size == 1000


async def test_run_cycle_reports_every_component() -> None:
    """A cycle summarizes each checked component and the whole system."""
    monitor = HealthMonitor()
    checks = [
        ScriptedCheck("db", [HealthStatus.HEALTHY], metrics={"connections": 3}),
        ScriptedCheck(
            "web", [HealthStatus.DEGRADED], component_type=ComponentType.HTTP_ENDPOINT
        ),
    ]
    health = await monitor.run_cycle(checks)

    assert health is monitor.last_health
    assert health.status is HealthStatus.DEGRADED
    # (3 * 100 + 1 * 50) / 4
    assert health.health_score == 87.5
    assert health.counts[HealthStatus.HEALTHY] == 1
    assert health.counts[HealthStatus.DEGRADED] == 1
    assert set(health.components) == {"db", "web"}
    db = health.components["db"]
    assert db.name == "Scripted"
    assert db.component_type is ComponentType.DATABASE
    assert db.message == "db is healthy"
    assert db.metrics == {"connections": 3}
    assert db.response_time_ms == 20.0
    assert db.uptime_percent == 100.0
    assert db.last_checked is not None
    assert health.cycle_duration_ms >= 0


async def test_run_cycle_with_no_checks_is_unknown() -> None:
    """Nothing monitored gives an unknown status and a zero score."""
    health = await HealthMonitor().run_cycle([])
    assert health.status is HealthStatus.UNKNOWN
    assert health.health_score == 0.0
    assert health.components == {}


async def test_run_cycle_performance_score_uses_the_check_timeout() -> None:
    """A response at the check timeout scores zero performance."""
    monitor = HealthMonitor(check_timeout=1.0)
    health = await monitor.run_cycle(
        [ScriptedCheck("db", [HealthStatus.HEALTHY], response_time_ms=1000.0)]
    )
    assert health.performance_score == 0.0


async def test_uptime_seconds_count_from_the_start_of_the_monitor() -> None:
    """System uptime is the time since the monitor started."""
    monitor = HealthMonitor(started_at=utcnow() - timedelta(hours=1))
    health = await monitor.run_cycle([])
    assert 3600 <= health.uptime_seconds < 3660


async def test_system_health_is_a_snapshot() -> None:
    """Later cycles do not change a system health already handed out."""
    monitor = HealthMonitor()
    check = ScriptedCheck(
        "db", [HealthStatus.HEALTHY, HealthStatus.CRITICAL], metrics={"n": 1}
    )
    first = await monitor.run_cycle([check])
    monitor.components["db"].metrics["n"] = 99
    await monitor.run_cycle([check])
    assert first.components["db"].status is HealthStatus.HEALTHY
    assert first.components["db"].metrics == {"n": 1}


async def test_consecutive_failures_count_critical_cycles() -> None:
    """Each critical result in a row adds one failure."""
    monitor = HealthMonitor()
    checks = [ScriptedCheck("db", [HealthStatus.CRITICAL])]
    await run_cycles(monitor, checks, 3)
    assert monitor.components["db"].consecutive_failures == 3


async def test_consecutive_failures_reset_when_the_check_recovers() -> None:
    """A result that is not critical resets the count."""
    monitor = HealthMonitor()
    checks = [
        ScriptedCheck(
            "db",
            [HealthStatus.CRITICAL, HealthStatus.CRITICAL, HealthStatus.WARNING],
        )
    ]
    await run_cycles(monitor, checks, 2)
    assert monitor.components["db"].consecutive_failures == 2
    await monitor.run_cycle(checks)
    assert monitor.components["db"].consecutive_failures == 0


@pytest.mark.parametrize(
    "status", [HealthStatus.WARNING, HealthStatus.DEGRADED, HealthStatus.UNKNOWN]
)
async def test_only_critical_counts_as_a_failure(status: HealthStatus) -> None:
    """Warning, degraded and unknown results are not failures."""
    monitor = HealthMonitor()
    await run_cycles(monitor, [ScriptedCheck("db", [status])], 2)
    assert monitor.components["db"].consecutive_failures == 0


async def test_uptime_percent_follows_the_history() -> None:
    """Three up cycles and one critical cycle give 75 % uptime."""
    monitor = HealthMonitor()
    checks = [
        ScriptedCheck(
            "db",
            [
                HealthStatus.HEALTHY,
                HealthStatus.WARNING,
                HealthStatus.CRITICAL,
                HealthStatus.HEALTHY,
            ],
        )
    ]
    await run_cycles(monitor, checks, 4)
    assert monitor.components["db"].uptime_percent == 75.0


async def test_every_cycle_is_recorded_in_the_history() -> None:
    """Each cycle adds one entry to the component's history."""
    monitor = HealthMonitor()
    await run_cycles(monitor, [ScriptedCheck("db", [HealthStatus.HEALTHY])], 3)
    history = monitor.history("db")
    assert history is not None
    assert len(history) == 3


async def test_history_is_bounded_by_the_history_size() -> None:
    """The monitor's history size bounds every component's history."""
    monitor = HealthMonitor(history_size=2)
    await run_cycles(monitor, [ScriptedCheck("db", [HealthStatus.HEALTHY])], 5)
    history = monitor.history("db")
    assert history is not None
    assert len(history) == 2


async def test_component_no_longer_checked_is_dropped_from_components() -> None:
    """A component whose check is gone no longer counts toward system health."""
    monitor = HealthMonitor()
    db = ScriptedCheck("db", [HealthStatus.HEALTHY])
    web = ScriptedCheck("web", [HealthStatus.CRITICAL])
    await monitor.run_cycle([db, web])
    health = await monitor.run_cycle([db])
    assert set(monitor.components) == {"db"}
    assert health.status is HealthStatus.HEALTHY


async def test_renamed_check_renames_the_component() -> None:
    """The component name follows the check's current name."""
    monitor = HealthMonitor()
    check = ScriptedCheck("db", [HealthStatus.HEALTHY], name="Old")
    await monitor.run_cycle([check])
    check.name = "New"
    await monitor.run_cycle([check])
    assert monitor.components["db"].name == "New"


def test_apply_records_the_result_time() -> None:
    """The component's last check time and history use the result's own time."""
    monitor = HealthMonitor()
    check = ScriptedCheck("db", [HealthStatus.HEALTHY])
    component = monitor.apply(check, result(HealthStatus.WARNING, T0, "slow"))
    assert component.last_checked == T0
    assert component.status is HealthStatus.WARNING
    assert component.message == "slow"
    history = monitor.history("db")
    assert history is not None
    assert [entry.timestamp for entry in history] == [T0]


def test_entries_within_returns_only_the_recent_window() -> None:
    """Entries older than the window are left out."""
    monitor = HealthMonitor()
    check = ScriptedCheck("db", [HealthStatus.HEALTHY])
    now = utcnow()
    for hours_ago in (5, 2, 0.5, 0):
        monitor.apply(
            check,
            result(
                HealthStatus.HEALTHY, now - timedelta(hours=hours_ago), str(hours_ago)
            ),
        )
    entries = monitor.entries_within("db", hours=1)
    assert [entry.message for entry in entries] == ["0.5", "0"]


def test_entries_within_for_an_unknown_component_is_empty() -> None:
    """A component never checked has no entries."""
    assert HealthMonitor().entries_within("nope", hours=24) == []


def test_forget_drops_component_and_history() -> None:
    """A forgotten component leaves no state behind."""
    monitor = HealthMonitor()
    monitor.apply(
        ScriptedCheck("db", [HealthStatus.CRITICAL]), result(HealthStatus.CRITICAL, T0)
    )
    monitor.forget("db")
    assert "db" not in monitor.components
    assert monitor.history("db") is None
    assert monitor.export() == {"histories": {}, "consecutive_failures": {}}


def test_forget_drops_restored_failures() -> None:
    """A forgotten component starts from zero failures when it comes back."""
    monitor = HealthMonitor()
    monitor.restore({"histories": {}, "consecutive_failures": {"db": 4}})
    monitor.forget("db")
    component = monitor.apply(
        ScriptedCheck("db", [HealthStatus.CRITICAL]), result(HealthStatus.CRITICAL, T0)
    )
    assert component.consecutive_failures == 1


def test_forget_of_an_unknown_component_is_harmless() -> None:
    """Forgetting something never seen does nothing."""
    monitor = HealthMonitor()
    monitor.forget("nope")
    assert monitor.components == {}


async def test_export_restore_round_trip_keeps_histories_and_failures() -> None:
    """Histories and consecutive failures survive a restart."""
    before = HealthMonitor()
    checks = [
        ScriptedCheck("db", [HealthStatus.CRITICAL]),
        ScriptedCheck(
            "web",
            [HealthStatus.HEALTHY, HealthStatus.WARNING],
            component_type=ComponentType.HTTP_ENDPOINT,
        ),
    ]
    await run_cycles(before, checks, 2)
    exported = stored(before)

    after = HealthMonitor()
    assert after.restore(exported) == []

    assert stored(after)["histories"] == exported["histories"]
    await after.run_cycle(checks)
    assert after.components["db"].consecutive_failures == 3
    assert after.components["web"].consecutive_failures == 0
    history = after.history("db")
    assert history is not None
    assert len(history) == 3
    assert after.components["db"].uptime_percent == 0.0


def stored(monitor: HealthMonitor) -> dict[str, Any]:
    """Return the monitor's export as it comes back from the file."""
    data: dict[str, Any] = json.loads(
        json.dumps(monitor.export(), default=lambda part: part.as_dict())
    )
    return data


async def test_export_is_stored_as_columns() -> None:
    """Each history is stored as columns with one value per check."""
    monitor = HealthMonitor()
    await monitor.run_cycle([ScriptedCheck("db", [HealthStatus.CRITICAL])])
    exported = stored(monitor)
    assert exported["consecutive_failures"] == {"db": 1}
    history = exported["histories"]["db"]
    assert history["status"] == "c"
    assert history["checked_after_us"] == [0]
    assert history["response_time_ms"] == [20.0]


async def test_an_export_stays_as_it_was_taken() -> None:
    """Cycles after the export do not change what is being written."""
    monitor = HealthMonitor()
    check = ScriptedCheck("db", [HealthStatus.CRITICAL])
    await monitor.run_cycle([check])
    exported = monitor.export()
    await run_cycles(monitor, [check], 2)
    assert exported["histories"]["db"].as_dict()["status"] == "c"


def test_restore_applies_the_monitor_history_size() -> None:
    """A restored history is cut to the current history size, newest kept."""
    entries = [
        {"timestamp": (T0 + timedelta(minutes=m)).isoformat(), "status": "healthy"}
        for m in range(5)
    ]
    monitor = HealthMonitor(history_size=2)
    monitor.restore({"histories": {"db": entries}})
    history = monitor.history("db")
    assert history is not None
    assert [entry.timestamp for entry in history] == [
        T0 + timedelta(minutes=3),
        T0 + timedelta(minutes=4),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"histories": "garbage", "consecutive_failures": ["garbage"]},
        {"histories": {"db": "garbage"}},
        {"consecutive_failures": {"db": "3", "web": -1, "mqtt": None}},
    ],
)
def test_restore_skips_unreadable_parts(data: dict[str, Any]) -> None:
    """Malformed stored data is ignored instead of failing the setup."""
    monitor = HealthMonitor()
    monitor.restore(data)
    assert monitor.history("db") is None
    component = monitor.apply(
        ScriptedCheck("db", [HealthStatus.CRITICAL]), result(HealthStatus.CRITICAL, T0)
    )
    assert component.consecutive_failures == 1


def test_restore_keeps_readable_failures_next_to_unreadable_ones() -> None:
    """One bad count does not discard the good ones."""
    monitor = HealthMonitor()
    monitor.restore({"consecutive_failures": {"db": 2, "web": "x"}})
    component = monitor.apply(
        ScriptedCheck("db", [HealthStatus.CRITICAL]), result(HealthStatus.CRITICAL, T0)
    )
    assert component.consecutive_failures == 3


def test_restored_failures_reset_when_the_first_result_is_not_critical() -> None:
    """A component that recovered while Home Assistant was down starts at zero."""
    monitor = HealthMonitor()
    monitor.restore({"consecutive_failures": {"db": 5}})
    component = monitor.apply(
        ScriptedCheck("db", [HealthStatus.HEALTHY]), result(HealthStatus.HEALTHY, T0)
    )
    assert component.consecutive_failures == 0


def test_export_before_the_first_cycle_keeps_restored_failures() -> None:
    """Saving before any cycle ran does not lose the restored failure counts."""
    monitor = HealthMonitor()
    monitor.restore({"consecutive_failures": {"db": 4}})
    assert monitor.export()["consecutive_failures"] == {"db": 4}
