"""The Home Assistant MQTT target, watching HA's real MQTT client and a private broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.targets.base import TargetError
from custom_components.health_monitor.targets.ha_mqtt.probe import HaMqttCheck
from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType

from .mosquitto_server import MosquittoServer
from .target_entities import sensor

pytestmark = pytest.mark.usefixtures("socket_enabled")

SUBENTRY_TYPE = "ha_mqtt"
LEVELS = {"latency_warning_ms": 5000, "latency_critical_ms": 10000}


async def wait_until(hass: HomeAssistant, condition: Any, what: str) -> None:
    """Wait (at most 15 s) until ``condition()`` holds, without asking for a cycle."""
    for _ in range(150):
        await hass.async_block_till_done()
        if condition():
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
async def ha_mqtt(
    hass: HomeAssistant, mosquitto: MosquittoServer, mock_hass_config: None
) -> AsyncGenerator[MockConfigEntry]:
    """Set up HA's MQTT integration against the private broker and wait for it.

    MQTT reads configuration.yaml, which the test config folder lacks; the
    plugin's ``mock_hass_config`` stands in for that file (empty).
    """
    entry = MockConfigEntry(
        domain=mqtt.DOMAIN,
        data={"broker": mosquitto.host, "port": mosquitto.anonymous_port},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await wait_until(hass, lambda: mqtt.is_connected(hass), "HA's MQTT to connect")
    yield entry
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def start_flow(hass: HomeAssistant, entry: MockConfigEntry) -> FlowResult:
    """Open the add form of the HA MQTT target."""
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE), context={"source": "user"}
    )


async def add_target(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Add the HA MQTT target through the form; return its subentry id."""
    result = await start_flow(hass, entry)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], LEVELS
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    assert result["title"] == "Home Assistant MQTT"
    (subentry_id,) = [
        sid
        for sid, sub in entry.subentries.items()
        if sub.subentry_type == SUBENTRY_TYPE
    ]
    return subentry_id


def target_check(entry: MockConfigEntry, sid: str) -> HaMqttCheck:
    """Return the running check of the HA MQTT target."""
    (check,) = [t for t in entry.runtime_data.targets if t.component_id == sid]
    assert isinstance(check, HaMqttCheck)
    return check


async def test_target_is_added_with_a_round_trip_through_ha_mqtt(
    hass: HomeAssistant, ha_mqtt: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    """Added through the form, the target is healthy with a measured round trip."""
    sid = await add_target(hass, loaded_entry)

    status = sensor(hass, loaded_entry, sid, "status")
    assert status.state == "healthy", status.attributes["message"]
    assert "round trip" in status.attributes["message"]
    assert float(sensor(hass, loaded_entry, sid, "round_trip_ms").state) > 0


async def test_target_cannot_be_added_without_ha_mqtt(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Without a loaded MQTT integration the form aborts with a reason."""
    result = await start_flow(hass, loaded_entry)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "mqtt_not_configured"
    assert not loaded_entry.subentries


async def test_target_can_be_added_only_once(
    hass: HomeAssistant, ha_mqtt: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    """There is one HA MQTT connection to watch: a second add aborts."""
    await add_target(hass, loaded_entry)

    result = await start_flow(hass, loaded_entry)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(loaded_entry.subentries) == 1


async def test_broker_stop_turns_the_target_critical_at_once(
    hass: HomeAssistant,
    ha_mqtt: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
) -> None:
    """HA's MQTT losing its broker is pushed as critical without a cycle."""
    sid = await add_target(hass, loaded_entry)

    mosquitto.stop()
    await wait_until(
        hass,
        lambda: sensor(hass, loaded_entry, sid, "status").state == "critical",
        "the target to turn critical",
    )

    assert "lost" in sensor(hass, loaded_entry, sid, "status").attributes["message"]


async def test_cycle_while_ha_mqtt_is_disconnected_reports_critical(
    hass: HomeAssistant,
    ha_mqtt: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
) -> None:
    """A regular cycle while HA's MQTT is disconnected is critical with the reason."""
    sid = await add_target(hass, loaded_entry)
    mosquitto.stop()
    await wait_until(hass, lambda: not mqtt.is_connected(hass), "HA's MQTT to drop")

    await loaded_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    state = sensor(hass, loaded_entry, sid, "status")
    assert state.state == "critical"
    assert "not connected" in state.attributes["message"]


async def test_broker_back_makes_the_target_healthy_again(
    hass: HomeAssistant,
    ha_mqtt: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
) -> None:
    """When HA's MQTT reconnects, the target reports healthy without waiting a cycle."""
    sid = await add_target(hass, loaded_entry)
    mosquitto.stop()
    await wait_until(
        hass,
        lambda: sensor(hass, loaded_entry, sid, "status").state == "critical",
        "the target to turn critical",
    )

    mosquitto.start()
    await target_check(loaded_entry, sid).async_reconnect()
    await wait_until(
        hass,
        lambda: sensor(hass, loaded_entry, sid, "status").state == "healthy",
        "the target to be healthy again",
    )


async def test_reconnect_reloads_ha_mqtt_and_the_round_trip_still_works(
    hass: HomeAssistant, ha_mqtt: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    """The reconnect recovery reloads HA's MQTT; the echo works on the new client."""
    sid = await add_target(hass, loaded_entry)
    check = target_check(loaded_entry, sid)

    await check.async_reconnect()
    # A cycle may run meanwhile (the disconnect is pushed): wait for the
    # entry to settle loaded and connected, not just for a connection.
    await wait_until(
        hass,
        lambda: ha_mqtt.state is ConfigEntryState.LOADED and mqtt.is_connected(hass),
        "HA's MQTT to be loaded and reconnected",
    )
    result = await check.async_check()

    assert ha_mqtt.state is ConfigEntryState.LOADED
    assert result.status == "healthy", result.message


async def test_unloaded_ha_mqtt_makes_the_target_critical(
    hass: HomeAssistant, ha_mqtt: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    """With HA's MQTT unloaded the target is critical, and reconnecting fails."""
    sid = await add_target(hass, loaded_entry)
    assert await hass.config_entries.async_unload(ha_mqtt.entry_id)
    await hass.async_block_till_done()
    check = target_check(loaded_entry, sid)

    result = await check.async_check()

    assert result.status == "critical"
    assert "not loaded" in result.message


async def test_reconnect_fails_without_an_mqtt_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Reconnecting HA's MQTT when it has no config entry reports the failure."""
    check = HaMqttCheck(hass, "probe", "Home Assistant MQTT", LEVELS)

    with pytest.raises(TargetError):
        await check.async_reconnect()


async def test_warning_level_not_below_critical_is_refused(
    hass: HomeAssistant, ha_mqtt: MockConfigEntry, loaded_entry: MockConfigEntry
) -> None:
    """The round trip warning level must be below the critical level."""
    result = await start_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"latency_warning_ms": 900, "latency_critical_ms": 800}
    )

    assert result["errors"] == {"latency_warning_ms": "warning_not_below_critical"}
    assert not loaded_entry.subentries
