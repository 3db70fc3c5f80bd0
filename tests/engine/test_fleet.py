"""Fleet rules without Home Assistant: judging instances, their messages, the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import json

import pytest

from custom_components.health_monitor.engine.fleet.instances import (
    MAX_INSTANCES,
    MAX_PAYLOAD_BYTES,
    FleetView,
    InstanceReport,
    InvalidReportError,
    Source,
    report_from_payload,
    report_from_values,
)
from custom_components.health_monitor.engine.fleet.outbox import Outbox, Row
from custom_components.health_monitor.engine.models import HealthStatus

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
CABIN = "c" * 32


def report(
    *,
    at: datetime = NOW,
    status: HealthStatus = HealthStatus.HEALTHY,
    source: str = Source.DATABASE,
    interval_s: float = 30,
) -> InstanceReport:
    """Return a report of the instance "Cabin"."""
    return InstanceReport(
        instance_id=CABIN,
        name="Cabin",
        status=status,
        score=97.5,
        open_incidents=1,
        components=12,
        interval_s=interval_s,
        version="0.2.0",
        ha_version="2026.10.4",
        at=at,
        source=source,
    )


def test_silent_after_three_intervals_not_before() -> None:
    """A heartbeat every 30 s: silent after 90 s, not at 90 s."""
    view = FleetView("own")
    assert view.observe(report())
    assert view.judge(CABIN, NOW + timedelta(seconds=90)).status is HealthStatus.HEALTHY
    silent = view.judge(CABIN, NOW + timedelta(seconds=91))
    assert silent.status is HealthStatus.CRITICAL
    assert silent.message == (
        "Instance silent: no heartbeat from Cabin for 91 s (expected every 30 s)"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (45, "45 s"),
        (600, "10 min"),
        (3 * 3600, "3 h"),
        (3 * 3600 + 300, "3 h 5 min"),
        (2 * 86400 + 4 * 3600, "2 d 4 h"),
        (3 * 86400, "3 d"),
    ],
)
def test_silence_is_told_as_people_say_it(seconds: int, text: str) -> None:
    """How long an instance has been silent, in the unit that fits."""
    view = FleetView("own")
    view.observe(report(at=NOW - timedelta(seconds=seconds), interval_s=10))
    assert view.judge(CABIN, NOW).message == (
        f"Instance silent: no heartbeat from Cabin for {text} (expected every 10 s)"
    )


def test_the_instance_status_is_mirrored_with_its_figures() -> None:
    """A live instance shows the status it reports, its score and open incidents."""
    view = FleetView("own")
    view.observe(report(status=HealthStatus.DEGRADED))
    result = view.judge(CABIN, NOW)
    assert result.status is HealthStatus.DEGRADED
    assert result.message == "Cabin reports degraded: score 97.5 %, 1 open incident"
    assert result.metrics["open_incidents"] == 1
    assert result.metrics["last_heartbeat"] == NOW.isoformat()


def test_a_last_will_is_critical_until_a_newer_report() -> None:
    """Offline over MQTT: critical at once; a later state message brings it back."""
    view = FleetView("own")
    view.observe(report(source="mqtt:broker"))
    view.observe(report(source="database:fleet", at=NOW - timedelta(seconds=5)))
    assert view.went_offline(CABIN, "mqtt:broker", NOW + timedelta(seconds=1))
    offline = view.judge(CABIN, NOW + timedelta(seconds=2))
    assert offline.status is HealthStatus.CRITICAL
    assert offline.message.startswith("Instance offline: Cabin")
    # An older database heartbeat does not hide the newer last will.
    view.observe(report(source="database:fleet", at=NOW))
    assert view.judge(CABIN, NOW + timedelta(seconds=2)).status is HealthStatus.CRITICAL
    view.observe(report(source="mqtt:broker", at=NOW + timedelta(seconds=10)))
    assert view.judge(CABIN, NOW + timedelta(seconds=11)).status is HealthStatus.HEALTHY


def test_own_reports_and_forgotten_sources() -> None:
    """An instance is never its own component; one no source knows is gone."""
    view = FleetView(CABIN)
    assert not view.observe(report())
    assert view.instance_ids() == []
    other = FleetView("own")
    other.observe(report(source="mqtt:a"))
    other.observe(report(source="database:b"))
    assert not other.forget(CABIN, "mqtt:a")
    assert other.forget(CABIN, "database:b")
    assert other.instance_ids() == []


def test_the_fleet_is_bounded() -> None:
    """Past MAX_INSTANCES new instances are not watched; known ones still update."""
    view = FleetView("own")
    for index in range(MAX_INSTANCES):
        assert view.observe(replace(report(), instance_id=f"i{index}"))
    assert not view.observe(replace(report(), instance_id="one_more"))
    assert "one_more" not in view.instance_ids()
    degraded = replace(report(), instance_id="i0", status=HealthStatus.DEGRADED)
    assert not view.observe(degraded)
    assert view.judge("i0", NOW).status is HealthStatus.DEGRADED


def test_a_state_message_round_trips() -> None:
    """What an instance publishes is what another reads back."""
    sent = report(source=Source.MQTT)
    assert report_from_payload(CABIN, sent.to_payload().encode()) == sent
    assert report_from_payload(CABIN, b"offline") is None


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"x" * (MAX_PAYLOAD_BYTES + 1), "message too large"),
        (b"{not json", "message is not JSON"),
        (b"[1, 2]", "message is not an object"),
        (b'{"status": "fine"}', "status unknown"),
    ],
)
def test_unusable_messages_are_refused(payload: bytes, reason: str) -> None:
    """Oversized, malformed or unknown messages raise, naming why."""
    with pytest.raises(InvalidReportError, match=reason):
        report_from_payload(CABIN, payload)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", float("nan")),
        ("score", 101),
        ("score", True),
        ("interval_s", 0),
        ("interval_s", float("inf")),
        ("open_incidents", -1),
        ("at", "2026-12-07T12:00:00"),
        ("at", "yesterday"),
        ("id", ""),
    ],
)
def test_out_of_range_values_are_refused(field: str, value: object) -> None:
    """Numbers finite and in range, times with a zone, ids present."""
    values = json.loads(report().to_payload())
    values[field] = value
    with pytest.raises(InvalidReportError):
        report_from_values(values, Source.MQTT)


def test_a_message_naming_another_instance_is_refused() -> None:
    """The topic's instance and the message's must agree."""
    with pytest.raises(InvalidReportError, match="another instance"):
        report_from_payload("d" * 32, report().to_payload().encode())


def test_long_names_are_cut() -> None:
    """A name of any length is kept to 100 characters."""
    values = json.loads(report().to_payload())
    values["name"] = "N" * 10_000
    assert len(report_from_values(values, Source.MQTT).name) == 100


def test_the_outbox_keeps_order_and_drops_the_oldest_past_its_bound() -> None:
    """Rows leave in the order they came; past the bound the oldest go, counted."""
    outbox = Outbox(limit=100)
    rows = [Row("check_results", (index,)) for index in range(130)]
    assert outbox.add(rows[:100]) == 0
    assert outbox.add(rows[100:]) == 30
    assert outbox.dropped == 30
    assert len(outbox) == 100
    batch = outbox.head(60)
    assert [row.values[0] for row in batch] == list(range(30, 90))
    # A failed flush removes nothing; a committed one removes its batch.
    assert len(outbox) == 100
    outbox.remove_head(batch)
    assert outbox.written == 60
    assert [row.values[0] for row in outbox.head(100)] == list(range(90, 130))


def test_rows_dropped_during_a_flush_are_not_removed_twice() -> None:
    """The head a flush took may shrink meanwhile: only what is left is removed."""
    outbox = Outbox(limit=100)
    outbox.add(Row("t", (index,)) for index in range(100))
    batch = outbox.head(50)
    outbox.add(Row("t", (index,)) for index in range(100, 110))
    outbox.remove_head(batch)
    assert [row.values[0] for row in outbox.head(100)] == list(range(50, 110))


def test_the_outbox_bound_is_checked() -> None:
    """A bound outside 100..1 000 000 is refused."""
    with pytest.raises(ValueError, match="limit"):
        Outbox(limit=99)
