"""Sensors of the fleet: the export's outbox, and each other instance's figures."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.helpers.typing import StateType

from ...descriptions import DIAGNOSTIC, count, metric_sensor, percentage
from ...engine.models import ComponentHealth, ComponentType

_FLEET_DATABASE = {ComponentType.FLEET_DATABASE}
_INSTANCE = {ComponentType.INSTANCE}
# Counted since Home Assistant started.
_TOTAL = {"state_class": SensorStateClass.TOTAL_INCREASING}


def _last_heartbeat(component: ComponentHealth) -> StateType | datetime:
    value = component.metrics.get("last_heartbeat")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


SENSORS = (
    metric_sensor("rows_waiting", "fleet_rows_waiting", _FLEET_DATABASE, **count()),
    metric_sensor("rows_dropped", "fleet_rows_dropped", _FLEET_DATABASE, **_TOTAL),
    metric_sensor(
        "rows_written", "fleet_rows_written", _FLEET_DATABASE, **_TOTAL, **DIAGNOSTIC
    ),
    metric_sensor("fleet_instances", "fleet_instances", _FLEET_DATABASE, **count()),
    metric_sensor("score", "instance_score", _INSTANCE, **percentage(0)),
    metric_sensor("open_incidents", "instance_open_incidents", _INSTANCE, **count()),
    metric_sensor(
        "last_heartbeat",
        "instance_last_heartbeat",
        _INSTANCE,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_last_heartbeat,
    ),
)
