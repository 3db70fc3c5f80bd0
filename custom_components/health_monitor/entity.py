"""Base entities: device info and unique ids in one place."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Mapping
import functools
from typing import Any, Concatenate

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .authorization import async_require_admin
from .const import SYSTEM_DEVICE_KEY
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .devices import component_device_identifier
from .engine.incidents.events import IncidentEvent
from .engine.models import ComponentHealth, ComponentType
from .incidents import signal_incident_event

MANUFACTURER = "Health Monitor"

# Device model shown for each kind of component.
MODELS: dict[ComponentType, str] = {
    ComponentType.SYSTEM_RESOURCES: "Host resources",
    ComponentType.HA_PROCESS: "Home Assistant process",
    ComponentType.EVENT_LOOP: "Event loop",
    ComponentType.RECORDER: "Recorder",
    ComponentType.INTEGRATIONS: "Integrations",
    ComponentType.DATABASE: "Database",
    ComponentType.MQTT: "MQTT broker",
    ComponentType.HTTP_ENDPOINT: "HTTP endpoint",
    ComponentType.NETWORK: "Network target",
    ComponentType.ENTITIES: "Entities",
    ComponentType.ENTITY_CHECK: "Entity check",
    ComponentType.FLEET_DATABASE: "Fleet database",
    ComponentType.INSTANCE: "Home Assistant instance",
}


def async_follow_entry_signal(
    entity: CoordinatorEntity[HealthMonitorCoordinator],
    signal: Callable[[str], str],
    target: Callable[..., None],
) -> None:
    """Call ``target`` on the entity's entry's ``signal`` until it is removed."""
    entity.async_on_remove(
        async_dispatcher_connect(
            entity.hass, signal(entity.coordinator.config_entry.entry_id), target
        )
    )


type WrittenState = tuple[
    bool, StateType, Mapping[str, Any] | None, Mapping[str, Any] | None
]


class MonitorEntity(CoordinatorEntity[HealthMonitorCoordinator]):
    """A coordinator entity that writes its state only when it changed.

    A cycle updates every entity; most show the same as before. Home Assistant
    fires no state_changed for an identical state, but builds the whole state
    first: with hundreds of targets that is thousands of state builds per
    cycle for nothing. What is compared is what a state is made of here:
    availability, the state and the attributes (names, units and icons
    change through the registry, which writes by itself). Writes of our own
    between cycles go through ``async_write_current_state``, so the next
    cycle compares with what was written last.
    """

    _written: WrittenState | None = None

    def _state_now(self) -> WrittenState:
        return (
            self.available,
            self.state,
            self.state_attributes,
            self.extra_state_attributes,
        )

    @callback
    def async_write_current_state(self) -> None:
        """Write the state now and remember what was written."""
        self._written = self._state_now()
        self.async_write_ha_state()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only if the cycle changed it."""
        state = self._state_now()
        if state != self._written:
            self._written = state
            self.async_write_ha_state()


class HealthMonitorEntity(MonitorEntity):
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


# Entity methods that change state, across the platforms a control may use.
CONTROL_METHODS = (
    "async_turn_on",
    "async_turn_off",
    "async_toggle",
    "async_press",
    "async_select_option",
    "async_set_native_value",
)


def _admin_only[E: Entity, **P](
    method: Callable[Concatenate[E, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[E, P], Coroutine[Any, Any, None]]:
    @functools.wraps(method)
    async def guarded(entity: E, /, *args: P.args, **kwargs: P.kwargs) -> None:
        await async_require_admin(entity.hass, entity._context)  # noqa: SLF001
        await method(entity, *args, **kwargs)

    return guarded


class AdminOnlyControls(Entity):
    """An entity that changes state: admins and the system only.

    Every control method a subclass defines (see ``CONTROL_METHODS``) is
    wrapped in the admin check, so a new control entity cannot forget it.
    A user who is not an admin gets ``Unauthorized`` and nothing changes;
    automations and Home Assistant itself act without a user and may.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Guard the control methods the subclass defines."""
        super().__init_subclass__(**kwargs)
        for name in CONTROL_METHODS:
            method = cls.__dict__.get(name)
            if method is not None:
                setattr(cls, name, _admin_only(method))


class ControlEntity(AdminOnlyControls, HealthMonitorEntity):
    """An entity of the system device that changes state (see AdminOnlyControls)."""


class ComponentEntity(MonitorEntity):
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


class ComponentControlEntity(AdminOnlyControls, ComponentEntity):
    """An entity of a component's device that changes state (see AdminOnlyControls)."""

    @property
    def available(self) -> bool:
        """Stay usable while the component is watched, whatever the last cycle did."""
        return self.component is not None


class ComponentIncidentEntity(ComponentEntity):
    """A component entity that also follows the component's incident events."""

    async def async_added_to_hass(self) -> None:
        """Listen for this component's incident events, which may come between cycles.

        Each component has a signal of its own: an event reaches the entities
        of its component only.
        """
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_incident_event(
                    self.coordinator.config_entry.entry_id, self.component_id
                ),
                self._async_handle_incident_event,
            )
        )

    @callback
    def _async_handle_incident_event(self, event: IncidentEvent) -> None:
        """React to an event of this component's incident (default: write state)."""
        self.async_write_current_state()


@callback
def async_add_to_component(
    entry: HealthMonitorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    component_id: str,
    entities: Iterable[Entity],
) -> None:
    """Add entities of one component; a target's belong to its subentry."""
    if component_id in entry.subentries:
        async_add_entities(entities, config_subentry_id=component_id)
    else:
        async_add_entities(entities)


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
            async_add_to_component(
                entry, async_add_entities, component_id, build(coordinator, component)
            )

    add_new_components()
    entry.async_on_unload(coordinator.async_add_listener(add_new_components))


type PlatformSetup = Callable[
    [HomeAssistant, HealthMonitorConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def incident_entity_setup(
    entity_class: type[ComponentIncidentEntity], description: EntityDescription
) -> PlatformSetup:
    """Return a platform's ``async_setup_entry`` giving every component one entity.

    The problem sensor and the event entity differ only in their class and
    description; components that appear later get theirs as they appear.
    """

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: HealthMonitorConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        async_add_component_entities(
            entry,
            async_add_entities,
            lambda coordinator, component: [
                entity_class(coordinator, component, description)
            ],
        )

    return async_setup_entry
