"""Default recovery actions end to end: real servers, real incidents, real timelines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_DISK_PATHS,
    DOMAIN,
    SYSTEM_DEVICE_KEY,
)
from custom_components.health_monitor.recovery import async_relieve_memory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from .entries import health_monitor_entry
from .targets.http_servers import HttpServer, http_server
from .targets.mosquitto_server import MosquittoServer
from .targets.postgres_server import (
    APP_DATABASE,
    MONITOR_PASSWORD,
    MONITOR_USER,
    PostgresServer,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

TARGET = "recovery_target"
RESTARTED = "input_boolean.endpoint_restarted"
RECOVERY_SCRIPT = "script.restart_endpoint"
# Seconds to wait for something a background task does (a busy 2-core machine).
WAIT = 60.0
# Cycles are run by the tests; the coordinator's own timer must not add any.
UPDATE_INTERVAL = 3600


type SetupTarget = Callable[[str, dict[str, Any]], Awaitable[MockConfigEntry]]


@pytest.fixture
async def endpoint() -> AsyncGenerator[HttpServer]:
    """Serve /health over plain HTTP."""
    async with http_server() as running:
        yield running


@pytest.fixture
async def setup_target(hass: HomeAssistant) -> AsyncGenerator[SetupTarget]:
    """Set up Health Monitor watching one target only; unload it at the end."""
    entries: list[MockConfigEntry] = []

    async def _setup(subentry_type: str, data: dict[str, Any]) -> MockConfigEntry:
        entry = health_monitor_entry(
            title="Health Monitor",
            options={
                CONF_CHECKS: [],
                CONF_DISK_PATHS: ["/"],
                "update_interval": UPDATE_INTERVAL,
            },
            subentries_data=[
                {
                    "data": {
                        "latency_warning_ms": 5000,
                        "latency_critical_ms": 10000,
                        **data,
                    },
                    "subentry_id": TARGET,
                    "subentry_type": subentry_type,
                    "title": "Recovery target",
                    "unique_id": f"{subentry_type}-recovery-target",
                }
            ],
        )
        entry.add_to_hass(hass)
        entries.append(entry)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        return entry

    yield _setup
    for entry in entries:
        if entry.state is ConfigEntryState.LOADED:
            assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


def database_data(postgres: PostgresServer) -> dict[str, Any]:
    """Return the stored settings of a target for the private server's database."""
    return {
        "host": postgres.host,
        "port": postgres.port,
        "database": APP_DATABASE,
        "username": MONITOR_USER,
        "password": MONITOR_PASSWORD,
        "ssl_mode": "disable",
    }


def endpoint_data(url: str, **extra: Any) -> dict[str, Any]:
    """Return the stored settings of an endpoint target expecting 200."""
    return {
        "url": url,
        "method": "GET",
        "expected_status": "200",
        "timeout": 10.0,
        "verify_ssl": True,
        **extra,
    }


