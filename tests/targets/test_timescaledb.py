"""TimescaleDB checks against the real extension on a private PostgreSQL server.

Every database here runs CREATE EXTENSION timescaledb; its jobs run in the
server's own background workers. On some servers (PostgreSQL 15.20 with
TimescaleDB 2.28.3) every background run ends in an internal error
("cannot drop portal ... while it is being set up") after its work is
done: the ``clean_runs`` fixture finds out which kind of server this is by
running a job that does nothing, and the recoveries that need a clean run
assert what the monitor then shows on each kind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any
import uuid

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import pytest_socket

from custom_components.health_monitor.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .postgres_server import MONITOR_USER, PostgresServer, free_port, running_postgres
from .target_entities import refresh, sensor, status
from .test_database import add_database

pytestmark = pytest.mark.usefixtures("socket_enabled")

# The internal job every TimescaleDB database has: job history retention.
HISTORY_RETENTION_JOB = 3
INTERNAL_ERROR = "cannot drop portal"


@pytest.fixture
def options(hass: HomeAssistant) -> dict[str, Any]:
    """Watch the HA process only, with memory levels no test process reaches."""
    return {
        "checks": ["ha_process"],
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


class Timescale:
    """A database of the private server with TimescaleDB, run as the superuser."""

    def __init__(self, server: PostgresServer, name: str) -> None:
        """Name the database (it exists once :meth:`create` ran)."""
        self.server = server
        self.name = name

    async def create(self) -> None:
        """Create the database (owned by the monitoring role) and the extension.

        The internal job history retention is paused: on some servers its
        every run fails (see the module), which a test of something else
        must not see. Paused jobs are not judged.
        """
        await self.server.execute(f"GRANT pg_monitor TO {MONITOR_USER}")
        await self.server.execute(f"CREATE DATABASE {self.name} OWNER {MONITOR_USER}")
        await self.execute(
            "CREATE EXTENSION timescaledb;"
            f"SELECT alter_job({HISTORY_RETENTION_JOB}, scheduled => false);"
        )

    async def execute(self, sql: str) -> None:
        """Run ``sql`` in the database."""
        await self.server.execute(sql, self.name)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Return the first value of ``sql``'s first row."""
        connection = await self.server.connect(self.name)
        try:
            return await connection.fetchval(sql, *args)
        finally:
            await connection.close()

    async def run_job(self, job_id: int, seconds: float = 60) -> str:
        """Start a job in the background now; wait for the run's end; return its status."""
        runs = "SELECT coalesce(total_runs, 0) FROM timescaledb_information.job_stats WHERE job_id = $1"
        before = await self.fetchval(runs, job_id)
        await self.execute(f"SELECT alter_job({job_id}, next_start => now())")
        async with asyncio.timeout(seconds):
            while True:
                await asyncio.sleep(0.2)
                row_done = await self.fetchval(
                    "SELECT last_run_status FROM timescaledb_information.job_stats"
                    " WHERE job_id = $1 AND total_runs > $2"
                    " AND job_status <> 'Running'",
                    job_id,
                    before,
                )
                if row_done is not None:
                    return str(row_done)

    async def drop(self) -> None:
        """Drop the database (its scheduler and job workers go with it)."""
        if self.server.running:
            await self.server.execute(
                f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"
            )


@pytest.fixture
async def timescale(postgres: PostgresServer) -> AsyncGenerator[Timescale]:
    """Return a fresh database with TimescaleDB."""
    database = Timescale(postgres, f"ts_{uuid.uuid4().hex[:8]}")
    await database.create()
    yield database
    await database.drop()


@pytest.fixture
async def clean_runs(timescale: Timescale) -> bool:
    """Return whether this server ends a background job's run without an error."""
    await timescale.execute(
        "CREATE PROCEDURE probe_noop(job_id int, config jsonb) LANGUAGE plpgsql"
        " AS $$ BEGIN PERFORM 1; END $$"
    )
    job = await timescale.fetchval(
        "SELECT add_job('probe_noop', '1 day', initial_start => now() + interval '1 day')"
    )
    outcome = await timescale.run_job(job)
    await timescale.execute(f"SELECT delete_job({job})")
    return outcome == "Success"


async def add(hass: HomeAssistant, entry: MockConfigEntry, timescale: Timescale) -> str:
    """Add the TimescaleDB database as a target; return its subentry id."""
    return await add_database(hass, entry, timescale.server, database=timescale.name)


def message(hass: HomeAssistant, entry: MockConfigEntry, sid: str) -> str:
    """Return the database's status message."""
    return str(status(hass, entry, sid).attributes["message"])


