"""What the fleet database's role needs: CREATE for the first migration, or a schema of its own.

docs/fleet/schema.md promises two ways to grant the monitoring role what it
needs; each is tried on a real private PostgreSQL, with and without the real
TimescaleDB extension, in a database the role does not own.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime

import asyncpg
import pytest

from custom_components.health_monitor.engine.fleet.outbox import Outbox
from custom_components.health_monitor.engine.fleet.rows import check_result_row
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)
from custom_components.health_monitor.targets.fleet_database.writer import (
    async_flush,
    async_migrate,
)

from .fleet_databases import HISTORY_RETENTION_JOB, FleetDatabase
from .postgres_server import MONITOR_USER, PostgresServer

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(params=[True, False], ids=["timescaledb", "postgresql"])
async def dba_database(
    request: pytest.FixtureRequest, postgres: PostgresServer
) -> AsyncGenerator[FleetDatabase]:
    """Return a database the DBA owns (and gave TimescaleDB, where asked)."""
    database = FleetDatabase(postgres, timescale=request.param)
    await postgres.execute(f"CREATE DATABASE {database.name}")
    if database.timescale:
        await database.execute(
            "CREATE EXTENSION timescaledb;"
            f"SELECT alter_job({HISTORY_RETENTION_JOB}, scheduled => false)"
        )
    yield database
    await database.drop()


async def migrate_and_write(database: FleetDatabase) -> None:
    """Migrate as the monitoring role and write one check result, as a start does."""
    connection = await database.connect_as_monitor()
    try:
        assert await async_migrate(connection) is database.timescale
        outbox = Outbox()
        component = ComponentHealth(
            "router", "Router", ComponentType.NETWORK, HealthStatus.HEALTHY
        )
        outbox.add([check_result_row("a1" * 16, component, datetime.now(UTC))])
        assert await async_flush(connection, outbox, max_rows=10) == 1
    finally:
        await connection.close()


async def test_first_migration_without_create_on_the_database_is_refused(
    dba_database: FleetDatabase,
) -> None:
    """Without CREATE on the database and without a schema, nothing is made."""
    connection = await dba_database.connect_as_monitor()
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await async_migrate(connection)
    finally:
        await connection.close()
    assert not await dba_database.fetchval(
        "SELECT count(*) FROM pg_namespace WHERE nspname = 'health_monitor'"
    )


async def test_schema_made_by_the_dba_is_enough(dba_database: FleetDatabase) -> None:
    """A schema owned by the role: migrated, written, and migrated again at restart."""
    await dba_database.execute(
        f"CREATE SCHEMA health_monitor AUTHORIZATION {MONITOR_USER}"
    )

    await migrate_and_write(dba_database)
    await migrate_and_write(dba_database)

    assert (
        await dba_database.fetchval("SELECT count(*) FROM health_monitor.check_results")
        == 2
    )
    assert (
        await dba_database.fetchval(
            "SELECT max(version) FROM health_monitor.schema_version"
        )
        == 1
    )


async def test_create_may_be_revoked_after_the_first_migration(
    dba_database: FleetDatabase,
) -> None:
    """CREATE granted for the first start only: later starts need it no more."""
    name = dba_database.name
    await dba_database.execute(f"GRANT CREATE ON DATABASE {name} TO {MONITOR_USER}")
    await migrate_and_write(dba_database)
    await dba_database.execute(f"REVOKE CREATE ON DATABASE {name} FROM {MONITOR_USER}")

    await migrate_and_write(dba_database)

    assert (
        await dba_database.fetchval("SELECT count(*) FROM health_monitor.check_results")
        == 2
    )
