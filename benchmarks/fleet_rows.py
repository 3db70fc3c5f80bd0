"""Realistic fleet rows for the export benchmark: one installation's components, cycle by cycle.

The default built-in checks (``const.BUILTIN_CHECKS`` less those off by
default) and 20 targets of mixed kinds, one of them the fleet database
target itself, each with the metrics and message its real check reports;
numbers move from cycle to cycle as on a real host, so compression sees
realistic data, not repeated rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import random

from custom_components.health_monitor.const import BUILTIN_CHECKS, OFF_BY_DEFAULT_CHECKS
from custom_components.health_monitor.engine.fleet.instances import InstanceReport
from custom_components.health_monitor.engine.fleet.outbox import Row
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
    SYSTEM_ACTOR,
    Incident,
    Severity,
)
from custom_components.health_monitor.engine.incidents.timeline import TimelineEntry
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
    MetricValue,
)

TARGETS = 20
INTERVAL_S = 30
CYCLES_PER_DAY = 86400 // INTERVAL_S
# The 20 targets: kinds as a home might have them (the fleet database is one).
TARGET_KINDS = (
    [ComponentType.NETWORK] * 8
    + [ComponentType.HTTP_ENDPOINT] * 6
    + [ComponentType.MQTT] * 3
    + [ComponentType.DATABASE] * 2
    + [ComponentType.FLEET_DATABASE]
)
DEFAULT_CHECKS = [
    check for check in BUILTIN_CHECKS if check not in OFF_BY_DEFAULT_CHECKS
]


def component_kinds() -> list[tuple[str, ComponentType]]:
    """Return (component id, kind) of every component of the installation."""
    kinds = [(str(check), check) for check in DEFAULT_CHECKS]
    kinds += [(f"{kind}_{index}", kind) for index, kind in enumerate(TARGET_KINDS)]
    return kinds


def _reading(
    kind: ComponentType, rng: random.Random
) -> tuple[str, float | None, dict[str, MetricValue]]:
    """Return a check's message, response time and metrics, as the real check makes them."""
    ms = round(rng.lognormvariate(1.5, 0.6), 2)
    if kind is ComponentType.SYSTEM_RESOURCES:
        cpu, memory = round(rng.uniform(3, 40), 1), round(rng.uniform(40, 60), 1)
        return (
            f"CPU {cpu:.0f}%, memory {memory:.0f}%, disk /config 41%",
            None,
            {"cpu_percent": cpu, "memory_percent": memory, "swap_percent": 2.1,
             "disk_config_percent": 41.3},
        )  # fmt: skip
    if kind is ComponentType.HA_PROCESS:
        rss = round(rng.uniform(380, 420), 1)
        return (
            f"RSS {rss:.0f} MB (9.8% of memory), 41 threads, 57 open files",
            None,
            {"rss_mb": rss, "memory_percent": 9.8, "threads": 41, "open_files": 57},
        )
    if kind is ComponentType.EVENT_LOOP:
        lag = round(rng.uniform(0.1, 3), 2)
        return (
            f"Event loop lag {lag:.1f} ms",
            lag,
            {"lag_ms": lag, "tasks": rng.randint(900, 1100)},
        )
    if kind is ComponentType.RECORDER:
        return (
            "Recorder recording, backlog 0 events, database 812.4 MB",
            ms,
            {"backlog": 0, "dialect": "sqlite", "running": "recording",
             "database_size_mb": 812.4},
        )  # fmt: skip
    if kind is ComponentType.INTEGRATIONS:
        return (
            "All integrations are set up",
            None,
            {"failed": 0, "retrying": 0, "reload_candidates": 0},
        )
    if kind is ComponentType.NETWORK:
        return (
            f"192.168.1.20:22 reachable, connect {ms:.1f} ms",
            ms,
            {"connect_ms": ms},
        )
    if kind is ComponentType.HTTP_ENDPOINT:
        return (
            f"HTTP 200 in {ms * 8:.0f} ms",
            ms * 8,
            {"status_code": 200, "response_ms": ms * 8, "certificate_days": 61.4},
        )
    if kind is ComponentType.MQTT:
        return (
            f"Broker answers in {ms:.1f} ms",
            ms,
            {"round_trip_ms": ms, "connect_ms": ms * 2},
        )
    if kind is ComponentType.FLEET_DATABASE:
        return (
            "History exported to 192.168.1.5:5432/fleet (TimescaleDB)",
            ms * 4,
            {"rows_waiting": 0, "rows_dropped": 0, "rows_written": 125_000,
             "export_ms": ms * 4, "connect_ms": ms * 3, "fleet_instances": 49},
        )  # fmt: skip
    return (
        f"PostgreSQL 16.4 answers in {ms:.1f} ms, 12 of 97 usable connections used",
        ms,
        {"round_trip_ms": ms, "connect_ms": ms * 3, "server_version": "16.4",
         "connections": 12, "max_connections": 100, "reserved_connections": 3,
         "connections_percent": 12.4, "oldest_query_s": 0.0,
         "database_size_mb": 2311.52},
    )  # fmt: skip


def cycle_components(rng: random.Random, at: datetime) -> list[ComponentHealth]:
    """Return every component's health at the end of a cycle at ``at``."""
    components = []
    for index, (component_id, kind) in enumerate(component_kinds()):
        message, response_ms, metrics = _reading(kind, rng)
        components.append(
            ComponentHealth(
                component_id=component_id,
                name=component_id.replace("_", " ").title(),
                component_type=kind,
                # One check in 500 is not healthy, as on a good day.
                status=HealthStatus.WARNING
                if rng.random() < 0.002
                else HealthStatus.HEALTHY,
                message=message,
                response_time_ms=response_ms,
                metrics=metrics,
                # The checks of a cycle end a little apart.
                last_checked=at + timedelta(milliseconds=index * 7),
            )
        )
    return components


def cycle_rows(instance_id: str, rng: random.Random, at: datetime) -> list[Row]:
    """Return the check result rows of one cycle of one instance."""
    return [
        check_result_row(instance_id, component, at)
        for component in cycle_components(rng, at)
    ]


def incident_rows(
    instance_id: str, number: int, opened: datetime, *, resolve: bool
) -> list[Row]:
    """Return the rows an incident queues from its opening to its resolution (if any)."""
    incident = Incident(
        id=f"INC-{opened:%Y%m%d}-{number:04d}",
        title="Network 3 is critical",
        description="Connection refused",
        severity=Severity.CRITICAL,
        component_id="network_3",
        component_name="Network 3",
        component_type=ComponentType.NETWORK,
        component_status=HealthStatus.CRITICAL,
        created_at=opened,
    )
    incident.record(TimelineEntry(opened, TimelineEvent.OPENED, SYSTEM_ACTOR))
    cursor = TimelineCursor()
    rows = [
        incident_row(instance_id, incident),
        *cursor.new_rows(instance_id, incident),
    ]
    if resolve:
        incident.transition(
            IncidentStatus.RESOLVED,
            actor=SYSTEM_ACTOR,
            now=opened + timedelta(minutes=12),
        )
        rows += [
            incident_row(instance_id, incident),
            *cursor.new_rows(instance_id, incident),
        ]
    return rows


def report(instance_id: str, name: str, at: datetime) -> InstanceReport:
    """Return an instance's heartbeat at ``at``."""
    return InstanceReport(
        instance_id=instance_id,
        name=name,
        status=HealthStatus.HEALTHY,
        score=100.0,
        open_incidents=0,
        components=len(component_kinds()),
        interval_s=INTERVAL_S,
        version="0.1.0",
        ha_version="2025.4.4",
        at=at,
        source="self",
    )
