"""Many network targets: the monitor's own cycle is not measured as their latency."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.engine.models import HealthStatus
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from tests.tcp_service import TcpService, network_target, targets_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

TARGETS = 200
CYCLES = 3
# The network form's defaults.
DEFAULT_WARNING_MS = 200
DEFAULT_CRITICAL_MS = 1000


def many_targets(port: int) -> MockConfigEntry:
    """Return an entry watching TARGETS network targets on ``port``, default levels."""
    return targets_entry(
        [
            network_target(
                port,
                f"t{index}",
                f"Target {index}",
                warning_ms=DEFAULT_WARNING_MS,
                critical_ms=DEFAULT_CRITICAL_MS,
                unique_id=f"t{index}",
            )
            for index in range(TARGETS)
        ]
    )


async def test_200_local_targets_raise_no_latency_warning_at_default_levels(
    hass: HomeAssistant, service: TcpService, issue_registry: ir.IssueRegistry
) -> None:
    """200 listeners on loopback stay healthy cycle after cycle: no false incident.

    Checking them all at once used to be measured as their latency (hundreds
    of ms on loopback, over the 200 ms warning level). The connect time is
    the kernel's handshake round trip now, and the cycle runs a bounded
    number of checks at once, so a busy loop is not a slow target.
    """
    entry = many_targets(service.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    coordinator = entry.runtime_data
    for _ in range(CYCLES):
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        components = coordinator.data.components
        assert len(components) == TARGETS
        not_healthy = {
            component.name: component.message
            for component in components.values()
            if component.status is not HealthStatus.HEALTHY
        }
        assert not_healthy == {}
    assert coordinator.incidents.list_incidents() == []
    assert [
        issue
        for (domain, _), issue in issue_registry.issues.items()
        if domain == DOMAIN
    ] == []
    assert await hass.config_entries.async_unload(entry.entry_id)
