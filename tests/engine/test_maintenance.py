"""Maintenance: who is in maintenance when, and what maintenance does to incidents and uptime."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.health_monitor.engine.history import ComponentHistory
from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentTracker,
    Severity,
    TimelineEvent,
)
from custom_components.health_monitor.engine.incidents.events import (
    IncidentEventType,
    notification_for,
)
from custom_components.health_monitor.engine.maintenance import (
    MaintenanceSchedule,
    RecurringWindow,
)
from custom_components.health_monitor.engine.models import (
    CheckResult,
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # a Saturday
BERLIN = ZoneInfo("Europe/Berlin")
SATURDAY, SUNDAY = 5, 6


def health(status: HealthStatus, component_id: str = "db") -> ComponentHealth:
    """Return the health of the database component."""
    return ComponentHealth(
        component_id=component_id,
        name="Database",
        component_type=ComponentType.DATABASE,
        status=status,
        message=f"database {status.value}",
    )


@pytest.fixture
def schedule() -> MaintenanceSchedule:
    """Return an empty schedule in UTC."""
    return MaintenanceSchedule()


def test_maintenance_ends_exactly_at_until(schedule: MaintenanceSchedule) -> None:
    """Maintenance ends exactly at until."""
    until = T0 + timedelta(minutes=30)
    schedule.start(["db"], until=until, reason="upgrade", actor="Ann", now=T0)

    assert schedule.is_active("db", until - timedelta(microseconds=1))
    assert not schedule.is_active("db", until)
    assert not schedule.is_active("mqtt", T0)
    assert schedule.next_change(T0) == until


def test_expire_returns_what_ended_by_itself(schedule: MaintenanceSchedule) -> None:
    """Expire returns what ended by itself."""
    until = T0 + timedelta(minutes=30)
    schedule.start(["db", "mqtt"], until=until, reason="upgrade", actor="Ann", now=T0)

    assert schedule.expire(until - timedelta(seconds=1)) == []
    ended = schedule.expire(until)

    assert len(ended) == 1
    assert ended[0].components == frozenset({"db", "mqtt"})
    assert (ended[0].reason, ended[0].actor) == ("upgrade", "Ann")
    assert schedule.expire(until) == []
    assert schedule.next_change(until) is None


def test_maintenance_of_all_covers_components_added_later(
    schedule: MaintenanceSchedule,
) -> None:
    """Maintenance of all covers components added later."""
    window = schedule.start(None, until=T0 + timedelta(hours=1), now=T0)

    assert schedule.active("anything", T0) == window
    assert schedule.all_active(T0) == window
    assert schedule.expire(T0 + timedelta(hours=1)) == [window]
    assert schedule.all_active(T0 + timedelta(hours=1)) is None


@pytest.mark.parametrize(
    "length", [timedelta(seconds=59), timedelta(days=7, seconds=1), -timedelta(1)]
)
def test_a_window_shorter_than_a_minute_or_longer_than_a_week_is_refused(
    schedule: MaintenanceSchedule, length: timedelta
) -> None:
    """A window shorter than a minute or longer than a week is refused."""
    with pytest.raises(ValueError):
        schedule.start(["db"], until=T0 + length, now=T0)
    assert not schedule.is_active("db", T0)


def test_ending_one_component_keeps_the_others(schedule: MaintenanceSchedule) -> None:
    """Ending one component keeps the others."""
    schedule.start(["db", "mqtt"], until=T0 + timedelta(hours=1), now=T0)

    assert schedule.end(["db"], now=T0) == ["db"]

    assert not schedule.is_active("db", T0)
    assert schedule.is_active("mqtt", T0)


def test_ending_a_component_releases_it_from_maintenance_of_all(
    schedule: MaintenanceSchedule,
) -> None:
    """Ending a component releases it from maintenance of all."""
    schedule.start(None, until=T0 + timedelta(hours=1), now=T0)
    schedule.end(["db"], now=T0)

    assert not schedule.is_active("db", T0 + timedelta(minutes=5))
    assert schedule.is_active("mqtt", T0 + timedelta(minutes=5))
    # Starting it again takes the release back.
    schedule.start(["db"], until=T0 + timedelta(minutes=20), now=T0)
    assert schedule.is_active("db", T0 + timedelta(minutes=5))


def test_ending_all_ends_every_window(schedule: MaintenanceSchedule) -> None:
    """Ending all ends every window."""
    schedule.start(["db"], until=T0 + timedelta(hours=1), now=T0)
    schedule.start(None, until=T0 + timedelta(hours=2), now=T0)

    assert schedule.end(None, now=T0) == ["db"]

    assert not schedule.is_active("db", T0)
    assert schedule.all_active(T0) is None


def test_daily_window_covers_its_local_time_range() -> None:
    """Daily window covers its local time range."""
    schedule = MaintenanceSchedule(BERLIN)
    schedule.set_recurring("db", RecurringWindow(time(2, 0), time(3, 0)))
    # 02:00 in Berlin (winter) is 01:00 UTC.
    start = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)

    assert not schedule.is_active("db", start - timedelta(seconds=1))
    window = schedule.active("db", start)
    assert window is not None
    assert window.recurring
    assert window.end == start + timedelta(hours=1)
    assert not schedule.is_active("db", start + timedelta(hours=1))
    assert schedule.next_change(start - timedelta(hours=2)) == start


def test_weekly_window_across_midnight_ends_the_next_day() -> None:
    """Weekly window across midnight ends the next day."""
    schedule = MaintenanceSchedule()
    window = RecurringWindow(time(22, 0), time(2, 0), frozenset({SATURDAY}))
    schedule.set_recurring("db", window)
    saturday_night = datetime(2026, 3, 7, 22, 0, tzinfo=UTC)

    assert not schedule.is_active("db", saturday_night - timedelta(minutes=1))
    assert schedule.is_active("db", saturday_night)
    assert schedule.is_active("db", saturday_night + timedelta(hours=3, minutes=59))
    assert not schedule.is_active("db", saturday_night + timedelta(hours=4))
    # Friday night is not a Saturday window; Sunday night neither.
    assert not schedule.is_active("db", saturday_night - timedelta(days=1))
    assert not schedule.is_active("db", saturday_night + timedelta(days=1))
    assert schedule.next_change(saturday_night + timedelta(hours=4)) == (
        saturday_night + timedelta(days=7)
    )


def test_ending_a_recurring_occurrence_leaves_the_next_one() -> None:
    """Ending a recurring occurrence leaves the next one."""
    schedule = MaintenanceSchedule()
    schedule.set_recurring("db", RecurringWindow(time(12, 0), time(13, 0)))

    assert schedule.end(["db"], now=T0) == ["db"]

    assert not schedule.is_active("db", T0 + timedelta(minutes=30))
    schedule.expire(T0 + timedelta(hours=1))
    assert schedule.is_active("db", T0 + timedelta(days=1))


@pytest.mark.parametrize(
    ("start", "end", "weekdays"),
    [
        (time(2), time(2), frozenset()),
        (time(2), time(3), frozenset({7})),
        (time(2, tzinfo=UTC), time(3), frozenset()),
    ],
)
def test_an_empty_window_or_unknown_weekday_is_refused(
    start: time, end: time, weekdays: frozenset[int]
) -> None:
    """An empty window or unknown weekday is refused."""
    with pytest.raises(ValueError):
        RecurringWindow(start, end, weekdays)


def test_export_and_restore_keep_every_window(schedule: MaintenanceSchedule) -> None:
    """Export and restore keep every window."""
    schedule.start(["db"], until=T0 + timedelta(hours=1), reason="r", actor="A", now=T0)
    schedule.start(None, until=T0 + timedelta(hours=2), now=T0)
    schedule.end(["mqtt"], now=T0)
    restored = MaintenanceSchedule()

    assert restored.restore(schedule.export()) == []

    assert restored.export() == schedule.export()
    assert restored.active("db", T0) == schedule.active("db", T0)
    assert not restored.is_active("mqtt", T0)


@pytest.mark.parametrize(
    ("data", "skipped"),
    [
        ({"components": []}, ["maintenance windows"]),
        ({"components": {"db": 3}}, ["maintenance window"]),
        ({"components": {"db": {"start": "x", "end": "y"}}}, ["maintenance window"]),
        (
            {"components": {"db": {"start": T0.isoformat(), "end": "2026-03-08"}}},
            ["maintenance window"],
        ),
        (
            {
                "components": {
                    "db": {
                        "start": T0.isoformat(),
                        "end": (T0 + timedelta(days=30)).isoformat(),
                    }
                }
            },
            ["maintenance window"],
        ),
        (
            {
                "components": {
                    "db": {
                        "start": T0.isoformat(),
                        "end": (T0 + timedelta(hours=1)).isoformat(),
                        "reason": "x" * 100_000,
                    }
                }
            },
            ["maintenance window"],
        ),
        ({"all": {"start": 1}}, ["maintenance of all components"]),
        ({"released": {"db": "never"}}, ["maintenance release"]),
        ({"released": 3}, ["maintenance releases"]),
    ],
)
def test_unreadable_parts_are_skipped_and_named(
    schedule: MaintenanceSchedule, data: dict[str, Any], skipped: list[str]
) -> None:
    """Unreadable parts are skipped and named."""
    assert schedule.restore(data) == skipped
    assert not schedule.is_active("db", T0 + timedelta(minutes=1))


# Incidents


def tracker_with(schedule: MaintenanceSchedule) -> IncidentTracker:
    """Return a tracker that asks `schedule` about maintenance."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=2))
    tracker.in_maintenance = schedule.is_active
    return tracker


