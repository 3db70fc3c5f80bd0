"""Recovery actions: what may be tried for a failing component, and when.

The engine never runs an action. Per cycle the HA layer asks
:meth:`RecoveryPolicy.due_actions` for each component with an open incident,
executes what it gets (reconnect, a user-chosen HA action, ...) and reports
each outcome with ``IncidentTracker.record_recovery_attempt``. Attempt counts
and cooldowns live in the incident's recovery records, so they are per
incident and survive restarts with it.

An action is due when incident response is enabled, the incident is open,
the component's type, status, consecutive failures and metric match the
action's conditions, fewer than ``max_attempts`` attempts were made in this
incident and at least ``cooldown`` has passed since the last one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import math
import operator
from typing import Final

from .incidents.model import Incident, ensure_utc
from .models import ComponentHealth, ComponentType, HealthStatus, MetricValue

DATABASE_RECONNECT: Final = "database_reconnect"
MQTT_RECONNECT: Final = "mqtt_reconnect"
MEMORY_RELIEF: Final = "memory_relief"
ENDPOINT_RECOVERY: Final = "endpoint_recovery"
INTEGRATION_RELOAD: Final = "integration_reload"


class Comparison(StrEnum):
    """How a metric is compared with a threshold."""

    GREATER = ">"
    GREATER_OR_EQUAL = ">="
    LESS = "<"
    LESS_OR_EQUAL = "<="

    def holds(self, value: float, threshold: float) -> bool:
        """Whether ``value <op> threshold``."""
        return _OPERATORS[self](value, threshold)


_OPERATORS: Final[dict[Comparison, Callable[[float, float], bool]]] = {
    Comparison.GREATER: operator.gt,
    Comparison.GREATER_OR_EQUAL: operator.ge,
    Comparison.LESS: operator.lt,
    Comparison.LESS_OR_EQUAL: operator.le,
}


@dataclass(frozen=True, slots=True)
class MetricCondition:
    """A predicate on one metric, e.g. ``memory_percent > 90``."""

    metric: str
    comparison: Comparison
    threshold: float

    def matches(self, metrics: Mapping[str, MetricValue]) -> bool:
        """Whether the metric is present, numeric and satisfies the comparison."""
        value = metrics.get(self.metric)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        if math.isnan(value):
            return False
        return self.comparison.holds(float(value), self.threshold)

    def __str__(self) -> str:
        """Return the condition as it reads, e.g. ``memory_percent > 90``."""
        return f"{self.metric} {self.comparison.value} {self.threshold:g}"


# Statuses an action applies to unless it says otherwise; unknown is left
# out because nothing is known to be broken.
FAILING_STATUSES: Final = frozenset(
    {HealthStatus.WARNING, HealthStatus.DEGRADED, HealthStatus.CRITICAL}
)


@dataclass(frozen=True, slots=True)
class RecoveryAction:
    """Something that may be tried to bring a component back."""

    key: str
    component_types: frozenset[ComponentType]
    max_attempts: int
    cooldown: timedelta
    min_consecutive_failures: int = 0
    statuses: frozenset[HealthStatus] = FAILING_STATUSES
    # Every condition must hold (an empty tuple means no metric condition).
    metric_conditions: tuple[MetricCondition, ...] = ()

    def __post_init__(self) -> None:
        """Reject actions that could never run or would run without limit."""
        if not self.key:
            raise ValueError("a recovery action needs a key")
        if not self.component_types:
            raise ValueError(f"{self.key}: name at least one component type")
        if self.max_attempts < 1:
            raise ValueError(f"{self.key}: allow at least one attempt")
        if self.cooldown < timedelta(0):
            raise ValueError(f"{self.key}: the cooldown cannot be negative")
        if self.min_consecutive_failures < 0:
            raise ValueError(f"{self.key}: failures cannot be negative")

    def applies_to(self, component: ComponentHealth) -> bool:
        """Whether the component's current state meets every condition."""
        return (
            component.component_type in self.component_types
            and component.status in self.statuses
            and component.consecutive_failures >= self.min_consecutive_failures
            and all(
                condition.matches(component.metrics)
                for condition in self.metric_conditions
            )
        )


