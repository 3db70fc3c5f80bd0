"""Sensors: component status and metrics, and the system's health score."""

from __future__ import annotations

from collections.abc import Callable
import re
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .builtin import BUILTIN_SENSORS
from .builtin.system_resources import disk_sensor
from .const import BUILTIN_CHECKS
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .descriptions import (
    DIAGNOSTIC,
    ComponentSensorDescription,
    IncidentSensorDescription,
    SystemSensorDescription,
    count,
    duration,
    metric_sensor,
    percentage,
)
from .engine.incidents import Severity
from .engine.models import ComponentHealth, ComponentType, HealthStatus, SystemHealth
from .entity import (
    ComponentEntity,
    HealthMonitorEntity,
    async_add_component_entities,
    async_follow_entry_signal,
)
from .incidents import Incidents, signal_incidents_changed
from .measured_sensors import async_follow_measured_sensors
from .targets import TARGET_KINDS

# Coordinator entities only read; they never update in parallel.
PARALLEL_UPDATES = 0

# An entity check answers from what it tracks: it has no response time.
TARGET_TYPES = frozenset(kind.component_type for kind in TARGET_KINDS.values()) - {
    ComponentType.ENTITY_CHECK
}

STATUS_OPTIONS = [status.value for status in HealthStatus]


STATUS_SENSOR = ComponentSensorDescription(
    key="status",
    translation_key="component_status",
    device_class=SensorDeviceClass.ENUM,
    options=STATUS_OPTIONS,
    value_fn=lambda component: component.status.value,
)

# Sensors of every component (or of every target / built-in check) but the status.
COMMON_SENSORS: tuple[ComponentSensorDescription, ...] = (
    # A target's response time is what users watch; a built-in check's is
    # only how long reading it took (rarely looked at: off until enabled).
    metric_sensor(
        "response_time",
        "response_time",
        TARGET_TYPES,
        **duration(),
        value_fn=lambda component: component.response_time_ms,
    ),
    metric_sensor(
        "response_time",
        "response_time",
        BUILTIN_CHECKS,
        **duration(),
        **DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda component: component.response_time_ms,
    ),
    metric_sensor(
        "uptime_percent",
        "uptime_percent",
        None,
        **percentage(),
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda component: component.uptime_percent,
    ),
)

COMPONENT_SENSORS: tuple[ComponentSensorDescription, ...] = (
    STATUS_SENSOR,
    *COMMON_SENSORS,
    *BUILTIN_SENSORS,
    *(description for kind in TARGET_KINDS.values() for description in kind.sensors),
)


def _system(
    key: str, value_fn: Callable[[SystemHealth], StateType], **fields: Any
) -> SystemSensorDescription:
    return SystemSensorDescription(
        key=key, translation_key=key, value_fn=value_fn, **fields
    )


def _count(status: HealthStatus) -> SystemSensorDescription:
    return _system(
        f"{status.value}_components", lambda health: health.counts[status], **count()
    )


