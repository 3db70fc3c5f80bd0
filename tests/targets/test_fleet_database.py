"""The fleet database: history export, schema and policies, outages, the form.

A real private PostgreSQL server with the real TimescaleDB extension.
"""

from __future__ import annotations

import logging

import pytest

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.targets.fleet_database.writer import async_migrate
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import instance_id
from homeassistant.loader import async_get_integration
from tests.tcp_service import TcpService, network_target, targets_entry
from tests.test_incident_events import cycle, set_up

from .fleet_databases import (
    FLEET,
    INCIDENTS_AT_ONCE,
    SERVICE,
    FleetDatabase,
    results,
    unload,
    watch,
)
from .flows import submit_target_form
from .postgres_server import MONITOR_PASSWORD, PostgresServer
from .target_entities import sensor, status

pytestmark = pytest.mark.usefixtures("socket_enabled")

OUTAGE_CYCLES = 120


async def test_history_schema_and_timescale_policies(
    hass: HomeAssistant,
    timescale_fleet: FleetDatabase,
    service: TcpService,
) -> None:
    """Added through the form: hypertables, policies, the aggregate and the rows."""
    entry = await set_up(
        hass,
        targets_entry(
            [network_target(service.port, SERVICE, "Service")], **INCIDENTS_AT_ONCE
        ),
    )
    result = await submit_target_form(
        hass, entry, "fleet_database", timescale_fleet.form()
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    (sid,) = set(entry.subentries) - {SERVICE}
    await cycle(hass, entry, 3)
    assert status(hass, entry, sid).state == "healthy"
    assert "TimescaleDB" in status(hass, entry, sid).attributes["message"]

    version = await timescale_fleet.fetch(
        "SELECT version, timescale FROM health_monitor.schema_version"
    )
    assert [tuple(row) for row in version] == [(1, True)]
    hypertables = await timescale_fleet.fetch(
        "SELECT hypertable_name, compression_enabled"
        " FROM timescaledb_information.hypertables"
        " WHERE hypertable_schema = 'health_monitor' ORDER BY 1"
    )
    assert [tuple(row) for row in hypertables] == [
        ("check_results", True),
        ("incident_events", True),
    ]
    jobs = await timescale_fleet.fetch(
        "SELECT proc_name, hypertable_name, config FROM timescaledb_information.jobs"
        " WHERE proc_name LIKE 'policy_%' ORDER BY 1, 2"
    )
    policies = {(row["proc_name"], row["hypertable_name"]) for row in jobs}
    assert {
        ("policy_compression", "check_results"),
        ("policy_compression", "incident_events"),
        ("policy_retention", "check_results"),
        ("policy_retention", "incident_events"),
    } <= policies
    assert any(
        row["proc_name"] == "policy_refresh_continuous_aggregate" for row in jobs
    )
    retention = [
        row["config"] for row in jobs if row["proc_name"] == "policy_retention"
    ]
    assert all('"drop_after": "90 days"' in config for config in retention)

    own_id = await instance_id.async_get(hass)
    rows = await results(timescale_fleet, sid)
    assert len(rows) >= 2
    assert {row["instance_id"] for row in rows} == {own_id}
    assert {row["kind"] for row in rows} == {"fleet_database"}
    assert [row["time"] for row in rows] == sorted({row["time"] for row in rows})
    services = await results(timescale_fleet, SERVICE)
    assert services[-1]["status"] == "healthy"
    assert services[-1]["component_name"] == "Service"
    assert services[-1]["response_time_ms"] is not None
    heartbeat = await timescale_fleet.fetch("SELECT * FROM health_monitor.instances")
    assert len(heartbeat) == 1
    assert heartbeat[0]["instance_id"] == own_id
    assert heartbeat[0]["name"] == hass.config.location_name
    assert heartbeat[0]["version"] == str(
        (await async_get_integration(hass, DOMAIN)).version
    )
    assert heartbeat[0]["status"] == "healthy"
    assert heartbeat[0]["score"] == 100

    # The hourly aggregate counts every check of the hour.
    await timescale_fleet.execute(
        "CALL refresh_continuous_aggregate('health_monitor.component_status_hourly',"
        " NULL, NULL)"
    )
    hourly = await timescale_fleet.fetch(
        "SELECT sum(checks) AS checks, sum(up) AS up"
        " FROM health_monitor.component_status_hourly WHERE component_id = $1",
        SERVICE,
    )
    assert hourly[0]["checks"] == len(services)
    assert hourly[0]["up"] == len(services)

    # No password anywhere in the schema's rows.
    dump = await timescale_fleet.fetchval(
        "SELECT string_agg(t::text, '') FROM ("
        " SELECT c::text AS t FROM health_monitor.check_results c"
        " UNION ALL SELECT i::text FROM health_monitor.instances i) AS rows"
    )
    assert MONITOR_PASSWORD not in dump

    # A new retention replaces the policies.
    subentry = entry.subentries[sid]
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "retention_days": 30}
    )
    await hass.async_block_till_done()
    await cycle(hass, entry)
    retention = await timescale_fleet.fetch(
        "SELECT config FROM timescaledb_information.jobs"
        " WHERE proc_name = 'policy_retention'"
    )
    assert len(retention) == 2
    assert all('"drop_after": "30 days"' in row["config"] for row in retention)
    await unload(hass, entry)