async def _cycle(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Run one cycle and wait for the recovery actions it started."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)


def _attempts(entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Return the details of every recovery attempt in the target's incident timeline."""
    incidents = entry.runtime_data.incidents.list_incidents(which="all")
    return [
        dict(line.details)
        for incident in incidents
        if incident.component_id == TARGET
        for line in incident.timeline
        if line.event == "recovery_attempted"
    ]


async def _incidents(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return every incident as the get_incidents action reports it."""
    response = await hass.services.async_call(
        DOMAIN, "get_incidents", {"status": "all"}, blocking=True, return_response=True
    )
    assert response is not None
    incidents = response["incidents"]
    assert isinstance(incidents, list)
    return [dict(incident) for incident in incidents if isinstance(incident, dict)]


def _event_state(hass: HomeAssistant, entry: MockConfigEntry) -> State:
    """Return the state of the target's incident event entity."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "event", DOMAIN, f"{entry.entry_id}_{TARGET}_incident_event"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def _wait_for_attempts(entry: MockConfigEntry, count: int) -> None:
    """Wait until ``count`` recovery attempts are in the timeline."""
    async with asyncio.timeout(WAIT):
        while len(_attempts(entry)) < count:
            await asyncio.sleep(0.05)


async def test_database_reconnect_is_tried_after_the_third_consecutive_failure(
    hass: HomeAssistant, postgres: PostgresServer, setup_target: SetupTarget
) -> None:
    """The third failed check of a stopped server brings one failed reconnect."""
    entry = await setup_target("database", database_data(postgres))
    assert entry.runtime_data.data.components[TARGET].status == "healthy"

    await hass.async_add_executor_job(postgres.stop)
    for _ in range(2):
        await _cycle(hass, entry)
        assert _attempts(entry) == []
        assert _event_state(hass, entry).attributes["event_type"] != (
            "recovery_attempted"
        )
    await _cycle(hass, entry)

    assert entry.runtime_data.data.components[TARGET].consecutive_failures == 3
    (attempt,) = _attempts(entry)
    assert attempt["action"] == "database_reconnect"
    assert attempt["success"] is False
    assert attempt["attempt"] == 1
    assert isinstance(attempt["error"], str)
    assert f"{postgres.host}:{postgres.port}/{APP_DATABASE}" in attempt["error"]
    assert MONITOR_PASSWORD not in attempt["error"]
    event = _event_state(hass, entry)
    assert event.attributes["event_type"] == "recovery_attempted"
    assert event.attributes["detail_action"] == "database_reconnect"
    assert event.attributes["detail_success"] is False
    assert event.attributes["detail_attempt"] == 1
    (incident,) = await _incidents(hass)
    assert incident["recovery"]["database_reconnect"]["count"] == 1


async def test_database_reconnect_waits_for_its_cooldown_and_stops_after_three(
    hass: HomeAssistant,
    postgres: PostgresServer,
    setup_target: SetupTarget,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Further attempts come only 10 minutes apart, and at most three per incident."""
    entry = await setup_target("database", database_data(postgres))
    await hass.async_add_executor_job(postgres.stop)
    for _ in range(3):
        await _cycle(hass, entry)
    assert len(_attempts(entry)) == 1

    freezer.tick(timedelta(minutes=9))
    for _ in range(3):
        await _cycle(hass, entry)
    assert len(_attempts(entry)) == 1

    freezer.tick(timedelta(minutes=1))
    await _cycle(hass, entry)
    assert [a["attempt"] for a in _attempts(entry)] == [1, 2]

    freezer.tick(timedelta(minutes=10))
    await _cycle(hass, entry)
    freezer.tick(timedelta(minutes=10))
    await _cycle(hass, entry)
    freezer.tick(timedelta(minutes=30))
    await _cycle(hass, entry)

    attempts = _attempts(entry)
    assert [a["attempt"] for a in attempts] == [1, 2, 3]
    assert {a["action"] for a in attempts} == {"database_reconnect"}
    assert not any(a["success"] for a in attempts)
    incidents = entry.runtime_data.incidents.list_incidents(which="all")
    assert len(incidents) == 1


async def test_database_incident_resolves_once_the_server_is_back(
    hass: HomeAssistant, postgres: PostgresServer, setup_target: SetupTarget
) -> None:
    """After the failed reconnect the restarted server is healthy and the incident resolves."""
    entry = await setup_target("database", database_data(postgres))
    await hass.async_add_executor_job(postgres.stop)
    for _ in range(3):
        await _cycle(hass, entry)
    assert len(_attempts(entry)) == 1
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None

    await hass.async_add_executor_job(postgres.start)
    await _cycle(hass, entry)
    component = entry.runtime_data.data.components[TARGET]
    assert component.status == "healthy", component.message
    assert incident.status != "resolved"
    await _cycle(hass, entry)

    assert incident.status == "resolved"
    assert incident.resolved_by == "system"
    assert len(_attempts(entry)) == 1
    assert _event_state(hass, entry).attributes["event_type"] == "resolved"


@pytest.mark.parametrize("turn_off", ["service", "switch"])
async def test_no_recovery_is_attempted_while_incident_response_is_off(
    hass: HomeAssistant,
    postgres: PostgresServer,
    setup_target: SetupTarget,
    turn_off: str,
) -> None:
    """With incident response off the incident opens but nothing is tried."""
    entry = await setup_target("database", database_data(postgres))
    if turn_off == "service":
        await hass.services.async_call(
            DOMAIN, "stop_incident_response", {}, blocking=True
        )
    else:
        switch = er.async_get(hass).async_get_entity_id(
            "switch", DOMAIN, f"{entry.entry_id}_{SYSTEM_DEVICE_KEY}_incident_response"
        )
        assert switch is not None
        await hass.services.async_call(
            "switch", "turn_off", {"entity_id": switch}, blocking=True
        )
        assert hass.states.get(switch).state == STATE_OFF  # type: ignore[union-attr]
    assert entry.runtime_data.controls.incident_response is False

    await hass.async_add_executor_job(postgres.stop)
    for _ in range(5):
        await _cycle(hass, entry)

    assert entry.runtime_data.data.components[TARGET].consecutive_failures == 5
    (incident,) = await _incidents(hass)
    assert incident["status"] == "new"
    assert incident["recovery"] == {}
    assert _attempts(entry) == []

    await hass.services.async_call(DOMAIN, "start_incident_response", {}, blocking=True)
    await _cycle(hass, entry)
    assert [a["action"] for a in _attempts(entry)] == ["database_reconnect"]


async def _set_up_script(hass: HomeAssistant) -> None:
    """Set up an input_boolean and a script that turns it on."""
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"endpoint_restarted": {}}}
    )
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "restart_endpoint": {
                    "sequence": [
                        {
                            "action": "input_boolean.turn_on",
                            "target": {"entity_id": RESTARTED},
                        }
                    ]
                }
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get(RESTARTED).state == STATE_OFF  # type: ignore[union-attr]


async def test_endpoint_recovery_script_runs_once_success_rate_is_below_half(
    hass: HomeAssistant,
    endpoint: HttpServer,
    setup_target: SetupTarget,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The chosen script runs when under half of the recent checks succeeded."""
    await _set_up_script(hass)
    entry = await setup_target(
        "http_endpoint",
        endpoint_data(endpoint.url, recovery_script=RECOVERY_SCRIPT),
    )
    # Five good checks (set-up ran the first), then the endpoint breaks.
    for _ in range(4):
        await _cycle(hass, entry)
    endpoint.status = 500
    # 5 of 10 checks succeeded: 50 %, not below half yet.
    for _ in range(5):
        await _cycle(hass, entry)
    component = entry.runtime_data.data.components[TARGET]
    assert component.status == "critical"
    assert component.metrics["success_rate"] == 50.0
    assert _attempts(entry) == []
    assert hass.states.get(RESTARTED).state == STATE_OFF  # type: ignore[union-attr]

    await _cycle(hass, entry)

    assert entry.runtime_data.data.components[TARGET].metrics["success_rate"] == (45.5)
    assert hass.states.get(RESTARTED).state == STATE_ON  # type: ignore[union-attr]
    (attempt,) = _attempts(entry)
    assert attempt == {
        "action": "endpoint_recovery",
        "success": True,
        "error": None,
        "attempt": 1,
    }
    event = _event_state(hass, entry)
    assert event.attributes["event_type"] == "recovery_attempted"
    assert event.attributes["detail_action"] == "endpoint_recovery"
    assert event.attributes["detail_success"] is True

    # Once more after the 15 minute cooldown, then no more (two attempts at most).
    await hass.services.async_call(
        "input_boolean", "turn_off", {"entity_id": RESTARTED}, blocking=True
    )
    freezer.tick(timedelta(minutes=14))
    await _cycle(hass, entry)
    assert hass.states.get(RESTARTED).state == STATE_OFF  # type: ignore[union-attr]
    freezer.tick(timedelta(minutes=1))
    await _cycle(hass, entry)
    assert hass.states.get(RESTARTED).state == STATE_ON  # type: ignore[union-attr]
    await hass.services.async_call(
        "input_boolean", "turn_off", {"entity_id": RESTARTED}, blocking=True
    )
    freezer.tick(timedelta(minutes=30))
    await _cycle(hass, entry)
    assert hass.states.get(RESTARTED).state == STATE_OFF  # type: ignore[union-attr]
    assert [a["attempt"] for a in _attempts(entry)] == [1, 2]


async def test_endpoint_recovery_waits_for_five_checks_of_a_new_endpoint(
    hass: HomeAssistant, endpoint: HttpServer, setup_target: SetupTarget
) -> None:
    """An endpoint failing from its first check gets its script only at the fifth."""
    await _set_up_script(hass)
    endpoint.status = 500
    entry = await setup_target(
        "http_endpoint",
        endpoint_data(endpoint.url, recovery_script=RECOVERY_SCRIPT),
    )
    # Set-up ran check 1; checks 2 to 4 fail too: 0 % of too few checks.
    for _ in range(3):
        await _cycle(hass, entry)
    assert _attempts(entry) == []
    assert hass.states.get(RESTARTED).state == STATE_OFF  # type: ignore[union-attr]

    await _cycle(hass, entry)

    assert hass.states.get(RESTARTED).state == STATE_ON  # type: ignore[union-attr]
    assert [a["attempt"] for a in _attempts(entry)] == [1]


async def test_endpoint_without_recovery_script_records_no_attempt(
    hass: HomeAssistant, endpoint: HttpServer, setup_target: SetupTarget
) -> None:
    """Without a chosen script nothing is tried and the timeline stays clean."""
    await _set_up_script(hass)
    entry = await setup_target("http_endpoint", endpoint_data(endpoint.url))
    endpoint.status = 500
    for _ in range(6):
        await _cycle(hass, entry)

    component = entry.runtime_data.data.components[TARGET]
    assert component.status == "critical"
    assert component.metrics["success_rate"] is not None
    assert component.metrics["success_rate"] < 50
    (incident,) = await _incidents(hass)
    assert incident["status"] == "new"
    assert incident["recovery"] == {}
    assert _attempts(entry) == []
    assert hass.states.get(RESTARTED).state == STATE_OFF  # type: ignore[union-attr]
    assert _event_state(hass, entry).attributes["event_type"] != ("recovery_attempted")


async def test_mqtt_reconnect_is_tried_after_two_failures_and_fails_while_down(
    hass: HomeAssistant, mosquitto: MosquittoServer, setup_target: SetupTarget
) -> None:
    """A stopped broker brings a failed reconnect once the second failure is counted."""
    entry = await setup_target(
        "mqtt_broker",
        {"host": mosquitto.host, "port": mosquitto.anonymous_port, "tls": False},
    )
    coordinator = entry.runtime_data
    assert coordinator.data.components[TARGET].status == "healthy"

    await hass.async_add_executor_job(mosquitto.stop)
    # The lost connection is pushed at once: the first failure, no cycle yet.
    async with asyncio.timeout(WAIT):
        while coordinator.data.components[TARGET].status != "critical":
            await asyncio.sleep(0.05)
    await hass.async_block_till_done()
    assert coordinator.data.components[TARGET].consecutive_failures == 1
    assert _attempts(entry) == []

    # The connection task runs as long as the entry, so wait for the attempt
    # itself rather than for every background task.
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert coordinator.data.components[TARGET].consecutive_failures == 2
    await _wait_for_attempts(entry, 1)

    (attempt,) = _attempts(entry)
    assert attempt["action"] == "mqtt_reconnect"
    assert attempt["success"] is False
    assert attempt["attempt"] == 1
    assert f"{mosquitto.host}:{mosquitto.anonymous_port}" in attempt["error"]
    event = _event_state(hass, entry)
    assert event.attributes["event_type"] == "recovery_attempted"
    assert event.attributes["detail_action"] == "mqtt_reconnect"


async def test_memory_relief_drops_histories_of_checks_no_longer_run(
    hass: HomeAssistant,
) -> None:
    """Memory relief forgets the history of a built-in check that was turned off.

    Its condition (host memory above 90 %) cannot be produced on a test
    machine, so the executor is called directly, after a real reload left
    the turned-off check's history behind.
    """
    options = {
        CONF_CHECKS: ["system_resources", "ha_process", "event_loop"],
        CONF_DISK_PATHS: [hass.config.config_dir],
        "update_interval": UPDATE_INTERVAL,
    }
    entry = health_monitor_entry(title="Health Monitor", options=options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.monitor.history("event_loop") is not None

    hass.config_entries.async_update_entry(
        entry, options={**options, CONF_CHECKS: ["system_resources", "ha_process"]}
    )
    await hass.async_block_till_done()
    coordinator = entry.runtime_data
    assert entry.state is ConfigEntryState.LOADED
    assert "event_loop" not in coordinator.data.components
    assert coordinator.monitor.history("event_loop") is not None

    # Called directly: the action runs only on host memory above 90 %.
    assert await async_relieve_memory(hass, coordinator, "system_resources")

    assert coordinator.monitor.history("event_loop") is None
    assert "event_loop" not in coordinator.monitor.known_component_ids()
    assert coordinator.monitor.history("system_resources") is not None
    assert coordinator.monitor.history("ha_process") is not None
    response = await hass.services.async_call(
        DOMAIN,
        "get_component_history",
        {"component": "system_resources"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["count"] == 2
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
