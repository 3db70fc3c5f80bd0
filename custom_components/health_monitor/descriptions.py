"""Entity descriptions: every description class, and the factories of sensor descriptions.

A component sensor shows the numeric metric named by its key unless it says
otherwise (``value_fn``). The quantities below (``count``, ``percentage``,
``duration``, ``data_size``) give each sort of value its unit and classes
once, for every description class, so most sensors are one line each.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfInformation,
    UnitOfTime,
)
from homeassistant.helpers.typing import StateType

from .engine.models import ComponentHealth, ComponentType, SystemHealth

if TYPE_CHECKING:
    from .coordinator import HealthMonitorCoordinator
    from .incidents import Incidents


def metric_value(key: str) -> Callable[[ComponentHealth], StateType]:
    """Return a reader of the numeric metric ``key`` (None when absent or not a number)."""

    def read(component: ComponentHealth) -> StateType:
        value = component.metrics.get(key)
        return value if isinstance(value, int | float) else None

    return read


def _metric_named_by_key(component: ComponentHealth) -> StateType:
    """Stand for "the metric named by the key" until the description knows its key."""
    raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class ComponentSensorDescription(SensorEntityDescription):
    """A sensor of a component, for the ``component_types`` named (None: every one).

    ``value_fn`` reads the value from the component (by default the numeric
    metric named by ``key``). ``when_measured``: the sensor exists only for a
    component whose check measures the metric (a replica's lag, TimescaleDB's
    jobs), not as an entity that would stay unknown forever.
    """

    value_fn: Callable[[ComponentHealth], StateType] = _metric_named_by_key
    component_types: frozenset[ComponentType] | None = None
    when_measured: bool = False

    def applies_to(self, component: ComponentHealth) -> bool:
        """Return whether components of ``component``'s type have this sensor."""
        return (
            self.component_types is None
            or component.component_type in self.component_types
        )

    def __post_init__(self) -> None:
        """Read the metric named by the key when no ``value_fn`` is given."""
        if self.value_fn is _metric_named_by_key:
            object.__setattr__(self, "value_fn", metric_value(self.key))


@dataclass(frozen=True, kw_only=True)
class SystemSensorDescription(SensorEntityDescription):
    """A sensor of the system device; ``value_fn`` reads it from the system health."""

    value_fn: Callable[[SystemHealth], StateType]


@dataclass(frozen=True, kw_only=True)
class IncidentSensorDescription(SensorEntityDescription):
    """A sensor of the system device read from the incident response."""

    value_fn: Callable[[Incidents], StateType]


@dataclass(frozen=True, kw_only=True)
class ControlSwitchDescription(SwitchEntityDescription):
    """A switch mirroring a start/stop pair of services."""

    is_on_fn: Callable[[HealthMonitorCoordinator], bool]
    set_fn: Callable[[HealthMonitorCoordinator, bool], Awaitable[None] | None]


def metric_sensor(
    key: str,
    translation_key: str,
    types: Iterable[ComponentType] | None,
    **fields: Any,
) -> ComponentSensorDescription:
    """Return the sensor of metric ``key`` on components of ``types`` (None: all).

    ``fields`` are the rest of the description, usually a quantity below.
    """
    return ComponentSensorDescription(
        key=key,
        translation_key=translation_key,
        component_types=None if types is None else frozenset(types),
        **fields,
    )


# Quantities: the unit and classes of a sort of value, for any sensor description.

# Shown with the device's diagnostics, not on its main card.
DIAGNOSTIC: dict[str, Any] = {"entity_category": EntityCategory.DIAGNOSTIC}


def count() -> dict[str, Any]:
    """Return the fields of a number HA keeps statistics of, with no unit."""
    return {"state_class": SensorStateClass.MEASUREMENT}


def percentage(precision: int = 1) -> dict[str, Any]:
    """Return the fields of a percentage."""
    return {
        **count(),
        "native_unit_of_measurement": PERCENTAGE,
        "suggested_display_precision": precision,
    }


def duration(
    unit: UnitOfTime = UnitOfTime.MILLISECONDS, precision: int | None = None
) -> dict[str, Any]:
    """Return the fields of a duration: one decimal for milliseconds, else none."""
    if precision is None:
        precision = 1 if unit is UnitOfTime.MILLISECONDS else 0
    return {
        **count(),
        "device_class": SensorDeviceClass.DURATION,
        "native_unit_of_measurement": unit,
        "suggested_display_precision": precision,
    }


def data_size(precision: int) -> dict[str, Any]:
    """Return the fields of a size in mebibytes."""
    return {
        **count(),
        "device_class": SensorDeviceClass.DATA_SIZE,
        "native_unit_of_measurement": UnitOfInformation.MEBIBYTES,
        "suggested_display_precision": precision,
    }
