"""Diagnostics download and the System Health panel."""

from __future__ import annotations

import json

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    get_system_health_info,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.health_monitor.const import DOMAIN
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .tcp_service import TARGET, TcpService, service_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

PASSWORD = "Pa55-never-show-me"


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_diagnostics_hold_everything_but_secrets(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """Options, targets, health, incidents, statistics and history, passwords redacted."""
    assert await async_setup_component(hass, "diagnostics", {})
    service = TcpService()
    await service.start()
    entry = service_entry(service.port)
    await _setup(hass, entry)
    # A target whose stored address carries credentials.
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            data={
                "url": f"https://admin:{PASSWORD}@127.0.0.1:9/health",
                "method": "GET",
                "verify_ssl": True,
                "timeout": 5,
                "latency_warning_ms": 5000,
                "latency_critical_ms": 10000,
            },
            subentry_type="http_endpoint",
            title="Secret endpoint",
            unique_id="secret-endpoint",
        ),
    )
    await hass.async_block_till_done()
    await service.stop()
    # Two failing checks in a row open an incident.
    await entry.runtime_data.async_refresh()
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert PASSWORD not in json.dumps(diagnostics)
    assert set(diagnostics) == {
        "options",
        "targets",
        "monitoring",
        "incident_response",
        "health",
        "open_incidents",
        "statistics",
        "dependencies",
        "history",
        "maintenance",
    }
    stored = next(t for t in diagnostics["targets"] if t["type"] == "http_endpoint")
    assert stored["data"]["url"] == "**REDACTED**"
    assert diagnostics["health"]["components"][TARGET]["status"] == "critical"
    # Both targets are down (the endpoint's port is closed): two incidents.
    assert {i["component_id"] for i in diagnostics["open_incidents"]} >= {TARGET}
    assert diagnostics["statistics"]["open"] == 2
    # The endpoint is on the network target's host: it depends on it, and
    # its incident is suppressed by the network target's.
    (endpoint,) = [sid for sid in diagnostics["dependencies"] if sid != TARGET]
    assert diagnostics["dependencies"][endpoint] == [TARGET]
    assert diagnostics["statistics"]["suppressed"] == 1
    assert diagnostics["history"][TARGET]["entries"] >= 2


async def test_system_health_reports_monitoring_cycle_and_incidents(
    hass: HomeAssistant,
) -> None:
    """The System Health panel shows monitoring, the last cycle and open incidents."""
    assert await async_setup_component(hass, "system_health", {})
    service = TcpService()
    await service.start()
    entry = service_entry(service.port)
    await _setup(hass, entry)
    await service.stop()
    # Two failing checks in a row open an incident.
    await entry.runtime_data.async_refresh()
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    info = await get_system_health_info(hass, DOMAIN)

    assert info["monitoring"] == "on"
    assert info["incident_response"] == "on"
    assert info["open_incidents"] == 1
    assert info["components"] == "1 critical"
    assert info["last_cycle_duration_ms"] >= 0


async def test_system_health_without_a_loaded_entry(hass: HomeAssistant) -> None:
    """Without an entry the panel says Health Monitor is not loaded."""
    assert await async_setup_component(hass, "system_health", {})
    assert await async_setup_component(hass, DOMAIN, {})
    info = await get_system_health_info(hass, DOMAIN)
    assert info == {"monitoring": "not loaded"}
