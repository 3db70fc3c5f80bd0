"""MQTT broker target form: a broker Health Monitor connects to directly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import BooleanSelector, TextSelector

from ...const import CONF_PUBLISH_STATE
from ...validation import (
    MAX_HOST_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    PORT,
    FieldLimit,
    TextLimit,
)
from ..base import Fault
from ..fields import host_port_fields, host_rules, password_field
from ..kind import async_validate_target
from ..latency import LATENCY_LIMITS, latency_fields
from .probe import CONF_TLS, DEFAULT_PORT, MqttBrokerCheck

# The check of a stored target of this kind.
CHECK = MqttBrokerCheck

# Connecting and one echo must both fit.
VALIDATION_TIMEOUT = 15.0
LIMITS: dict[str, FieldLimit] = {
    CONF_HOST: TextLimit(MAX_HOST_LENGTH),
    CONF_PORT: PORT,
    CONF_USERNAME: TextLimit(MAX_USERNAME_LENGTH),
    CONF_PASSWORD: TextLimit(MAX_PASSWORD_LENGTH, strip=False),
    **LATENCY_LIMITS,
}


def schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the form, filled from ``values`` (secrets are never pre-filled)."""
    username = values.get(CONF_USERNAME)
    return vol.Schema(
        {
            **host_port_fields(values, DEFAULT_PORT),
            vol.Optional(
                CONF_USERNAME,
                description={"suggested_value": username} if username else None,
            ): TextSelector(),
            **password_field(),
            vol.Required(CONF_TLS, default=values.get(CONF_TLS, False)): (
                BooleanSelector()
            ),
            vol.Required(
                CONF_PUBLISH_STATE, default=values.get(CONF_PUBLISH_STATE, False)
            ): BooleanSelector(),
            **latency_fields(values, 250, 1000),
        }
    )


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Return form input as the data to store."""
    data = dict(data)
    if data.get(CONF_PORT) in (None, ""):
        data[CONF_PORT] = DEFAULT_PORT
    data[CONF_TLS] = bool(data.get(CONF_TLS, False))
    data[CONF_PUBLISH_STATE] = bool(data.get(CONF_PUBLISH_STATE, False))
    username = data.get(CONF_USERNAME)
    if username is None or (isinstance(username, str) and not username.strip()):
        data.pop(CONF_USERNAME, None)
    if data.get(CONF_PASSWORD) in (None, ""):
        data.pop(CONF_PASSWORD, None)
    return data


rules = host_rules


async def async_validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    """Connect to the target for real; return field errors."""
    # Refused credentials point at the password if one was typed.
    credentials = CONF_PASSWORD if data.get(CONF_PASSWORD) else CONF_USERNAME
    return await async_validate_target(
        MqttBrokerCheck(hass, "validation", title(data), data),
        VALIDATION_TIMEOUT,
        {Fault.ADDRESS: CONF_HOST, Fault.CREDENTIALS: credentials},
    )


def title(data: Mapping[str, Any]) -> str:
    """Return the name derived from the address: "MQTT on nas.lan" (port if not 1883)."""
    port = data.get(CONF_PORT, DEFAULT_PORT)
    host = data[CONF_HOST] if port == DEFAULT_PORT else f"{data[CONF_HOST]}:{port}"
    return f"MQTT on {host}"


def unique_id(data: Mapping[str, Any]) -> str:
    """Tell brokers apart: host names are case-insensitive."""
    return f"{data[CONF_HOST]}:{data.get(CONF_PORT, DEFAULT_PORT)}".lower()
