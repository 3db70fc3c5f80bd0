"""MQTT broker target form: a broker Health Monitor connects to directly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...descriptions import ComponentSensorDescription, metric_value
from ...engine.models import ComponentType
from ...validation import (
    MAX_HOST_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    FieldLimit,
    TextLimit,
)
from ..base import async_validate_target
from ..kind import TargetKind
from ..latency import LATENCY_LIMITS, latency_fields, required_errors, validate_latency
from ..network.form import PORT
from .probe import CONF_TLS, DEFAULT_PORT, MqttBrokerCheck

# Connecting and one echo must both fit.
VALIDATION_TIMEOUT = 15.0
LIMITS: dict[str, FieldLimit] = {
    CONF_HOST: TextLimit(MAX_HOST_LENGTH),
    CONF_PORT: PORT,
    CONF_USERNAME: TextLimit(MAX_USERNAME_LENGTH),
    CONF_PASSWORD: TextLimit(MAX_PASSWORD_LENGTH, strip=False),
    **LATENCY_LIMITS,
}

# Shared by both kinds of MQTT target (they share the MQTT component type).
MQTT_SENSORS = (
    ComponentSensorDescription(
        key="round_trip_ms",
        translation_key="round_trip",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=metric_value("round_trip_ms"),
        component_types=frozenset({ComponentType.MQTT}),
    ),
)


def _schema(values: Mapping[str, Any]) -> vol.Schema:
    username = values.get(CONF_USERNAME)
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=values.get(CONF_HOST, "")): TextSelector(),
            vol.Required(
                CONF_PORT, default=values.get(CONF_PORT, DEFAULT_PORT)
            ): PORT.selector(),
            vol.Optional(
                CONF_USERNAME,
                description={"suggested_value": username} if username else None,
            ): TextSelector(),
            # Never pre-filled: left empty on reconfigure, the stored one is kept.
            vol.Optional(CONF_PASSWORD): TextSelector(
                TextSelectorConfig(type=TextSelectorType.PASSWORD)
            ),
            vol.Required(CONF_TLS, default=values.get(CONF_TLS, False)): (
                BooleanSelector()
            ),
            **latency_fields(values, 250, 1000),
        }
    )


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if data.get(CONF_PORT) in (None, ""):
        data[CONF_PORT] = DEFAULT_PORT
    data[CONF_TLS] = bool(data.get(CONF_TLS, False))
    username = data.get(CONF_USERNAME)
    if username is None or (isinstance(username, str) and not username.strip()):
        data.pop(CONF_USERNAME, None)
    if data.get(CONF_PASSWORD) in (None, ""):
        data.pop(CONF_PASSWORD, None)
    return data


def _rules(data: Mapping[str, Any]) -> dict[str, str]:
    return required_errors(data, {CONF_HOST: "cannot_connect"}) or validate_latency(
        data
    )


async def _validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    return await async_validate_target(
        MqttBrokerCheck(hass, "validation", _title(data), data), VALIDATION_TIMEOUT
    )


def _title(data: Mapping[str, Any]) -> str:
    return f"{data[CONF_HOST]}:{data.get(CONF_PORT, DEFAULT_PORT)}"


MQTT_BROKER = TargetKind(
    subentry_type="mqtt_broker",
    component_type=ComponentType.MQTT,
    check_class=MqttBrokerCheck,
    schema=_schema,
    validate=_validate,
    title=_title,
    unique_id=lambda data: _title(data).lower(),
    normalize=_normalize,
    limits=LIMITS,
    rules=_rules,
    sensors=MQTT_SENSORS,
    secret_keys=frozenset({CONF_PASSWORD}),
)
