"""A known fleet history, written with the integration's own rows, outbox and writer.

Two instances, two days of checks and incidents in two months, so every
figure of the example queries and of the Grafana dashboard is known:

- Kitchen's router: 3 of 4 checks up on 30 January (75 %), 2 of 2 on the 31st.
- Kitchen's NAS: healthy and warning on the 30th (100 %: warning is up),
  degraded and unknown on the 31st (50 %: unknown is not up).
- Garage's router (the same component id on another instance): unknown and
  healthy on the 30th (50 %).
- Incidents: Kitchen's resolved after 10 and 30 min in January (the second
  then closed), Garage's after 60 min in February, and one of Garage's
  acknowledged and still open.
- Kitchen's heartbeat is fresh; Garage's is 10 minutes old at a 30 s
  interval, so Garage is silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from custom_components.health_monitor.engine.fleet.instances import (
    InstanceReport,
    Source,
)
from custom_components.health_monitor.engine.fleet.outbox import Outbox, Row
from custom_components.health_monitor.engine.fleet.rows import (
    TimelineCursor,
    check_result_row,
    incident_row,
)
from custom_components.health_monitor.engine.incidents.lifecycle import (
    IncidentStatus,
    TimelineEvent,
)
from custom_components.health_monitor.engine.incidents.model import (
    SEVERITY_FOR_STATUS,
    SYSTEM_ACTOR,
    Incident,
)
from custom_components.health_monitor.engine.incidents.timeline import TimelineEntry
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
    utcnow,
)
from custom_components.health_monitor.targets.fleet_database.writer import (
    async_flush,
    async_heartbeat,
)

KITCHEN = "a1" * 16
GARAGE = "b2" * 16
NAMES = {KITCHEN: "Kitchen", GARAGE: "Garage"}
DAY_1 = datetime(2025, 1, 30, tzinfo=UTC)
DAY_2 = datetime(2025, 1, 31, tzinfo=UTC)
JANUARY = datetime(2025, 1, 1, tzinfo=UTC)
FEBRUARY = datetime(2025, 2, 1, tzinfo=UTC)
# A Grafana time range holding all of it.
FROM = datetime(2025, 1, 29, tzinfo=UTC)
TO = datetime(2025, 2, 5, tzinfo=UTC)
INTERVAL_S = 30.0

_H = HealthStatus
ROUTER = ("router", "Router", ComponentType.NETWORK)
NAS = ("nas", "NAS", ComponentType.HTTP_ENDPOINT)
Check = tuple[str, tuple[str, str, ComponentType], datetime, HealthStatus, float | None]


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


# (instance, component, time, status, response time in ms)
CHECKS: tuple[Check, ...] = (
    (KITCHEN, ROUTER, _at(DAY_1, 10), _H.HEALTHY, 10.0),
    (KITCHEN, ROUTER, _at(DAY_1, 10, 30), _H.HEALTHY, 20.0),
    (KITCHEN, ROUTER, _at(DAY_1, 11), _H.CRITICAL, None),
    (KITCHEN, ROUTER, _at(DAY_1, 11, 30), _H.HEALTHY, 30.0),
    (KITCHEN, ROUTER, _at(DAY_2, 9), _H.HEALTHY, 12.0),
    (KITCHEN, ROUTER, _at(DAY_2, 9, 30), _H.HEALTHY, 14.0),
    (KITCHEN, NAS, _at(DAY_1, 10), _H.HEALTHY, 80.0),
    (KITCHEN, NAS, _at(DAY_1, 10, 30), _H.WARNING, 900.0),
    (KITCHEN, NAS, _at(DAY_2, 9), _H.DEGRADED, 2500.0),
    (KITCHEN, NAS, _at(DAY_2, 9, 30), _H.UNKNOWN, None),
    (GARAGE, ROUTER, _at(DAY_1, 12), _H.UNKNOWN, None),
    (GARAGE, ROUTER, _at(DAY_1, 12, 30), _H.HEALTHY, 40.0),
)


@dataclass(frozen=True, slots=True)
class KnownIncident:
    """An incident of the history: opened, maybe acknowledged, resolved, closed."""

    instance_id: str
    incident_id: str
    component: str
    opened: datetime
    acknowledged_after: timedelta | None = None
    resolved_after: timedelta | None = None
    closed_after: timedelta | None = None


INCIDENTS = (
    KnownIncident(
        KITCHEN, "INC-20250130-0001", "router", _at(DAY_1, 11),
        resolved_after=timedelta(minutes=10),
    ),
    KnownIncident(
        KITCHEN, "INC-20250131-0001", "nas", _at(DAY_2, 9),
        resolved_after=timedelta(minutes=30), closed_after=timedelta(hours=1),
    ),
    KnownIncident(
        GARAGE, "INC-20250202-0001", "router", datetime(2025, 2, 2, 12, tzinfo=UTC),
        acknowledged_after=timedelta(minutes=5), resolved_after=timedelta(minutes=60),
    ),
    KnownIncident(
        GARAGE, "INC-20250203-0001", "router", datetime(2025, 2, 3, 8, tzinfo=UTC),
        acknowledged_after=timedelta(minutes=5),
    ),
)  # fmt: skip


def _component(check: Check) -> ComponentHealth:
    _, (component_id, name, kind), at, status, response_ms = check
    return ComponentHealth(
        component_id=component_id,
        name=name,
        component_type=kind,
        status=status,
        message=f"{name} is {status}",
        response_time_ms=response_ms,
        metrics={"connect_ms": response_ms} if response_ms is not None else {},
        last_checked=at,
    )


def _incident_rows(known: KnownIncident) -> list[Row]:
    """Return the rows the fleet queues as ``known`` goes through its life."""
    check = next(
        c for c in CHECKS if c[0] == known.instance_id and c[1][0] == known.component
    )
    component = _component(check)
    incident = Incident(
        id=known.incident_id,
        title=f"{component.name} is critical",
        description="Connection refused",
        severity=SEVERITY_FOR_STATUS[HealthStatus.CRITICAL],
        component_id=component.component_id,
        component_name=component.name,
        component_type=component.component_type,
        component_status=HealthStatus.CRITICAL,
        created_at=known.opened,
    )
    incident.record(TimelineEntry(known.opened, TimelineEvent.OPENED, SYSTEM_ACTOR))
    cursor = TimelineCursor()
    # Each change queues the incident as it is now and its new timeline entries.
    rows = [incident_row(known.instance_id, incident)]
    rows += cursor.new_rows(known.instance_id, incident)
    steps = (
        (IncidentStatus.ACKNOWLEDGED, known.acknowledged_after, "alice"),
        (IncidentStatus.RESOLVED, known.resolved_after, SYSTEM_ACTOR),
        (IncidentStatus.CLOSED, known.closed_after, "alice"),
    )
    for status, after, actor in steps:
        if after is not None:
            incident.transition(status, actor=actor, now=known.opened + after)
            rows.append(incident_row(known.instance_id, incident))
            rows += cursor.new_rows(known.instance_id, incident)
    return rows


def heartbeat(instance_id: str, at: datetime, open_incidents: int) -> InstanceReport:
    """Return the heartbeat an instance writes at the end of a cycle."""
    return InstanceReport(
        instance_id=instance_id,
        name=NAMES[instance_id],
        status=HealthStatus.HEALTHY if open_incidents == 0 else HealthStatus.WARNING,
        score=100.0 if open_incidents == 0 else 87.5,
        open_incidents=open_incidents,
        components=2,
        interval_s=INTERVAL_S,
        version="0.1.0",
        ha_version="2025.4.4",
        at=at,
        source=Source.DATABASE,
    )


async def async_write_history(connection: Any) -> None:
    """Write the whole history as each instance's fleet database target would."""
    for instance_id in NAMES:
        outbox = Outbox()
        outbox.add(
            check_result_row(instance_id, _component(check), check[2])
            for check in CHECKS
            if check[0] == instance_id
        )
        for known in INCIDENTS:
            if known.instance_id == instance_id:
                outbox.add(_incident_rows(known))
        await async_flush(connection, outbox, max_rows=len(outbox))
        assert not outbox
    now = utcnow()
    await async_heartbeat(connection, heartbeat(KITCHEN, now, 0))
    await async_heartbeat(connection, heartbeat(GARAGE, now - timedelta(minutes=10), 1))