# key, component type, failures before a try, tries per incident, minutes
# between tries, metric conditions.
_DEFAULT_ACTIONS: Final = (
    (DATABASE_RECONNECT, ComponentType.DATABASE, 3, 3, 10, ()),
    (MQTT_RECONNECT, ComponentType.MQTT, 2, 5, 5, ()),
    (
        MEMORY_RELIEF,
        ComponentType.SYSTEM_RESOURCES,
        0,
        2,
        20,
        (MetricCondition("memory_percent", Comparison.GREATER, 90.0),),
    ),
    # A rate over fewer than 5 checks says little (one failure is 0 %).
    (
        ENDPOINT_RECOVERY,
        ComponentType.HTTP_ENDPOINT,
        0,
        2,
        15,
        (
            MetricCondition("success_rate", Comparison.LESS, 50.0),
            MetricCondition("success_rate_checks", Comparison.GREATER_OR_EQUAL, 5.0),
        ),
    ),
    # Only integrations the user picked, failing or retrying for the grace or
    # longer, are candidates (the check counts them).
    (
        INTEGRATION_RELOAD,
        ComponentType.INTEGRATIONS,
        0,
        3,
        10,
        (MetricCondition("reload_candidates", Comparison.GREATER_OR_EQUAL, 1.0),),
    ),
)


def default_recovery_actions() -> tuple[RecoveryAction, ...]:
    """Return the recovery actions of the specification."""
    return tuple(
        RecoveryAction(
            key=key,
            component_types=frozenset({component_type}),
            min_consecutive_failures=failures,
            max_attempts=tries,
            cooldown=timedelta(minutes=minutes),
            metric_conditions=conditions,
        )
        for key, component_type, failures, tries, minutes, conditions in _DEFAULT_ACTIONS
    )


class RecoveryRegistry:
    """Recovery actions by component type, in registration order."""

    def __init__(self, actions: Iterable[RecoveryAction] = ()) -> None:
        """Register ``actions``; a key may appear once (ValueError otherwise)."""
        keys: set[str] = set()
        self._by_type: dict[ComponentType, list[RecoveryAction]] = {}
        for action in actions:
            if action.key in keys:
                raise ValueError(f"recovery action {action.key} is already registered")
            keys.add(action.key)
            for component_type in sorted(action.component_types):
                self._by_type.setdefault(component_type, []).append(action)

    def for_component_type(
        self, component_type: ComponentType
    ) -> tuple[RecoveryAction, ...]:
        """Return the actions registered for ``component_type``."""
        return tuple(self._by_type.get(component_type, ()))


class RecoveryPolicy:
    """Decides which recovery actions are due (see module doc)."""

    def __init__(
        self, registry: RecoveryRegistry | None = None, *, enabled: bool = True
    ) -> None:
        """Use ``registry`` (the defaults if None); ``enabled`` is incident response."""
        self.registry = (
            registry
            if registry is not None
            else RecoveryRegistry(default_recovery_actions())
        )
        self.enabled = enabled

    def due_actions(
        self,
        incident: Incident,
        component: ComponentHealth,
        now: datetime | None = None,
    ) -> list[RecoveryAction]:
        """Return the actions to try now for ``component`` in ``incident``."""
        if incident.component_id != component.component_id:
            raise ValueError(
                f"incident {incident.id} is about {incident.component_id},"
                f" not {component.component_id}"
            )
        if not self.enabled or not incident.is_open:
            return []
        now = ensure_utc(now)
        return [
            action
            for action in self.registry.for_component_type(component.component_type)
            if action.applies_to(component) and self._allowed_now(action, incident, now)
        ]

    def next_attempt_at(
        self, action: RecoveryAction, incident: Incident
    ) -> datetime | None:
        """When the cooldown of ``action`` ends; None before its first attempt."""
        record = incident.recovery.get(action.key)
        if record is None or record.last_attempt_at is None:
            return None
        return record.last_attempt_at + action.cooldown

    @staticmethod
    def attempts_left(action: RecoveryAction, incident: Incident) -> int:
        """How many more attempts ``action`` may make in ``incident``."""
        record = incident.recovery.get(action.key)
        used = 0 if record is None else record.count
        return max(0, action.max_attempts - used)

    def _allowed_now(
        self, action: RecoveryAction, incident: Incident, now: datetime
    ) -> bool:
        if self.attempts_left(action, incident) == 0:
            return False
        next_at = self.next_attempt_at(action, incident)
        return next_at is None or now >= next_at
