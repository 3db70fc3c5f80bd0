"""Home Assistant MQTT target form: HA's own MQTT connection, added once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant

from ...const import DOMAIN
from ..kind import async_validate_target
from ..latency import LATENCY_LIMITS, latency_fields, validate_latency
from .probe import HaMqttCheck, loaded_mqtt_entry

# The check of a stored target of this kind.
CHECK = HaMqttCheck

SUBENTRY_TYPE = "ha_mqtt"
LIMITS = LATENCY_LIMITS
rules = validate_latency
VALIDATION_TIMEOUT = 10.0


def schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the form, filled from ``values`` (secrets are never pre-filled)."""
    return vol.Schema(latency_fields(values, 250, 1000))


def abort_reason(hass: HomeAssistant) -> str | None:
    """Return why no target can be added: HA's MQTT not loaded, or already watched."""
    if loaded_mqtt_entry(hass) is None:
        return "mqtt_not_configured"
    for entry in hass.config_entries.async_entries(DOMAIN):
        if any(
            subentry.subentry_type == SUBENTRY_TYPE
            for subentry in entry.subentries.values()
        ):
            return "already_configured"
    return None


async def async_validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    """Connect to the target for real; return field errors."""
    return await async_validate_target(
        HaMqttCheck(hass, "validation", title(data), data), VALIDATION_TIMEOUT, {}
    )


def title(data: Mapping[str, Any]) -> str:
    """Return the target's title."""
    return "Home Assistant MQTT"


def unique_id(data: Mapping[str, Any]) -> str:
    """There is one HA MQTT connection: one target at most."""
    return SUBENTRY_TYPE


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Return form input as the data to store."""
    return dict(data)
