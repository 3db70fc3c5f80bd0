"""A real PostgreSQL server failing under a watched database target."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.health_monitor.engine.recovery import DATABASE_RECONNECT
from homeassistant.core import HomeAssistant
from tests.targets.postgres_server import (
    APP_DATABASE,
    MONITOR_PASSWORD,
    MONITOR_USER,
    PostgresServer,
    close_all,
)

from .installation import CHECK_TIMEOUT, Installation, Target, network, watch
from .lifecycle import Fault, assert_recovery_capped, assert_survives

DATABASE = "database_target"


def database(server: PostgresServer) -> Target:
    """Return a target for the private server's application database."""
    return Target(
        DATABASE,
        "database",
        {
            "host": server.host,
            "port": server.port,
            "database": APP_DATABASE,
            "username": MONITOR_USER,
            "password": MONITOR_PASSWORD,
            "ssl_mode": "disable",
        },
    )


@pytest.fixture
async def installation(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    postgres: PostgresServer,
    bystander_port: int,
) -> Installation:
    """Watch the database and a bystander TCP service."""
    return await watch(
        hass,
        hass_storage,
        [database(postgres), network("bystander", "127.0.0.1", bystander_port)],
    )


@pytest.mark.fault("PostgreSQL stopped")
async def test_stopped_server(
    hass: HomeAssistant,
    installation: Installation,
    postgres: PostgresServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A stopped server: critical, one incident, three reconnects 10 min apart, resolved once back."""

    async def stop() -> None:
        await hass.async_add_executor_job(postgres.stop)

    async def start() -> None:
        await hass.async_add_executor_job(postgres.start)

    async def reconnects_capped() -> None:
        await assert_recovery_capped(
            installation, DATABASE, DATABASE_RECONNECT, freezer
        )

    await assert_survives(
        installation,
        DATABASE,
        Fault(stop, start, message=f"127.0.0.1:{postgres.port}/{APP_DATABASE}"),
        while_down=reconnects_capped,
    )


@pytest.mark.fault("PostgreSQL SIGSTOPped")
async def test_frozen_server(
    hass: HomeAssistant, installation: Installation, postgres: PostgresServer
) -> None:
    """A server that stops answering mid-protocol: each cycle still ends on time."""

    async def pause() -> None:
        postgres.pause()

    async def resume() -> None:
        postgres.resume()

    await assert_survives(
        installation,
        DATABASE,
        # The check's own timeout plus a margin for a busy machine.
        Fault(pause, resume, cycle_bound=CHECK_TIMEOUT + 3),
        failing_cycles=2,
    )


@pytest.mark.fault("PostgreSQL password changed")
async def test_password_changed(
    hass: HomeAssistant, installation: Installation, postgres: PostgresServer
) -> None:
    """A password changed on the server is critical although the pooled session works."""

    async def change() -> None:
        await hass.async_add_executor_job(
            postgres.set_password, "Rotated-by-the-dba-7731"
        )

    async def restore() -> None:
        await hass.async_add_executor_job(postgres.set_password, MONITOR_PASSWORD)

    await assert_survives(installation, DATABASE, Fault(change, restore))


@pytest.mark.fault("PostgreSQL max_connections exhausted")
async def test_connections_exhausted(
    hass: HomeAssistant, installation: Installation, postgres: PostgresServer
) -> None:
    """Every slot a login may take is used: critical, though the pooled session still works."""
    opened: list[Any] = []

    async def exhaust() -> None:
        opened.extend(await postgres.exhaust_connections())

    async def release() -> None:
        await close_all(opened)

    try:
        await assert_survives(installation, DATABASE, Fault(exhaust, release))
    finally:
        await close_all(opened)
