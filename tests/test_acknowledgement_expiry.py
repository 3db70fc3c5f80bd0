"""Acknowledgements that expire, in Home Assistant: action, fix flow, sensor, issue, restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.health_monitor.const import CONF_NOTIFY_ACTION, DOMAIN
from custom_components.health_monitor.engine.incidents import (
    Incident,
    IncidentStatus,
    Severity,
    TimelineEvent,
)
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .tcp_service import TARGET, TcpService, service_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

PROBLEM_SENSOR = "binary_sensor.service_open_incident"


def record_notify(hass: HomeAssistant) -> list[ServiceCall]:
    """Register a real notify.on_call action that records its calls."""
    calls: list[ServiceCall] = []

    async def handle(call: ServiceCall) -> None:
        calls.append(call)

    hass.services.async_register("notify", "on_call", handle)
    return calls


@pytest.fixture
async def entry(hass: HomeAssistant, service: TcpService) -> MockConfigEntry:
    """Health Monitor watching only the service, telling notify.on_call."""
    config_entry = service_entry(service.port, **{CONF_NOTIFY_ACTION: "notify.on_call"})
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def open_incident(
    hass: HomeAssistant, entry: MockConfigEntry, service: TcpService
) -> Incident:
    """Stop the service and run the two cycles that open its (critical) incident."""
    await service.stop()
    for _ in range(2):
        await entry.runtime_data.async_refresh()
        await hass.async_block_till_done()
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    return incident


async def acknowledge(
    hass: HomeAssistant, incident: Incident, user: MockUser, **fields: Any
) -> None:
    """Acknowledge ``incident`` as ``user`` through the action."""
    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {"incident_id": incident.id, **fields},
        blocking=True,
        context=Context(user_id=user.id),
    )
    await hass.async_block_till_done()


async def later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let ``delta`` pass, firing the timers that come due."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_acknowledgement_expires_at_thirty_minutes_and_escalates_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: MockUser,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Nothing at 29:59; at 30:00 new again, one level up, one notification naming the expiry."""
    notified = record_notify(hass)
    incident = await open_incident(hass, entry, service)
    acknowledged_at = dt_util.utcnow()
    await acknowledge(
        hass, incident, hass_admin_user, expires_in={"minutes": 30}, note="on it"
    )
    until = acknowledged_at + timedelta(minutes=30)
    assert incident.acknowledged_until == until
    state = hass.states.get(PROBLEM_SENSOR)
    assert state is not None
    assert state.attributes["acknowledged_until"] == until.isoformat()
    issue = issue_registry.async_get_issue(DOMAIN, f"{entry.entry_id}_{incident.id}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["acknowledged_until"] == (
        f", acknowledged until {until.strftime('%Y-%m-%d %H:%M UTC')}"
    )

    await later(hass, freezer, timedelta(minutes=29, seconds=59))
    assert incident.status is IncidentStatus.ACKNOWLEDGED
    assert len(notified) == 1

    await later(hass, freezer, timedelta(seconds=1))

    assert incident.status is IncidentStatus.NEW
    assert incident.escalation_level == 1
    assert incident.severity is Severity.EMERGENCY
    assert [call.data["title"] for call in notified[1:]] == [
        "Service is critical (acknowledgement expired, escalated to emergency)"
    ]
    assert (
        notified[1]
        .data["message"]
        .startswith(
            f"Acknowledgement by {hass_admin_user.name} expired, escalated to emergency: "
        )
    )
    expired = [
        e for e in incident.timeline if e.event is TimelineEvent.ACKNOWLEDGEMENT_EXPIRED
    ]
    assert [e.details["note"] for e in expired] == ["on it"]
    state = hass.states.get(PROBLEM_SENSOR)
    assert state is not None
    assert state.attributes["acknowledged_until"] is None
    assert state.attributes["status"] == "new"
    issue = issue_registry.async_get_issue(DOMAIN, f"{entry.entry_id}_{incident.id}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["acknowledged_until"] == ""

    await later(hass, freezer, timedelta(minutes=5))
    assert len(notified) == 2


async def test_expiry_that_passed_while_stopped_happens_at_setup(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: MockUser,
) -> None:
    """Stored with the incident: after a restart the expiry is not forgotten."""
    incident = await open_incident(hass, entry, service)
    await acknowledge(hass, incident, hass_admin_user, expires_in="00:10:00")
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    freezer.tick(timedelta(minutes=45))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    restored = entry.runtime_data.incidents.get(incident.id)
    assert restored.status is IncidentStatus.NEW
    assert restored.escalation_level == 1
    assert TimelineEvent.ACKNOWLEDGEMENT_EXPIRED in [e.event for e in restored.timeline]


async def test_expiry_still_ahead_after_a_restart_comes_on_time(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: MockUser,
) -> None:
    """A restart in the middle keeps the moment of the expiry."""
    incident = await open_incident(hass, entry, service)
    await acknowledge(hass, incident, hass_admin_user, expires_in=600)
    until = incident.acknowledged_until
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    restored = entry.runtime_data.incidents.get(incident.id)
    assert restored.acknowledged_until == until

    await later(hass, freezer, timedelta(minutes=9, seconds=59))
    assert restored.status is IncidentStatus.ACKNOWLEDGED
    await later(hass, freezer, timedelta(seconds=1))
    assert restored.status is IncidentStatus.NEW


async def test_get_incidents_and_diagnostics_show_the_expiry(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    hass_admin_user: MockUser,
    hass_client: ClientSessionGenerator,
) -> None:
    """Where people read incidents, the expiry is there."""
    incident = await open_incident(hass, entry, service)
    await acknowledge(hass, incident, hass_admin_user, expires_in={"hours": 2})
    response = await hass.services.async_call(
        DOMAIN, "get_incidents", {}, blocking=True, return_response=True
    )
    assert response is not None
    (listed,) = response["incidents"]  # type: ignore[misc]
    assert incident.acknowledged_until is not None
    assert listed["acknowledged_until"] == incident.acknowledged_until.isoformat()
    assert listed["acknowledgement_note"] is None
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    (shown,) = diagnostics["open_incidents"]
    assert shown["acknowledged_until"] == listed["acknowledged_until"]


@pytest.mark.parametrize(
    "expires_in",
    [
        float("nan"),
        float("inf"),
        -60,
        59,
        10**100,
        "garbage",
        "25:99",
        "x" * 5000,
        {"weeks": 1},
        {"days": 31},
        {"minutes": -30},
        {"minutes": float("nan")},
        [30],
        True,
    ],
)
async def test_bad_expires_in_is_refused_and_changes_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    hass_admin_user: MockUser,
    expires_in: Any,
) -> None:
    """Outside 1 minute to 30 days, or not a duration: a translated error."""
    incident = await open_incident(hass, entry, service)
    with pytest.raises(ServiceValidationError) as raised:
        await acknowledge(hass, incident, hass_admin_user, expires_in=expires_in)
    assert raised.value.translation_key == "invalid_duration"
    assert raised.value.translation_placeholders is not None
    assert raised.value.translation_placeholders["field"] == "expires_in"
    assert len(raised.value.translation_placeholders["value"]) <= 20
    assert incident.status is IncidentStatus.NEW
    assert incident.acknowledged_until is None


