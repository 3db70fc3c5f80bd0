"""Incident events in Home Assistant: bus event, event entities, notifications, reloads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import re
import time
from typing import Any, Self

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
import yaml

from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_GRACE_PERIOD,
    CONF_NOTIFY_ACTION,
    DOMAIN,
    EVENT_INCIDENT,
)
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from .tcp_service import TARGET, TcpService, service_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

README = Path(__file__).parent.parent / "README.md"


def record_service(hass: HomeAssistant, domain: str, name: str) -> list[ServiceCall]:
    """Register a real ``domain.name`` action that records every call it gets."""
    calls: list[ServiceCall] = []

    async def handle(call: ServiceCall) -> None:
        calls.append(call)

    hass.services.async_register(domain, name, handle)
    return calls


def record_events(hass: HomeAssistant, event_type: str) -> list[dict[str, Any]]:
    """Listen to the bus event ``event_type``; return the data seen."""
    seen: list[dict[str, Any]] = []

    @callback
    def listen(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(event_type, listen)
    return seen


def record_incident_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Listen to the ``health_monitor_incident`` bus event; return the data seen."""
    return record_events(hass, EVENT_INCIDENT)


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add ``entry`` to Home Assistant and load it."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def cycle(hass: HomeAssistant, entry: MockConfigEntry, times: int = 1) -> None:
    """Run ``times`` monitoring cycles."""
    for _ in range(times):
        await entry.runtime_data.async_refresh()
        await hass.async_block_till_done()


async def reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Reload the entry, as a change of options does."""
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


def readme_automations() -> list[dict[str, Any]]:
    """Return the example automations of the README's Automations section, as written."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Automations", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    automations = [yaml.safe_load(block) for block in blocks]
    assert automations, "the README has no example automation"
    return automations


def event_entity(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Return the entity id of the service's incident event entity."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "event", DOMAIN, f"{entry.entry_id}_{TARGET}_incident_event"
    )
    assert entity_id is not None
    return entity_id


async def test_bus_event_is_fired_for_every_incident_event(
    hass: HomeAssistant, service: TcpService
) -> None:
    """Open, update and resolve each fire one event with the documented data."""
    seen = record_incident_events(hass)
    entry = await set_up(hass, service_entry(service.port))

    await service.stop()
    await cycle(hass, entry, 2)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    assert seen == [
        {
            "type": "opened",
            "incident_id": incident.id,
            "component_id": TARGET,
            "component_name": "Service",
            "severity": "critical",
            "status": "new",
            "title": "Service is critical",
            "suppressed_by": None,
            "flapping": False,
            "quiet": False,
        }
    ]

    await service.start()
    await cycle(hass, entry, 2)
    assert [(data["type"], data["status"]) for data in seen] == [
        ("opened", "new"),
        ("updated", "new"),
        ("resolved", "resolved"),
    ]
    assert {data["incident_id"] for data in seen} == {incident.id}


async def test_acknowledging_by_action_fires_the_bus_event(
    hass: HomeAssistant, service: TcpService
) -> None:
    """Changes made by people reach automations the same way."""
    seen = record_incident_events(hass)
    entry = await set_up(hass, service_entry(service.port))
    await service.stop()
    await cycle(hass, entry, 2)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None

    await hass.services.async_call(
        DOMAIN, "acknowledge", {"incident_id": incident.id}, blocking=True
    )
    await hass.async_block_till_done()
    assert seen[-1]["type"] == "acknowledged"
    assert seen[-1]["status"] == "acknowledged"


@pytest.mark.parametrize(
    "example", [0, 1], ids=["bus_event_trigger", "event_entity_trigger"]
)
async def test_readme_automation_runs_once_per_incident_across_a_reload(
    hass: HomeAssistant, service: TcpService, example: int
) -> None:
    """Each README example runs for the opening, and not again after a reload."""
    pages = record_service(hass, "notify", "mobile_app_phone")
    entry = await set_up(hass, service_entry(service.port))
    automation = readme_automations()[example]
    assert await async_setup_component(hass, "automation", automation)
    await hass.async_block_till_done()

    await service.stop()
    await cycle(hass, entry, 2)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    assert len(pages) == 1
    assert "Service is critical" in str(pages[0].data)
    assert incident.id in pages[0].data["message"]

    await reload(hass, entry)
    await cycle(hass, entry, 2)
    await reload(hass, entry)
    assert len(pages) == 1


async def test_event_entity_does_not_bring_an_old_event_back_after_a_reload(
    hass: HomeAssistant, service: TcpService
) -> None:
    """After a reload the entity shows no event rather than replaying the last one."""
    entry = await set_up(hass, service_entry(service.port))
    await service.stop()
    await cycle(hass, entry, 2)
    entity_id = event_entity(hass, entry)
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["event_type"] == "opened"

    await reload(hass, entry)
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.attributes.get("event_type") is None

    await service.start()
    await cycle(hass, entry, 2)
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["event_type"] == "resolved"


