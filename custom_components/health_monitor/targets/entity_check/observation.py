"""What an entity's state says, as far as an entity check's rules need it."""

from __future__ import annotations

from datetime import datetime

from homeassistant.const import STATE_ON
from homeassistant.core import State

from ...engine.entity_rules import EntityObservation, number

BATTERY = "battery"
BATTERY_LEVEL = "battery_level"


def battery_of(state: State) -> float | None:
    """Return the battery level an entity reports, in percent, if any.

    A battery sensor's state is its level; a battery binary sensor says
    only low (on, counted as 0 %) or not (off, 100 %); other entities may
    carry a ``battery_level`` attribute.
    """
    if state.attributes.get("device_class") == BATTERY:
        if state.domain == "binary_sensor":
            return 0.0 if state.state == STATE_ON else 100.0
        return number(state.state)
    return number(state.attributes.get(BATTERY_LEVEL))


def observation(
    entity_id: str, state: State | None, now: datetime
) -> EntityObservation:
    """Return what the rules need of an entity's state (no state: since ``now``)."""
    if state is None:
        return EntityObservation(entity_id, None, now, now)
    return EntityObservation(
        entity_id,
        state.state,
        state.last_changed,
        state.last_reported,
        battery_of(state),
    )
