"""Database target form: a PostgreSQL (or TimescaleDB) server and its sensors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from ...validation import (
    MAX_DATABASE_NAME_BYTES,
    MAX_HOST_LENGTH,
    MAX_PASSWORD_LENGTH,
    PORT,
    FieldLimit,
    TextLimit,
)
from ..base import Fault
from ..fields import host_port_fields, password_field
from ..kind import async_validate_target, required_errors
from ..latency import LATENCY_LIMITS, latency_fields, validate_latency
from .probe import CONF_DATABASE, CONF_SSL_MODE, DEFAULT_PORT, DatabaseCheck, SslMode

# The check of a stored target of this kind.
CHECK = DatabaseCheck

# Above the check's own connect timeout, so a silent server is its timeout.
VALIDATION_TIMEOUT = 15.0
FAULT_FIELDS = {
    Fault.ADDRESS: CONF_HOST,
    Fault.CREDENTIALS: CONF_PASSWORD,
    Fault.PERMISSION: CONF_USERNAME,
    Fault.DATABASE: CONF_DATABASE,
    Fault.ENCRYPTION: CONF_SSL_MODE,
}

# Database and role names are identifiers, which PostgreSQL cuts at 63 bytes.
_IDENTIFIER = TextLimit(MAX_DATABASE_NAME_BYTES, in_bytes=True)
LIMITS: dict[str, FieldLimit] = {
    CONF_HOST: TextLimit(MAX_HOST_LENGTH),
    CONF_PORT: PORT,
    CONF_DATABASE: _IDENTIFIER,
    CONF_USERNAME: _IDENTIFIER,
    CONF_PASSWORD: TextLimit(MAX_PASSWORD_LENGTH, strip=False),
    **LATENCY_LIMITS,
}
_SSL_MODES = frozenset(str(mode) for mode in SslMode)

_SSL_MODE_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[str(mode) for mode in SslMode],
        mode=SelectSelectorMode.DROPDOWN,
        translation_key="database_ssl_mode",
    )
)


def schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the form, filled from ``values`` (secrets are never pre-filled)."""
    return vol.Schema(
        {
            **host_port_fields(values, DEFAULT_PORT),
            vol.Required(
                CONF_DATABASE, default=values.get(CONF_DATABASE, "")
            ): TextSelector(),
            vol.Required(
                CONF_USERNAME, default=values.get(CONF_USERNAME, "")
            ): TextSelector(),
            **password_field(),
            vol.Required(
                CONF_SSL_MODE, default=values.get(CONF_SSL_MODE, SslMode.DISABLE)
            ): _SSL_MODE_SELECTOR,
            **latency_fields(values, 100, 1000),
        }
    )


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Return form input as the data to store."""
    data = dict(data)
    if data.get(CONF_PORT) in (None, ""):
        data[CONF_PORT] = DEFAULT_PORT
    data[CONF_SSL_MODE] = str(data.get(CONF_SSL_MODE, SslMode.DISABLE))
    if data.get(CONF_PASSWORD) in (None, ""):
        data.pop(CONF_PASSWORD, None)
    return data


def rules(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the field errors found without connecting."""
    return connection_rules(data) or validate_latency(data)


def connection_rules(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the errors of the connection fields found without connecting."""
    mode = data.get(CONF_SSL_MODE, SslMode.DISABLE)
    if not isinstance(mode, str) or mode not in _SSL_MODES:
        # Only stored data can hold another mode: the form offers a choice.
        return {CONF_SSL_MODE: "unknown"}
    required = {
        CONF_HOST: "cannot_connect",
        CONF_DATABASE: "cannot_connect",
        CONF_USERNAME: "invalid_auth",
    }
    return required_errors(data, required)


async def async_validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    """Connect to the target for real; return field errors."""
    return await async_validate_target(
        DatabaseCheck(hass, "validation", title(data), data),
        VALIDATION_TIMEOUT,
        FAULT_FIELDS,
    )


def title(data: Mapping[str, Any]) -> str:
    """Return the name derived from the address: "hmdb on nas.lan" (port if not 5432)."""
    port = data[CONF_PORT]
    host = data[CONF_HOST] if port == DEFAULT_PORT else f"{data[CONF_HOST]}:{port}"
    return f"{data[CONF_DATABASE]} on {host}"


def unique_id(data: Mapping[str, Any]) -> str:
    """Tell two targets apart, so the same one is not added twice."""
    # Host names are case-insensitive, database names are not.
    return f"{str(data[CONF_HOST]).lower()}:{data[CONF_PORT]}/{data[CONF_DATABASE]}"
