"""Recovery actions: conditions, registry, defaults, attempt limits, cooldowns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.health_monitor.engine.incidents.lifecycle import IncidentStatus
from custom_components.health_monitor.engine.incidents.model import (
    Incident,
    RecoveryRecord,
    RecoveryResult,
    Severity,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
    MetricValue,
)
from custom_components.health_monitor.engine.recovery import (
    DATABASE_RECONNECT,
    ENDPOINT_RECOVERY,
    INTEGRATION_RELOAD,
    MEMORY_RELIEF,
    MQTT_RECONNECT,
    Comparison,
    MetricCondition,
    RecoveryAction,
    RecoveryPolicy,
    RecoveryRegistry,
    default_recovery_actions,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def component(
    component_type: ComponentType = ComponentType.DATABASE,
    status: HealthStatus = HealthStatus.CRITICAL,
    failures: int = 0,
    metrics: dict[str, MetricValue] | None = None,
) -> ComponentHealth:
    """Return a component's health."""
    return ComponentHealth(
        component_id="target",
        name="Target",
        component_type=component_type,
        status=status,
        consecutive_failures=failures,
        metrics=metrics or {},
    )


def incident_for(
    health: ComponentHealth, status: IncidentStatus = IncidentStatus.NEW
) -> Incident:
    """Return an incident about ``health``'s component."""
    return Incident(
        id="INC-20250301-0001",
        title="t",
        description="d",
        severity=Severity.CRITICAL,
        component_id=health.component_id,
        component_name=health.name,
        component_type=health.component_type,
        component_status=health.status,
        created_at=T0,
        status=status,
    )


def attempted(incident: Incident, key: str, *minutes: float) -> Incident:
    """Record failed attempts of ``key`` at the given minutes after T0."""
    record = incident.recovery.setdefault(key, RecoveryRecord())
    for minute in minutes:
        record.add(RecoveryResult(T0 + timedelta(minutes=minute), success=False))
    return incident


def due_keys(
    health: ComponentHealth,
    incident: Incident | None = None,
    now: datetime = T0,
    policy: RecoveryPolicy | None = None,
) -> list[str]:
    """Return the keys of the default actions due for ``health``."""
    policy = policy or RecoveryPolicy()
    incident = incident or incident_for(health)
    return [action.key for action in policy.due_actions(incident, health, now)]


def default_action(key: str) -> RecoveryAction:
    """Return the default action with ``key``."""
    return next(action for action in default_recovery_actions() if action.key == key)


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [
        (Comparison.GREATER, 91, True),
        (Comparison.GREATER, 90, False),
        (Comparison.GREATER_OR_EQUAL, 90, True),
        (Comparison.GREATER_OR_EQUAL, 89.9, False),
        (Comparison.LESS, 89, True),
        (Comparison.LESS, 90, False),
        (Comparison.LESS_OR_EQUAL, 90, True),
        (Comparison.LESS_OR_EQUAL, 90.1, False),
    ],
)
def test_comparison_against_ninety(
    comparison: Comparison, value: float, expected: bool
) -> None:
    """Each operator compares like its symbol."""
    assert comparison.holds(value, 90.0) is expected


@pytest.mark.parametrize("value", [None, "95", True, float("nan")])
def test_metric_condition_needs_a_number(value: MetricValue) -> None:
    """Missing, textual, boolean or NaN values never match."""
    condition = MetricCondition("memory_percent", Comparison.GREATER, 90.0)
    assert not condition.matches({"memory_percent": value})


def test_metric_condition_without_the_metric_does_not_match() -> None:
    """A metric the check did not report does not match."""
    condition = MetricCondition("memory_percent", Comparison.GREATER, 90.0)
    assert not condition.matches({})