SYSTEM_SENSORS: tuple[SystemSensorDescription, ...] = (
    _system("health_score", lambda health: health.health_score, **percentage(0)),
    _system(
        "overall_status",
        lambda health: health.status.value,
        device_class=SensorDeviceClass.ENUM,
        options=STATUS_OPTIONS,
    ),
    _system(
        "performance_score",
        lambda health: health.performance_score,
        **percentage(0),
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    _system(
        "cycle_duration",
        lambda health: health.cycle_duration_ms,
        **duration(precision=0),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
    *(_count(status) for status in HealthStatus),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HealthMonitorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the system sensors now and component sensors as components appear."""
    coordinator = entry.runtime_data
    async_add_entities(
        SystemSensor(coordinator, description) for description in SYSTEM_SENSORS
    )
    async_add_entities(
        IncidentSensor(coordinator, description) for description in INCIDENT_SENSORS
    )
    async_add_component_entities(entry, async_add_entities, _component_sensors)
    async_follow_measured_sensors(
        hass, entry, async_add_entities, COMPONENT_SENSORS, ComponentSensor
    )


def _component_sensors(
    coordinator: HealthMonitorCoordinator, component: ComponentHealth
) -> list[SensorEntity]:
    sensors: list[SensorEntity] = [
        (ComponentStatusSensor if description is STATUS_SENSOR else ComponentSensor)(
            coordinator, component, description
        )
        for description in COMPONENT_SENSORS
        if not description.when_measured and description.applies_to(component)
    ]
    if component.component_type is ComponentType.SYSTEM_RESOURCES:
        sensors.extend(
            ComponentSensor(coordinator, component, disk_sensor(path))
            for path in coordinator.settings.disk_paths
        )
    return sensors


def _highest_open_severity(response: Incidents) -> StateType:
    open_incidents = response.list_incidents()
    if not open_incidents:
        return "none"
    return max((i.severity for i in open_incidents), key=lambda s: s.rank).value


def _incidents(
    key: str, value_fn: Callable[[Incidents], StateType], **fields: Any
) -> IncidentSensorDescription:
    return IncidentSensorDescription(
        key=key, translation_key=key, value_fn=value_fn, **fields
    )


INCIDENT_SENSORS: tuple[IncidentSensorDescription, ...] = (
    _incidents(
        "open_incidents",
        lambda response: len(response.list_incidents()),
        **count(),
    ),
    _incidents(
        "highest_open_severity",
        _highest_open_severity,
        device_class=SensorDeviceClass.ENUM,
        options=["none", *(severity.value for severity in Severity)],
    ),
    *(
        _incidents(key, value_fn, **duration(UnitOfTime.MINUTES, precision=1))
        for key, value_fn in (
            ("mtta", lambda response: response.statistics().mtta_minutes),
            ("mttr", lambda response: response.statistics().mttr_minutes),
        )
    ),
    _incidents(
        "incidents_last_24h",
        lambda response: response.statistics().last_24h,
        **count(),
    ),
    _incidents(
        "recovery_success_rate",
        lambda response: response.statistics().recovery_success_rate,
        **percentage(0),
    ),
)


class IncidentSensor(HealthMonitorEntity, SensorEntity):
    """A sensor about the incidents of the whole installation."""

    entity_description: IncidentSensorDescription

    async def async_added_to_hass(self) -> None:
        """Also update when incidents change between cycles (once per batch)."""
        await super().async_added_to_hass()
        async_follow_entry_signal(
            self, signal_incidents_changed, self.async_write_current_state
        )

    @property
    def native_value(self) -> StateType:
        """Return the value read from the incidents."""
        return self.entity_description.value_fn(self.coordinator.incidents)


class SystemSensor(HealthMonitorEntity, SensorEntity):
    """A sensor of the whole installation."""

    entity_description: SystemSensorDescription

    @property
    def native_value(self) -> StateType:
        """Return the value from the latest system health."""
        return self.entity_description.value_fn(self.coordinator.data)


class ComponentSensor(ComponentEntity, SensorEntity):
    """A sensor of one component."""

    entity_description: ComponentSensorDescription

    @property
    def native_value(self) -> StateType:
        """Return the value from the component's latest health."""
        component = self.component
        return (
            None if component is None else self.entity_description.value_fn(component)
        )


# A reading in a message: a number standing alone ("connect 2.1 ms", "45%",
# "12 threads"), not one inside an address or a name ("127.0.0.1:8123").
_READING = re.compile(r"(?<![^\s(])\d+(?:\.\d+)?(?![.:]?\d)")


def _wording(message: str) -> str:
    """Return ``message`` without its readings: what it says, not what it measured."""
    return _READING.sub("#", message)


class ComponentStatusSensor(ComponentSensor):
    """A component's status, with why it has it.

    A healthy component's check message changes with every reading ("connect
    1.2 ms"); written as it comes it would make a state change, a recorder
    row and a history entry each cycle for a status that did not change. So
    the attributes are taken from the check when the status changes, when
    the message says something else (another port, "CPU measuring" becoming
    a reading), and at every check while the component is not healthy (the
    message then says what is wrong, and the failures count), and when the
    check's details (e.g. the failing integrations) changed. A steady healthy
    component writes nothing; its readings are in its own sensors.
    The failure count changes every failed cycle and is not worth a recorder
    row of its own: it is left out of the recorder.
    """

    _unrecorded_attributes = frozenset({"consecutive_failures"})

    _shown: tuple[HealthStatus, str, dict[str, Any], dict[str, Any]] | None = None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the message and failure count (see the class doc for when)."""
        component = self.component
        if component is None:
            return None
        shown = self._shown
        if (
            shown is None
            or component.status is not HealthStatus.HEALTHY
            or shown[0] is not component.status
            or shown[1] != _wording(component.message)
            or shown[3] != component.details
        ):
            shown = self._shown = (
                component.status,
                _wording(component.message),
                {
                    **component.details,
                    "message": component.message,
                    "consecutive_failures": component.consecutive_failures,
                    # What the status is about (e.g. the failing entities).
                    **(
                        {"affected": list(component.affected)}
                        if component.affected
                        else {}
                    ),
                },
                component.details,
            )
        return shown[2]
