"""Sensors of network targets: DNS and TCP connect time."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import UnitOfTime

from ...descriptions import ComponentSensorDescription, metric_value
from ...engine.models import ComponentType

SENSORS = (
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
)