def test_metric_condition_reads_like_its_formula() -> None:
    """str() gives the condition as a person would write it."""
    assert str(MetricCondition("success_rate", Comparison.LESS, 50.0)) == (
        "success_rate < 50"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": ""}, "needs a key"),
        ({"component_types": frozenset()}, "component type"),
        ({"max_attempts": 0}, "at least one attempt"),
        ({"cooldown": timedelta(seconds=-1)}, "cooldown"),
        ({"min_consecutive_failures": -1}, "failures"),
    ],
)
def test_unworkable_action_is_rejected(changes: dict[str, Any], message: str) -> None:
    """Actions that could never run or would run without limit raise ValueError."""
    fields: dict[str, Any] = {
        "key": "restart",
        "component_types": frozenset({ComponentType.NETWORK}),
        "max_attempts": 1,
        "cooldown": timedelta(minutes=1),
        **changes,
    }
    with pytest.raises(ValueError, match=message):
        RecoveryAction(**fields)


def test_default_actions_are_the_specifications_and_the_integration_reload() -> None:
    """Database, MQTT, memory and endpoint recovery, then integration reload."""
    assert [action.key for action in default_recovery_actions()] == [
        DATABASE_RECONNECT,
        MQTT_RECONNECT,
        MEMORY_RELIEF,
        ENDPOINT_RECOVERY,
        INTEGRATION_RELOAD,
    ]


@pytest.mark.parametrize(
    ("key", "component_type", "max_attempts", "cooldown_minutes"),
    [
        (DATABASE_RECONNECT, ComponentType.DATABASE, 3, 10),
        (MQTT_RECONNECT, ComponentType.MQTT, 5, 5),
        (MEMORY_RELIEF, ComponentType.SYSTEM_RESOURCES, 2, 20),
        (ENDPOINT_RECOVERY, ComponentType.HTTP_ENDPOINT, 2, 15),
        (INTEGRATION_RELOAD, ComponentType.INTEGRATIONS, 3, 10),
    ],
)
def test_default_action_limits(
    key: str, component_type: ComponentType, max_attempts: int, cooldown_minutes: int
) -> None:
    """Each default has its component type, attempt limit and cooldown."""
    action = default_action(key)
    assert action.component_types == frozenset({component_type})
    assert action.max_attempts == max_attempts
    assert action.cooldown == timedelta(minutes=cooldown_minutes)


def test_database_reconnect_is_due_after_three_failures() -> None:
    """Three consecutive failures of a database make the reconnect due."""
    assert due_keys(component(ComponentType.DATABASE, failures=3)) == [
        DATABASE_RECONNECT
    ]


def test_database_reconnect_waits_for_the_third_failure() -> None:
    """Two failures are not enough."""
    assert due_keys(component(ComponentType.DATABASE, failures=2)) == []


def test_mqtt_reconnect_is_due_after_two_failures() -> None:
    """Two consecutive failures of a broker make the reconnect due."""
    assert due_keys(component(ComponentType.MQTT, failures=2)) == [MQTT_RECONNECT]


def test_mqtt_reconnect_waits_for_the_second_failure() -> None:
    """One failure is not enough."""
    assert due_keys(component(ComponentType.MQTT, failures=1)) == []


def test_memory_relief_is_due_above_ninety_percent() -> None:
    """Memory at 90.5 % makes the relief due."""
    health = component(ComponentType.SYSTEM_RESOURCES, metrics={"memory_percent": 90.5})
    assert due_keys(health) == [MEMORY_RELIEF]


def test_memory_relief_is_not_due_at_ninety_percent() -> None:
    """Exactly 90 % is not above 90 %."""
    health = component(ComponentType.SYSTEM_RESOURCES, metrics={"memory_percent": 90})
    assert due_keys(health) == []


def test_memory_relief_ignores_other_metrics() -> None:
    """A high CPU does not call for memory relief."""
    health = component(ComponentType.SYSTEM_RESOURCES, metrics={"cpu_percent": 99})
    assert due_keys(health) == []


