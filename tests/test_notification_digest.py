"""Digests in Home Assistant: several incidents told through the notify action as one message."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import (
    CONF_DIGEST_WINDOW,
    CONF_NOTIFY_ACTION,
)
from homeassistant.core import HomeAssistant, ServiceCall

from .tcp_service import TcpService, network_target, targets_entry
from .test_incident_events import record_service

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture
async def services() -> AsyncGenerator[list[TcpService]]:
    """Return three running TCP services (tests stop and start them)."""
    running = [TcpService() for _ in range(3)]
    for service in running:
        await service.start()
    yield running
    for service in running:
        if service.running:
            await service.stop()


@pytest.fixture
def notified(hass: HomeAssistant) -> list[ServiceCall]:
    """Register a real notify.on_call action; return the calls it gets."""
    return record_service(hass, "notify", "on_call")


async def watch(
    hass: HomeAssistant, services: list[TcpService], **options: Any
) -> MockConfigEntry:
    """Set up Health Monitor watching ``services`` ("Service 0"...), telling notify.on_call."""
    entry = targets_entry(
        [
            network_target(service.port, f"target_{index}", f"Service {index}")
            for index, service in enumerate(services)
        ],
        **{CONF_NOTIFY_ACTION: "notify.on_call", **options},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def cycles(hass: HomeAssistant, entry: MockConfigEntry, times: int = 2) -> None:
    """Run ``times`` cycles (two open or resolve an incident)."""
    for _ in range(times):
        await entry.runtime_data.async_refresh()
        await hass.async_block_till_done()


async def later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Let ``seconds`` pass, firing the timers that come due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def incident_ids(entry: MockConfigEntry) -> list[str]:
    """Return the ids of the entry's incidents, of Service 0 first."""
    incidents = entry.runtime_data.incidents
    found = [incidents.incident_for(f"target_{index}") for index in range(3)]
    return [incident.id for incident in found if incident is not None]


async def test_three_components_failing_in_one_cycle_make_one_message(
    hass: HomeAssistant, services: list[TcpService], notified: list[ServiceCall]
) -> None:
    """One notify call counts them and names each component and incident."""
    entry = await watch(hass, services)
    for service in services:
        await service.stop()

    await cycles(hass, entry)

    assert len(notified) == 1
    assert notified[0].data["title"] == "3 incidents opened"
    lines = notified[0].data["message"].splitlines()
    assert len(lines) == 3
    for index, incident_id in enumerate(incident_ids(entry)):
        assert any(
            line.startswith(f"Service {index} (critical) opened: ")
            and line.endswith(f"[{incident_id}]")
            for line in lines
        )


async def test_resolving_together_makes_one_message(
    hass: HomeAssistant, services: list[TcpService], notified: list[ServiceCall]
) -> None:
    """Recovering in one cycle is told once too."""
    entry = await watch(hass, services)
    for service in services:
        await service.stop()
    await cycles(hass, entry)
    for service in services:
        await service.start()

    await cycles(hass, entry)

    assert [call.data["title"] for call in notified] == [
        "3 incidents opened",
        "3 incidents resolved",
    ]
    assert (
        "Service 2 (critical) resolved: was critical for"
        in (notified[1].data["message"])
    )


async def test_a_window_gathers_incidents_of_several_cycles(
    hass: HomeAssistant,
    services: list[TcpService],
    notified: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
) -> None:
    """With a 10 s window, incidents opened 5 s apart are told together at 10 s."""
    entry = await watch(hass, services, **{CONF_DIGEST_WINDOW: 10})
    await services[0].stop()
    await cycles(hass, entry)
    await later(hass, freezer, 5)
    await services[1].stop()
    await cycles(hass, entry)
    # The test plugin fires timers up to half a second early.
    await later(hass, freezer, 4)
    assert notified == []

    await later(hass, freezer, 1)

    assert len(notified) == 1
    assert notified[0].data["title"] == "2 incidents opened"
    message = notified[0].data["message"]
    assert all(f"[{incident_id}]" in message for incident_id in incident_ids(entry))


async def test_a_single_incident_in_the_window_gets_its_normal_message(
    hass: HomeAssistant,
    services: list[TcpService],
    notified: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A digest of one would say less than the message it replaces."""
    entry = await watch(hass, services, **{CONF_DIGEST_WINDOW: 10})
    await services[0].stop()
    await cycles(hass, entry)
    await later(hass, freezer, 9)
    assert notified == []

    await later(hass, freezer, 1)

    (incident_id,) = incident_ids(entry)
    assert [call.data["title"] for call in notified] == ["Service 0 is critical"]
    assert notified[0].data["message"].startswith("Critical incident opened: ")
    assert notified[0].data["message"].endswith(f"[{incident_id}]")


async def test_unloading_tells_what_the_window_gathered(
    hass: HomeAssistant, services: list[TcpService], notified: list[ServiceCall]
) -> None:
    """Nothing gathered is lost when the entry unloads (or Home Assistant stops)."""
    entry = await watch(hass, services, **{CONF_DIGEST_WINDOW: 600})
    await services[0].stop()
    await services[1].stop()
    await cycles(hass, entry)
    assert notified == []

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    assert [call.data["title"] for call in notified] == ["2 incidents opened"]


async def test_without_a_notify_action_nothing_is_gathered(
    hass: HomeAssistant, services: list[TcpService], notified: list[ServiceCall]
) -> None:
    """The digest window means nothing when nobody is told."""
    entry = await watch(
        hass, services, **{CONF_NOTIFY_ACTION: None, CONF_DIGEST_WINDOW: 10}
    )
    for service in services:
        await service.stop()
    await cycles(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert notified == []
