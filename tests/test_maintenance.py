"""Maintenance in Home Assistant: silence, its end by itself, restarts, uptime, admins, input."""

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

from custom_components.health_monitor.const import (
    CONF_NOTIFY_ACTION,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
)
from custom_components.health_monitor.engine.incidents import TimelineEvent
from custom_components.health_monitor.maintenance import EVENT_MAINTENANCE
from custom_components.health_monitor.snapshot_store import incident_store_key
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers import entity_registry as er

from .tcp_service import TARGET, TcpService, service_entry
from .test_incident_events import cycle, record_events, record_service

pytestmark = pytest.mark.usefixtures("socket_enabled")

SWITCH = "switch.service_maintenance"
ALL_SWITCH = "switch.health_monitor_maintenance_of_all_components"
STATUS = "sensor.service_status"
# No cycle runs by itself: each test runs the cycles it needs.
QUIET_OPTIONS = {CONF_UPDATE_INTERVAL: 86400, CONF_NOTIFY_ACTION: "notify.on_call"}


def record_maintenance_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Listen to the ``health_monitor_maintenance`` bus event; return the data seen."""
    return record_events(hass, EVENT_MAINTENANCE)


async def set_up(hass: HomeAssistant, service: TcpService) -> MockConfigEntry:
    """Watch the service with no cycles of its own, notifying notify.on_call."""
    entry = service_entry(service.port, **QUIET_OPTIONS)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Stop and start the entry as a restart of Home Assistant does."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def start(
    hass: HomeAssistant, context: Context | None = None, **data: Any
) -> None:
    """Call start_maintenance with ``data``."""
    await hass.services.async_call(
        DOMAIN, "start_maintenance", data, blocking=True, context=context
    )


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let ``delta`` pass and fire the timers due."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> Any:
    """Return the state object of ``entity_id`` (it must exist)."""
    current = hass.states.get(entity_id)
    assert current is not None
    return current


def problem_sensor(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Return the entity id of the service's problem binary sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{entry.entry_id}_{TARGET}_incident"
    )
    assert entity_id is not None
    return entity_id


async def test_maintenance_silences_a_failing_component_and_ends_by_itself(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """30 minutes of maintenance: statuses show, nothing opens or notifies, then it ends."""
    notified = record_service(hass, "notify", "on_call")
    seen = record_maintenance_events(hass)
    entry = await set_up(hass, service)

    await start(hass, components=[TARGET], duration={"minutes": 30}, reason="upgrade")
    await service.stop()
    await cycle(hass, entry, 4)

    assert entry.runtime_data.incidents.incident_for(TARGET) is None
    assert notified == []
    assert state(hass, STATUS).state == "critical"
    assert state(hass, SWITCH).state == "on"
    assert state(hass, SWITCH).attributes["reason"] == "upgrade"
    problem = state(hass, problem_sensor(hass, entry))
    assert problem.state == "off"
    assert problem.attributes["in_maintenance"] is True
    assert "maintenance_until" in problem.attributes

    await tick(hass, freezer, timedelta(minutes=29, seconds=59))
    assert state(hass, SWITCH).state == "on"
    await tick(hass, freezer, timedelta(seconds=1))

    assert state(hass, SWITCH).state == "off"
    assert (
        state(hass, problem_sensor(hass, entry)).attributes["in_maintenance"] is False
    )
    assert [(e["type"], e["components"], e["actor"]) for e in seen] == [
        ("started", [TARGET], "system"),
        ("ended", [TARGET], "system"),
    ]
    assert seen[0]["names"] == ["Service"]
    assert seen[0]["reason"] == "upgrade"
    # The usual threshold (two failing checks) counts from the end.
    await cycle(hass, entry)
    assert entry.runtime_data.incidents.incident_for(TARGET) is None
    await cycle(hass, entry)
    assert entry.runtime_data.incidents.incident_for(TARGET) is not None
    assert len(notified) == 1


async def test_the_dashboard_switch_silences_a_component_for_30_minutes(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """Turning the switch on starts maintenance for the option's 30 minutes."""
    entry = await set_up(hass, service)

    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": SWITCH}, blocking=True
    )
    await service.stop()
    await cycle(hass, entry, 3)
    assert state(hass, SWITCH).state == "on"
    assert entry.runtime_data.incidents.incident_for(TARGET) is None

    await tick(hass, freezer, timedelta(minutes=30))

    assert state(hass, SWITCH).state == "off"


