"""Network target form: a host and an optional TCP port."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import BooleanSelector, TextSelector

from ...dependencies import CONF_CONNECTIVITY
from ...validation import MAX_HOST_LENGTH, PORT, FieldLimit, TextLimit
from ..base import Fault
from ..fields import host_rules
from ..kind import async_validate_target
from ..latency import LATENCY_LIMITS, latency_fields
from .probe import NetworkCheck

# The check of a stored target of this kind.
CHECK = NetworkCheck

VALIDATION_TIMEOUT = 10.0
FAULT_FIELDS = {Fault.ADDRESS: CONF_HOST, Fault.PORT: CONF_PORT}
LIMITS: dict[str, FieldLimit] = {
    CONF_HOST: TextLimit(MAX_HOST_LENGTH),
    CONF_PORT: PORT,
    **LATENCY_LIMITS,
}


def schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the form, filled from ``values`` (secrets are never pre-filled)."""
    port = values.get(CONF_PORT)
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=values.get(CONF_HOST, "")): TextSelector(),
            vol.Optional(
                CONF_PORT, description={"suggested_value": port} if port else None
            ): PORT.selector(),
            **latency_fields(values, 200, 1000),
            vol.Optional(
                CONF_CONNECTIVITY, default=values.get(CONF_CONNECTIVITY) is True
            ): BooleanSelector(),
        }
    )


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Return form input as the data to store."""
    data = dict(data)
    if data.get(CONF_PORT) in (None, ""):
        data.pop(CONF_PORT, None)
    # Only a target marked as the internet connection stores the mark.
    if data.get(CONF_CONNECTIVITY) is not True:
        data.pop(CONF_CONNECTIVITY, None)
    return data


rules = host_rules


async def async_validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    """Connect to the target for real; return field errors."""
    return await async_validate_target(
        NetworkCheck(hass, "validation", data[CONF_HOST], data),
        VALIDATION_TIMEOUT,
        FAULT_FIELDS,
    )


def title(data: Mapping[str, Any]) -> str:
    """Return the target's title."""
    port = data.get(CONF_PORT)
    return f"{data[CONF_HOST]}:{port}" if port else str(data[CONF_HOST])


def unique_id(data: Mapping[str, Any]) -> str:
    """Tell targets apart: host names are case-insensitive."""
    return title(data).lower()
