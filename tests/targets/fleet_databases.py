"""Fleet databases on the private PostgreSQL server, and the entries that write to them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
import uuid

import asyncpg
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from tests.tcp_service import TcpService, network_target, targets_entry
from tests.test_incident_events import set_up

from .postgres_server import MONITOR_PASSWORD, MONITOR_USER, PostgresServer

FLEET = "fleet"
SERVICE = "service"
# Incidents open at the first critical check, with no start-up grace.
INCIDENTS_AT_ONCE = {"failure_threshold": 1, "grace_period": 0}
# TimescaleDB's internal job history retention (see test_timescaledb).
HISTORY_RETENTION_JOB = 3


class FleetDatabase:
    """A database of the private server for one fleet, owned by the monitoring role."""

    def __init__(self, server: PostgresServer, *, timescale: bool) -> None:
        """Name a new database (it exists once :meth:`create` ran)."""
        self.server = server
        self.timescale = timescale
        self.name = f"fleet_{uuid.uuid4().hex[:8]}"

    async def create(self) -> None:
        """Create the database, with TimescaleDB if asked (its internal job paused)."""
        await self.server.execute(f"CREATE DATABASE {self.name} OWNER {MONITOR_USER}")
        if self.timescale:
            await self.server.execute(
                "CREATE EXTENSION timescaledb;"
                f"SELECT alter_job({HISTORY_RETENTION_JOB}, scheduled => false);",
                self.name,
            )

    async def drop(self) -> None:
        """Drop the database, if the server still runs."""
        if self.server.running:
            await self.server.execute(
                f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"
            )

    async def connect_as_monitor(self) -> Any:
        """Return a session of the monitoring role, as another instance opens one."""
        return await asyncpg.connect(
            host=self.server.host,
            port=self.server.port,
            user=MONITOR_USER,
            password=MONITOR_PASSWORD,
            database=self.name,
            ssl=False,
        )

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        """Return the rows of ``sql`` (as the superuser)."""
        connection = await self.server.connect(self.name)
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Return the first value of ``sql``'s first row."""
        rows = await self.fetch(sql, *args)
        return rows[0][0] if rows else None

    async def execute(self, sql: str, *args: Any) -> None:
        """Run ``sql`` (as the superuser)."""
        connection = await self.server.connect(self.name)
        try:
            await connection.execute(sql, *args)
        finally:
            await connection.close()

    def form(self, **overrides: Any) -> dict[str, Any]:
        """Return the add form's input for this database."""
        return {
            "host": self.server.host,
            "port": self.server.port,
            "database": self.name,
            "username": MONITOR_USER,
            "password": MONITOR_PASSWORD,
            "ssl_mode": "disable",
            "retention_days": 90,
            "buffer_rows": 10000,
            **overrides,
        }

    def subentry(self, **overrides: Any) -> dict[str, Any]:
        """Return the stored subentry of a fleet database target on this database."""
        return {
            "data": self.form(**overrides),
            "subentry_id": FLEET,
            "subentry_type": "fleet_database",
            "title": f"Fleet history in {self.name}",
            "unique_id": f"{self.server.host}:{self.server.port}/{self.name}",
        }


@asynccontextmanager
async def fleet_database(
    server: PostgresServer, *, timescale: bool
) -> AsyncIterator[FleetDatabase]:
    """Create a fleet database for one test; drop it afterwards."""
    database = FleetDatabase(server, timescale=timescale)
    await database.create()
    try:
        yield database
    finally:
        await database.drop()


async def watch(
    hass: HomeAssistant, fleet: FleetDatabase, service: TcpService, **data: Any
) -> MockConfigEntry:
    """Set up an entry exporting to ``fleet`` and watching ``service``."""
    return await set_up(
        hass,
        targets_entry(
            [
                fleet.subentry(**data),
                network_target(service.port, SERVICE, "Service"),
            ],
            **INCIDENTS_AT_ONCE,
        ),
    )


async def unload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the entry (its last rows are written at the stop)."""
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def results(fleet: FleetDatabase, component_id: str) -> list[Any]:
    """Return the exported check results of one component, oldest first."""
    return await fleet.fetch(
        "SELECT * FROM health_monitor.check_results WHERE component_id = $1"
        " ORDER BY time",
        component_id,
    )
