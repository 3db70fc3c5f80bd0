"""Reading a target's entities and running a cycle, as the target tests do."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Run one monitoring cycle now."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()


def sensor(hass: HomeAssistant, entry: MockConfigEntry, sid: str, key: str) -> State:
    """Return the state of one sensor of a component."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.entry_id}_{sid}_{key}"
    )
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


def status(hass: HomeAssistant, entry: MockConfigEntry, sid: str) -> State:
    """Return the status sensor of a component."""
    return sensor(hass, entry, sid, "status")
