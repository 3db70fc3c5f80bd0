"""What a cycle writes: a steady component writes nothing, a change is written once.

Every state Home Assistant changes is a state_changed event, a recorder row
and an entry in the history; a monitor of hundreds of targets must not write
them for components that did not change. An incident event goes to the
entities of its own component only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.engine.incidents.events import IncidentEvent
from custom_components.health_monitor.incidents import signal_incident_event
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .targets.target_entities import entity_id_of, refresh
from .tcp_service import TcpService, services_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

TARGETS = 3
CYCLES = 4


@pytest.fixture
async def services(socket_enabled: None) -> AsyncIterator[list[TcpService]]:
    """Return running TCP services on loopback."""
    running = [TcpService() for _ in range(TARGETS)]
    for service in running:
        await service.start()
    yield running
    for service in running:
        if service.running:
            await service.stop()


@pytest.fixture
async def entry(hass: HomeAssistant, services: list[TcpService]) -> MockConfigEntry:
    """Set up Health Monitor watching every service."""
    config_entry = services_entry(services)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


def record_state_changes(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return (as it fills) the entity id of every state change of the entry's entities."""
    ours = {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }
    changed: list[str] = []

    @callback
    def listen(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] in ours:
            changed.append(event.data["entity_id"])

    entry.async_on_unload(hass.bus.async_listen(EVENT_STATE_CHANGED, listen))
    return changed


def status_sensors(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Return the status sensor of every target, by component id."""
    return {sid: entity_id_of(hass, entry, f"{sid}_status") for sid in entry.subentries}


def incident_entities(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return every target's problem sensor and incident event entity."""
    return {
        entity_id_of(hass, entry, f"{sid}_{key}", domain)
        for sid in entry.subentries
        for key, domain in (("incident", "binary_sensor"), ("incident_event", "event"))
    }


async def state_after_a_cycle(
    hass: HomeAssistant, entry: MockConfigEntry, entity_id: str
) -> State:
    """Run a cycle; return the state of ``entity_id``."""
    await refresh(hass, entry)
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def test_steady_healthy_targets_write_no_status_after_the_first_cycle(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Healthy cycle after healthy cycle: status, problem and event entities stay put."""
    statuses = status_sensors(hass, entry)
    for entity_id in statuses.values():
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == "healthy"
    changed = record_state_changes(hass, entry)

    for _ in range(CYCLES):
        await refresh(hass, entry)

    assert not set(changed) & set(statuses.values())
    assert not set(changed) & incident_entities(hass, entry)
    # The readings still follow every cycle.
    assert entry.runtime_data.data.components["target_0"].status == "healthy"


async def test_a_status_change_is_written_with_its_message_and_failures(
    hass: HomeAssistant, entry: MockConfigEntry, services: list[TcpService]
) -> None:
    """A target that fails shows why and how often; once back, it is steady again."""
    status = status_sensors(hass, entry)["target_0"]
    changed = record_state_changes(hass, entry)
    await services[0].stop()

    state = await state_after_a_cycle(hass, entry, status)
    assert state.state == "critical"
    assert "refuses connections" in state.attributes["message"]
    assert state.attributes["consecutive_failures"] == 1

    state = await state_after_a_cycle(hass, entry, status)
    assert state.attributes["consecutive_failures"] == 2

    await services[0].start()
    state = await state_after_a_cycle(hass, entry, status)
    assert state.state == "healthy"
    assert "reachable" in state.attributes["message"]
    assert state.attributes["consecutive_failures"] == 0
    assert changed.count(status) == 3

    for _ in range(CYCLES):
        await refresh(hass, entry)
    assert changed.count(status) == 3
    others = set(status_sensors(hass, entry).values()) - {status}
    assert not set(changed) & others


async def test_an_incident_event_reaches_only_its_components_entities(
    hass: HomeAssistant, entry: MockConfigEntry, services: list[TcpService]
) -> None:
    """The failing target's signal carries its events; the others' carry none."""
    received: dict[str, list[IncidentEvent]] = {sid: [] for sid in entry.subentries}
    for sid, events in received.items():
        entry.async_on_unload(
            async_dispatcher_connect(
                hass, signal_incident_event(entry.entry_id, sid), events.append
            )
        )
    changed = record_state_changes(hass, entry)
    await services[0].stop()

    for _ in range(2):
        await refresh(hass, entry)

    assert [event.type for event in received["target_0"]] == ["opened"]
    assert received["target_1"] == received["target_2"] == []
    problem = entity_id_of(hass, entry, "target_0_incident", "binary_sensor")
    event_entity = entity_id_of(hass, entry, "target_0_incident_event", "event")
    problem_state = hass.states.get(problem)
    assert problem_state is not None
    assert problem_state.state == "on"
    event_state = hass.states.get(event_entity)
    assert event_state is not None
    assert event_state.attributes["event_type"] == "opened"
    others = incident_entities(hass, entry) - {problem, event_entity}
    assert not set(changed) & others
