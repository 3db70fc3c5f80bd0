"""Network targets against a real TCP server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import socket
import struct
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.snapshot_store import history_store_key
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
from tests.lanes import find_device, needs_dns

from .flows import submit_target_form
from .http_servers import free_port
from .mosquitto_server import MosquittoServer
from .target_entities import enable_sensors, refresh, sensor

pytestmark = pytest.mark.usefixtures("socket_enabled")

SUBENTRY_TYPE = "network"
BUILT_IN = ("system_resources", "ha_process", "event_loop")


@asynccontextmanager
async def tcp_server(port: int = 0) -> AsyncIterator[int]:
    """Accept TCP connections on loopback until the block ends; yield the port."""

    async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", port)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def target_input(
    host: str, port: int | None = None, **overrides: Any
) -> dict[str, Any]:
    """Return form input with generous latency levels for a busy machine."""
    data: dict[str, Any] = {
        "host": host,
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
        **overrides,
    }
    if port is not None:
        data["port"] = port
    return data


async def submit(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> FlowResult:
    """Fill in the add form once and return the result."""
    return await submit_target_form(hass, entry, SUBENTRY_TYPE, user_input)


async def add_target(
    hass: HomeAssistant, entry: MockConfigEntry, host: str, port: int | None = None
) -> str:
    """Add a target through the form; return its subentry id."""
    result = await submit(hass, entry, target_input(host, port))
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    (subentry_id,) = [
        sid
        for sid, sub in entry.subentries.items()
        if sub.subentry_type == SUBENTRY_TYPE
    ]
    return subentry_id


async def test_listening_port_is_added_and_healthy(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """A name with a listening port is saved as host:port and reports both times."""
    result = await submit(hass, loaded_entry, target_input("localhost", listening_port))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"localhost:{listening_port}"
    (sid,) = loaded_entry.subentries
    status = sensor(hass, loaded_entry, sid, "status")
    assert status.state == "healthy"
    assert status.attributes["message"].startswith(
        f"localhost:{listening_port} reachable"
    )
    assert "DNS" in status.attributes["message"]
    await enable_sensors(hass, loaded_entry, f"{sid}_dns_ms", f"{sid}_connect_ms")
    for key in ("dns_ms", "connect_ms"):
        state = sensor(hass, loaded_entry, sid, key)
        assert float(state.state) >= 0
        assert state.attributes["unit_of_measurement"] == "ms"


async def test_an_ip_address_needs_no_name_resolution(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """An address is connected to directly; its DNS time stays unknown."""
    sid = await add_target(hass, loaded_entry, "127.0.0.1", listening_port)

    status = sensor(hass, loaded_entry, sid, "status")
    assert status.state == "healthy"
    assert "DNS" not in status.attributes["message"]
    await enable_sensors(hass, loaded_entry, f"{sid}_dns_ms", f"{sid}_connect_ms")
    assert sensor(hass, loaded_entry, sid, "dns_ms").state == "unknown"
    assert float(sensor(hass, loaded_entry, sid, "connect_ms").state) >= 0


async def test_host_without_port_only_resolves_the_name(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Without a port only name resolution is measured."""
    sid = await add_target(hass, loaded_entry, "localhost")

    status = sensor(hass, loaded_entry, sid, "status")
    assert status.state == "healthy"
    assert "resolves to" in status.attributes["message"]
    assert loaded_entry.subentries[sid].title == "localhost"
    await enable_sensors(hass, loaded_entry, f"{sid}_dns_ms", f"{sid}_connect_ms")
    assert float(sensor(hass, loaded_entry, sid, "dns_ms").state) >= 0
    assert sensor(hass, loaded_entry, sid, "connect_ms").state == "unknown"


