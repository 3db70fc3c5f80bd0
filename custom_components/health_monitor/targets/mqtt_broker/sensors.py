"""Sensors of MQTT targets (both kinds share the MQTT component type)."""

from __future__ import annotations

from ...descriptions import duration, metric_sensor
from ...engine.models import ComponentType

SENSORS = (
    metric_sensor("round_trip_ms", "round_trip", {ComponentType.MQTT}, **duration()),
)
