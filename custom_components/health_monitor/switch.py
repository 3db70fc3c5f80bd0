"""Switches on the system device: monitoring and incident response on or off."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .descriptions import ControlSwitchDescription
from .entity import ControlEntity

PARALLEL_UPDATES = 0


def _control_switch(
    key: str,
    set_fn: Callable[[HealthMonitorCoordinator, bool], Awaitable[None] | None],
) -> ControlSwitchDescription:
    """Describe the switch of the control ``key`` (an attribute of ``Controls``)."""
    return ControlSwitchDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        is_on_fn=lambda coordinator: bool(getattr(coordinator.controls, key)),
        set_fn=set_fn,
    )


SWITCHES: tuple[ControlSwitchDescription, ...] = (
    _control_switch(
        "monitoring", lambda coordinator, on: coordinator.async_set_monitoring(on)
    ),
    _control_switch(
        "incident_response",
        lambda coordinator, on: coordinator.async_set_incident_response(on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HealthMonitorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the two control switches to the system device."""
    async_add_entities(ControlSwitch(entry.runtime_data, d) for d in SWITCHES)


class ControlSwitch(ControlEntity, SwitchEntity):
    """Turns monitoring or incident response on and off, like its services (admins only)."""

    entity_description: ControlSwitchDescription

    @property
    def available(self) -> bool:
        """Stay usable while monitoring is stopped or a cycle failed."""
        return True

    @property
    def is_on(self) -> bool:
        """Return whether the function is on."""
        return self.entity_description.is_on_fn(self.coordinator)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the function on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the function off."""
        await self._async_set(False)

    async def _async_set(self, on: bool) -> None:
        result = self.entity_description.set_fn(self.coordinator, on)
        if result is not None:
            await result
        self.async_write_ha_state()
