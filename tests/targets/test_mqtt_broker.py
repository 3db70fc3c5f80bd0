"""MQTT broker targets against a private Mosquitto on loopback."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.engine.runner import run_check
from custom_components.health_monitor.targets.base import TargetError
from custom_components.health_monitor.targets.mqtt_broker import (
    probe as mqtt_broker_check,
)
from custom_components.health_monitor.targets.mqtt_broker.probe import MqttBrokerCheck
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .flows import submit_target_form
from .mosquitto_server import MosquittoServer, free_port
from .target_entities import refresh, sensor, wait_for_status

pytestmark = pytest.mark.usefixtures("socket_enabled")

SUBENTRY_TYPE = "mqtt_broker"
BUILTIN_COMPONENTS = ("system_resources", "ha_process", "event_loop")


def broker_input(port: int, **overrides: Any) -> dict[str, Any]:
    """Return form input for a loopback broker with generous latency levels."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "tls": False,
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
        **overrides,
    }


async def submit(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> FlowResult:
    """Fill in the add form once and return the result."""
    return await submit_target_form(hass, entry, SUBENTRY_TYPE, user_input)


async def add_broker(
    hass: HomeAssistant, entry: MockConfigEntry, port: int, **overrides: Any
) -> str:
    """Add a broker through the form; return its subentry id."""
    result = await submit(hass, entry, broker_input(port, **overrides))
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    (subentry_id,) = [
        sid
        for sid, sub in entry.subentries.items()
        if sub.subentry_type == SUBENTRY_TYPE
    ]
    return subentry_id


def device_of(
    hass: HomeAssistant, entry: MockConfigEntry, sid: str
) -> dr.DeviceEntry | None:
    """Return the device of a component (looked up the same way on every HA version)."""
    identifier = (DOMAIN, f"{entry.entry_id}_{sid}")
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return next((d for d in devices if identifier in d.identifiers), None)


def check_of(entry: MockConfigEntry, sid: str) -> MqttBrokerCheck:
    """Return the running check of a broker target."""
    (check,) = [t for t in entry.runtime_data.targets if t.component_id == sid]
    assert isinstance(check, MqttBrokerCheck)
    return check


@pytest.fixture
async def password_broker(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> str:
    """Add the password listener of the broker as a target; return its id."""
    return await add_broker(
        hass,
        loaded_entry,
        mosquitto.password_port,
        username=mosquitto.username,
        password=mosquitto.password,
    )


async def test_anonymous_broker_is_added_with_a_measured_round_trip(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """An anonymous broker gets a device, a healthy status and a round trip in ms."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)

    subentry = loaded_entry.subentries[sid]
    assert subentry.title == f"MQTT on 127.0.0.1:{mosquitto.anonymous_port}"
    assert "password" not in subentry.data
    device = device_of(hass, loaded_entry, sid)
    assert device is not None
    assert device.name == subentry.title
    status = sensor(hass, loaded_entry, sid, "status")
    assert status.state == "healthy", status.attributes["message"]
    assert "round trip" in status.attributes["message"]
    round_trip = sensor(hass, loaded_entry, sid, "round_trip_ms")
    assert float(round_trip.state) > 0
    assert round_trip.attributes["unit_of_measurement"] == "ms"
    component = loaded_entry.runtime_data.data.components[sid]
    assert isinstance(component.metrics["connect_ms"], float)
    assert component.metrics["connect_ms"] > 0


async def test_broker_with_password_is_added_and_the_password_never_shows(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A password broker is healthy; its password is in no state, message or log."""
    caplog.set_level(logging.DEBUG)
    result = await submit(
        hass,
        loaded_entry,
        broker_input(
            mosquitto.password_port,
            username=mosquitto.username,
            password=mosquitto.password,
        ),
    )
    await loaded_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    sid = next(
        s.subentry_id
        for s in loaded_entry.subentries.values()
        if s.subentry_type == SUBENTRY_TYPE
    )
    assert sensor(hass, loaded_entry, sid, "status").state == "healthy"
    shown = json.dumps(
        [
            # HA's flow views drop the created entry's data before answering.
            {k: v for k, v in result.items() if k not in ("result", "data")},
            [dict(state.attributes) for state in hass.states.async_all()],
            [state.state for state in hass.states.async_all()],
        ],
        default=str,
    )
    assert mosquitto.password not in shown
    assert mosquitto.password not in caplog.text


async def test_wrong_password_is_refused_and_nothing_is_saved(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A password the broker refuses is an invalid_auth error on the password field."""
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-password-123"  # noqa: S105 - the secret the test looks for
    result = await submit(
        hass,
        loaded_entry,
        broker_input(
            mosquitto.password_port, username=mosquitto.username, password=wrong
        ),
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"password": "invalid_auth"}
    assert not loaded_entry.subentries
    assert wrong not in json.dumps(result, default=str)
    assert wrong not in caplog.text


async def test_missing_credentials_are_refused_as_invalid_auth_on_the_user_name(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A broker that needs a login refuses an anonymous client: invalid_auth."""
    result = await submit(hass, loaded_entry, broker_input(mosquitto.password_port))

    assert result["errors"] == {"username": "invalid_auth"}
    assert not loaded_entry.subentries


async def test_refused_port_is_refused_as_cannot_connect(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A port nobody listens on is a cannot_connect error on the host field."""
    result = await submit(hass, loaded_entry, broker_input(free_port()))

    assert result["errors"] == {"host": "cannot_connect"}
    assert not loaded_entry.subentries


async def test_broker_that_never_answers_is_refused_as_timeout(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A server that accepts TCP but never answers MQTT is a timeout."""
    peers: list[asyncio.StreamWriter] = []

    async def stay_silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peers.append(writer)

    server = await asyncio.start_server(stay_silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        result = await submit(hass, loaded_entry, broker_input(port))
    finally:
        for writer in peers:
            writer.close()
        server.close()
        await server.wait_closed()
        await asyncio.sleep(0.2)

    assert result["errors"] == {"base": "timeout"}
    assert not loaded_entry.subentries


async def test_broker_that_never_echoes_is_refused_as_timeout(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A login that may publish but not read the health topic times out."""
    result = await submit(
        hass,
        loaded_entry,
        broker_input(
            mosquitto.password_port,
            username=mosquitto.mute_username,
            password=mosquitto.password,
        ),
    )

    assert result["errors"] == {"base": "timeout"}
    assert not loaded_entry.subentries


async def test_empty_host_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A blank host cannot be connected to."""
    result = await submit(hass, loaded_entry, broker_input(1883, host="  "))

    assert result["errors"] == {"host": "cannot_connect"}


async def test_same_broker_twice_is_already_configured(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """Adding the same host and port again aborts."""
    await add_broker(hass, loaded_entry, mosquitto.anonymous_port)

    result = await submit(hass, loaded_entry, broker_input(mosquitto.anonymous_port))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(loaded_entry.subentries) == 1


async def test_reconfigure_keeps_the_stored_password_when_left_empty(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    password_broker: str,
) -> None:
    """Reconfiguring without typing the password keeps it and still connects."""
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_TYPE),
        context={"source": "reconfigure", "subentry_id": password_broker},
    )
    assert result["type"] is FlowResultType.FORM
    assert mosquitto.password not in json.dumps(result, default=str)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        broker_input(
            mosquitto.password_port,
            username=mosquitto.username,
            latency_warning_ms=4000,
        ),
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    data = loaded_entry.subentries[password_broker].data
    assert data["password"] == mosquitto.password
    assert data["latency_warning_ms"] == 4000
    assert sensor(hass, loaded_entry, password_broker, "status").state == "healthy"


async def test_stopped_broker_turns_critical_at_once_and_recovers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A broker going away is pushed as critical without a cycle; back, it is healthy."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    assert sensor(hass, loaded_entry, sid, "status").state == "healthy"
    builtins = {c: sensor(hass, loaded_entry, c, "status") for c in BUILTIN_COMPONENTS}
    components = loaded_entry.runtime_data.monitor.components
    checked = {c: components[c].last_checked for c in BUILTIN_COMPONENTS}

    mosquitto.stop()
    state = await wait_for_status(hass, loaded_entry, sid, "critical")

    assert "127.0.0.1" in state.attributes["message"]
    for component, before in builtins.items():
        after = sensor(hass, loaded_entry, component, "status")
        assert after.state == before.state
        assert components[component].last_checked == checked[component]

    mosquitto.start()
    await wait_for_status(hass, loaded_entry, sid, "healthy")
    assert float(sensor(hass, loaded_entry, sid, "round_trip_ms").state) > 0


async def test_pushed_disconnect_opens_an_incident_without_a_cycle(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """The incident and its problem sensor follow a pushed disconnect at once."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)

    mosquitto.stop()
    await wait_for_status(hass, loaded_entry, sid, "critical")

    incident = loaded_entry.runtime_data.incidents.incident_for(sid)
    assert incident is not None
    assert incident.severity == "critical"
    problem = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{loaded_entry.entry_id}_{sid}_incident"
    )
    assert problem is not None
    assert hass.states.get(problem).state == "on"  # type: ignore[union-attr]


async def test_pushes_are_ignored_while_monitoring_is_stopped(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """With monitoring stopped a disconnect changes no status and opens nothing."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    await hass.services.async_call(DOMAIN, "stop_monitoring", blocking=True)

    mosquitto.stop()
    for _ in range(20):
        await asyncio.sleep(0.1)
        await hass.async_block_till_done()

    assert sensor(hass, loaded_entry, sid, "status").state == "healthy"
    assert loaded_entry.runtime_data.incidents.incident_for(sid) is None


async def test_cycle_while_the_broker_is_down_reports_critical(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A regular cycle during an outage keeps the target critical with a reason."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    mosquitto.stop()
    await wait_for_status(hass, loaded_entry, sid, "critical")

    await loaded_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    state = sensor(hass, loaded_entry, sid, "status")
    assert state.state == "critical"
    assert state.attributes["consecutive_failures"] >= 1


async def test_reconnect_action_connects_again(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """The reconnect recovery drops the connection and measures through a new one."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    (check,) = [
        target
        for target in loaded_entry.runtime_data.targets
        if target.component_id == sid
    ]
    assert isinstance(check, MqttBrokerCheck)

    await check.async_reconnect()
    result = await check.async_check()

    assert result.status == "healthy", result.message
    assert result.metrics["round_trip_ms"] is not None


async def test_reconnect_action_fails_while_the_broker_is_down(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """Reconnecting to a stopped broker reports the failure."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    (check,) = [
        target
        for target in loaded_entry.runtime_data.targets
        if target.component_id == sid
    ]
    assert isinstance(check, MqttBrokerCheck)
    mosquitto.stop()
    await wait_for_status(hass, loaded_entry, sid, "critical")

    with pytest.raises(TargetError, match="Cannot connect") as failure:
        await check.async_reconnect()

    assert failure.value.reason == "cannot_connect"


async def test_removing_a_broker_removes_device_entities_and_history(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A removed broker leaves no device, entity or history behind."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    entity_id = sensor(hass, loaded_entry, sid, "round_trip_ms").entity_id

    assert hass.config_entries.async_remove_subentry(loaded_entry, sid)
    await hass.async_block_till_done()

    assert er.async_get(hass).async_get(entity_id) is None
    assert device_of(hass, loaded_entry, sid) is None
    assert sid not in loaded_entry.runtime_data.monitor.known_component_ids()


async def test_broker_back_is_healthy_at_the_first_check_after_it_returns(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A check does not wait for the reconnect delay: it tries the broker again."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    mosquitto.stop()
    await wait_for_status(hass, loaded_entry, sid, "critical")
    # Let a reconnect attempt fail, so the next one is seconds away.
    await asyncio.sleep(1.5)

    mosquitto.start()
    await refresh(hass, loaded_entry)

    state = sensor(hass, loaded_entry, sid, "status")
    assert state.state == "healthy", state.attributes["message"]


async def test_broker_back_is_seen_within_one_update_interval(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """However long the reconnect delay has grown, it never exceeds the update interval."""
    # The delay as it stands after a long outage.
    monkeypatch.setattr(mqtt_broker_check, "RECONNECT_MIN_DELAY", 60.0)
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, "update_interval": 5}
    )
    await hass.async_block_till_done()
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    # No reconnect recovery action: the check comes back by itself.
    await hass.services.async_call(DOMAIN, "stop_incident_response", blocking=True)
    mosquitto.stop()
    await wait_for_status(hass, loaded_entry, sid, "critical")

    mosquitto.start()
    # One update interval, and a margin for connecting.
    state = await wait_for_status(hass, loaded_entry, sid, "healthy", seconds=8)
    assert "round trip" in state.attributes["message"]


async def test_check_of_a_broker_that_accepts_and_never_answers_returns_in_time(
    hass: HomeAssistant,
) -> None:
    """A silent server costs one check timeout, and its socket is let go of."""
    peers: list[asyncio.StreamWriter] = []

    async def stay_silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peers.append(writer)

    server = await asyncio.start_server(stay_silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    check = MqttBrokerCheck(hass, "silent", "Silent broker", broker_input(port))
    try:
        async with asyncio.timeout(5):
            result = await run_check(check, 1.0)
        assert result.status is HealthStatus.CRITICAL
        assert result.message == "No answer within 1 s"
        assert peers
    finally:
        await check.async_close()
        for writer in peers:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_frozen_broker_costs_one_check_timeout_and_its_connection_is_replaced(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A broker that stops answering mid-session: critical in time, then a new session."""
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    check = check_of(loaded_entry, sid)
    # Which session the check holds is seen nowhere public (the broker shows
    # only a count of clients), so the check's private client is compared.
    before = check._client
    assert before is not None

    mosquitto.pause()
    try:
        async with asyncio.timeout(5):
            result = await run_check(check, 1.0)
    finally:
        mosquitto.resume()
    assert result.status is HealthStatus.CRITICAL
    assert result.message == "No answer within 1 s"

    result = await check.async_check()
    assert result.status is HealthStatus.HEALTHY, result.message
    assert check._client is not None
    assert check._client is not before
