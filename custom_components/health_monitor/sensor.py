"""Sensors: component status and metrics, and the system's health score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .builtin import BUILTIN_SENSORS
from .builtin.system_resources import DISK_SENSOR, disk_metric_key
from .const import BUILTIN_CHECKS
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .descriptions import ComponentSensorDescription, SystemSensorDescription
from .devices import disk_sensor_key
from .engine.incidents import Severity
from .engine.models import ComponentHealth, ComponentType, HealthStatus
from .entity import ComponentEntity, HealthMonitorEntity, async_add_component_entities
from .incidents import Incidents, signal_incidents_changed
from .targets import TARGET_KINDS

# Coordinator entities only read; they never update in parallel.
PARALLEL_UPDATES = 0

TARGET_TYPES = frozenset(kind.component_type for kind in TARGET_KINDS.values())

STATUS_OPTIONS = [status.value for status in HealthStatus]


# Sensors of every component (or of every target / built-in check).
COMMON_SENSORS: tuple[ComponentSensorDescription, ...] = (
    ComponentSensorDescription(
        key="status",
        translation_key="component_status",
        device_class=SensorDeviceClass.ENUM,
        options=STATUS_OPTIONS,
        value_fn=lambda component: component.status.value,
    ),
    # A target's response time is what users watch; a built-in check's is
    # only how long reading it took.
    ComponentSensorDescription(
        key="response_time",
        translation_key="response_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda component: component.response_time_ms,
        component_types=TARGET_TYPES,
    ),
    ComponentSensorDescription(
        key="response_time",
        translation_key="response_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda component: component.response_time_ms,
        component_types=frozenset(BUILTIN_CHECKS),
    ),
    ComponentSensorDescription(
        key="uptime_percent",
        translation_key="uptime_percent",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda component: component.uptime_percent,
    ),
)

COMPONENT_SENSORS: tuple[ComponentSensorDescription, ...] = (
    *COMMON_SENSORS,
    *BUILTIN_SENSORS,
    *(description for kind in TARGET_KINDS.values() for description in kind.sensors),
)


def _count(status: HealthStatus) -> SystemSensorDescription:
    return SystemSensorDescription(
        key=f"{status.value}_components",
        translation_key=f"{status.value}_components",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda health: health.counts[status],
    )


SYSTEM_SENSORS: tuple[SystemSensorDescription, ...] = (
    SystemSensorDescription(
        key="health_score",
        translation_key="health_score",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda health: health.health_score,
    ),
    SystemSensorDescription(
        key="overall_status",
        translation_key="overall_status",
        device_class=SensorDeviceClass.ENUM,
        options=STATUS_OPTIONS,
        value_fn=lambda health: health.status.value,
    ),
    SystemSensorDescription(
        key="performance_score",
        translation_key="performance_score",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda health: health.performance_score,
    ),
    SystemSensorDescription(
        key="cycle_duration",
        translation_key="cycle_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda health: health.cycle_duration_ms,
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


def _component_sensors(
    coordinator: HealthMonitorCoordinator, component: ComponentHealth
) -> list[SensorEntity]:
    sensors: list[SensorEntity] = [
        ComponentSensor(coordinator, component, description)
        for description in COMPONENT_SENSORS
        if description.component_types is None
        or component.component_type in description.component_types
    ]
    if component.component_type is ComponentType.SYSTEM_RESOURCES:
        sensors.extend(
            DiskSensor(coordinator, component, path)
            for path in coordinator.settings.disk_paths
        )
    return sensors


@dataclass(frozen=True, kw_only=True)
class IncidentSensorDescription(SensorEntityDescription):
    """A sensor of the system device read from the incidents."""

    value_fn: Callable[[Incidents], StateType]


def _highest_open_severity(incidents: Incidents) -> StateType:
    open_incidents = incidents.list_incidents()
    if not open_incidents:
        return "none"
    return max((i.severity for i in open_incidents), key=lambda s: s.rank).value


INCIDENT_SENSORS: tuple[IncidentSensorDescription, ...] = (
    IncidentSensorDescription(
        key="open_incidents",
        translation_key="open_incidents",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda incidents: len(incidents.list_incidents()),
    ),
    IncidentSensorDescription(
        key="highest_open_severity",
        translation_key="highest_open_severity",
        device_class=SensorDeviceClass.ENUM,
        options=["none", *(severity.value for severity in Severity)],
        value_fn=_highest_open_severity,
    ),
    IncidentSensorDescription(
        key="mtta",
        translation_key="mtta",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda incidents: incidents.statistics().mtta_minutes,
    ),
    IncidentSensorDescription(
        key="mttr",
        translation_key="mttr",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda incidents: incidents.statistics().mttr_minutes,
    ),
    IncidentSensorDescription(
        key="incidents_last_24h",
        translation_key="incidents_last_24h",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda incidents: incidents.statistics().last_24h,
    ),
    IncidentSensorDescription(
        key="recovery_success_rate",
        translation_key="recovery_success_rate",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda incidents: incidents.statistics().recovery_success_rate,
    ),
)


class IncidentSensor(HealthMonitorEntity, SensorEntity):
    """A sensor about the incidents of the whole installation."""

    entity_description: IncidentSensorDescription

    async def async_added_to_hass(self) -> None:
        """Also update when incidents change between cycles (once per batch)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_incidents_changed(self.coordinator.config_entry.entry_id),
                self.async_write_ha_state,
            )
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

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Give the status sensor the latest message and failure count."""
        component = self.component
        if self.entity_description.key != "status" or component is None:
            return None
        return {
            "message": component.message,
            "consecutive_failures": component.consecutive_failures,
            "last_checked": component.last_checked.isoformat()
            if component.last_checked
            else None,
        }


class DiskSensor(ComponentEntity, SensorEntity):
    """Usage of one watched disk path."""

    entity_description: ComponentSensorDescription

    def __init__(
        self,
        coordinator: HealthMonitorCoordinator,
        component: ComponentHealth,
        path: str,
    ) -> None:
        """Watch ``path``."""
        super().__init__(
            coordinator,
            component,
            DISK_SENSOR,
            disk_sensor_key(path),
        )
        self._metric_key = disk_metric_key(path)
        self._attr_translation_placeholders = {"path": path}

    @property
    def native_value(self) -> StateType:
        """Return the usage of the path in percent."""
        component = self.component
        value = None if component is None else component.metrics.get(self._metric_key)
        return value if isinstance(value, int | float) else None
