"""Form fields and rules shared by the kinds of target addressed by a host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ..validation import PORT
from .kind import required_errors
from .latency import validate_latency


def host_port_fields(
    values: Mapping[str, Any], default_port: int
) -> dict[vol.Marker, Any]:
    """Return the required host and port fields, filled from ``values``."""
    return {
        vol.Required(CONF_HOST, default=values.get(CONF_HOST, "")): TextSelector(),
        vol.Required(
            CONF_PORT, default=values.get(CONF_PORT, default_port)
        ): PORT.selector(),
    }


def password_field() -> dict[vol.Marker, Any]:
    """Return the password field, never pre-filled.

    Left empty on reconfigure, the stored password is kept.
    """
    return {
        vol.Optional(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        )
    }


def host_rules(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the errors of a target known by its host: none, or its latency's."""
    return required_errors(data, {CONF_HOST: "cannot_connect"}) or validate_latency(
        data
    )
