"""Flapping in Home Assistant: one incident, told once, visible on the problem sensor."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.health_monitor.const import CONF_NOTIFY_ACTION, DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

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
    (issue,) = [
        issue
        for (domain, _), issue in issue_registry.issues.items()
        if domain == DOMAIN
    ]
    assert "flapping" in issue.translation_placeholders["notes"]


async def test_the_repair_issue_says_a_component_is_in_maintenance(
    hass: HomeAssistant,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """An open incident's issue and fix flow name the end of the maintenance."""
    assert await async_setup_component(hass, "repairs", {})
    entry = await set_up(hass, service_entry(service.port))
    await service.stop()
    await cycle(hass, entry, 2)
    await hass.services.async_call(
        DOMAIN,
        "start_maintenance",
        {"components": [TARGET], "duration": {"minutes": 30}},
        blocking=True,
    )
    await hass.async_block_till_done()
    (issue_id,) = our_issues(issue_registry)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert "in maintenance until" in issue.translation_placeholders["notes"]
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert "in maintenance until" in flow["description_placeholders"]["notes"]
