"""Base entities: device info and unique ids in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, SYSTEM_DEVICE_KEY
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .engine.incident_events import IncidentEvent
from .engine.models import ComponentHealth, ComponentType
from .incident_response import signal_incident_event

MANUFACTURER = "Health Monitor"

# Device model shown for each kind of component.
MODELS: dict[ComponentType, str] = {
    ComponentType.SYSTEM_RESOURCES: "Host resources",
    ComponentType.HA_PROCESS: "Home Assistant process",
    ComponentType.EVENT_LOOP: "Event loop",
    ComponentType.RECORDER: "Recorder",
    ComponentType.DATABASE: "Database",
    ComponentType.MQTT: "MQTT broker",
    ComponentType.HTTP_ENDPOINT: "HTTP endpoint",
    ComponentType.NETWORK: "Network target",
}


def component_device_identifier(entry_id: str, component_id: str) -> tuple[str, str]:
    """Return the device registry identifier of a component."""
    return (DOMAIN, f"{entry_id}_{component_id}")


class HealthMonitorEntity(CoordinatorEntity[HealthMonitorCoordinator]):
    """An entity of the whole-installation "Health Monitor" device."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: HealthMonitorCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to the system device."""
        super().__init__(coordinator)
        self.entity_description = description
        entry_id = coordinator.config_entry.entry_id
        self._attr_unique_id = f"{entry_id}_{SYSTEM_DEVICE_KEY}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={component_device_identifier(entry_id, SYSTEM_DEVICE_KEY)},
            name="Health Monitor",
            manufacturer=MANUFACTURER,
            model="System health",
            entry_type=DeviceEntryType.SERVICE,
        )


class ComponentEntity(CoordinatorEntity[HealthMonitorCoordinator]):
    """An entity of one monitored component's device."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: HealthMonitorCoordinator,
        component: ComponentHealth,
        description: EntityDescription,
        unique_suffix: str | None = None,
    ) -> None:
        """Attach the entity to the device of ``component``."""
        super().__init__(coordinator)
        self.entity_description = description
        self.component_id = component.component_id
        entry_id = coordinator.config_entry.entry_id
        self._attr_unique_id = (
            f"{entry_id}_{component.component_id}_{unique_suffix or description.key}"
        )
        self._attr_device_info = DeviceInfo(
            identifiers={component_device_identifier(entry_id, component.component_id)},
            name=component.name,
            manufacturer=MANUFACTURER,
            model=MODELS[component.component_type],
            entry_type=DeviceEntryType.SERVICE,
        )

    @property
    def component(self) -> ComponentHealth | None:
        """Return the latest health of this entity's component."""
        return self.coordinator.data.components.get(self.component_id)

    @property
    def available(self) -> bool:
        """Return whether the component is still monitored."""
        return super().available and self.component is not None


class ComponentIncidentEntity(ComponentEntity):
    """A component entity that also follows the component's incident events."""

    async def async_added_to_hass(self) -> None:
        """Listen for incident events, which may come between cycles."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_incident_event(self.coordinator.config_entry.entry_id),
                self._async_on_incident_event,
            )
        )

    @callback
    def _async_on_incident_event(self, event: IncidentEvent) -> None:
        if event.component_id == self.component_id:
            self._async_handle_incident_event(event)

    @callback
    def _async_handle_incident_event(self, event: IncidentEvent) -> None:
        """React to an event of this component's incident (default: write state)."""
        self.async_write_ha_state()


@callback
def async_add_component_entities(
    entry: HealthMonitorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[HealthMonitorCoordinator, ComponentHealth], Iterable[Entity]],
) -> None:
    """Add a platform's entities for every component, now and as components appear.

    A target's entities belong to its subentry, so removing the target removes
    its device and entities.
    """
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def add_new_components() -> None:
        for component_id, component in coordinator.data.components.items():
            if component_id in known:
                continue
            known.add(component_id)
            entities = list(build(coordinator, component))
            if component_id in entry.subentries:
                async_add_entities(entities, config_subentry_id=component_id)
            else:
                async_add_entities(entities)

    add_new_components()
    entry.async_on_unload(coordinator.async_add_listener(add_new_components))
