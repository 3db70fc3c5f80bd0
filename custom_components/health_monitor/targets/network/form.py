"""Network target form: a host and an optional TCP port."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import CONF_HOST, CONF_PORT, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import TextSelector

from ...descriptions import ComponentSensorDescription, metric_value
from ...engine.models import ComponentType
from ...validation import MAX_HOST_LENGTH, FieldLimit, NumberRange, TextLimit
from ..base import async_validate_target
from ..kind import TargetKind
from ..latency import LATENCY_LIMITS, latency_fields, required_errors, validate_latency
from .probe import NetworkCheck

VALIDATION_TIMEOUT = 10.0
PORT = NumberRange(1, 65535)
LIMITS: dict[str, FieldLimit] = {
    CONF_HOST: TextLimit(MAX_HOST_LENGTH),
    CONF_PORT: PORT,
    **LATENCY_LIMITS,
}


def _schema(values: Mapping[str, Any]) -> vol.Schema:
    port = values.get(CONF_PORT)
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=values.get(CONF_HOST, "")): TextSelector(),
            vol.Optional(
                CONF_PORT, description={"suggested_value": port} if port else None
            ): PORT.selector(),
            **latency_fields(values, 200, 1000),
        }
    )


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if data.get(CONF_PORT) in (None, ""):
        data.pop(CONF_PORT, None)
    return data


def _rules(data: Mapping[str, Any]) -> dict[str, str]:
    return required_errors(data, {CONF_HOST: "cannot_connect"}) or validate_latency(
        data
    )


async def _validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    return await async_validate_target(
        NetworkCheck(hass, "validation", data[CONF_HOST], data), VALIDATION_TIMEOUT
    )


def _title(data: Mapping[str, Any]) -> str:
    port = data.get(CONF_PORT)
    return f"{data[CONF_HOST]}:{port}" if port else str(data[CONF_HOST])


NETWORK = TargetKind(
    subentry_type="network",
    component_type=ComponentType.NETWORK,
    check_class=NetworkCheck,
    schema=_schema,
    validate=_validate,
    title=_title,
    unique_id=lambda data: _title(data).lower(),
    normalize=_normalize,
    limits=LIMITS,
    rules=_rules,
    sensors=(
        ComponentSensorDescription(
            key="dns_ms",
            translation_key="dns_time",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.MILLISECONDS,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=1,
            value_fn=metric_value("dns_ms"),
            component_types=frozenset({ComponentType.NETWORK}),
        ),
        ComponentSensorDescription(
            key="connect_ms",
            translation_key="connect_time",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.MILLISECONDS,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=1,
            value_fn=metric_value("connect_ms"),
            component_types=frozenset({ComponentType.NETWORK}),
        ),
    ),
)
