"""Domain models: statuses, component types and check results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
import time
from typing import Any

type MetricValue = float | int | str | None


class HealthStatus(StrEnum):
    """How healthy a component is, from best to worst (unknown aside)."""

    HEALTHY = "healthy"
    WARNING = "warning"
    DEGRADED = "degraded"
    CRITICAL = "critical"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """Order used to find the worst status; unknown ranks with warning.

        Not an incident's severity (:class:`~.incidents.Severity`): a status
        is how a component is now, a severity how urgent its incident is.
        """
        return _RANK[self]


_RANK = {
    HealthStatus.HEALTHY: 0,
    HealthStatus.WARNING: 1,
    HealthStatus.UNKNOWN: 1,
    HealthStatus.DEGRADED: 2,
    HealthStatus.CRITICAL: 3,
}

# Most things a result names as affected (see CheckResult.affected).
MAX_AFFECTED = 50

# Statuses during which a component counts as up for its uptime percentage.
UP_STATUSES = frozenset(
    {HealthStatus.HEALTHY, HealthStatus.WARNING, HealthStatus.DEGRADED}
)


class ComponentType(StrEnum):
    """Kinds of monitored component."""

    SYSTEM_RESOURCES = "system_resources"
    HA_PROCESS = "ha_process"
    EVENT_LOOP = "event_loop"
    RECORDER = "recorder"
    INTEGRATIONS = "integrations"
    DATABASE = "database"
    MQTT = "mqtt"
    HTTP_ENDPOINT = "http_endpoint"
    NETWORK = "network"
    ENTITIES = "entities"
    ENTITY_CHECK = "entity_check"
    FLEET_DATABASE = "fleet_database"
    # Another Home Assistant instance of the fleet.
    INSTANCE = "instance"


def utcnow() -> datetime:
    """Return the current time, timezone-aware."""
    return datetime.now(UTC)


def elapsed_ms(start: float) -> float:
    """Return the milliseconds since ``start`` (a ``time.perf_counter()`` reading).

    Rounded to hundredths: finer digits are noise of the clock and the loop.
    """
    return round((time.perf_counter() - start) * 1000, 2)


@dataclass(slots=True)
class CheckResult:
    """What one check observed about its component.

    ``affected``: what, within the component, the status is about (e.g. the
    entities a check found failing), worst first, at most
    :data:`MAX_AFFECTED`; an incident records in its timeline who joins and
    leaves this set.
    ``latency_only``: the status is not healthy only because an answer came
    slowly (the target answered, or the event loop ran late), which the
    monitor's own start-up load can cause. ``pushed``: the target reported
    the result by itself as it happened (e.g. a lost connection) rather than
    being sampled by a cycle. ``details``: what the message summarizes, for
    people (e.g. the failing integrations), as JSON-ready values the check
    keeps bounded; shown as attributes of the component's status.
    """

    status: HealthStatus
    message: str
    response_time_ms: float | None = None
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    checked_at: datetime = field(default_factory=utcnow)
    latency_only: bool = False
    pushed: bool = False
    affected: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ComponentHealth:
    """The latest known health of one component."""

    component_id: str
    name: str
    component_type: ComponentType
    status: HealthStatus = HealthStatus.UNKNOWN
    message: str = "Not checked yet"
    # How the latest status came about (see CheckResult).
    latency_only: bool = False
    pushed: bool = False
    response_time_ms: float | None = None
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    consecutive_failures: int = 0
    uptime_percent: float | None = None
    last_checked: datetime | None = None
    # What the status is about (see CheckResult.affected).
    affected: tuple[str, ...] = ()


@dataclass(slots=True)
class SystemHealth:
    """The whole installation at the end of a cycle."""

    status: HealthStatus
    health_score: float
    performance_score: float
    counts: dict[HealthStatus, int]
    uptime_seconds: float
    components: dict[str, ComponentHealth]
    cycle_started: datetime
    cycle_duration_ms: float
