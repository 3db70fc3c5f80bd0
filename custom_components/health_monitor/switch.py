"""Switches: controls on the system device, maintenance on every device.

The system device has monitoring, incident response and maintenance of all
components; each component's device has its own maintenance switch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .authorization import async_actor
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .descriptions import ControlSwitchDescription
from .engine.maintenance import MaintenanceWindow
from .entity import ComponentControlEntity, ControlEntity, async_add_component_entities
from .maintenance import until_after

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
    """Add the control switches to the system device, maintenance to every component."""
    coordinator = entry.runtime_data
    async_add_entities(
        [
            *(ControlSwitch(coordinator, d) for d in SWITCHES),
            AllMaintenanceSwitch(coordinator, ALL_MAINTENANCE),
        ]
    )
    async_add_component_entities(
        entry,
        async_add_entities,
        lambda coordinator, component: [
            MaintenanceSwitch(coordinator, component, MAINTENANCE)
        ],
    )


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


MAINTENANCE = SwitchEntityDescription(
    key="maintenance",
    translation_key="maintenance",
    entity_category=EntityCategory.CONFIG,
)
ALL_MAINTENANCE = SwitchEntityDescription(
    key="maintenance_all",
    translation_key="maintenance_all",
    entity_category=EntityCategory.CONFIG,
)


def _window_attributes(window: MaintenanceWindow | None) -> dict[str, Any]:
    if window is None:
        return {"until": None, "reason": None}
    return {"until": window.end.isoformat(), "reason": window.reason or None}


async def _async_maintain(
    switch: MaintenanceSwitch | AllMaintenanceSwitch,
    components: list[str] | None,
    *,
    on: bool,
) -> None:
    """Start (for the configured time) or end maintenance of ``components`` (None: all).

    Called from each switch's own turn_on/turn_off, which the admin check wraps.
    """
    maintenance = switch.coordinator.maintenance
    actor = await async_actor(switch.hass, switch._context)  # noqa: SLF001
    if on:
        maintenance.start(
            components,
            until=until_after(switch.coordinator.settings.maintenance_duration),
            reason="",
            actor=actor,
        )
    else:
        maintenance.end(components, actor=actor)
    switch.async_write_current_state()


class MaintenanceSwitch(ComponentControlEntity, SwitchEntity):
    """On while the component is in maintenance; on for the configured time (admins only)."""

    @property
    def is_on(self) -> bool:
        """Return whether the component is in maintenance (ad hoc or recurring)."""
        return self.coordinator.maintenance.window(self.component_id) is not None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Say until when, and why."""
        return _window_attributes(
            self.coordinator.maintenance.window(self.component_id)
        )

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start maintenance of the component for the configured time."""
        await _async_maintain(self, [self.component_id], on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """End maintenance of the component now."""
        await _async_maintain(self, [self.component_id], on=False)


class AllMaintenanceSwitch(ControlEntity, SwitchEntity):
    """On while all components are in maintenance together (admins only)."""

    @property
    def available(self) -> bool:
        """Stay usable while monitoring is stopped or a cycle failed."""
        return True

    @property
    def is_on(self) -> bool:
        """Return whether maintenance of all components is on."""
        return self.coordinator.maintenance.all_window() is not None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Say until when, and why."""
        return _window_attributes(self.coordinator.maintenance.all_window())

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start maintenance of all components for the configured time."""
        await _async_maintain(self, None, on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """End every maintenance now."""
        await _async_maintain(self, None, on=False)