def test_endpoint_recovery_is_due_below_fifty_percent_success() -> None:
    """A success rate of 49.9 % over 5 checks makes the endpoint recovery due."""
    health = component(
        ComponentType.HTTP_ENDPOINT,
        metrics={"success_rate": 49.9, "success_rate_checks": 5},
    )
    assert due_keys(health) == [ENDPOINT_RECOVERY]


def test_endpoint_recovery_waits_for_five_checks() -> None:
    """One failed first check (0 %) says too little to run the recovery script."""
    health = component(
        ComponentType.HTTP_ENDPOINT,
        metrics={"success_rate": 0.0, "success_rate_checks": 1},
    )
    assert due_keys(health) == []


def test_endpoint_recovery_is_not_due_at_fifty_percent_success() -> None:
    """Exactly 50 % is not below 50 %."""
    health = component(
        ComponentType.HTTP_ENDPOINT,
        metrics={"success_rate": 50, "success_rate_checks": 20},
    )
    assert due_keys(health) == []


def test_action_applies_only_to_its_component_types() -> None:
    """A network target with many failures has no default action."""
    assert due_keys(component(ComponentType.NETWORK, failures=10)) == []


def test_action_does_not_apply_to_unknown_status() -> None:
    """Nothing is known to be broken, so nothing is tried."""
    health = component(ComponentType.DATABASE, HealthStatus.UNKNOWN, failures=5)
    assert due_keys(health) == []


def test_action_statuses_can_be_narrowed() -> None:
    """An action limited to critical ignores a degraded component."""
    action = RecoveryAction(
        key="restart",
        component_types=frozenset({ComponentType.NETWORK}),
        max_attempts=1,
        cooldown=timedelta(0),
        statuses=frozenset({HealthStatus.CRITICAL}),
    )
    assert action.applies_to(component(ComponentType.NETWORK, HealthStatus.CRITICAL))
    assert not action.applies_to(
        component(ComponentType.NETWORK, HealthStatus.DEGRADED)
    )


def test_attempt_limit_stops_an_action() -> None:
    """After three database reconnects none is due, however long we wait."""
    health = component(ComponentType.DATABASE, failures=9)
    incident = attempted(incident_for(health), DATABASE_RECONNECT, 0, 10, 20)
    assert due_keys(health, incident, T0 + timedelta(hours=5)) == []


def test_action_is_due_while_attempts_remain() -> None:
    """Two of three attempts used, cooldown over: the third is due."""
    health = component(ComponentType.DATABASE, failures=9)
    incident = attempted(incident_for(health), DATABASE_RECONNECT, 0, 10)
    assert due_keys(health, incident, T0 + timedelta(minutes=20)) == [
        DATABASE_RECONNECT
    ]


def test_cooldown_blocks_until_it_has_passed() -> None:
    """At 9:59 after an attempt the reconnect is not due."""
    health = component(ComponentType.DATABASE, failures=9)
    incident = attempted(incident_for(health), DATABASE_RECONNECT, 0)
    assert due_keys(health, incident, T0 + timedelta(minutes=9, seconds=59)) == []


def test_cooldown_ends_exactly_after_its_duration() -> None:
    """At 10:00 after an attempt the reconnect is due again."""
    health = component(ComponentType.DATABASE, failures=9)
    incident = attempted(incident_for(health), DATABASE_RECONNECT, 0)
    assert due_keys(health, incident, T0 + timedelta(minutes=10)) == [
        DATABASE_RECONNECT
    ]


def test_attempts_left_and_next_attempt_time() -> None:
    """The policy tells how many attempts remain and when the next may run."""
    health = component(ComponentType.DATABASE, failures=9)
    action = default_action(DATABASE_RECONNECT)
    incident = incident_for(health)
    assert RecoveryPolicy.attempts_left(action, incident) == 3
    assert RecoveryPolicy().next_attempt_at(action, incident) is None
    attempted(incident, DATABASE_RECONNECT, 0)
    assert RecoveryPolicy.attempts_left(action, incident) == 2
    assert RecoveryPolicy().next_attempt_at(action, incident) == T0 + timedelta(
        minutes=10
    )


