"""What every target form shares: latency fields and validation by a real probe."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from ..checks.target import TargetCheck, async_validate_target
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


async def async_validate_form(
    data: Mapping[str, Any],
    required: Mapping[str, str],
    probe: Callable[[], TargetCheck],
    timeout: float,
) -> dict[str, str]:
    """Validate a target form: required fields, latency levels, then a real probe.

    ``required`` maps each field that must not be empty to the error it shows;
    ``probe`` builds the check that observes the target once.
    """
    for key, error in required.items():
        if not data.get(key):
            return {key: error}
    if errors := validate_latency(data):
        return errors
    return await async_validate_target(probe(), timeout)
