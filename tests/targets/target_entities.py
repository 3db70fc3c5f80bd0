"""Reading a component's entities (a target's or a built-in check's) and running a cycle."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import DOMAIN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util


async def elapse(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let ``delta`` pass (frozen time) and fire the timers that are due."""
    freezer.tick(delta)
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Run one monitoring cycle now."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()


def entity_id_of(
    hass: HomeAssistant, entry: MockConfigEntry, suffix: str, domain: str = "sensor"
) -> str:
    """Find an entity of ``entry`` by the end of its unique id (after the entry id)."""
    unique_id = f"{entry.entry_id}_{suffix}"
    entity_id = er.async_get(hass).async_get_entity_id(domain, DOMAIN, unique_id)
    assert entity_id is not None, unique_id
    return entity_id


def number(hass: HomeAssistant, entity_id: str) -> float:
    """Return the state of a numeric entity as a number."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return float(state.state)


def sensor(hass: HomeAssistant, entry: MockConfigEntry, sid: str, key: str) -> State:
    """Return the state of one sensor of a component."""
    entity_id = entity_id_of(hass, entry, f"{sid}_{key}")
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


def status(hass: HomeAssistant, entry: MockConfigEntry, sid: str) -> State:
    """Return the status sensor of a component."""
    return sensor(hass, entry, sid, "status")


async def wait_for_status(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sid: str,
    wanted: str,
    seconds: float = 15.0,
) -> State:
    """Wait (at most ``seconds``) until the status sensor shows ``wanted``, no refresh asked."""
    for _ in range(int(seconds * 10)):
        await hass.async_block_till_done()
        state = sensor(hass, entry, sid, "status")
        if state.state == wanted:
            return state
        await asyncio.sleep(0.1)
    pytest.fail(f"status stayed {state.state}, expected {wanted}")


async def enable_sensors(
    hass: HomeAssistant, entry: MockConfigEntry, *suffixes: str
) -> None:
    """Enable sensors that are off by default, as a user does, and reload the entry."""
    registry = er.async_get(hass)
    for suffix in suffixes:
        entity_id = entity_id_of(hass, entry, suffix)
        entity = registry.async_get(entity_id)
        assert entity is not None
        assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION, entity_id
        registry.async_update_entity(entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
