"""Only administrators (and the system) change state, through any surface."""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from custom_components.health_monitor import binary_sensor, event, sensor, switch
from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.entity import (
    CONTROL_METHODS,
    AdminOnlyControls,
    ControlEntity,
)
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.auth.models import User
from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers.entity import Entity

from .tcp_service import TARGET

pytestmark = pytest.mark.usefixtures("socket_enabled")

MONITORING = "switch.health_monitor_monitoring"
INCIDENT_RESPONSE = "switch.health_monitor_incident_response"
PLATFORM_MODULES: tuple[ModuleType, ...] = (binary_sensor, event, sensor, switch)


@pytest.fixture
def entry(loaded_service_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the entry these tests act on: Health Monitor watching only the service."""
    return loaded_service_entry


@pytest.fixture
async def user(hass: HomeAssistant, hass_owner_user: MockUser) -> User:
    """Return an ordinary user (group system-users), who may control entities.

    The owner exists first: the first user made would become the owner.
    """
    guest = await hass.auth.async_create_user("Guest", group_ids=[GROUP_ID_USER])
    assert not guest.is_admin
    return guest


def switch_states(hass: HomeAssistant) -> dict[str, str]:
    """Return the state of both control switches."""
    return {
        entity_id: hass.states.get(entity_id).state  # type: ignore[union-attr]
        for entity_id in (MONITORING, INCIDENT_RESPONSE)
    }


async def _switch(
    hass: HomeAssistant, action: str, entity_id: str, context: Context
) -> None:
    await hass.services.async_call(
        "switch", action, {"entity_id": entity_id}, blocking=True, context=context
    )


@pytest.mark.parametrize("entity_id", [MONITORING, INCIDENT_RESPONSE])
@pytest.mark.parametrize("action", ["turn_on", "turn_off", "toggle"])
async def test_only_admins_and_automations_turn_a_control_switch(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    user: User,
    hass_admin_user: MockUser,
    entity_id: str,
    action: str,
) -> None:
    """An ordinary user gets Unauthorized and nothing changes; an admin may."""
    if action == "turn_on":
        await _switch(hass, "turn_off", entity_id, Context())
    before = switch_states(hass)
    controls = entry.runtime_data.controls
    enabled = (controls.monitoring, controls.incident_response)

    with pytest.raises(Unauthorized):
        await _switch(hass, action, entity_id, Context(user_id=user.id))

    assert switch_states(hass) == before
    assert (controls.monitoring, controls.incident_response) == enabled
    await _switch(hass, action, entity_id, Context(user_id=hass_admin_user.id))
    assert switch_states(hass)[entity_id] != before[entity_id]
    # An automation acts without a user.
    await _switch(hass, "toggle", entity_id, Context(parent_id="automation-run"))
    assert switch_states(hass) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("acknowledge", {"incident_id": "x"}),
        ("acknowledge", {"incident_id": "x", "expires_in": {"minutes": 30}}),
        ("resolve", {"incident_id": "x"}),
        ("update_incident", {"incident_id": "x", "status": "investigating"}),
        ("start_monitoring", {}),
        ("stop_monitoring", {}),
        ("start_incident_response", {}),
        ("stop_incident_response", {}),
        ("run_checks", {}),
        ("start_maintenance", {}),
        ("end_maintenance", {}),
    ],
)
async def test_every_changing_service_refuses_an_ordinary_user(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    user: User,
    name: str,
    data: dict[str, Any],
) -> None:
    """Not only read-only users: a user who may control entities is refused too."""
    coordinator = entry.runtime_data
    checked = len(coordinator.monitor.history(TARGET) or [])

    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN, name, data, blocking=True, context=Context(user_id=user.id)
        )

    assert coordinator.controls.monitoring
    assert coordinator.controls.incident_response
    assert len(coordinator.monitor.history(TARGET) or []) == checked


async def test_run_checks_is_refused_to_an_ordinary_user_and_runs_for_an_admin(
    hass: HomeAssistant, entry: MockConfigEntry, user: User, hass_admin_user: MockUser
) -> None:
    """run_checks changes state (a cycle, incidents), so it is admin-only too."""
    history = entry.runtime_data.monitor.history(TARGET)
    assert history is not None
    checked = len(history)

    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN, "run_checks", {}, blocking=True, context=Context(user_id=user.id)
        )
    assert len(history) == checked
    await hass.services.async_call(
        DOMAIN,
        "run_checks",
        {},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )

    assert len(history) == checked + 1


async def test_a_new_control_entity_inherits_the_admin_check(
    hass: HomeAssistant, entry: MockConfigEntry, user: User
) -> None:
    """A control entity added later is guarded by its base class alone."""
    pressed: list[str | None] = []

    class RestartButton(ControlEntity, ButtonEntity):
        async def async_press(self) -> None:
            pressed.append(self._context.user_id if self._context else None)

    button = RestartButton(entry.runtime_data, ButtonEntityDescription(key="restart"))
    button.hass = hass

    button.async_set_context(Context(user_id=user.id))
    with pytest.raises(Unauthorized):
        await button.async_press()
    button.async_set_context(Context())
    await button.async_press()

    assert pressed == [None]


def test_every_entity_that_changes_state_is_a_control_entity() -> None:
    """No platform entity has a control method without the admin check."""
    for module in PLATFORM_MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Entity) or not cls.__module__.startswith(
                "custom_components.health_monitor"
            ):
                continue
            controls = [name for name in CONTROL_METHODS if hasattr(cls, name)]
            if controls:
                assert issubclass(cls, AdminOnlyControls), (cls, controls)
