"""Fixtures of the target tests: fleet databases on the private PostgreSQL server."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest

from .fleet_databases import FleetDatabase, fleet_database
from .postgres_server import PostgresServer


@pytest.fixture
async def timescale_fleet(postgres: PostgresServer) -> AsyncGenerator[FleetDatabase]:
    """Return a fresh database with TimescaleDB for the fleet."""
    async with fleet_database(postgres, timescale=True) as database:
        yield database


@pytest.fixture
async def plain_fleet(postgres: PostgresServer) -> AsyncGenerator[FleetDatabase]:
    """Return a fresh database without TimescaleDB for the fleet."""
    async with fleet_database(postgres, timescale=False) as database:
        yield database