def has_sensor(hass: HomeAssistant, entry: MockConfigEntry, sid: str, key: str) -> bool:
    """Return whether the component has the sensor ``key`` in the entity registry."""
    unique_id = f"{entry.entry_id}_{sid}_{key}"
    return (
        er.async_get(hass).async_get_entity_id("sensor", DOMAIN, unique_id) is not None
    )


READINGS = """
CREATE TABLE readings (t timestamptz NOT NULL, sensor int, v double precision);
SELECT create_hypertable('readings', by_range('t', interval '1 day'));
INSERT INTO readings
  SELECT g, 1, 1.0 FROM generate_series(now() - interval '9 days 12 hours', now(),
                                        interval '1 hour') AS g;
"""


async def test_hypertables_chunks_version_and_sizes_are_shown(
    hass: HomeAssistant, entry: MockConfigEntry, timescale: Timescale
) -> None:
    """A healthy TimescaleDB database: its version, hypertables, chunks and largest tables."""
    await timescale.execute(READINGS)
    await timescale.execute(
        "CREATE TABLE events (t timestamptz NOT NULL, e text);"
        "SELECT create_hypertable('events', by_range('t', interval '7 days'));"
        "INSERT INTO events VALUES (now(), 'started');"
    )
    chunks = await timescale.fetchval(
        "SELECT count(*) FROM timescaledb_information.chunks"
    )
    version = await timescale.fetchval(
        "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"
    )
    sid = await add(hass, entry, timescale)
    state = status(hass, entry, sid)
    assert state.state == "healthy", state.attributes["message"]
    assert f"TimescaleDB {version}" in state.attributes["message"]
    assert sensor(hass, entry, sid, "hypertables").state == "2"
    assert sensor(hass, entry, sid, "chunks").state == str(chunks)
    assert chunks >= 10
    for key in (
        "failed_jobs",
        "overdue_jobs",
        "stale_aggregates",
        "compression_backlog_chunks",
    ):
        assert sensor(hass, entry, sid, key).state == "0", key
    workers = float(sensor(hass, entry, sid, "background_workers_percent").state)
    assert 0 < workers < 80
    largest = state.attributes["largest_hypertables"]
    assert [row["hypertable"] for row in largest] == ["readings", "events"]
    assert largest[0]["size_mb"] > largest[1]["size_mb"] > 0


async def test_plain_postgres_has_no_timescaledb_sensors_until_the_extension_arrives(
    hass: HomeAssistant, entry: MockConfigEntry, postgres: PostgresServer
) -> None:
    """TimescaleDB's sensors appear with the extension and go when it is dropped."""
    database = Timescale(postgres, f"plain_{uuid.uuid4().hex[:8]}")
    await postgres.execute(f"CREATE DATABASE {database.name} OWNER {MONITOR_USER}")
    try:
        sid = await add(hass, entry, database)
        assert status(hass, entry, sid).state == "healthy", message(hass, entry, sid)
        assert not has_sensor(hass, entry, sid, "failed_jobs")
        assert not has_sensor(hass, entry, sid, "hypertables")

        await database.execute(
            "CREATE EXTENSION timescaledb;"
            f"SELECT alter_job({HISTORY_RETENTION_JOB}, scheduled => false);"
        )
        await refresh(hass, entry)
        assert sensor(hass, entry, sid, "hypertables").state == "0"
        assert sensor(hass, entry, sid, "failed_jobs").state == "0"

        await database.execute("DROP EXTENSION timescaledb")
        await refresh(hass, entry)
        # Stale sensors go at the next reload, when the check read the server.
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert status(hass, entry, sid).state == "healthy"
        assert not has_sensor(hass, entry, sid, "failed_jobs")
        assert not has_sensor(hass, entry, sid, "hypertables")
        assert has_sensor(hass, entry, sid, "connections_percent")
    finally:
        await database.drop()