async def test_refused_port_is_refused_by_the_form(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Nobody listening on the port is cannot_connect on the port field."""
    result = await submit(hass, loaded_entry, target_input("127.0.0.1", free_port()))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"port": "cannot_connect"}
    assert not loaded_entry.subentries


@needs_dns
async def test_unresolvable_host_is_refused_by_the_form(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A name that does not resolve is cannot_connect on the host field."""
    result = await submit(hass, loaded_entry, target_input("no-such-host.invalid"))

    assert result["errors"] == {"host": "cannot_connect"}
    assert not loaded_entry.subentries


async def test_blank_host_is_refused_by_the_form(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A host of only spaces is refused on the host field."""
    result = await submit(hass, loaded_entry, target_input("   "))

    assert result["errors"] == {"host": "cannot_connect"}


async def test_stopped_server_is_critical_next_cycle_and_healthy_once_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A server that stops is critical within one cycle; built-ins keep reporting."""
    async with tcp_server() as listening:
        sid = await add_target(hass, loaded_entry, "127.0.0.1", listening)
        assert sensor(hass, loaded_entry, sid, "status").state == "healthy"
    components = loaded_entry.runtime_data.monitor.components
    checked_before = {cid: components[cid].last_checked for cid in BUILT_IN}

    await refresh(hass, loaded_entry)

    status = sensor(hass, loaded_entry, sid, "status")
    assert status.state == "critical"
    assert "refuses connections" in status.attributes["message"]
    for cid in BUILT_IN:
        builtin = sensor(hass, loaded_entry, cid, "status")
        # Their own status depends on this busy machine; they still ran and reported.
        assert builtin.state not in ("unavailable", "unknown"), cid
        assert components[cid].last_checked != checked_before[cid], cid
        assert str(listening) not in builtin.attributes["message"], cid

    async with tcp_server(listening):
        await refresh(hass, loaded_entry)
        assert sensor(hass, loaded_entry, sid, "status").state == "healthy"


async def test_removing_a_target_removes_device_entities_and_history(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    listening_port: int,
    hass_storage: dict[str, Any],
) -> None:
    """A removed target leaves no device, entity or history behind."""
    sid = await add_target(hass, loaded_entry, "127.0.0.1", listening_port)
    await refresh(hass, loaded_entry)
    entity_ids = [
        entity.entity_id
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), loaded_entry.entry_id
        )
        if entity.config_subentry_id == sid
    ]
    assert len(entity_ids) >= 3
    assert loaded_entry.runtime_data.monitor.history(sid) is not None

    assert hass.config_entries.async_remove_subentry(loaded_entry, sid)
    await hass.async_block_till_done()

    registry = er.async_get(hass)
    assert all(registry.async_get(entity_id) is None for entity_id in entity_ids)
    assert all(hass.states.get(entity_id) is None for entity_id in entity_ids)
    device = find_device(
        hass, loaded_entry.entry_id, (DOMAIN, f"{loaded_entry.entry_id}_{sid}")
    )
    assert device is None
    assert loaded_entry.runtime_data.monitor.history(sid) is None
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    stored = hass_storage[history_store_key(loaded_entry.entry_id)]["data"]
    assert sid not in stored["histories"]
    assert "event_loop" in stored["histories"]


async def test_same_target_twice_is_already_configured(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """The same host and port cannot be added twice."""
    await add_target(hass, loaded_entry, "127.0.0.1", listening_port)

    result = await submit(
        hass, loaded_entry, target_input(" 127.0.0.1 ", listening_port)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(loaded_entry.subentries) == 1


async def test_reconfigure_moves_the_target_to_another_port(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Reconfiguring changes the port, the title and what is checked."""
    async with tcp_server() as first, tcp_server() as second:
        sid = await add_target(hass, loaded_entry, "127.0.0.1", first)

        result = await hass.config_entries.subentries.async_init(
            (loaded_entry.entry_id, SUBENTRY_TYPE),
            context={"source": "reconfigure", "subentry_id": sid},
        )
        assert result["type"] is FlowResultType.FORM
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], target_input("127.0.0.1", second)
        )
        await hass.async_block_till_done()

        assert result["reason"] == "reconfigure_successful"
        subentry = loaded_entry.subentries[sid]
        assert subentry.data["port"] == second
        assert subentry.title == f"127.0.0.1:{second}"
    async with tcp_server(second):
        await refresh(hass, loaded_entry)
        status = sensor(hass, loaded_entry, sid, "status")
        assert status.state == "healthy"
        assert f":{second} reachable" in status.attributes["message"]


async def test_reconfigure_to_a_refused_port_keeps_the_old_one(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """A port nobody listens on is refused and the stored target is unchanged."""
    sid = await add_target(hass, loaded_entry, "127.0.0.1", listening_port)
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_TYPE),
        context={"source": "reconfigure", "subentry_id": sid},
    )

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], target_input("127.0.0.1", free_port())
    )

    assert result["errors"] == {"port": "cannot_connect"}
    assert loaded_entry.subentries[sid].data["port"] == listening_port


@asynccontextmanager
async def resetting_server() -> AsyncIterator[int]:
    """Accept TCP connections and reset them at once (like a busy service)."""

    async def reset(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    server = await asyncio.start_server(reset, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def test_server_resetting_accepted_connections_is_reachable(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A port that accepts the connection is reachable even if it resets it right away."""
    async with resetting_server() as listening:
        sid = await add_target(hass, loaded_entry, "127.0.0.1", listening)
        for _ in range(5):
            await refresh(hass, loaded_entry)
            status = sensor(hass, loaded_entry, sid, "status")
            assert status.state == "healthy", status.attributes["message"]


async def test_a_network_target_may_watch_the_address_of_another_kind_of_target(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A broker and a network target on one host:port are two targets, not duplicates."""
    port = mosquitto.anonymous_port
    broker = await submit_target_form(
        hass,
        loaded_entry,
        "mqtt_broker",
        {
            "host": "127.0.0.1",
            "port": port,
            "latency_warning_ms": 5000,
            "latency_critical_ms": 10000,
        },
    )
    assert broker["type"] is FlowResultType.CREATE_ENTRY

    result = await submit(hass, loaded_entry, target_input("127.0.0.1", port))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(loaded_entry.subentries) == 2
