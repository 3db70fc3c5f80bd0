"""Sensors of HTTP endpoints: success rate, status code, certificate expiry."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfTime

from ...descriptions import ComponentSensorDescription, metric_value, percent_sensor
from ...engine.models import ComponentType

SENSORS = (
    percent_sensor("success_rate", "http_success_rate", {ComponentType.HTTP_ENDPOINT}),
    ComponentSensorDescription(
        key="status_code",
        translation_key="http_status_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=metric_value("status_code"),
        component_types=frozenset({ComponentType.HTTP_ENDPOINT}),
    ),
    ComponentSensorDescription(
        key="certificate_days",
        translation_key="certificate_days_left",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=metric_value("certificate_days"),
        component_types=frozenset({ComponentType.HTTP_ENDPOINT}),
    ),
)
