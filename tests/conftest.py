"""Shared fixtures: a real Home Assistant with Health Monitor set up, and real servers."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
import pytest_socket
from syrupy.assertion import SnapshotAssertion

from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .entries import health_monitor_entry
from .targets.mosquitto_server import MosquittoServer
from .targets.postgres_server import (
    MONITOR_PASSWORD,
    PostgresServer,
    free_port,
    running_postgres,
)
from .tcp_service import TcpService, service_entry


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize registry entries and states as HA does (ids and times left out).

    The test plugin defines the same fixture, but syrupy's own plugin wins
    over it; a conftest fixture wins over both.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def options(hass: HomeAssistant) -> dict[str, Any]:
    """Options of a freshly configured entry: host checks only, no recorder."""
    return {
        CONF_CHECKS: ["system_resources", "ha_process", "event_loop"],
        CONF_DISK_PATHS: [hass.config.config_dir],
    }


@pytest.fixture
def config_entry(options: dict[str, Any]) -> MockConfigEntry:
    """Return a Health Monitor config entry (not yet added to hass)."""
    return health_monitor_entry(title="Health Monitor", data={}, options=options)


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> AsyncGenerator[MockConfigEntry]:
    """Set up and load the config entry."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    return config_entry


@pytest.fixture
async def service(socket_enabled: None) -> AsyncGenerator[TcpService]:
    """Return a running TCP service on loopback (a test may stop and start it)."""
    running = TcpService()
    await running.start()
    yield running
    if running.running:
        await running.stop()


@pytest.fixture
async def listening_port(service: TcpService) -> int:
    """Return the port of a healthy TCP service: it accepts every connection."""
    return service.port


@pytest.fixture
def service_options() -> dict[str, Any]:
    """Options added to the entry watching the service (none unless a test sets them)."""
    return {}


@pytest.fixture
async def loaded_service_entry(
    hass: HomeAssistant, service: TcpService, service_options: dict[str, Any]
) -> MockConfigEntry:
    """Set up and load Health Monitor watching only the TCP service (no host checks)."""
    config_entry = service_entry(service.port, **service_options)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    return config_entry


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PostgresServer]:
    """Start one private PostgreSQL server per test module."""
    # Module fixtures run while the test plugin blocks sockets; picking a free
    # port needs one for a moment.
    pytest_socket.enable_socket()
    try:
        port = free_port()
    finally:
        pytest_socket.disable_socket(allow_unix_socket=True)
    with running_postgres(port=port) as server:
        yield server


@pytest.fixture
async def postgres(
    hass: HomeAssistant, postgres_server: PostgresServer
) -> AsyncGenerator[PostgresServer]:
    """Return the private PostgreSQL server running, answering and with the monitor's password.

    A test may stop, pause or re-password it; it is put back for the next test.
    """

    async def restore() -> None:
        postgres_server.resume()
        if not postgres_server.running:
            await hass.async_add_executor_job(postgres_server.start)
        await hass.async_add_executor_job(
            postgres_server.set_password, MONITOR_PASSWORD
        )

    await restore()
    yield postgres_server
    await restore()


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[MosquittoServer]:
    """Run a private Mosquitto broker for one test and stop it afterwards."""
    server = MosquittoServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
