"""The built-in Entities check: unavailable and stale entities of the whole installation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.builtin.entities import MAX_OFFENDERS
from custom_components.health_monitor.config_flow import default_watch
from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_ENTITIES_EXCLUDED,
    CONF_ENTITIES_GRACE,
    CONF_ENTITIES_STALE_HOURS,
    DOMAIN,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from .targets.target_entities import elapse, refresh, sensor, status

COMPONENT = "entities"


async def setup_entry(hass: HomeAssistant, **options: Any) -> MockConfigEntry:
    """Set Health Monitor up with the Entities check only."""
    entry = MockConfigEntry(
        domain=DOMAIN, options={CONF_CHECKS: [COMPONENT], **options}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    return entry


def counts(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[float, float]:
    """Return the unavailable and stale counts."""
    return (
        float(sensor(hass, entry, COMPONENT, "unavailable").state),
        float(sensor(hass, entry, COMPONENT, "stale").state),
    )


def register(hass: HomeAssistant, object_id: str, platform: str = "test") -> str:
    """Register an entity of a test integration; return its id."""
    return (
        er.async_get(hass)
        .async_get_or_create(
            "sensor", platform, object_id, suggested_object_id=object_id
        )
        .entity_id
    )


def test_entities_check_is_off_for_a_new_installation(hass: HomeAssistant) -> None:
    """Most homes have permanently unavailable entities: the check waits to be chosen."""
    assert COMPONENT not in default_watch(hass)[CONF_CHECKS]


async def test_unavailable_entity_counts_only_after_the_grace(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Grace 5 min: 4:59 not counted, 5:01 counted, with the entity named."""
    hass.states.async_set("sensor.plug", "unavailable")
    entry = await setup_entry(hass)
    await elapse(hass, freezer, timedelta(minutes=4, seconds=59))
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 0)
    assert status(hass, entry, COMPONENT).state == "healthy"

    await elapse(hass, freezer, timedelta(seconds=2))
    await refresh(hass, entry)
    assert counts(hass, entry) == (1, 0)
    state = status(hass, entry, COMPONENT)
    assert state.state == "warning"
    assert state.attributes["affected"] == ["sensor.plug"]

    hass.states.async_set("sensor.plug", "on")
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 0)


async def test_unknown_is_not_unavailable(hass: HomeAssistant) -> None:
    """Unknown is what unused buttons and scenes show: not counted."""
    hass.states.async_set("scene.evening", "unknown")
    entry = await setup_entry(hass, **{CONF_ENTITIES_GRACE: 0})
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 0)


async def test_hidden_disabled_and_excluded_entities_are_not_counted(
    hass: HomeAssistant,
) -> None:
    """Only visible entities of integrations not excluded count."""
    registry = er.async_get(hass)
    hidden = register(hass, "hidden")
    registry.async_update_entity(hidden, hidden_by=er.RegistryEntryHider.USER)
    excluded = register(hass, "cloud_thing", platform="noisy")
    counted = register(hass, "counted")
    later_hidden = register(hass, "later_hidden")
    for entity_id in (hidden, excluded, counted, later_hidden):
        hass.states.async_set(entity_id, "unavailable")
    entry = await setup_entry(
        hass, **{CONF_ENTITIES_GRACE: 0, CONF_ENTITIES_EXCLUDED: ["noisy"]}
    )
    await refresh(hass, entry)
    assert counts(hass, entry) == (2, 0)

    registry.async_update_entity(later_hidden, hidden_by=er.RegistryEntryHider.USER)
    await refresh(hass, entry)
    assert counts(hass, entry) == (1, 0)
    assert status(hass, entry, COMPONENT).attributes["affected"] == [counted]

    registry.async_update_entity(counted, disabled_by=er.RegistryEntryDisabler.USER)
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 0)


async def test_measurement_sensor_not_reported_for_the_max_age_is_stale(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Max age 1 h: a sensor with a state class is stale after it; a report clears it."""
    measured = {"state_class": "measurement"}
    hass.states.async_set("sensor.outdoor", "12", measured)
    hass.states.async_set("sensor.text", "hello")
    entry = await setup_entry(hass, **{CONF_ENTITIES_STALE_HOURS: 1})
    await elapse(hass, freezer, timedelta(minutes=59, seconds=59))
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 0)
    await elapse(hass, freezer, timedelta(seconds=2))
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 1)
    assert status(hass, entry, COMPONENT).attributes["affected"] == ["sensor.outdoor"]

    # The same value written again is a report (state_reported), not a change.
    hass.states.async_set("sensor.outdoor", "12", measured)
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 0)


async def test_worst_offenders_are_bounded_and_longest_first(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At most MAX_OFFENDERS are named, the longest unavailable first."""
    entry = await setup_entry(hass, **{CONF_ENTITIES_GRACE: 0})
    for index in range(MAX_OFFENDERS + 5):
        hass.states.async_set(f"sensor.dead_{index:02}", "unavailable")
        await elapse(hass, freezer, timedelta(seconds=1))
    await refresh(hass, entry)
    assert counts(hass, entry) == (MAX_OFFENDERS + 5, 0)
    offenders = status(hass, entry, COMPONENT).attributes["affected"]
    assert offenders == [f"sensor.dead_{index:02}" for index in range(MAX_OFFENDERS)]


async def test_removed_entity_no_longer_counts(hass: HomeAssistant) -> None:
    """An entity removed from the state machine leaves the counts."""
    hass.states.async_set("sensor.gone", "unavailable")
    entry = await setup_entry(hass, **{CONF_ENTITIES_GRACE: 0})
    await refresh(hass, entry)
    assert counts(hass, entry) == (1, 0)
    hass.states.async_remove("sensor.gone")
    await refresh(hass, entry)
    assert counts(hass, entry) == (0, 0)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        (CONF_ENTITIES_GRACE, "nan", "not_a_number"),
        (CONF_ENTITIES_STALE_HOURS, 10**9, "out_of_range"),
        (CONF_ENTITIES_EXCLUDED, ["Not A Domain!"], "invalid_selection"),
    ],
)
async def test_invalid_entities_options_are_refused(
    hass: HomeAssistant, field: str, value: Any, error: str
) -> None:
    """The options form refuses bad Entities settings with a field error."""
    entry = await setup_entry(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    user_input = {
        key.schema: key.default() if callable(key.default) else None
        for key in result["data_schema"].schema
        if hasattr(key, "default") and callable(key.default)
    }
    user_input[field] = value
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert field not in entry.options