def test_no_incident_opens_in_maintenance_and_the_count_starts_after_it(
    schedule: MaintenanceSchedule,
) -> None:
    """No incident opens in maintenance and the count starts after it."""
    tracker = tracker_with(schedule)
    until = T0 + timedelta(minutes=30)
    schedule.start(["db"], until=until, now=T0)
    for minute in range(30):
        now = T0 + timedelta(minutes=minute)
        assert tracker.observe_all([health(HealthStatus.CRITICAL)], now) == []

    assert tracker.observe_all([health(HealthStatus.CRITICAL)], until) == []
    events = tracker.observe_all(
        [health(HealthStatus.CRITICAL)], until + timedelta(minutes=1)
    )

    assert [event.type for event in events] == [IncidentEventType.OPENED]
    assert not events[0].quiet


def test_an_open_incident_neither_escalates_nor_notifies_in_maintenance(
    schedule: MaintenanceSchedule,
) -> None:
    """An open incident neither escalates nor notifies in maintenance."""
    tracker = tracker_with(schedule)
    tracker.observe_all([health(HealthStatus.CRITICAL)], T0)
    tracker.observe_all([health(HealthStatus.CRITICAL)], T0)
    incident = tracker.incident_for("db")
    assert incident is not None
    schedule.start(["db"], until=T0 + timedelta(hours=2), now=T0)

    assert tracker.review(T0 + timedelta(hours=1)) == []
    assert incident.severity is Severity.CRITICAL
    later = T0 + timedelta(hours=1)
    events = tracker.observe_all([health(HealthStatus.HEALTHY)], later)
    events += tracker.observe_all([health(HealthStatus.HEALTHY)], later)

    assert [event.type for event in events][-1] is IncidentEventType.RESOLVED
    assert all(event.quiet for event in events)
    assert [notification_for(event) for event in events] == [None] * len(events)