async def test_fix_flow_acknowledges_for_a_while_and_refuses_a_bad_duration(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    service: TcpService,
    hass_client: ClientSessionGenerator,
) -> None:
    """The Repairs acknowledge step takes an optional duration, with a field error."""
    assert await async_setup_component(hass, "repairs", {})
    incident = await open_incident(hass, entry, service)
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix",
        json={"handler": DOMAIN, "issue_id": f"{entry.entry_id}_{incident.id}"},
    )
    flow = await response.json()
    url = f"/api/repairs/issues/fix/{flow['flow_id']}"
    await client.post(url, json={"next_step_id": "acknowledge"})

    response = await client.post(url, json={"expires_in": {"days": 31}})
    flow = await response.json()
    assert flow["type"] == "form"
    assert flow["errors"] == {"expires_in": "invalid_duration"}
    assert incident.status is IncidentStatus.NEW

    response = await client.post(
        url, json={"note": "on it", "expires_in": {"hours": 1, "minutes": 30}}
    )
    flow = await response.json()
    assert flow["type"] == "abort"
    assert incident.status is IncidentStatus.ACKNOWLEDGED
    assert incident.acknowledged_at is not None
    assert incident.acknowledged_until == incident.acknowledged_at + timedelta(
        hours=1, minutes=30
    )