async def test_incidents_and_their_timeline_are_exported(
    hass: HomeAssistant, timescale_fleet: FleetDatabase, service: TcpService
) -> None:
    """An incident is upserted as it changes; each timeline entry is a row."""
    entry = await watch(hass, timescale_fleet, service)
    await service.stop()
    await cycle(hass, entry, 2)
    incidents = await timescale_fleet.fetch("SELECT * FROM health_monitor.incidents")
    assert len(incidents) == 1
    assert incidents[0]["component_id"] == SERVICE
    assert incidents[0]["status"] == "new"
    assert incidents[0]["severity"] == "critical"
    # Rows an incident queues during the export wait for the next one: no backlog.
    assert status(hass, entry, FLEET).state == "healthy"

    await service.start()
    await cycle(hass, entry, 4)
    incidents = await timescale_fleet.fetch("SELECT * FROM health_monitor.incidents")
    assert len(incidents) == 1
    assert incidents[0]["status"] == "resolved"
    assert incidents[0]["resolved_at"] is not None
    events = await timescale_fleet.fetch(
        "SELECT event FROM health_monitor.incident_events WHERE incident_id = $1"
        " ORDER BY time",
        incidents[0]["incident_id"],
    )
    timeline = [row["event"] for row in events]
    assert timeline[0] == "opened"
    assert timeline[-1] == "resolved"
    assert len(timeline) == len(set(timeline))
    await unload(hass, entry)


async def test_an_outage_is_buffered_and_written_in_order(
    hass: HomeAssistant,
    postgres: PostgresServer,
    timescale_fleet: FleetDatabase,
    service: TcpService,
) -> None:
    """While the database is stopped rows wait; when it is back all go in, in order."""
    entry = await watch(hass, timescale_fleet, service)
    await cycle(hass, entry, 2)
    before = len(await results(timescale_fleet, SERVICE))

    await hass.async_add_executor_job(postgres.stop)
    # An hour of cycles at the default 30 s.
    await cycle(hass, entry, OUTAGE_CYCLES)
    state = status(hass, entry, FLEET)
    assert state.state == "critical"
    assert "rows waiting" in state.attributes["message"]
    assert MONITOR_PASSWORD not in state.attributes["message"]
    waiting = int(sensor(hass, entry, FLEET, "rows_waiting").state)
    # Each cycle queues a row per component (the service and the fleet database).
    assert waiting >= 2 * OUTAGE_CYCLES

    await hass.async_add_executor_job(postgres.start)
    await cycle(hass, entry)
    assert status(hass, entry, FLEET).state == "healthy"
    assert sensor(hass, entry, FLEET, "rows_waiting").state == "0"
    assert sensor(hass, entry, FLEET, "rows_dropped").state == "0"
    rows = await results(timescale_fleet, SERVICE)
    # Every cycle of the outage is there, once, in time order.
    assert len(rows) == before + OUTAGE_CYCLES + 1
    times = [row["time"] for row in rows]
    assert times == sorted(times)
    assert len(set(times)) == len(times)
    await unload(hass, entry)


