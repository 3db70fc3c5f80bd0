"""A TCP service on loopback that tests stop and start again on the same port."""

from __future__ import annotations

import asyncio
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS

from .entries import health_monitor_entry

TARGET = "service_target"


class TcpService:
    """Accepts connections (and hangs up) while running; refuses them while stopped."""

    def __init__(self) -> None:
        """Not listening yet."""
        self.port = 0
        self._server: asyncio.Server | None = None

    @property
    def running(self) -> bool:
        """Whether the service accepts connections."""
        return self._server is not None

    async def start(self) -> None:
        """Listen (again) on the service's port."""

        async def hang_up(
            _: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> None:
            writer.close()

        self._server = await asyncio.start_server(hang_up, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening; connections are refused."""
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        self._server = None


def network_target(
    port: int,
    subentry_id: str,
    title: str,
    *,
    warning_ms: float = 5000,
    critical_ms: float = 10000,
    unique_id: str | None = None,
) -> dict[str, Any]:
    """Return the subentry of a network target on ``port`` of loopback.

    Its latency levels are by default ones no busy machine reaches on
    loopback; ``unique_id`` (default ``127.0.0.1:<port>``) tells apart
    several targets on one port.
    """
    return {
        "data": {
            "host": "127.0.0.1",
            "port": port,
            "latency_warning_ms": warning_ms,
            "latency_critical_ms": critical_ms,
        },
        "subentry_id": subentry_id,
        "subentry_type": "network",
        "title": title,
        "unique_id": unique_id or f"127.0.0.1:{port}",
    }


def targets_entry(
    targets: list[dict[str, Any]], entry_id: str | None = None, **options: Any
) -> MockConfigEntry:
    """Return an entry watching only ``targets`` (subentries; no host checks)."""
    return health_monitor_entry(
        entry_id=entry_id,
        options={CONF_CHECKS: [], CONF_DISK_PATHS: ["/"], **options},
        subentries_data=targets,
    )


def services_entry(services: list[TcpService]) -> MockConfigEntry:
    """Return an entry watching a network target per service ("target_<n>")."""
    return targets_entry(
        [
            network_target(service.port, f"target_{index}", f"Service {index}")
            for index, service in enumerate(services)
        ]
    )


def service_entry(
    port: int, entry_id: str | None = None, **options: Any
) -> MockConfigEntry:
    """Return an entry watching only a network target on ``port`` (no host checks)."""
    return targets_entry([network_target(port, TARGET, "Service")], entry_id, **options)