def test_maintenance_start_and_end_are_written_on_the_open_incident(
    schedule: MaintenanceSchedule,
) -> None:
    """Maintenance start and end are written on the open incident."""
    tracker = tracker_with(schedule)
    assert tracker.record_maintenance("db", True, {}, "Ann", T0) == []
    tracker.observe_all([health(HealthStatus.CRITICAL)], T0)
    tracker.observe_all([health(HealthStatus.CRITICAL)], T0)

    events = tracker.record_maintenance("db", True, {"reason": "upgrade"}, "Ann", T0)
    tracker.record_maintenance("db", False, {}, "system", T0 + timedelta(hours=1))

    incident = tracker.incident_for("db")
    assert incident is not None
    entries = [(e.event, e.actor) for e in incident.timeline][-2:]
    assert entries == [
        (TimelineEvent.MAINTENANCE_STARTED, "Ann"),
        (TimelineEvent.MAINTENANCE_ENDED, "system"),
    ]
    assert events[0].quiet
    assert events[0].details == {"reason": "upgrade"}


# Uptime


def result(status: HealthStatus, minute: int) -> CheckResult:
    """Return a check result `minute` minutes after T0."""
    return CheckResult(
        status=status, message="", checked_at=T0 + timedelta(minutes=minute)
    )


def test_checks_in_maintenance_count_for_no_uptime() -> None:
    """Checks in maintenance count for no uptime."""
    history = ComponentHistory(3)
    history.record(result(HealthStatus.HEALTHY, 0))
    history.record(result(HealthStatus.CRITICAL, 1), maintenance=True)
    assert history.uptime_percent() == 100.0
    history.record(result(HealthStatus.CRITICAL, 2))
    assert history.uptime_percent() == 50.0
    # The ring turns: the maintenance check leaves without changing the count.
    history.record(result(HealthStatus.HEALTHY, 3))
    history.record(result(HealthStatus.HEALTHY, 4))
    assert history.uptime_percent() == round(200 / 3, 2)


def test_only_maintenance_checks_leave_the_uptime_unknown() -> None:
    """Only maintenance checks leave the uptime unknown."""
    history = ComponentHistory()
    history.record(result(HealthStatus.CRITICAL, 0), maintenance=True)
    assert history.uptime_percent() is None


def test_maintenance_marks_are_stored_and_checked_when_read_back() -> None:
    """Maintenance marks are stored and checked when read back."""
    history = ComponentHistory()
    history.record(result(HealthStatus.HEALTHY, 0))
    history.record(result(HealthStatus.CRITICAL, 1), maintenance=True)
    stored = history.snapshot().as_dict()
    assert stored["maintenance"] == [1]

    assert ComponentHistory.from_stored(stored).uptime_percent() == 100.0
    skipped: list[str] = []
    damaged = ComponentHistory.from_stored(
        {**stored, "maintenance": [5]}, skipped=skipped
    )
    assert skipped == ["history maintenance column"]
    assert damaged.uptime_percent() == 50.0
    # Files written before maintenance existed have no such column.
    del stored["maintenance"]
    assert ComponentHistory.from_stored(stored).uptime_percent() == 50.0
