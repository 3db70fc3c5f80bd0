"""Flapping in Home Assistant: one incident, told once, visible on the problem sensor."""

from __future__ import annotations

import pytest

from custom_components.health_monitor.const import CONF_NOTIFY_ACTION, DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .tcp_service import TARGET, TcpService, service_entry
from .test_dependencies import our_issues, problem_sensor
from .test_incident_events import cycle, record_service, set_up

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_a_flapping_service_is_told_once_and_shown_as_flapping(
    hass: HomeAssistant, service: TcpService, issue_registry: ir.IssueRegistry
) -> None:
    """Up one cycle, down the next, for 40 cycles: one notification, one issue."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up(
        hass, service_entry(service.port, **{CONF_NOTIFY_ACTION: "notify.on_call"})
    )
    for _ in range(40):
        if service.running:
            await service.stop()
        else:
            await service.start()
        await cycle(hass, entry)

    assert [call.data["title"] for call in notified] == ["Service is flapping"]
    incidents = entry.runtime_data.incidents
    incident = incidents.incident_for(TARGET)
    assert incident is not None
    assert incident.is_open
    assert incident.flapping
    assert len(our_issues(issue_registry)) == 1
    state = problem_sensor(hass, entry, TARGET)
    assert state.state == "on"
    assert state.attributes["flapping"] is True
    statistics = await hass.services.async_call(
        DOMAIN, "get_statistics", blocking=True, return_response=True
    )
    assert statistics["flaps"] == 1
    assert statistics["flapping"] == 1