async def test_reload_with_an_open_incident_sends_no_notification_or_event(
    hass: HomeAssistant, service: TcpService
) -> None:
    """A reload changes nothing about the incident, so nobody hears about it."""
    notified = record_service(hass, "notify", "on_call")
    seen = record_incident_events(hass)
    entry = await set_up(
        hass, service_entry(service.port, **{CONF_NOTIFY_ACTION: "notify.on_call"})
    )
    await service.stop()
    await cycle(hass, entry, 2)
    assert len(notified) == 1
    assert [data["type"] for data in seen] == ["opened"]

    await reload(hass, entry)
    await cycle(hass, entry, 3)

    assert len(notified) == 1
    assert [data["type"] for data in seen] == ["opened"]


async def test_notifications_follow_the_incident_from_open_to_resolve(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """Opened, escalated and resolved each say what the incident is at that moment."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up(
        hass, service_entry(service.port, **{CONF_NOTIFY_ACTION: "notify.on_call"})
    )
    await service.stop()
    await cycle(hass, entry, 2)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None

    freezer.tick(timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await service.start()
    await cycle(hass, entry, 2)

    assert [(call.data["title"], call.data["message"]) for call in notified] == [
        (
            "Service is critical",
            f"Critical incident opened: {incident.description} [{incident.id}]",
        ),
        (
            "Service is critical (escalated to emergency)",
            "Not acknowledged, escalated to emergency: "
            f"{incident.description} [{incident.id}]",
        ),
        (
            "Service recovered",
            f"Service recovered (was emergency for 30 min) [{incident.id}]",
        ),
    ]
    assert not any("is critical" in call.data["message"] for call in notified[2:])


async def test_reopened_incident_is_notified(
    hass: HomeAssistant, service: TcpService
) -> None:
    """A fix that did not hold is told again, as a reopened incident."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up(
        hass, service_entry(service.port, **{CONF_NOTIFY_ACTION: "notify.on_call"})
    )
    await service.stop()
    await cycle(hass, entry, 2)
    await service.start()
    await cycle(hass, entry, 2)
    await service.stop()
    await cycle(hass, entry, 2)

    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    assert incident.status == "new"
    assert [call.data["title"] for call in notified] == [
        "Service is critical",
        "Service recovered",
        "Service is critical again",
    ]
    assert notified[-1].data["message"].startswith("Critical incident reopened: ")


async def test_no_escalation_once_the_component_is_healthy_again(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """Overdue, but its latest check was healthy: it resolves without escalating."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up(
        hass, service_entry(service.port, **{CONF_NOTIFY_ACTION: "notify.on_call"})
    )
    await service.stop()
    await cycle(hass, entry, 2)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    await service.start()
    await cycle(hass, entry)

    freezer.tick(timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert incident.escalation_level == 0
    await cycle(hass, entry)
    assert incident.status == "resolved"
    assert incident.escalation_level == 0
    assert [call.data["title"] for call in notified] == [
        "Service is critical",
        "Service recovered",
    ]


class LoopLag:
    """Keeps Home Assistant's loop busy on every turn, as a heavy reload does.

    Each turn of the loop blocks for ``seconds``, so every callback waits at
    least that long: the event loop check measures real lag.
    """

    def __init__(self, hass: HomeAssistant, seconds: float) -> None:
        """Prepare the lag (not started)."""
        self._loop = hass.loop
        self._seconds = seconds
        self._running = False

    def __enter__(self) -> Self:
        """Start lagging."""
        self._running = True
        self._loop.call_soon(self._block)
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop lagging."""
        self._running = False

    def _block(self) -> None:
        if self._running:
            time.sleep(self._seconds)
            self._loop.call_soon(self._block)


@pytest.mark.parametrize(
    ("grace", "incidents"), [(None, 0), (0, 1)], ids=["default_grace", "no_grace"]
)
async def test_loop_lag_after_a_reload_opens_no_incident_during_the_grace(
    hass: HomeAssistant, service: TcpService, grace: int | None, incidents: int
) -> None:
    """The lag a reload causes shows as a warning but is no incident and no notification."""
    notified = record_service(hass, "notify", "on_call")
    options: dict[str, Any] = {
        CONF_CHECKS: ["event_loop"],
        CONF_NOTIFY_ACTION: "notify.on_call",
    }
    if grace is not None:
        options[CONF_GRACE_PERIOD] = grace
    entry = await set_up(hass, service_entry(service.port, **options))
    await reload(hass, entry)

    with LoopLag(hass, 0.12):
        await cycle(hass, entry, 2)

    state = hass.states.get("sensor.event_loop_status")
    assert state is not None
    assert state.state in ("warning", "degraded")
    incident = entry.runtime_data.incidents.incident_for("event_loop")
    opened = [] if incident is None else ["event_loop"]
    assert len(opened) == incidents
    assert len(notified) == incidents
