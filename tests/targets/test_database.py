"""Database targets against a real private PostgreSQL server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import asdict
import logging
from typing import Any
import uuid

from aiohttp.test_utils import TestClient
import asyncpg
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.engine.runner import run_check
from custom_components.health_monitor.targets.base import TargetError
from custom_components.health_monitor.targets.database import probe as database_check
from custom_components.health_monitor.targets.database.probe import (
    DatabaseCheck,
    connections_status,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from tests.lanes import find_device, needs_dns

from .flows import submit_target_form
from .postgres_server import (
    APP_DATABASE,
    MAX_CONNECTIONS,
    MONITOR_PASSWORD,
    MONITOR_USER,
    SUPERUSER_RESERVED_CONNECTIONS,
    USABLE_CONNECTIONS,
    PostgresServer,
    close_all,
    free_port,
    running_postgres,
    slow_login_proxy,
)
from .target_entities import refresh, sensor, status

pytestmark = pytest.mark.usefixtures("socket_enabled")

SUBENTRY_TYPE = "database"
# Levels are percentages (at most 100): a busy machine's CPU can reach any of
# them, so the host check is left out; the HA process's share of memory cannot.
BUILTIN = ("ha_process",)


@pytest.fixture
def options(hass: HomeAssistant) -> dict[str, Any]:
    """Watch the HA process only, with memory levels no test process reaches."""
    return {
        "checks": list(BUILTIN),
        "disk_paths": [hass.config.config_dir],
        "memory_warning": 99.9,
        "memory_critical": 100,
    }


@pytest.fixture
async def entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> AsyncGenerator[MockConfigEntry]:
    """Return the loaded entry; unload it at the end so database sessions close."""
    yield loaded_entry
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()


def database_input(postgres: PostgresServer, **overrides: Any) -> dict[str, Any]:
    """Return form input for the private server's application database."""
    return {
        "host": postgres.host,
        "port": postgres.port,
        "database": APP_DATABASE,
        "username": MONITOR_USER,
        "password": MONITOR_PASSWORD,
        "ssl_mode": "disable",
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
        **overrides,
    }


async def submit(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> FlowResult:
    """Fill in the add form once and return the result."""
    return await submit_target_form(hass, entry, SUBENTRY_TYPE, user_input)


async def add_database(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    postgres: PostgresServer,
    **overrides: Any,
) -> str:
    """Add the server's database through the form; return its subentry id."""
    result = await submit(hass, entry, database_input(postgres, **overrides))
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    return databases(entry)[-1]


def databases(entry: MockConfigEntry) -> list[str]:
    """Return the ids of the entry's database targets."""
    return [
        sid
        for sid, sub in entry.subentries.items()
        if sub.subentry_type == SUBENTRY_TYPE
    ]


def check_of(entry: MockConfigEntry, sid: str) -> DatabaseCheck:
    """Return the running check of a database target."""
    (check,) = [t for t in entry.runtime_data.targets if t.component_id == sid]
    assert isinstance(check, DatabaseCheck)
    return check


async def asyncpg_connect_as_monitor(postgres: PostgresServer) -> Any:
    """Return a session of the monitoring role, as an application would hold one."""
    return await asyncpg.connect(
        host=postgres.host,
        port=postgres.port,
        user=MONITOR_USER,
        password=MONITOR_PASSWORD,
        database=APP_DATABASE,
        ssl=False,
    )


async def monitor_backends(postgres: PostgresServer) -> set[int]:
    """Return the process ids of the monitor's sessions on the postgres."""
    connection = await postgres.connect()
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
            database_check.APPLICATION_NAME,
        )
    finally:
        await connection.close()
    return {row["pid"] for row in rows}


async def assert_monitor_hung_up(postgres: PostgresServer, seconds: float = 5) -> None:
    """Wait until the server has no session of the monitor left (it sees a closed socket late)."""
    async with asyncio.timeout(seconds):
        while await monitor_backends(postgres):
            await asyncio.sleep(0.1)


# --- Adding a database ----------------------------------------------------


