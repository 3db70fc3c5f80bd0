"""What every target form shares: latency fields and required fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from ..checks.latency import (
    CONF_LATENCY_CRITICAL,
    CONF_LATENCY_WARNING,
    latency_thresholds,
)
from ..engine.classification import InvalidThresholdsError
from ..validation import FieldLimit, NumberRange

LATENCY_LEVEL = NumberRange(1, 120000, whole=False, unit="ms")
LATENCY_LIMITS: dict[str, FieldLimit] = {
    CONF_LATENCY_WARNING: LATENCY_LEVEL,
    CONF_LATENCY_CRITICAL: LATENCY_LEVEL,
}


def latency_fields(
    values: Mapping[str, Any], warning: float, critical: float
) -> dict[vol.Marker, Any]:
    """Return the two latency fields, defaulting to ``values`` or the given levels."""
    return {
        vol.Required(
            CONF_LATENCY_WARNING, default=values.get(CONF_LATENCY_WARNING, warning)
        ): LATENCY_LEVEL.selector(),
        vol.Required(
            CONF_LATENCY_CRITICAL, default=values.get(CONF_LATENCY_CRITICAL, critical)
        ): LATENCY_LEVEL.selector(),
    }


def validate_latency(data: Mapping[str, Any]) -> dict[str, str]:
    """Return a field error when the warning latency is not below the critical one.

    ``data`` has passed :data:`LATENCY_LIMITS`; a missing level is an error of
    its own field.
    """
    for key in (CONF_LATENCY_WARNING, CONF_LATENCY_CRITICAL):
        if data.get(key) is None:
            return {key: "not_a_number"}
    try:
        latency_thresholds(data)
    except InvalidThresholdsError:
        return {CONF_LATENCY_WARNING: "warning_not_below_critical"}
    return {}


def required_errors(
    data: Mapping[str, Any], required: Mapping[str, str]
) -> dict[str, str]:
    """Return the error of the first field of ``required`` that is empty.

    ``required`` maps each field that must not be empty to the error it shows.
    """
    for key, error in required.items():
        if not data.get(key):
            return {key: error}
    return {}