async def test_failing_user_job_is_degraded_with_its_name_and_error(
    hass: HomeAssistant, entry: MockConfigEntry, timescale: Timescale, clean_runs: bool
) -> None:
    """A user job that raises names the job and its error; fixing it clears it where runs end cleanly."""
    await timescale.execute(
        "CREATE PROCEDURE ingest(job_id int, config jsonb) LANGUAGE plpgsql AS $$"
        " BEGIN RAISE EXCEPTION 'upstream feed unreachable'; END $$"
    )
    job = await timescale.fetchval(
        "SELECT add_job('ingest', '1 hour', initial_start => now() + interval '1 day')"
    )
    assert await timescale.run_job(job) == "Failed"
    sid = await add(hass, entry, timescale)
    state = status(hass, entry, sid)
    assert state.state == "degraded"
    text = state.attributes["message"]
    assert f"job public.ingest (job {job}) failing for" in text
    assert "upstream feed unreachable" in text
    assert sensor(hass, entry, sid, "failed_jobs").state == "1"
    (failed,) = state.attributes["failed_jobs"]
    assert failed["job_id"] == job
    assert failed["status"] == "degraded"
    assert failed["error"] == "upstream feed unreachable"

    await timescale.execute(
        "CREATE OR REPLACE PROCEDURE ingest(job_id int, config jsonb) LANGUAGE plpgsql"
        " AS $$ BEGIN PERFORM 1; END $$"
    )
    outcome = await timescale.run_job(job)
    await refresh(hass, entry)
    if clean_runs:
        assert outcome == "Success"
        assert status(hass, entry, sid).state == "healthy"
        assert sensor(hass, entry, sid, "failed_jobs").state == "0"
    else:
        # The server fails every run itself: the monitor says so, not the old error.
        assert outcome == "Failed"
        text = message(hass, entry, sid)
        assert "upstream feed unreachable" not in text
        assert INTERNAL_ERROR in text