async def test_adding_a_database_creates_its_device_and_sensors_with_real_values(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A valid form saves the target; its device and sensors show the postgres."""
    sid = await add_database(hass, entry, postgres)
    subentry = entry.subentries[sid]
    assert subentry.title == f"{APP_DATABASE} on 127.0.0.1:{postgres.port}"

    device = find_device(hass, entry.entry_id, (DOMAIN, f"{entry.entry_id}_{sid}"))
    assert device is not None
    assert device.name == subentry.title
    assert device.model == "Database"

    state = status(hass, entry, sid)
    assert state.state == "healthy"
    major = postgres.bin_dir.parent.name
    assert f"PostgreSQL {major}." in state.attributes["message"]
    metrics = entry.runtime_data.data.components[sid].metrics
    assert str(metrics["server_version"]).startswith(f"{major}.")
    assert metrics["max_connections"] == MAX_CONNECTIONS

    connections = sensor(hass, entry, sid, "connections_percent")
    assert 0 < float(connections.state) < 80
    assert connections.attributes["unit_of_measurement"] == "%"
    size = sensor(hass, entry, sid, "database_size_mb")
    assert float(size.state) > 1
    assert size.attributes["device_class"] == "data_size"
    assert float(sensor(hass, entry, sid, "response_time").state) > 0
    assert float(sensor(hass, entry, sid, "oldest_query_s").state) >= 0
    # A primary has no replication lag and plain PostgreSQL no TimescaleDB:
    # no sensor for either (it would stay unknown forever).
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    keys = {
        e.unique_id.removeprefix(f"{entry.entry_id}_{sid}_")
        for e in entities
        if e.config_subentry_id == sid and e.domain == "sensor"
    }
    assert keys == {
        "status",
        "response_time",
        "uptime_percent",
        "connections_percent",
        "oldest_query_s",
        "database_size_mb",
    }


async def test_password_field_is_a_password_input_and_not_pre_filled(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """The add and reconfigure forms never show the stored password."""
    sid = await add_database(hass, entry, postgres)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE),
        context={"source": "reconfigure", "subentry_id": sid},
    )
    fields = {str(key): key for key in result["data_schema"].schema}
    password = fields["password"]
    assert password.default is vol.UNDEFINED
    assert not (password.description or {}).get("suggested_value")
    selector = result["data_schema"].schema[password]
    assert selector.config["type"] == "password"
    assert MONITOR_PASSWORD not in str(result)


async def test_wrong_password_is_rejected_on_the_password_field_and_nothing_saved(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """The server refusing the password shows invalid_auth on the password field."""
    result = await submit(hass, entry, database_input(postgres, password="wrong-one"))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"password": "invalid_auth"}
    assert databases(entry) == []


async def test_unknown_database_is_reported_on_the_database_field(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A database the server does not have cannot be connected to."""
    result = await submit(hass, entry, database_input(postgres, database="nope"))
    assert result["errors"] == {"database": "cannot_connect"}
    assert databases(entry) == []


async def test_database_the_role_may_not_connect_to_is_reported_on_the_user_name(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A database without CONNECT privilege for the role is an authorization error."""
    name = f"locked_{uuid.uuid4().hex[:8]}"
    await postgres.execute(f"CREATE DATABASE {name}")
    await postgres.execute(f"REVOKE CONNECT ON DATABASE {name} FROM PUBLIC")
    try:
        result = await submit(hass, entry, database_input(postgres, database=name))
    finally:
        await postgres.execute(f"DROP DATABASE {name}")
    assert result["errors"] == {"username": "invalid_auth"}
    assert databases(entry) == []


@pytest.mark.parametrize(
    "host", [pytest.param("no-such-host.invalid", marks=needs_dns), "127.0.0.1"]
)
async def test_unreachable_host_cannot_connect(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer, host: str
) -> None:
    """An unresolvable name or a port nobody listens on cannot be connected to."""
    result = await submit(
        hass, entry, database_input(postgres, host=host, port=free_port())
    )
    assert result["errors"] == {"host": "cannot_connect"}
    assert databases(entry) == []


async def test_server_that_never_answers_times_out(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    postgres: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that accepts connections but stays silent is a timeout."""
    monkeypatch.setattr(database_check, "CONNECT_TIMEOUT", 1.0)
    accepted: list[asyncio.StreamWriter] = []

    async def stay_silent(
        _: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        accepted.append(writer)

    silent = await asyncio.start_server(stay_silent, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    try:
        result = await submit(hass, entry, database_input(postgres, port=port))
    finally:
        for writer in accepted:
            writer.close()
        silent.close()
        await silent.wait_closed()
    assert result["errors"] == {"base": "timeout"}
    assert accepted
    assert databases(entry) == []


async def test_require_ssl_mode_encrypts_the_connection(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """With "require" the monitor's session is encrypted (certificate not checked)."""
    sid = await add_database(hass, entry, postgres, ssl_mode="require")
    assert status(hass, entry, sid).state == "healthy"
    # A check's session lasts only as long as the check and nothing public
    # holds one open, so the private session opener is used to look at one.
    async with check_of(entry, sid)._async_session():
        connection = await postgres.connect()
        try:
            encrypted = await connection.fetch(
                "SELECT s.ssl FROM pg_stat_ssl AS s"
                " JOIN pg_stat_activity AS a USING (pid)"
                " WHERE a.application_name = $1",
                database_check.APPLICATION_NAME,
            )
        finally:
            await connection.close()
    assert [row["ssl"] for row in encrypted] == [True]


async def test_verify_full_rejects_an_unverifiable_certificate_on_ssl_mode(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A self-signed certificate fails full verification, shown on the SSL field."""
    result = await submit(hass, entry, database_input(postgres, ssl_mode="verify-full"))
    assert result["errors"] == {"ssl_mode": "cannot_connect"}
    assert databases(entry) == []


async def test_empty_user_name_is_rejected(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A blank user name is refused before connecting."""
    result = await submit(hass, entry, database_input(postgres, username="  "))
    assert result["errors"] == {"username": "invalid_auth"}


async def test_same_database_twice_is_already_configured(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """The same host, port and database cannot be added twice."""
    await add_database(hass, entry, postgres)
    result = await submit(hass, entry, database_input(postgres, host="127.0.0.1"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(databases(entry)) == 1


# --- Reconfiguring ---------------------------------------------------------


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, sid: str, user_input: dict[str, Any]
) -> FlowResult:
    """Submit the reconfigure form of a database once."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE),
        context={"source": "reconfigure", "subentry_id": sid},
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input
    )
    await hass.async_block_till_done()
    return result


async def test_reconfigure_with_empty_password_keeps_the_stored_password(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """Leaving the password empty changes the rest and keeps the password."""
    sid = await add_database(hass, entry, postgres)
    user_input = database_input(postgres, latency_warning_ms=3000)
    del user_input["password"]
    result = await reconfigure(hass, entry, sid, user_input)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    data = entry.subentries[sid].data
    assert data["password"] == MONITOR_PASSWORD
    assert data["latency_warning_ms"] == 3000
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"


async def test_reconfigure_with_a_wrong_password_changes_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A new password the server refuses is not saved."""
    sid = await add_database(hass, entry, postgres)
    result = await reconfigure(
        hass, entry, sid, database_input(postgres, password="not-it")
    )
    assert result["errors"] == {"password": "invalid_auth"}
    assert entry.subentries[sid].data["password"] == MONITOR_PASSWORD


# --- Monitoring cycles -----------------------------------------------------


async def test_stopped_server_is_critical_within_one_cycle_and_healthy_after_restart(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """Only the database turns critical; the next cycle after a restart reconnects."""
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    builtin_before = {cid: status(hass, entry, cid).state for cid in BUILTIN}
    assert status(hass, entry, sid).state == "healthy"

    checked_before = {
        cid: entry.runtime_data.data.components[cid].last_checked for cid in BUILTIN
    }

    await hass.async_add_executor_job(postgres.stop)
    await refresh(hass, entry)
    state = status(hass, entry, sid)
    assert state.state == "critical"
    assert f"127.0.0.1:{postgres.port}/{APP_DATABASE}" in state.attributes["message"]
    assert {cid: status(hass, entry, cid).state for cid in BUILTIN} == builtin_before
    for cid, checked in checked_before.items():
        assert entry.runtime_data.data.components[cid].last_checked > checked

    await hass.async_add_executor_job(postgres.start)
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"
    assert float(sensor(hass, entry, sid, "connections_percent").state) > 0


async def test_reconnect_logs_in_and_reports_an_unreachable_server(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """async_reconnect logs in (and out again), and raises while the server is down."""
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    check = check_of(entry, sid)

    await check.async_reconnect()
    assert not await monitor_backends(postgres)

    await hass.async_add_executor_job(postgres.stop)
    with pytest.raises(TargetError) as err:
        await check.async_reconnect()
    assert err.value.reason == "cannot_connect"
    assert MONITOR_PASSWORD not in str(err.value)

    await hass.async_add_executor_job(postgres.start)
    await check.async_reconnect()
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        (13, HealthStatus.HEALTHY),
        (14, HealthStatus.WARNING),
        (15, HealthStatus.WARNING),
        (16, HealthStatus.CRITICAL),
        (17, HealthStatus.CRITICAL),
        (20, HealthStatus.CRITICAL),
    ],
)
def test_connection_use_is_a_warning_from_80_and_critical_from_90_percent_of_usable(
    used: int, expected: HealthStatus
) -> None:
    """Connections in use of the usable ones (20 less 3 reserved): 80 % warning, 90 % critical."""
    usable = database_check.usable_connections(20, 3)
    assert usable == 17
    assert connections_status(used, usable) is expected


async def test_a_nearly_full_server_is_a_warning_then_critical(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """15 of the 17 usable connections is a warning, 16 is critical, with the reason.

    The monitor's own session counts: it takes a slot while it checks.
    """
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    opened = await postgres.exhaust_connections(14)
    try:
        await refresh(hass, entry)
        state = status(hass, entry, sid)
        assert state.state == "warning"
        assert (
            "15 of 17 usable connections used (88 %, 3 of 20 reserved)"
            in state.attributes["message"]
        )
        assert float(sensor(hass, entry, sid, "connections_percent").state) == 88.2

        opened.append(await postgres.connect())
        await refresh(hass, entry)
        assert status(hass, entry, sid).state == "critical"
    finally:
        await close_all(opened)
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"


async def test_every_usable_slot_taken_is_critical_although_slots_stay_reserved(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """17 of 20 connections is a full server when 3 are reserved for superusers."""
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    # The monitor's session takes the last usable slot.
    opened = await postgres.exhaust_connections(USABLE_CONNECTIONS - 1)
    try:
        await refresh(hass, entry)
        state = status(hass, entry, sid)
        assert state.state == "critical"
        assert (
            f"{USABLE_CONNECTIONS} of {USABLE_CONNECTIONS} usable connections used"
            f" (100 %, {SUPERUSER_RESERVED_CONNECTIONS} of {MAX_CONNECTIONS}"
            " reserved)" in state.attributes["message"]
        )
    finally:
        await close_all(opened)
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"


async def test_a_server_refusing_new_logins_is_critical_with_its_reason(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A server whose usable slots are all taken refuses the monitor's login: critical."""
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    opened = await postgres.exhaust_connections()
    try:
        await refresh(hass, entry)
        state = status(hass, entry, sid)
        assert state.state == "critical"
        message = state.attributes["message"]
        assert f"127.0.0.1:{postgres.port}/{APP_DATABASE} refuses new logins" in message
        assert "remaining connection slots are reserved" in message
    finally:
        await close_all(opened)
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"


async def test_a_changed_password_is_critical_at_the_next_cycle(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A login the server now refuses is critical, though open sessions keep working."""
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    # An application's session opened before the change stays logged in.
    application = await asyncpg_connect_as_monitor(postgres)
    await hass.async_add_executor_job(postgres.set_password, "An0ther-pa55")
    try:
        await refresh(hass, entry)
        state = status(hass, entry, sid)
        assert state.state == "critical"
        assert "password authentication failed" in state.attributes["message"]
        assert await application.fetchval("SELECT 1") == 1
        await refresh(hass, entry)
        assert status(hass, entry, sid).state == "critical"
    finally:
        application.terminate()
        await hass.async_add_executor_job(postgres.set_password, MONITOR_PASSWORD)
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"


async def test_a_frozen_server_costs_one_check_timeout_and_is_healthy_once_thawed(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A server that stops answering mid-session (SIGSTOP) is critical within the timeout.

    The stuck session is cut off, so the cycle does not wait for it, and the
    first cycle after the server runs again logs in anew and is healthy.
    """
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "check_timeout": 2}
    )
    await hass.async_block_till_done()
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"

    await hass.async_add_executor_job(postgres.pause)
    try:
        # Generous against a 2 s timeout; the stuck driver used to take 10 s more.
        async with asyncio.timeout(7):
            await refresh(hass, entry)
    finally:
        await hass.async_add_executor_job(postgres.resume)
    state = status(hass, entry, sid)
    assert state.state == "critical"
    assert state.attributes["message"] == "No answer within 2 s"

    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"


async def test_a_check_of_a_frozen_server_returns_within_its_timeout(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """The runner's timeout cancels the check for real: it never outlives it."""
    sid = await add_database(hass, entry, postgres)
    check = check_of(entry, sid)
    await hass.async_add_executor_job(postgres.pause)
    try:
        async with asyncio.timeout(4):
            result = await run_check(check, 1.0)
    finally:
        await hass.async_add_executor_job(postgres.resume)
    assert result.status is HealthStatus.CRITICAL
    assert result.message == "No answer within 1 s"
    await assert_monitor_hung_up(postgres)


async def test_logging_in_is_not_judged_as_a_slow_answer(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A slow login shows as the connect time; the round trip is timed on the session."""
    async with slow_login_proxy(postgres, delay=0.3) as port:
        sid = await add_database(
            hass,
            entry,
            postgres,
            port=port,
            latency_warning_ms=100,
            latency_critical_ms=200,
        )
        check = check_of(entry, sid)
        await check.async_close()
        result = await check.async_check()
        await check.async_close()
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    assert result.status is HealthStatus.HEALTHY, result.message
    connect_ms = result.metrics["connect_ms"]
    assert isinstance(connect_ms, float)
    assert connect_ms >= 300
    assert result.metrics["round_trip_ms"] == result.response_time_ms
    assert "slow answer" not in result.message


async def test_long_running_query_age_is_shown(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A query running for a while shows up as the oldest running query."""
    sid = await add_database(hass, entry, postgres)
    sleeper = await postgres.connect(APP_DATABASE)
    query = asyncio.ensure_future(sleeper.execute("SELECT pg_sleep(30)"))
    try:
        await asyncio.sleep(2)
        await refresh(hass, entry)
        # The monitor role sees other roles' queries only with pg_monitor.
        assert float(sensor(hass, entry, sid, "oldest_query_s").state) == 0
        await postgres.execute(f"GRANT pg_monitor TO {MONITOR_USER}")
        await refresh(hass, entry)
        assert float(sensor(hass, entry, sid, "oldest_query_s").state) >= 1.5
    finally:
        sleeper.terminate()
        query.cancel()
        await asyncio.gather(query, return_exceptions=True)
        await postgres.execute(f"REVOKE pg_monitor FROM {MONITOR_USER}")


async def test_check_timeout_shorter_than_a_silent_server_is_critical(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A server that stops answering is critical after the check timeout."""
    sid = await add_database(hass, entry, postgres)
    accepted: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def stay_silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        accepted.append((reader, writer))

    silent = await asyncio.start_server(stay_silent, "127.0.0.1", 0)
    try:
        hass.config_entries.async_update_subentry(
            entry,
            entry.subentries[sid],
            data={
                **entry.subentries[sid].data,
                "port": silent.sockets[0].getsockname()[1],
            },
        )
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, "check_timeout": 1}
        )
        await hass.async_block_till_done()
        await refresh(hass, entry)
        # The timed-out check hung up: the silent server reads to the end.
        assert accepted
        async with asyncio.timeout(5):
            for reader, _ in accepted:
                await reader.read()
    finally:
        for _, writer in accepted:
            writer.close()
        silent.close()
        await silent.wait_closed()
    state = status(hass, entry, sid)
    assert state.state == "critical"
    assert state.attributes["message"] == "No answer within 1 s"


async def test_replica_reports_its_replication_lag(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """A streaming standby shows its replication lag; the primary shows none."""
    with running_postgres(primary=postgres) as replica:
        await replica.wait_until_streaming()
        sid = await add_database(hass, entry, replica)
        lag = sensor(hass, entry, sid, "replication_lag_s")
        assert float(lag.state) >= 0
        assert lag.attributes["unit_of_measurement"] == "s"
        assert status(hass, entry, sid).state == "healthy"
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


# --- Secrets and removal -----------------------------------------------------


async def http_flow(
    client: TestClient, entry: MockConfigEntry, user_input: dict[str, Any], **extra: Any
) -> str:
    """Run a database form through the HTTP API the frontend uses; return the text."""
    response = await client.post(
        "/api/config/config_entries/subentries/flow",
        json={"handler": [entry.entry_id, SUBENTRY_TYPE], **extra},
    )
    assert response.status == 200
    form = await response.text()
    flow_id = (await response.json())["flow_id"]
    response = await client.post(
        f"/api/config/config_entries/subentries/flow/{flow_id}", json=user_input
    )
    assert response.status == 200
    return form + await response.text()


async def test_password_never_appears_in_states_messages_flows_dumps_or_logs(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    postgres: PostgresServer,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The password stays in the stored configuration and nowhere else."""
    caplog.set_level(logging.DEBUG)
    assert await async_setup_component(hass, "config", {})
    client = await hass_client()
    wrong = "Wr0ng-S3cret-pa55"
    seen = [
        await http_flow(client, entry, database_input(postgres, password=wrong)),
        await http_flow(client, entry, database_input(postgres)),
    ]
    assert "invalid_auth" in seen[0]
    assert '"type":"create_entry"' in seen[1].replace(" ", "")
    sid = databases(entry)[0]
    await hass.async_block_till_done()
    seen.append(
        await http_flow(
            client,
            entry,
            database_input(postgres, password=wrong),
            subentry_id=sid,
        )
    )
    assert "invalid_auth" in seen[2]

    await hass.async_add_executor_job(postgres.stop)
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "critical"
    await hass.async_add_executor_job(postgres.start)
    await refresh(hass, entry)

    coordinator = entry.runtime_data
    seen.extend(str(state.as_dict()) for state in hass.states.async_all())
    seen.append(str(asdict(coordinator.data)))
    seen.append(str(coordinator.monitor.export()))
    seen.append(caplog.text)
    for text in seen:
        assert MONITOR_PASSWORD not in text
        assert wrong not in text


async def test_removing_a_database_removes_its_device_entities_and_history(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """Removing the target takes its device, entities and history along."""
    sid = await add_database(hass, entry, postgres)
    await refresh(hass, entry)
    assert entry.runtime_data.monitor.history(sid) is not None
    entity_registry = er.async_get(hass)
    assert [
        e
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if e.config_subentry_id == sid
    ]

    assert hass.config_entries.async_remove_subentry(entry, sid)
    await hass.async_block_till_done()

    assert sid not in entry.subentries
    assert (
        find_device(hass, entry.entry_id, (DOMAIN, f"{entry.entry_id}_{sid}")) is None
    )
    assert not [
        e
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if e.config_subentry_id == sid
    ]
    assert entry.runtime_data.monitor.history(sid) is None
    # The removed target's sessions were closed with the old coordinator.
    assert not await monitor_backends(postgres)
