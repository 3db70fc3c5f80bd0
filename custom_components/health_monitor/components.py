"""Which component a service call names: its id, its device or one of its entities.

The services that take components (``get_component_history``,
``start_maintenance``, ``end_maintenance``) accept a component id as in
``get_health``, the id of the component's device (the device selector gives
one) or the entity id of any of its entities, resolved here in one place.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN
from .coordinator import HealthMonitorCoordinator
from .devices import device_component_id


def unknown_component(reference: str) -> ServiceValidationError:
    """Return the translated error of a reference to no monitored component."""
    shown = reference if len(reference) <= 60 else reference[:59] + "…"
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_component",
        translation_placeholders={"component": shown},
    )


def component_of(
    hass: HomeAssistant, coordinator: HealthMonitorCoordinator, reference: str
) -> str:
    """Return the id of the monitored component ``reference`` names, or raise.

    ``reference`` (checked, bounded text) is a component id, a device id of
    one of the entry's component devices, or an entity id (or registry id) of
    one of their entities. The system device and anything of another
    integration name no component.
    """
    known = coordinator.component_names()
    if reference in known:
        return reference
    entry_id = coordinator.config_entry.entry_id
    device_id: str | None = reference
    if (entity := er.async_get(hass).async_get(reference)) is not None:
        device_id = entity.device_id if entity.config_entry_id == entry_id else None
    device = dr.async_get(hass).async_get(device_id) if device_id else None
    if device is not None:
        component_id = device_component_id(entry_id, device)
        if component_id in known:
            return component_id
    raise unknown_component(reference)