async def test_failing_aggregate_refresh_names_aggregate_and_error_in_repair_issue(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    timescale: Timescale,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A refresh policy that fails is a degraded database; the repair issue says which and why."""
    await timescale.execute(READINGS)
    await timescale.execute(
        "INSERT INTO readings VALUES (now() - interval '3 hours', 2, 0.0);"
        "CREATE MATERIALIZED VIEW readings_hourly WITH (timescaledb.continuous) AS"
        " SELECT time_bucket('1 hour', t) AS bucket, sum(100 / v) AS load"
        " FROM readings GROUP BY 1 WITH NO DATA;"
    )
    job = await timescale.fetchval(
        "SELECT add_continuous_aggregate_policy('readings_hourly',"
        " start_offset => NULL, end_offset => interval '1 hour',"
        " schedule_interval => interval '1 hour',"
        " initial_start => now() + interval '1 day')"
    )
    assert await timescale.run_job(job) == "Failed"
    sid = await add(hass, entry, timescale)
    await refresh(hass, entry)
    state = status(hass, entry, sid)
    assert state.state == "degraded"
    label = f"refresh of continuous aggregate readings_hourly (job {job}) failing for"
    assert label in state.attributes["message"]
    assert "division by zero" in state.attributes["message"]
    issues = [
        issue
        for (domain, _), issue in issue_registry.issues.items()
        if domain == DOMAIN and issue.translation_placeholders
    ]
    assert len(issues) == 1
    placeholders = issues[0].translation_placeholders or {}
    assert label in placeholders["message"]
    assert "division by zero" in placeholders["message"]


async def test_paused_refresh_policy_leaves_a_stale_aggregate_until_refreshed(
    hass: HomeAssistant, entry: MockConfigEntry, timescale: Timescale
) -> None:
    """An aggregate behind by more than two refresh intervals is degraded; refreshing it heals."""
    await timescale.execute(READINGS)
    await timescale.execute(
        "CREATE MATERIALIZED VIEW readings_hourly WITH (timescaledb.continuous) AS"
        " SELECT time_bucket('1 hour', t) AS bucket, avg(v) AS v"
        " FROM readings GROUP BY 1 WITH NO DATA;"
    )
    await timescale.execute(
        "CALL refresh_continuous_aggregate('readings_hourly', NULL, now() - interval '2 days')"
    )
    job = await timescale.fetchval(
        "SELECT add_continuous_aggregate_policy('readings_hourly',"
        " start_offset => NULL, end_offset => interval '1 hour',"
        " schedule_interval => interval '1 hour')"
    )
    await timescale.execute(f"SELECT alter_job({job}, scheduled => false)")
    sid = await add(hass, entry, timescale)
    state = status(hass, entry, sid)
    assert state.state == "degraded"
    assert (
        "continuous aggregate readings_hourly is 2 days behind"
        in state.attributes["message"]
    )
    assert "(refreshed every 1 h)" in state.attributes["message"]
    assert sensor(hass, entry, sid, "stale_aggregates").state == "1"
    (stale,) = state.attributes["stale_aggregates"]
    assert stale["aggregate"] == "readings_hourly"
    assert 2 * 86400 <= stale["behind_s"] < 3 * 86400

    await timescale.execute(
        "CALL refresh_continuous_aggregate('readings_hourly', NULL, now() - interval '1 hour')"
    )
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"
    assert sensor(hass, entry, sid, "stale_aggregates").state == "0"


async def test_old_chunks_waiting_for_compression_are_a_backlog_until_compressed(
    hass: HomeAssistant, entry: MockConfigEntry, timescale: Timescale
) -> None:
    """Chunks due for compression two policy runs ago are a warning with their count and size."""
    await timescale.execute(READINGS)
    await timescale.execute(
        "ALTER TABLE readings SET (timescaledb.compress);"
        "SELECT add_compression_policy('readings', interval '3 days',"
        " schedule_interval => interval '12 hours',"
        " initial_start => now() + interval '1 day');"
    )
    due = await timescale.fetchval(
        "SELECT count(*) FROM timescaledb_information.chunks"
        " WHERE hypertable_name = 'readings' AND range_end <= now() - interval '3 days'"
    )
    assert due >= 5
    sid = await add(hass, entry, timescale)
    state = status(hass, entry, sid)
    assert state.state == "warning"
    assert (
        f"{due} chunks of readings wait for compression" in state.attributes["message"]
    )
    assert sensor(hass, entry, sid, "compression_backlog_chunks").state == str(due)
    assert float(sensor(hass, entry, sid, "compression_backlog_mb").state) > 0

    await timescale.execute(
        "SELECT compress_chunk(c) FROM show_chunks('readings', older_than => interval '3 days') AS c"
    )
    await refresh(hass, entry)
    assert status(hass, entry, sid).state == "healthy"
    assert sensor(hass, entry, sid, "compression_backlog_chunks").state == "0"


async def test_unreadable_timescaledb_state_is_a_warning(
    hass: HomeAssistant, entry: MockConfigEntry, timescale: Timescale
) -> None:
    """A role that may not read TimescaleDB's views is told so, as a warning."""
    await timescale.execute(
        "REVOKE SELECT ON timescaledb_information.job_stats FROM PUBLIC"
    )
    sid = await add(hass, entry, timescale)
    state = status(hass, entry, sid)
    assert state.state == "warning"
    assert "TimescaleDB state unreadable" in state.attributes["message"]
    assert "permission denied" in state.attributes["message"]


async def test_exhausted_background_workers_degrade_and_recover(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Long jobs taking every background worker make jobs wait: degraded, then healthy again."""
    pytest_socket.enable_socket()
    with running_postgres(
        port=free_port(),
        # The launcher retries a scheduler it could not start at this pace
        # (by default once a minute).
        settings={
            "timescaledb.max_background_workers": "4",
            "timescaledb.bgw_launcher_poll_time": "200",
        },
    ) as server:
        database = Timescale(server, "busy")
        await database.create()
        # At start the launcher gives every database a worker for a moment
        # (those without TimescaleDB give it back): wait until only this
        # database's scheduler holds one.
        async with asyncio.timeout(30):
            while await database.fetchval(
                "SELECT count(*) <> 1 OR bool_or(datname IS DISTINCT FROM 'busy')"
                " FROM pg_stat_activity WHERE backend_type"
                " = 'TimescaleDB Background Worker Scheduler'"
            ):
                await asyncio.sleep(0.2)
        await database.execute(
            "CREATE PROCEDURE long_task(job_id int, config jsonb) LANGUAGE plpgsql"
            " AS $$ BEGIN PERFORM pg_sleep(600); END $$;"
            "SELECT add_job('long_task', '1 hour', initial_start => now())"
            " FROM generate_series(1, 3);"
        )
        async with asyncio.timeout(30):
            while (
                await database.fetchval(
                    "SELECT count(*) FROM timescaledb_information.job_stats"
                    " WHERE job_status = 'Running'"
                )
                < 2
            ):
                await asyncio.sleep(0.2)
        sid = await add(hass, entry, database)
        # The third job waits: TimescaleDB keeps a worker slot of its own
        # that no view shows, so only two jobs get one.
        async with asyncio.timeout(30):
            while status(hass, entry, sid).state != "degraded":
                await asyncio.sleep(0.5)
                await refresh(hass, entry)
        assert (
            "3 of 4 TimescaleDB background workers in use, 1 job waiting for a worker"
            in message(hass, entry, sid)
        )
        assert sensor(hass, entry, sid, "background_workers_percent").state == "100.0"

        await database.execute(
            "SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs"
            " WHERE proc_name = 'long_task';"
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE backend_type LIKE 'User-Defined Action%'"
        )
        async with asyncio.timeout(30):
            while True:
                await refresh(hass, entry)
                if status(hass, entry, sid).state == "healthy":
                    break
                await asyncio.sleep(0.2)
        assert float(sensor(hass, entry, sid, "background_workers_percent").state) < 80
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
