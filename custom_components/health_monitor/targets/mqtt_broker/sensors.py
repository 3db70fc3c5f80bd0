"""Sensors of MQTT targets (both kinds share the MQTT component type)."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import UnitOfTime

from ...descriptions import ComponentSensorDescription, metric_value
from ...engine.models import ComponentType

SENSORS = (
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