async def test_turning_the_switch_off_ends_maintenance_now(
    hass: HomeAssistant, service: TcpService
) -> None:
    """Maintenance of all is ended from the system switch, one component from its own."""
    seen = record_maintenance_events(hass)
    await set_up(hass, service)
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": ALL_SWITCH}, blocking=True
    )
    assert state(hass, SWITCH).state == "on"

    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": SWITCH}, blocking=True
    )
    assert state(hass, SWITCH).state == "off"
    assert state(hass, ALL_SWITCH).state == "on"
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": ALL_SWITCH}, blocking=True
    )

    assert state(hass, ALL_SWITCH).state == "off"
    assert [e["type"] for e in seen] == ["started", "ended"]


async def test_an_open_incident_records_maintenance_and_does_not_escalate(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """Start and end are in the timeline; no escalation or notification meanwhile."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up(hass, service)
    await service.stop()
    await cycle(hass, entry, 2)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    severity = incident.severity

    await start(hass, components=[TARGET], duration=3600)
    await tick(hass, freezer, timedelta(minutes=45))
    await cycle(hass, entry)
    assert incident.severity is severity
    await hass.services.async_call(DOMAIN, "end_maintenance", {}, blocking=True)

    events = [entry.event for entry in incident.timeline]
    assert TimelineEvent.MAINTENANCE_STARTED in events
    assert events[-1] is TimelineEvent.MAINTENANCE_ENDED
    assert len(notified) == 1  # the opening only


async def test_maintenance_is_kept_across_a_restart_and_ends_on_time(
    hass: HomeAssistant,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """On disk within a second; after a restart it is still on and ends by itself."""
    seen = record_maintenance_events(hass)
    entry = await set_up(hass, service)
    await start(hass, components=[TARGET], duration="00:30:00", reason="move")
    await tick(hass, freezer, timedelta(seconds=1))
    stored = hass_storage[incident_store_key(entry.entry_id)]["data"]["maintenance"]
    assert set(stored["components"]) == {TARGET}

    await restart(hass, entry)
    await service.stop()
    await cycle(hass, entry, 3)
    assert state(hass, SWITCH).state == "on"
    assert entry.runtime_data.incidents.incident_for(TARGET) is None
    await tick(hass, freezer, timedelta(minutes=30))

    assert state(hass, SWITCH).state == "off"
    assert [e["type"] for e in seen] == ["started", "ended"]


async def test_maintenance_that_ended_while_stopped_is_announced_at_start(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """The end is not lost when Home Assistant was stopped at the time."""
    seen = record_maintenance_events(hass)
    entry = await set_up(hass, service)
    await start(hass, duration=120)
    assert state(hass, ALL_SWITCH).state == "on"
    assert await hass.config_entries.async_unload(entry.entry_id)

    freezer.tick(timedelta(minutes=5))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert [(e["type"], e["components"]) for e in seen] == [
        ("started", [TARGET]),
        ("ended", [TARGET]),
    ]
    assert state(hass, ALL_SWITCH).state == "off"


async def test_checks_in_maintenance_count_for_no_uptime(
    hass: HomeAssistant, service: TcpService
) -> None:
    """A component down only during maintenance keeps 100 % uptime."""
    entry = await set_up(hass, service)
    await start(hass, components=[TARGET])
    await service.stop()
    await cycle(hass, entry, 3)

    component = entry.runtime_data.data.components[TARGET]
    assert component.status == "critical"
    assert component.uptime_percent == 100.0
    health = await hass.services.async_call(
        DOMAIN, "get_health", {}, blocking=True, return_response=True
    )
    assert health is not None
    report: Any = health["components"]
    assert report[TARGET]["in_maintenance"] is True
    assert report[TARGET]["maintenance_until"]


async def test_an_ordinary_user_can_neither_start_nor_end_maintenance(
    hass: HomeAssistant, service: TcpService, hass_owner_user: MockUser
) -> None:
    """Services and switches alike refuse a user who is not an admin."""
    entry = await set_up(hass, service)
    guest = await hass.auth.async_create_user("Guest", group_ids=[GROUP_ID_USER])
    context = Context(user_id=guest.id)

    with pytest.raises(Unauthorized):
        await start(hass, context, components=[TARGET])
    for entity_id in (SWITCH, ALL_SWITCH):
        with pytest.raises(Unauthorized):
            await hass.services.async_call(
                "switch",
                "turn_on",
                {"entity_id": entity_id},
                blocking=True,
                context=context,
            )
    assert state(hass, SWITCH).state == "off"
    await start(hass, components=[TARGET])
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN, "end_maintenance", {}, blocking=True, context=context
        )
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            "switch",
            "turn_off",
            {"entity_id": SWITCH},
            blocking=True,
            context=context,
        )
    assert entry.runtime_data.maintenance.window(TARGET) is not None
