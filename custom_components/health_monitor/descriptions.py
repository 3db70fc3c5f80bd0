"""Entity descriptions shared by the sensor platform and the target kinds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import SensorEntityDescription, SensorStateClass
from homeassistant.const import PERCENTAGE
from homeassistant.helpers.typing import StateType

from .engine.models import ComponentHealth, ComponentType, SystemHealth


@dataclass(frozen=True, kw_only=True)
class ComponentSensorDescription(SensorEntityDescription):
    """A sensor of a component; ``value_fn`` reads it from the component."""

    value_fn: Callable[[ComponentHealth], StateType]
    component_types: frozenset[ComponentType] | None = None


@dataclass(frozen=True, kw_only=True)
class SystemSensorDescription(SensorEntityDescription):
    """A sensor of the system device; ``value_fn`` reads it from the system health."""

    value_fn: Callable[[SystemHealth], StateType]


def metric_value(key: str) -> Callable[[ComponentHealth], StateType]:
    """Return a reader of the numeric metric ``key`` (None when absent or not a number)."""

    def read(component: ComponentHealth) -> StateType:
        value = component.metrics.get(key)
        return value if isinstance(value, int | float) else None

    return read


def percent_sensor(
    key: str, translation_key: str, types: set[ComponentType]
) -> ComponentSensorDescription:
    """Return a percentage measurement sensor of the metric ``key``."""
    return ComponentSensorDescription(
        key=key,
        translation_key=translation_key,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=metric_value(key),
        component_types=frozenset(types),
    )
