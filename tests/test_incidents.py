"""Incidents in Home Assistant: repair issues, problem sensors, events, persistence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_DISK_PATHS,
    CONF_FAILURE_THRESHOLD,
    CONF_GRACE_PERIOD,
    DOMAIN,
)
from custom_components.health_monitor.engine.incidents import (
    IncidentStatus,
    incident_to_dict,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component

from .entries import health_monitor_entry
from .targets.http_servers import http_server
from .targets.target_entities import status
from .tcp_service import TARGET, TcpService, service_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture
def entry(loaded_service_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the entry these tests act on: Health Monitor watching only the service."""
    return loaded_service_entry


async def _cycle(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()


async def _failing_cycles(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Run the two cycles after which a failing component has its incident."""
    await _cycle(hass, entry)
    await _cycle(hass, entry)


def _entity(
    entity_registry: er.EntityRegistry, entry: MockConfigEntry, domain: str, key: str
) -> str:
    entity_id = entity_registry.async_get_entity_id(
        domain, DOMAIN, f"{entry.entry_id}_{TARGET}_{key}"
    )
    assert entity_id is not None
    return entity_id


def _issue_id(entry: MockConfigEntry, incident_id: str) -> str:
    return f"{entry.entry_id}_{incident_id}"


async def test_failure_opens_one_incident_with_issue_sensor_and_event(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A critical component opens a critical incident, shown on every surface."""
    problem = _entity(entity_registry, entry, "binary_sensor", "incident")
    assert hass.states.get(problem).state == "off"  # type: ignore[union-attr]

    await service.stop()
    await _failing_cycles(hass, entry)

    incidents = entry.runtime_data.incidents
    incident = incidents.incident_for(TARGET)
    assert incident is not None
    assert incident.severity == "critical"
    assert incident.status == "new"
    issue = issue_registry.async_get_issue(DOMAIN, _issue_id(entry, incident.id))
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.CRITICAL
    assert issue.is_fixable
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["component"] == "Service"
    assert issue.translation_placeholders["incident_id"] == incident.id
    state = hass.states.get(problem)
    assert state is not None
    assert state.state == "on"
    assert state.attributes["incident_id"] == incident.id
    assert state.attributes["severity"] == "critical"
    assert state.attributes["acknowledged"] is False
    event = hass.states.get(_entity(entity_registry, entry, "event", "incident_event"))
    assert event is not None
    assert event.attributes["event_type"] == "opened"
    assert event.attributes["incident_id"] == incident.id
    assert hass.states.get("sensor.health_monitor_open_incidents").state == "1"  # type: ignore[union-attr]
    assert (
        hass.states.get("sensor.health_monitor_highest_open_severity").state
        == "critical"
    )  # type: ignore[union-attr]


async def test_one_failed_check_shows_at_once_but_opens_no_incident(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The status is critical after one check; the incident waits for a second one."""
    await service.stop()
    await _cycle(hass, entry)

    status = hass.states.get(_entity(entity_registry, entry, "sensor", "status"))
    assert status is not None
    assert status.state == "critical"
    incidents = entry.runtime_data.incidents
    assert incidents.incident_for(TARGET) is None
    problem = hass.states.get(
        _entity(entity_registry, entry, "binary_sensor", "incident")
    )
    assert problem is not None
    assert problem.state == "off"
    assert not [domain for domain, _ in issue_registry.issues if domain == DOMAIN]

    await _cycle(hass, entry)
    assert incidents.incident_for(TARGET) is not None


@pytest.mark.parametrize("service_options", [{CONF_FAILURE_THRESHOLD: 3}])
async def test_failure_threshold_option_sets_the_checks_before_opening(
    hass: HomeAssistant, entry: MockConfigEntry, service: TcpService
) -> None:
    """With three as the option the third failing check opens the incident."""
    await service.stop()
    await _failing_cycles(hass, entry)
    incidents = entry.runtime_data.incidents
    assert incidents.incident_for(TARGET) is None
    await _cycle(hass, entry)
    assert incidents.incident_for(TARGET) is not None


@pytest.mark.parametrize(
    ("grace", "opens"), [(None, False), (0, True)], ids=["default_grace", "no_grace"]
)
async def test_slow_answers_after_setup_open_no_incident_during_the_grace(
    hass: HomeAssistant, grace: int | None, opens: bool
) -> None:
    """A slow endpoint is degraded at once; in the grace that is no incident."""
    options: dict[str, Any] = {CONF_CHECKS: [], CONF_DISK_PATHS: ["/"]}
    if grace is not None:
        options[CONF_GRACE_PERIOD] = grace
    async with http_server() as endpoint:
        endpoint.delay = 0.05
        entry = health_monitor_entry(
            options=options,
            subentries_data=[
                {
                    "data": {
                        "url": endpoint.url,
                        "method": "GET",
                        "expected_status": "200",
                        "timeout": 10,
                        "verify_ssl": True,
                        "latency_warning_ms": 1,
                        "latency_critical_ms": 2,
                    },
                    "subentry_id": "endpoint",
                    "subentry_type": "http_endpoint",
                    "title": "Endpoint",
                    "unique_id": endpoint.url,
                }
            ],
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        await _failing_cycles(hass, entry)

        assert status(hass, entry, "endpoint").state == "degraded"
        incident = entry.runtime_data.incidents.incident_for("endpoint")
        assert (incident is not None) is opens
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_recovery_of_the_component_resolves_and_removes_the_issue(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Two healthy checks in a row resolve the incident and take the issue down."""
    await service.stop()
    await _failing_cycles(hass, entry)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None

    await service.start()
    await _cycle(hass, entry)
    assert incident.status == "new"
    await _cycle(hass, entry)

    assert incident.status == "resolved"
    assert incident.resolved_by == "system"
    assert issue_registry.async_get_issue(DOMAIN, _issue_id(entry, incident.id)) is None
    assert (
        hass.states.get(
            _entity(entity_registry, entry, "binary_sensor", "incident")
        ).state
        == "off"
    )  # type: ignore[union-attr]
    event = hass.states.get(_entity(entity_registry, entry, "event", "incident_event"))
    assert event is not None
    assert event.attributes["event_type"] == "resolved"


async def test_two_hundred_flapping_cycles_keep_one_incident_and_one_issue(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A flapping component never creates a second incident or issue."""
    # Down long enough to open (or reopen), up long enough to resolve; the
    # last two cycles are down, so the incident is open at the end.
    for cycle in range(202):
        if cycle % 4 == 0:
            await service.stop()
        elif cycle % 4 == 2:
            await service.start()
        await _cycle(hass, entry)

    incidents = entry.runtime_data.incidents
    assert len(incidents.list_incidents(which="all")) == 1  # type: ignore[arg-type]
    ours = [
        issue
        for (domain, _), issue in issue_registry.issues.items()
        if domain == DOMAIN
    ]
    assert len(ours) == 1
    incident = incidents.incident_for(TARGET)
    assert incident is not None
    assert (
        len(incident.timeline)
        <= entry.runtime_data.settings.incidents.max_timeline_entries
    )


async def test_unacknowledged_incident_escalates_and_acknowledging_stops_it(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Every 30 minutes without acknowledgement the severity rises one level."""
    await service.stop()
    await _failing_cycles(hass, entry)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    assert incident.severity == "critical"

    freezer.tick(timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert incident.severity == "emergency"
    assert incident.escalation_level == 1

    entry.runtime_data.incidents.change(
        incident.id, IncidentStatus.ACKNOWLEDGED, note=None, actor="test"
    )
    freezer.tick(timedelta(minutes=60))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert incident.escalation_level == 1
    issue = issue_registry.async_get_issue(DOMAIN, _issue_id(entry, incident.id))
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["status"] == "acknowledged"


async def test_resolved_incident_closes_after_an_hour(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Resolved incidents close by themselves after the close delay."""
    await service.stop()
    await _failing_cycles(hass, entry)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    await service.start()
    await _cycle(hass, entry)
    await _cycle(hass, entry)
    assert incident.status == "resolved"

    freezer.tick(timedelta(minutes=61))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert incident.status == "closed"
    assert entry.runtime_data.incidents.incident_for(TARGET) is None


async def test_fix_flow_acknowledges_then_resolves_through_the_repairs_api(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The Repairs page acknowledges (issue stays) and resolves with a note (issue goes)."""
    assert await async_setup_component(hass, "repairs", {})
    await service.stop()
    await _failing_cycles(hass, entry)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    issue_id = _issue_id(entry, incident.id)

    ws = await hass_ws_client(hass)
    await ws.send_json({"id": 1, "type": "repairs/list_issues"})
    listed = await ws.receive_json()
    assert any(i["issue_id"] == issue_id for i in listed["result"]["issues"])

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["type"] == "menu"
    assert flow["menu_options"] == ["acknowledge", "resolve"]
    response = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}",
        json={"next_step_id": "acknowledge"},
    )
    flow = await response.json()
    assert flow["step_id"] == "acknowledge"
    response = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}", json={"note": "on it"}
    )
    flow = await response.json()
    assert flow["type"] == "abort"
    assert flow["reason"] == "acknowledged"
    assert incident.status == "acknowledged"
    assert incident.acknowledged_by == "Repairs"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["menu_options"] == ["investigating", "resolve"]
    await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}", json={"next_step_id": "resolve"}
    )
    response = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}",
        json={"note": "restarted the service"},
    )
    flow = await response.json()
    assert flow["type"] == "create_entry"
    assert incident.status == "resolved"
    assert any(
        entry.details.get("note") == "restarted the service"
        for entry in incident.timeline
    )
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_incidents_survive_a_restart_exactly(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
) -> None:
    """After a reload the open incident, its timeline and acknowledgement are as before."""
    await service.stop()
    await _failing_cycles(hass, entry)
    incidents = entry.runtime_data.incidents
    incident = incidents.incident_for(TARGET)
    assert incident is not None
    incidents.change(
        incident.id, IncidentStatus.ACKNOWLEDGED, actor="alice", note="looking"
    )
    before = incident_to_dict(incident)

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, _issue_id(entry, incident.id)) is None
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    restored = entry.runtime_data.incidents.get(incident.id)
    after = incident_to_dict(restored)
    # The restart's own check (the service is still down) may only add to the timeline.
    assert after["timeline"][: len(before["timeline"])] == before["timeline"]
    assert after["acknowledged_by"] == "alice"
    assert after["id"] == before["id"]
    assert (
        issue_registry.async_get_issue(DOMAIN, _issue_id(entry, incident.id))
        is not None
    )


async def test_incident_opened_by_the_first_cycle_fires_opened(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A component already down at start-up still fires "opened" on its event entity.

    With a failure threshold of one the first cycle, which runs before the
    entities exist, opens the incident.
    """
    service = TcpService()
    await service.start()
    await service.stop()
    config_entry = service_entry(service.port, **{CONF_FAILURE_THRESHOLD: 1})
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    event = hass.states.get(
        _entity(entity_registry, config_entry, "event", "incident_event")
    )
    assert event is not None
    assert event.attributes["event_type"] == "opened"