async def test_past_the_bound_the_oldest_rows_are_dropped_and_counted(
    hass: HomeAssistant,
    postgres: PostgresServer,
    timescale_fleet: FleetDatabase,
    service: TcpService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bound of 100 rows: the newest 100 are written, the dropped ones counted."""
    entry = await watch(hass, timescale_fleet, service, buffer_rows=100)
    await cycle(hass, entry)
    await hass.async_add_executor_job(postgres.stop)
    with caplog.at_level(logging.WARNING):
        await cycle(hass, entry, 60)
    assert "dropping the oldest rows" in caplog.text
    assert MONITOR_PASSWORD not in caplog.text
    assert sensor(hass, entry, FLEET, "rows_waiting").state == "100"
    dropped = int(sensor(hass, entry, FLEET, "rows_dropped").state)
    # Two rows a cycle (the service and the fleet database): the last cycle's
    # before the outage and 60 cycles' during it, 100 kept.
    assert dropped == 2 + 60 * 2 - 100

    await hass.async_add_executor_job(postgres.start)
    await cycle(hass, entry)
    assert sensor(hass, entry, FLEET, "rows_waiting").state == "0"
    during = await timescale_fleet.fetch(
        "SELECT count(*) FROM health_monitor.check_results"
        " WHERE component_id = $1 AND status = 'critical'",
        FLEET,
    )
    # The fleet database's own critical results of the outage: the newest 50.
    assert during[0][0] == 50
    await unload(hass, entry)


async def test_plain_postgresql_indexes_view_and_retention_by_the_integration(
    hass: HomeAssistant, plain_fleet: FleetDatabase, service: TcpService
) -> None:
    """Without TimescaleDB: time indexes, a plain hourly view, old rows deleted."""
    connection = await plain_fleet.connect_as_monitor()
    try:
        assert await async_migrate(connection) is False
    finally:
        await connection.close()
    await plain_fleet.execute(
        "INSERT INTO health_monitor.check_results"
        " (time, instance_id, component_id, component_name, kind, status, message)"
        " VALUES (now() - interval '40 days', 'old', 'x', 'X', 'network', 'healthy', ''),"
        " (now() - interval '20 days', 'old', 'x', 'X', 'network', 'healthy', '')"
    )
    entry = await watch(hass, plain_fleet, service, retention_days=30)
    await cycle(hass, entry, 2)
    indexes = {
        row["indexname"]
        for row in await plain_fleet.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'health_monitor'"
        )
    }
    assert {"check_results_time_idx", "incident_events_time_idx"} <= indexes
    old = await plain_fleet.fetch(
        "SELECT time FROM health_monitor.check_results WHERE instance_id = 'old'"
    )
    assert len(old) == 1
    hourly = await plain_fleet.fetch(
        "SELECT sum(checks) AS checks FROM health_monitor.component_status_hourly"
        " WHERE component_id = $1",
        SERVICE,
    )
    assert hourly[0]["checks"] == len(await results(plain_fleet, SERVICE))
    assert status(hass, entry, FLEET).attributes["message"].endswith("(PostgreSQL)")
    await unload(hass, entry)


async def test_the_form_refuses_a_wrong_password_and_creates_nothing(
    hass: HomeAssistant, plain_fleet: FleetDatabase
) -> None:
    """A refused login is a field error, and no schema is made."""
    entry = await set_up(hass, targets_entry([]))
    result = await submit_target_form(
        hass, entry, "fleet_database", plain_fleet.form(password="wrong")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"password": "invalid_auth"}
    assert not entry.subentries
    schema = await plain_fleet.fetchval(
        "SELECT count(*) FROM pg_namespace WHERE nspname = 'health_monitor'"
    )
    assert schema == 0
    assert DOMAIN in hass.config.components


async def test_waiting_rows_are_written_when_home_assistant_stops(
    hass: HomeAssistant, timescale_fleet: FleetDatabase, service: TcpService
) -> None:
    """The last cycle's rows do not wait for a next cycle that never comes."""
    entry = await watch(hass, timescale_fleet, service)
    await cycle(hass, entry, 3)
    written = len(await results(timescale_fleet, SERVICE))
    # Home Assistant stopping unloads no entry: a shutdown job writes them.
    await hass.async_stop()
    assert len(await results(timescale_fleet, SERVICE)) == written + 1
