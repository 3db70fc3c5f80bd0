"""Services name a component by its id, its device or any of its entities."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .tcp_service import TARGET


def device_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return the device id of a registered entity."""
    entity = er.async_get(hass).async_get(entity_id)
    assert entity is not None and entity.device_id is not None
    return entity.device_id


async def history(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call get_component_history and return its response."""
    response = await hass.services.async_call(
        DOMAIN, "get_component_history", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def in_maintenance(entry: MockConfigEntry) -> set[str]:
    """Return the components in maintenance now."""
    return set(entry.runtime_data.maintenance.report()["components"])


@pytest.mark.parametrize(
    "reference",
    [TARGET, "sensor.service_status", "binary_sensor.service_open_incident"],
)
async def test_history_takes_a_component_id_or_any_of_its_entities(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry, reference: str
) -> None:
    """An entity id of the component names the component, as its id does."""
    response = await history(hass, component=reference)

    assert response["component"] == TARGET
    assert response["count"] == 1


async def test_history_takes_the_component_device(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry
) -> None:
    """The device selector's device id names its component (in either field)."""
    device_id = device_of(hass, "sensor.service_status")

    assert (await history(hass, device=device_id))["component"] == TARGET
    assert (await history(hass, component=device_id))["component"] == TARGET


@pytest.mark.parametrize("data", [{}, {"component": TARGET, "device": "d"}])
async def test_history_needs_exactly_one_of_component_and_device(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry, data: dict[str, Any]
) -> None:
    """Neither or both is a translated error."""
    with pytest.raises(ServiceValidationError) as raised:
        await history(hass, **data)

    assert raised.value.translation_key == "component_or_device"


async def test_what_is_no_component_is_refused(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry
) -> None:
    """The system device, its entities and other integrations' entities are unknown."""
    system_entity = "sensor.health_monitor_health_score"
    assert er.async_get(hass).async_get(system_entity) is not None
    other = er.async_get(hass).async_get_or_create("sensor", "demo", "x")
    other_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_service_entry.entry_id,
        identifiers={("demo", "x")},
    )
    for reference in (
        system_entity,
        device_of(hass, system_entity),
        other.entity_id,
        other_device.id,
        "sensor.nowhere",
        "x" * 300,
    ):
        with pytest.raises(ServiceValidationError) as raised:
            await history(hass, component=reference)
        assert raised.value.translation_key in {"unknown_component", "too_long"}


async def test_maintenance_takes_devices_and_entity_ids(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry
) -> None:
    """Devices and entity ids start and end maintenance of their component."""
    device_id = device_of(hass, "sensor.service_status")

    await hass.services.async_call(
        DOMAIN, "start_maintenance", {"devices": [device_id]}, blocking=True
    )
    assert in_maintenance(loaded_service_entry) == {TARGET}
    await hass.services.async_call(
        DOMAIN,
        "end_maintenance",
        {"components": ["sensor.service_status"]},
        blocking=True,
    )
    assert in_maintenance(loaded_service_entry) == set()


async def test_maintenance_refuses_an_unknown_device_and_changes_nothing(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry
) -> None:
    """One unknown device among known ones refuses the whole call."""
    device_id = device_of(hass, "sensor.service_status")

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "start_maintenance",
            {"devices": [device_id, "nowhere"]},
            blocking=True,
        )

    assert raised.value.translation_key == "unknown_component"
    assert in_maintenance(loaded_service_entry) == set()
