"""Home Assistant MQTT target form: HA's own MQTT connection, added once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant

from ...const import DOMAIN
from ...engine.models import ComponentType
from ..base import async_validate_target
from ..kind import TargetKind
from ..latency import LATENCY_LIMITS, latency_fields, validate_latency
from .probe import HaMqttCheck, loaded_mqtt_entry

SUBENTRY_TYPE = "ha_mqtt"
VALIDATION_TIMEOUT = 10.0


def _schema(values: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(latency_fields(values, 250, 1000))


def _unavailable(hass: HomeAssistant) -> str | None:
    """Abort unless HA's MQTT is loaded; there is only one to watch."""
    if loaded_mqtt_entry(hass) is None:
        return "mqtt_not_configured"
    for entry in hass.config_entries.async_entries(DOMAIN):
        if any(
            subentry.subentry_type == SUBENTRY_TYPE
            for subentry in entry.subentries.values()
        ):
            return "already_configured"
    return None


async def _validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    return await async_validate_target(
        HaMqttCheck(hass, "validation", _title(data), data), VALIDATION_TIMEOUT
    )


def _title(data: Mapping[str, Any]) -> str:
    return "Home Assistant MQTT"


HA_MQTT = TargetKind(
    subentry_type=SUBENTRY_TYPE,
    component_type=ComponentType.MQTT,
    check_class=HaMqttCheck,
    schema=_schema,
    validate=_validate,
    title=_title,
    unique_id=lambda data: SUBENTRY_TYPE,
    limits=LATENCY_LIMITS,
    rules=validate_latency,
    # The round trip sensor comes with the MQTT broker kind (same component type).
    unavailable=_unavailable,
)
