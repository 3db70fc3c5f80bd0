"""Entity checks against real Home Assistant entities, labels, areas and registries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import CONF_CHECKS, DOMAIN
from custom_components.health_monitor.engine.incidents import TimelineEvent
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    label_registry as lr,
)
from homeassistant.setup import async_setup_component

from .flows import submit_target_form
from .target_entities import elapse, sensor, status

KIND = "entity_check"


@pytest.fixture
def options() -> dict[str, Any]:
    """Health Monitor with no built-in check: only the entity checks added."""
    return {CONF_CHECKS: []}


@pytest.fixture
def entry(loaded_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the loaded entry the entity checks are added to."""
    return loaded_entry


@pytest.fixture
async def numbers(hass: HomeAssistant) -> None:
    """Two real input_number entities (with registry entries) at 20."""
    assert await async_setup_component(
        hass,
        "input_number",
        {
            "input_number": {
                name: {"min": -100, "max": 100, "step": 0.1, "initial": 20}
                for name in ("boiler", "tank")
            }
        },
    )
    await hass.async_block_till_done()


async def set_number(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Set an input_number as a user does."""
    await hass.services.async_call(
        "input_number",
        "set_value",
        {"entity_id": entity_id, "value": value},
        blocking=True,
    )
    await hass.async_block_till_done()


def registered(hass: HomeAssistant, object_id: str, **fields: Any) -> str:
    """Register a sensor of a test integration and give it a state; return its id."""
    entry = er.async_get(hass).async_get_or_create(
        "sensor", "test", object_id, suggested_object_id=object_id, **fields
    )
    hass.states.async_set(entry.entity_id, "20")
    return entry.entity_id


def labelled(hass: HomeAssistant, name: str, *object_ids: str) -> tuple[str, list[str]]:
    """Create label ``name`` and registered sensors carrying it; return their ids."""
    label_id = lr.async_get(hass).async_create(name).label_id
    entity_ids = [registered(hass, object_id) for object_id in object_ids]
    for entity_id in entity_ids:
        er.async_get(hass).async_update_entity(entity_id, labels={label_id})
    return label_id, entity_ids


async def add_check(hass: HomeAssistant, entry: MockConfigEntry, **fields: Any) -> str:
    """Add an entity check through its form; return its subentry id."""
    result = await submit_target_form(hass, entry, KIND, {"name": "Check", **fields})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done()
    return next(
        sid for sid, sub in entry.subentries.items() if sub.subentry_type == KIND
    )


def affected(hass: HomeAssistant, entry: MockConfigEntry, sid: str) -> float:
    """Return the affected-entities count of a check."""
    return float(sensor(hass, entry, sid, "affected").state)


async def test_labelled_entity_unavailable_for_10_minutes_is_critical_at_10_not_before(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Any entity labelled critical unavailable for 10 min: 9:59 healthy, 10:01 critical."""
    label = lr.async_get(hass).async_create("critical")
    entity_id = registered(hass, "door")
    er.async_get(hass).async_update_entity(entity_id, labels={label.label_id})
    sid = await add_check(
        hass, entry, labels=[label.label_id], unavailable_critical_minutes=10
    )
    assert status(hass, entry, sid).state == "healthy"
    hass.states.async_set(entity_id, "unavailable")
    await hass.async_block_till_done()

    await elapse(hass, freezer, timedelta(minutes=9, seconds=59))
    assert status(hass, entry, sid).state == "healthy"
    await elapse(hass, freezer, timedelta(seconds=2))
    state = status(hass, entry, sid)
    assert state.state == "critical"
    assert state.attributes["affected"] == [entity_id]
    assert entity_id in state.attributes["message"]
    assert affected(hass, entry, sid) == 1

    hass.states.async_set(entity_id, "on")
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "healthy"
    assert affected(hass, entry, sid) == 0


async def test_entity_labelled_later_joins_and_unlabelled_leaves(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Membership follows the label as entities gain and lose it."""
    registry = er.async_get(hass)
    label = lr.async_get(hass).async_create("critical")
    first = registered(hass, "first")
    second = registered(hass, "second")
    registry.async_update_entity(first, labels={label.label_id})
    sid = await add_check(
        hass, entry, labels=[label.label_id], unavailable_warning_minutes=0
    )
    assert float(sensor(hass, entry, sid, "watched").state) == 1

    hass.states.async_set(second, "unavailable")
    registry.async_update_entity(second, labels={label.label_id})
    await hass.async_block_till_done()
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    assert float(sensor(hass, entry, sid, "watched").state) == 2
    assert status(hass, entry, sid).attributes["affected"] == [second]

    registry.async_update_entity(second, labels=set())
    await hass.async_block_till_done()
    assert float(sensor(hass, entry, sid, "watched").state) == 1
    assert status(hass, entry, sid).state == "healthy"


async def test_area_and_device_members_are_watched(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An entity in a chosen area is a member; one moved out of it leaves."""
    area = ar.async_get(hass).async_create("Cellar")
    entity_id = registered(hass, "cellar_temperature")
    er.async_get(hass).async_update_entity(entity_id, area_id=area.id)
    sid = await add_check(hass, entry, areas=[area.id], value_warning=30)
    hass.states.async_set(entity_id, "31")
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "warning"

    er.async_get(hass).async_update_entity(entity_id, area_id=None)
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "healthy"
    assert float(sensor(hass, entry, sid, "watched").state) == 0


async def test_entities_registered_later_join_by_device_area_and_label(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """New entities join when their device's area or their label is watched; others not."""
    area = ar.async_get(hass).async_create("Garage")
    label_id = lr.async_get(hass).async_create("doors").label_id
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("test", "garage-hub")}
    )
    dr.async_get(hass).async_update_device(device.id, area_id=area.id)
    sid = await add_check(
        hass, entry, areas=[area.id], labels=[label_id], value_warning=30
    )
    assert float(sensor(hass, entry, sid, "watched").state) == 0

    on_device = registered(hass, "garage_temperature", device_id=device.id)
    elsewhere = registered(hass, "attic_temperature")
    await hass.async_block_till_done()
    assert float(sensor(hass, entry, sid, "watched").state) == 1

    with_label = registered(hass, "front_door_battery")
    er.async_get(hass).async_update_entity(with_label, labels={label_id})
    await hass.async_block_till_done()
    assert float(sensor(hass, entry, sid, "watched").state) == 2

    er.async_get(hass).async_remove(elsewhere)
    er.async_get(hass).async_remove(on_device)
    await hass.async_block_till_done()
    assert float(sensor(hass, entry, sid, "watched").state) == 1


@pytest.mark.usefixtures("numbers")
@pytest.mark.parametrize(
    ("levels", "steps"),
    [
        # Above 30/40, hysteresis 2: at a level counts; 2 back clears it.
        (
            {
                "value_direction": "above",
                "value_warning": 30,
                "value_critical": 40,
                "value_hysteresis": 2,
            },
            "29.9 healthy, 30 warning, 39.9 warning, 40 critical, 38.1 critical, "
            "37.9 warning, 28.1 warning, 27.9 healthy",
        ),
        # Below 5/0: a low value is the problem.
        (
            {"value_direction": "below", "value_warning": 5, "value_critical": 0},
            "5.1 healthy, 5 warning, 0 critical, 0.1 warning",
        ),
    ],
)
async def test_value_levels_count_at_the_level_and_clear_past_the_hysteresis(
    hass: HomeAssistant, entry: MockConfigEntry, levels: dict[str, Any], steps: str
) -> None:
    """An input_number set step by step shows each status at the boundary."""
    sid = await add_check(hass, entry, entities=["input_number.boiler"], **levels)
    for step in steps.split(", "):
        value, expected = step.split()
        await set_number(hass, "input_number.boiler", float(value))
        assert status(hass, entry, sid).state == expected, value


async def test_battery_sensors_under_15_percent(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Battery sensors and battery_level attributes at or below the levels."""
    label_id, (phone, lock) = labelled(hass, "batteries", "phone_battery", "lock")
    sid = await add_check(
        hass, entry, labels=[label_id], battery_warning=15, battery_critical=5
    )
    hass.states.async_set(phone, "16", {"device_class": "battery"})
    hass.states.async_set(lock, "locked", {"battery_level": 40})
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "healthy"

    hass.states.async_set(phone, "15", {"device_class": "battery"})
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "warning"
    hass.states.async_set(lock, "locked", {"battery_level": 5})
    await hass.async_block_till_done()
    state = status(hass, entry, sid)
    assert state.state == "critical"
    assert state.attributes["affected"] == [lock, phone]


async def test_stale_sensor_counts_after_its_max_age_and_a_report_clears_it(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Not reported for 1 h: 59:59 fine, 1:00:01 warning; an unchanged write clears."""
    entity_id = registered(hass, "outdoor")
    sid = await add_check(hass, entry, entities=[entity_id], stale_warning_hours=1)
    await elapse(hass, freezer, timedelta(minutes=59, seconds=59))
    assert status(hass, entry, sid).state == "healthy"
    await elapse(hass, freezer, timedelta(seconds=2))
    assert status(hass, entry, sid).state == "warning"

    hass.states.async_set(entity_id, "20")
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "healthy"


@pytest.mark.usefixtures("numbers")
async def test_template_condition_true_is_a_problem(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """A template rendered true gives the chosen status; false clears it."""
    sid = await add_check(
        hass,
        entry,
        template="{{ states('input_number.boiler') | float(0) > 50 }}",
        template_status="degraded",
    )
    assert status(hass, entry, sid).state == "healthy"
    await set_number(hass, "input_number.boiler", 60)
    assert status(hass, entry, sid).state == "degraded"
    await set_number(hass, "input_number.boiler", 40)
    assert status(hass, entry, sid).state == "healthy"


async def test_two_failing_entities_make_one_incident_naming_both(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """One incident per check; its timeline names each entity as it joins."""
    label_id, (first, second) = labelled(hass, "critical", "first", "second")
    sid = await add_check(
        hass, entry, labels=[label_id], unavailable_critical_minutes=0
    )
    hass.states.async_set(first, "unavailable")
    await hass.async_block_till_done()
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    hass.states.async_set(second, "unavailable")
    await hass.async_block_till_done()
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    incidents = entry.runtime_data.incidents
    (incident,) = [i for i in incidents.list_incidents() if i.component_id == sid]
    assert set(incident.affected) == {first, second}
    named = " ".join(
        str(entry_.details.get("affected", "")) + str(entry_.details.get("joined", ""))
        for entry_ in incident.timeline
    )
    assert first in named
    assert second in named
    assert any(
        entry_.event is TimelineEvent.AFFECTED_CHANGED for entry_ in incident.timeline
    )
    problem = hass.states.get(
        er.async_get(hass).async_get_entity_id(
            "binary_sensor", DOMAIN, f"{entry.entry_id}_{sid}_incident"
        )
        or ""
    )
    assert problem is not None
    assert set(problem.attributes["affected"]) == {first, second}


async def test_removed_entity_leaves_the_check(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An entity removed from Home Assistant is no longer watched nor affected."""
    label = lr.async_get(hass).async_create("critical")
    registry = er.async_get(hass)
    entity_id = registered(hass, "gone")
    registry.async_update_entity(entity_id, labels={label.label_id})
    sid = await add_check(
        hass, entry, labels=[label.label_id], unavailable_warning_minutes=0
    )
    hass.states.async_set(entity_id, "unavailable")
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "warning"

    registry.async_remove(entity_id)
    hass.states.async_remove(entity_id)
    await hass.async_block_till_done()
    state = status(hass, entry, sid)
    assert state.state == "healthy"
    assert "affected" not in state.attributes
    assert float(sensor(hass, entry, sid, "watched").state) == 0


@pytest.mark.parametrize(
    "case",
    [
        (
            {"entities": ["sensor.x"], "value_warning": "nan"},
            {"value_warning": "not_a_number"},
        ),
        (
            {"name": "x" * 10_000, "entities": ["sensor.x"], "value_warning": 1},
            {"name": "too_long"},
        ),
        (
            {"entities": ["sensor.x"], "value_warning": 40, "value_critical": 30},
            {"value_warning": "warning_not_below_critical"},
        ),
        (
            {"entities": ["sensor.x"], "battery_warning": 5, "battery_critical": 15},
            {"battery_warning": "warning_not_above_critical"},
        ),
        (
            {
                "entities": ["sensor.x"],
                "unavailable_warning_minutes": 10,
                "unavailable_critical_minutes": 5,
            },
            {"unavailable_warning_minutes": "warning_not_before_critical"},
        ),
        (
            {"entities": ["sensor.x"], "template": "{{ 1 / 0 }}"},
            {"template": "invalid_template"},
        ),
        (
            {"entities": ["sensor.x"], "template": "{{ states( }}"},
            {"template": "invalid_template"},
        ),
        ({"entities": ["sensor.x"]}, {"base": "no_rules"}),
        ({"value_warning": 1}, {"entities": "no_entities"}),
        (
            {"entities": ["sensor.nowhere"], "value_warning": 1},
            {"entities": "not_found"},
        ),
        (
            {"labels": ["x" * 10_000], "value_warning": 1},
            {"labels": "invalid_selection"},
        ),
        (
            {"entities": ["sensor.x"], "battery_warning": 101},
            {"battery_warning": "out_of_range"},
        ),
        (
            {"entities": ["sensor.x"], "value_hysteresis": -1, "value_warning": 1},
            {"value_hysteresis": "out_of_range"},
        ),
    ],
)
async def test_invalid_form_input_is_refused_and_nothing_is_stored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    case: tuple[dict[str, Any], dict[str, str]],
) -> None:
    """Bad numbers, long texts, inverted levels and bad templates are field errors."""
    fields, error = case
    hass.states.async_set("sensor.x", "1")
    result = await submit_target_form(hass, entry, KIND, {"name": "Check", **fields})
    assert (result["type"], result["errors"]) == (FlowResultType.FORM, error)
    assert not entry.subentries


async def test_a_check_is_renamed_by_its_name_and_unique_by_it(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The check's title is its name; a second check of the same name is refused."""
    hass.states.async_set("sensor.x", "1")
    await add_check(hass, entry, entities=["sensor.x"], value_warning=1)
    (subentry,) = entry.subentries.values()
    assert subentry.title == "Check"
    result = await submit_target_form(
        hass,
        entry,
        KIND,
        {"name": "check", "entities": ["sensor.x"], "value_warning": 2},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_device_members_and_a_battery_binary_sensor_that_is_low(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Every entity of a chosen device is watched; a low battery sensor is 0 %."""
    config_entry = MockConfigEntry(domain="test")
    config_entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=config_entry.entry_id, identifiers={("test", "lock")}
    )
    entity_id = (
        er.async_get(hass)
        .async_get_or_create(
            "binary_sensor",
            "test",
            "lock_battery",
            device_id=device.id,
            config_entry=config_entry,
        )
        .entity_id
    )
    hass.states.async_set(entity_id, "off", {"device_class": "battery"})
    sid = await add_check(hass, entry, devices=[device.id], battery_critical=5)
    assert status(hass, entry, sid).state == "healthy"
    hass.states.async_set(entity_id, "on", {"device_class": "battery"})
    await hass.async_block_till_done()
    assert status(hass, entry, sid).state == "critical"


async def test_a_template_that_fails_to_render_shows_unknown(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """A template error later on is unknown, not a false alarm."""
    hass.states.async_set("sensor.source", "1")
    sid = await add_check(
        hass, entry, template="{{ (states('sensor.source') | int) > 0 }}"
    )
    assert status(hass, entry, sid).state == "warning"
    hass.states.async_set("sensor.source", "text")
    await hass.async_block_till_done()
    state = status(hass, entry, sid)
    assert state.state == "unknown"
    assert "Template condition failed" in state.attributes["message"]
