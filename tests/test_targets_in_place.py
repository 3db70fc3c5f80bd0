"""Targets come and go without reloading the entry."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.coordinator import TARGET_REMOVED_NOTE
from custom_components.health_monitor.engine.incidents import IncidentStatus
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .lanes import find_device
from .targets.flows import submit_target_form
from .targets.mosquitto_server import MosquittoServer
from .targets.target_entities import refresh, sensor, status, wait_for_status
from .tcp_service import TARGET, TcpService

pytestmark = pytest.mark.usefixtures("socket_enabled")

MANY_TARGETS = 200


def network_input(port: int) -> dict[str, Any]:
    """Return add-form input for a loopback port with generous latency levels."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
    }


@pytest.fixture
def entry(loaded_service_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the entry these tests act on: Health Monitor watching only the service."""
    return loaded_service_entry


async def add_network_target(
    hass: HomeAssistant, entry: MockConfigEntry, port: int
) -> str:
    """Add a network target through the form; return its subentry id."""
    before = set(entry.subentries)
    result = await submit_target_form(hass, entry, "network", network_input(port))
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    (subentry_id,) = set(entry.subentries) - before
    return subentry_id


async def open_incident(
    hass: HomeAssistant, entry: MockConfigEntry, service: TcpService
) -> str:
    """Stop the service and run cycles until its incident opens; return its id."""
    await service.stop()
    for _ in range(5):
        await refresh(hass, entry)
        incident = entry.runtime_data.incidents.incident_for(TARGET)
        if incident is not None:
            return incident.id
    pytest.fail("no incident opened for the stopped service")


def issue_ids(hass: HomeAssistant) -> set[str]:
    """Return the ids of the integration's repair issues."""
    return {
        issue_id for domain, issue_id in ir.async_get(hass).issues if domain == DOMAIN
    }


async def test_200_targets_added_in_a_row_never_reload_the_entry(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Each added target joins the running coordinator; nothing is unavailable.

    Adding a target used to reload the whole entry: services answered "not
    loaded" and reconnects raised incidents, for minutes.
    """
    coordinator = entry.runtime_data
    listeners = [TcpService() for _ in range(MANY_TARGETS)]
    try:
        for listener in listeners:
            await listener.start()
        added: list[str] = []
        for number, listener in enumerate(listeners):
            added.append(await add_network_target(hass, entry, listener.port))
            assert entry.state is ConfigEntryState.LOADED
            assert entry.runtime_data is coordinator
            if number % 50 == 0:
                health = await hass.services.async_call(
                    DOMAIN, "get_health", {}, blocking=True, return_response=True
                )
                assert added[-1] in health["components"]  # type: ignore[operator]
        await refresh(hass, entry)

        assert entry.runtime_data is coordinator
        assert len(coordinator.targets) == MANY_TARGETS + 1
        for subentry_id in (added[0], added[-1]):
            assert status(hass, entry, subentry_id).state == "healthy"
        assert all(
            coordinator.data.components[subentry_id].status == "healthy"
            for subentry_id in added
        )
        assert coordinator.incidents.list_incidents() == []
        assert issue_ids(hass) == set()
    finally:
        for listener in listeners:
            if listener.running:
                await listener.stop()


async def test_an_added_target_is_checked_and_shown_at_once_without_a_reload(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The new target's entities exist right after the form, before any cycle."""
    coordinator = entry.runtime_data
    cycle = coordinator.data.cycle_started
    added = TcpService()
    await added.start()
    try:
        subentry_id = await add_network_target(hass, entry, added.port)

        assert entry.runtime_data is coordinator
        assert coordinator.data.cycle_started == cycle
        state = status(hass, entry, subentry_id)
        assert state.state == "healthy"
        assert f"127.0.0.1:{added.port} reachable" in state.attributes["message"]
        registry = er.async_get(hass)
        entities = [
            e
            for e in er.async_entries_for_config_entry(registry, entry.entry_id)
            if e.config_subentry_id == subentry_id
        ]
        assert len(entities) >= 3
        assert status(hass, entry, TARGET).state == "healthy"
    finally:
        await added.stop()


async def test_a_target_added_in_place_pushes_what_it_reports_by_itself(
    hass: HomeAssistant, entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """A broker added without a reload has its push listener started."""
    coordinator = entry.runtime_data
    result = await submit_target_form(
        hass,
        entry,
        "mqtt_broker",
        {
            "host": "127.0.0.1",
            "port": mosquitto.anonymous_port,
            "tls": False,
            "latency_warning_ms": 5000,
            "latency_critical_ms": 10000,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (broker,) = set(entry.subentries) - {TARGET}
    assert entry.runtime_data is coordinator

    cycle = coordinator.data.cycle_started
    mosquitto.stop()
    await wait_for_status(hass, entry, broker, "critical")

    assert coordinator.data.cycle_started == cycle
    assert entry.runtime_data is coordinator


async def test_a_removed_target_resolves_its_incident_and_leaves_nothing_behind(
    hass: HomeAssistant, entry: MockConfigEntry, service: TcpService
) -> None:
    """Removing a target resolves its open incident ("target removed"), no reload."""
    coordinator = entry.runtime_data
    other = TcpService()
    await other.start()
    try:
        kept = await add_network_target(hass, entry, other.port)
        incident_id = await open_incident(hass, entry, service)
        assert any(incident_id in issue_id for issue_id in issue_ids(hass))
        history_before = len(coordinator.monitor.history(kept) or [])

        assert hass.config_entries.async_remove_subentry(entry, TARGET)
        await hass.async_block_till_done()

        assert entry.runtime_data is coordinator
        incident = coordinator.incidents.get(incident_id)
        assert incident.status is IncidentStatus.RESOLVED
        assert incident.resolved_by == "system"
        assert incident.timeline[-1].details.get("note") == TARGET_REMOVED_NOTE
        assert not any(incident_id in issue_id for issue_id in issue_ids(hass))
        assert (
            find_device(hass, entry.entry_id, (DOMAIN, f"{entry.entry_id}_{TARGET}"))
            is None
        )
        assert TARGET not in coordinator.data.components
        assert coordinator.monitor.history(TARGET) is None
        assert [t.component_id for t in coordinator.targets] == [kept]
        assert len(coordinator.monitor.history(kept) or []) == history_before
        await refresh(hass, entry)
        assert status(hass, entry, kept).state == "healthy"
        assert coordinator.incidents.list_incidents() == []
    finally:
        await other.stop()


async def test_a_reconfigured_target_is_replaced_in_place_and_keeps_its_history(
    hass: HomeAssistant, entry: MockConfigEntry, service: TcpService
) -> None:
    """New settings make a new check for the same component, without a reload."""
    coordinator = entry.runtime_data
    (old_check,) = coordinator.targets
    history = len(coordinator.monitor.history(TARGET) or [])
    moved = TcpService()
    await moved.start()
    try:
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, "network"),
            context={"source": "reconfigure", "subentry_id": TARGET},
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], network_input(moved.port)
        )
        await hass.async_block_till_done()
        assert result["reason"] == "reconfigure_successful"

        assert entry.runtime_data is coordinator
        (new_check,) = coordinator.targets
        assert new_check is not old_check
        assert new_check.component_id == TARGET
        assert new_check.config["port"] == moved.port
        state = status(hass, entry, TARGET)
        assert f":{moved.port} reachable" in state.attributes["message"]
        assert len(coordinator.monitor.history(TARGET) or []) == history + 1
        device = find_device(
            hass, entry.entry_id, (DOMAIN, f"{entry.entry_id}_{TARGET}")
        )
        assert device is not None
        assert device.name == f"127.0.0.1:{moved.port}"
    finally:
        await moved.stop()


async def test_a_changed_target_is_applied_in_place_but_changed_options_reload(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Only options (and data) take a reload; a renamed target does not."""
    coordinator = entry.runtime_data
    hass.config_entries.async_update_subentry(
        entry, entry.subentries[TARGET], title="Renamed service"
    )
    await hass.async_block_till_done()
    assert entry.runtime_data is coordinator
    (check,) = coordinator.targets
    assert check.name == "Renamed service"

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "update_interval": 60}
    )
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not coordinator
    assert entry.runtime_data.settings.update_interval == 60
    assert sensor(hass, entry, TARGET, "status").state == "healthy"
    assert entry.runtime_data.data.components[TARGET].name == "Renamed service"
