"""Which entities a check watches: its choices resolved through HA's registries.

An entity is a member when it is chosen by id, carries a chosen label, is in
a chosen area (by itself, or through its device when it has no area of its
own), or belongs to a chosen device, or to a device or area carrying a
chosen label. Disabled entities are never members (they have no state);
hidden ones are members only when chosen or labelled themselves, as Home
Assistant's own targets expand devices and areas. Resolving reads the
registries' indexes: its cost follows the size of the choice, not of the
installation.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)

from .config import Members

# Entity registry changes that can move an entity into or out of a check.
ENTITY_CHANGES = frozenset(
    {"labels", "area_id", "device_id", "disabled_by", "hidden_by", "entity_id"}
)
# Device registry changes that can move its entities.
DEVICE_CHANGES = frozenset({"labels", "area_id", "disabled_by"})


@callback
def member_entity_ids(hass: HomeAssistant, members: Members) -> set[str]:
    """Return the entity ids ``members`` stands for now."""
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    areas = ar.async_get(hass)
    chosen: set[str] = set()
    for entity_id in members.entities:
        entry = entities.async_get(entity_id)
        if entry is None or entry.disabled_by is None:
            chosen.add(entity_id)
    device_ids = set(members.devices)
    area_ids = set(members.areas)
    for label_id in members.labels:
        chosen.update(
            entry.entity_id
            for entry in er.async_entries_for_label(entities, label_id)
            if entry.disabled_by is None
        )
        device_ids.update(
            device.id for device in dr.async_entries_for_label(devices, label_id)
        )
        area_ids.update(area.id for area in ar.async_entries_for_label(areas, label_id))
    expanded: list[er.RegistryEntry] = []
    for area_id in area_ids:
        expanded.extend(er.async_entries_for_area(entities, area_id))
        for device in dr.async_entries_for_area(devices, area_id):
            expanded.extend(
                entry
                for entry in er.async_entries_for_device(entities, device.id)
                if entry.area_id is None
            )
    for device_id in device_ids:
        expanded.extend(er.async_entries_for_device(entities, device_id))
    chosen.update(
        entry.entity_id
        for entry in expanded
        if entry.disabled_by is None and entry.hidden_by is None
    )
    return chosen


@callback
def may_be_member(hass: HomeAssistant, members: Members, entity_id: str) -> bool:
    """Whether a newly registered entity could be one of ``members`` (cheap, O(1)).

    Every way :func:`member_entity_ids` reaches an entity is tried on this one
    entity alone: chosen by id, its labels, its device, its area or its
    device's area, and that area's labels. A yes may still leave it out
    (disabled, hidden); a no is certain.
    """
    if entity_id in members.entities:
        return True
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None:
        return False
    labels = set(members.labels)
    if labels & entry.labels:
        return True
    area_id = entry.area_id
    if entry.device_id is not None:
        if entry.device_id in members.devices:
            return True
        device = dr.async_get(hass).async_get(entry.device_id)
        if device is not None:
            if labels & device.labels:
                return True
            area_id = area_id or device.area_id
    if area_id is None:
        return False
    if area_id in members.areas:
        return True
    area = ar.async_get(hass).async_get_area(area_id)
    return area is not None and bool(labels & area.labels)


@callback
def entity_change_matters(event_data: er.EventEntityRegistryUpdatedData) -> bool:
    """Whether an entity registry event can change a check's members."""
    if event_data["action"] != "update":
        return True
    return not ENTITY_CHANGES.isdisjoint(event_data["changes"])


@callback
def device_change_matters(event_data: dr.EventDeviceRegistryUpdatedData) -> bool:
    """Whether a device registry event can change a check's members."""
    if event_data["action"] != "update":
        return True
    return not DEVICE_CHANGES.isdisjoint(event_data["changes"])
