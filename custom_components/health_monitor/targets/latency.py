"""Latency threshold fields shared by every target form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)

from ..checks.latency import (
    CONF_LATENCY_CRITICAL,
    CONF_LATENCY_WARNING,
    latency_thresholds,
)
from ..engine.classification import InvalidThresholdsError

_LATENCY_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=1, max=120000, step=1, mode=NumberSelectorMode.BOX, unit_of_measurement="ms"
    )
)


def latency_fields(
    values: Mapping[str, Any], warning: float, critical: float
) -> dict[vol.Marker, Any]:
    """Return the two latency fields, defaulting to ``values`` or the given levels."""
    return {
        vol.Required(
            CONF_LATENCY_WARNING, default=values.get(CONF_LATENCY_WARNING, warning)
        ): _LATENCY_SELECTOR,
        vol.Required(
            CONF_LATENCY_CRITICAL, default=values.get(CONF_LATENCY_CRITICAL, critical)
        ): _LATENCY_SELECTOR,
    }


def validate_latency(data: Mapping[str, Any]) -> dict[str, str]:
    """Return a field error when the warning latency is not below the critical one."""
    try:
        latency_thresholds(data)
    except InvalidThresholdsError:
        return {CONF_LATENCY_WARNING: "warning_not_below_critical"}
    return {}
