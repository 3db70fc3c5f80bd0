"""Sensors that exist only where their metric is measured.

A replica's replication lag or TimescaleDB's jobs are not measured on a
primary or on plain PostgreSQL; a sensor for them would stay unknown forever.
Such a sensor (``when_measured``) is added once its component's check first
measures it. At setup, the sensors of what a component's last check read
successfully but did not measure (the server lost the extension, a replica
was promoted) are removed from the entity registry; a component whose check
failed keeps them, since nothing is known of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.components.sensor import SensorEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .descriptions import ComponentSensorDescription
from .engine.models import ComponentHealth, HealthStatus
from .entity import async_add_to_component

type SensorFactory = Callable[
    [HealthMonitorCoordinator, ComponentHealth, ComponentSensorDescription],
    SensorEntity,
]


def _of(
    descriptions: Iterable[ComponentSensorDescription], component: ComponentHealth
) -> list[ComponentSensorDescription]:
    return [d for d in descriptions if d.applies_to(component)]


def _read(component: ComponentHealth) -> bool:
    """Return whether the component's last check read its target (metrics and a verdict)."""
    return bool(component.metrics) and component.status is not HealthStatus.UNKNOWN


@callback
def async_follow_measured_sensors(
    hass: HomeAssistant,
    entry: HealthMonitorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[ComponentSensorDescription],
    factory: SensorFactory,
) -> None:
    """Add measured sensors as their metrics appear; remove stale ones now."""
    coordinator = entry.runtime_data
    measured = tuple(d for d in descriptions if d.when_measured)
    registry = er.async_get(hass)
    entry_id = entry.entry_id
    added: set[tuple[str, str]] = set()

    for component_id, component in coordinator.data.components.items():
        if not _read(component):
            continue
        for description in _of(measured, component):
            if description.key in component.metrics:
                continue
            unique_id = f"{entry_id}_{component_id}_{description.key}"
            if entity_id := registry.async_get_entity_id(
                Platform.SENSOR, DOMAIN, unique_id
            ):
                registry.async_remove(entity_id)

    @callback
    def add_measured() -> None:
        for component_id, component in coordinator.data.components.items():
            new = [
                factory(coordinator, component, description)
                for description in _of(measured, component)
                if description.key in component.metrics
                and (component_id, description.key) not in added
            ]
            if not new:
                continue
            added.update(
                (component_id, sensor.entity_description.key) for sensor in new
            )
            async_add_to_component(entry, async_add_entities, component_id, new)

    add_measured()
    entry.async_on_unload(coordinator.async_add_listener(add_measured))