def test_incident_response_off_makes_nothing_due() -> None:
    """A disabled policy answers with no actions."""
    policy = RecoveryPolicy(enabled=False)
    health = component(ComponentType.DATABASE, failures=9)
    assert due_keys(health, policy=policy) == []


def test_incident_response_can_be_switched_back_on() -> None:
    """Enabling the policy again makes due actions appear."""
    policy = RecoveryPolicy(enabled=False)
    policy.enabled = True
    health = component(ComponentType.DATABASE, failures=9)
    assert due_keys(health, policy=policy) == [DATABASE_RECONNECT]


@pytest.mark.parametrize("status", [IncidentStatus.RESOLVED, IncidentStatus.CLOSED])
def test_nothing_is_due_for_an_incident_that_is_not_open(
    status: IncidentStatus,
) -> None:
    """Resolved and closed incidents get no recovery."""
    health = component(ComponentType.DATABASE, failures=9)
    assert due_keys(health, incident_for(health, status)) == []


def test_acknowledged_incident_still_gets_recovery() -> None:
    """Acknowledging does not stop automatic recovery."""
    health = component(ComponentType.DATABASE, failures=9)
    incident = incident_for(health, IncidentStatus.ACKNOWLEDGED)
    assert due_keys(health, incident) == [DATABASE_RECONNECT]


def test_due_actions_refuses_an_incident_of_another_component() -> None:
    """Mixing up incident and component is a programming error."""
    health = component(ComponentType.DATABASE, failures=9)
    other = incident_for(health)
    other.component_id = "elsewhere"
    with pytest.raises(ValueError, match="elsewhere"):
        RecoveryPolicy().due_actions(other, health, T0)


def test_empty_registry_makes_nothing_due() -> None:
    """A policy without actions never proposes one."""
    policy = RecoveryPolicy(RecoveryRegistry())
    health = component(ComponentType.DATABASE, failures=9)
    assert due_keys(health, policy=policy) == []


def test_registry_rejects_a_duplicate_key() -> None:
    """A key names one action."""
    with pytest.raises(ValueError, match="already registered"):
        RecoveryRegistry([*default_recovery_actions(), default_action(MQTT_RECONNECT)])


def test_registry_lists_actions_by_component_type() -> None:
    """An action for two types is found under both, after earlier ones."""
    ping = RecoveryAction(
        key="ping_gateway",
        component_types=frozenset({ComponentType.MQTT, ComponentType.NETWORK}),
        max_attempts=1,
        cooldown=timedelta(minutes=1),
    )
    registry = RecoveryRegistry([*default_recovery_actions(), ping])
    assert [a.key for a in registry.for_component_type(ComponentType.MQTT)] == [
        MQTT_RECONNECT,
        "ping_gateway",
    ]
    assert registry.for_component_type(ComponentType.NETWORK) == (ping,)
    assert registry.for_component_type(ComponentType.RECORDER) == ()


@pytest.mark.parametrize(
    ("status", "candidates", "due"),
    [
        (HealthStatus.CRITICAL, 1, [INTEGRATION_RELOAD]),
        (HealthStatus.DEGRADED, 2, [INTEGRATION_RELOAD]),
        (HealthStatus.CRITICAL, 0, []),
        (HealthStatus.HEALTHY, 1, []),
    ],
)
def test_integration_reload_is_due_only_with_a_candidate(
    status: HealthStatus, candidates: int, due: list[str]
) -> None:
    """A reload needs a picked integration failing past the grace, whatever the count."""
    health = component(
        ComponentType.INTEGRATIONS, status, metrics={"reload_candidates": candidates}
    )
    assert due_keys(health) == due
