"""Every target has a name: given on its form, or derived from its address."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.targets import TARGET_KINDS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from tests.tcp_service import TARGET, network_target, targets_entry
from tests.test_incident_events import set_up

from .flows import submit_target_form

pytestmark = pytest.mark.usefixtures("socket_enabled")


def network_input(port: int, **fields: Any) -> dict[str, Any]:
    """Return the network form's input for a listening port on loopback."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
        **fields,
    }


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, sid: str
) -> FlowResult:
    """Open the reconfigure form of network target ``sid``."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "network"),
        context={"source": "reconfigure", "subentry_id": sid},
    )
    assert result["type"] is FlowResultType.FORM
    return result


def suggested_name(result: FlowResult) -> Any:
    """Return what the form's name field shows."""
    (marker,) = [key for key in result["data_schema"].schema if key == "name"]
    return (marker.description or {}).get("suggested_value")


async def test_a_named_target_names_its_device_and_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """The name is the title, the device name and the start of every entity id."""
    result = await submit_target_form(
        hass, loaded_entry, "network", network_input(listening_port, name=" NAS ")
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "NAS"
    (sid,) = loaded_entry.subentries
    assert loaded_entry.subentries[sid].data["name"] == "NAS"
    state = hass.states.get("sensor.nas_status")
    assert state is not None
    assert state.state == "healthy"
    entity = er.async_get(hass).async_get("sensor.nas_status")
    assert entity is not None and entity.device_id is not None
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None and device.name == "NAS"


async def test_without_a_name_the_address_names_the_target(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """An empty name is not stored: the name is derived from host and port."""
    result = await submit_target_form(
        hass, loaded_entry, "network", network_input(listening_port, name="  ")
    )

    assert result["title"] == f"127.0.0.1:{listening_port}"
    (subentry,) = loaded_entry.subentries.values()
    assert "name" not in subentry.data


@pytest.mark.parametrize(
    ("subentry_type", "data", "name"),
    [
        ("network", {"host": "nas.lan"}, "nas.lan"),
        ("network", {"host": "nas.lan", "port": 5432}, "nas.lan:5432"),
        (
            "database",
            {"host": "nas.lan", "port": 5432, "database": "hmdb"},
            "hmdb on nas.lan",
        ),
        (
            "database",
            {"host": "nas.lan", "port": 5433, "database": "hmdb"},
            "hmdb on nas.lan:5433",
        ),
        ("mqtt_broker", {"host": "nas.lan", "port": 1883}, "MQTT on nas.lan"),
        ("mqtt_broker", {"host": "nas.lan", "port": 8883}, "MQTT on nas.lan:8883"),
        ("http_endpoint", {"url": "https://example.com/health"}, "example.com/health"),
        (
            "http_endpoint",
            {"url": "https://u:secret@example.com:8443/a/?t=1"},
            "example.com:8443/a",
        ),
        ("http_endpoint", {"url": "http://example.com:80/"}, "example.com"),
        ("ha_mqtt", {}, "Home Assistant MQTT"),
        ("entity_check", {"name": "Batteries"}, "Batteries"),
        ("network", {"host": "nas.lan", "name": "NAS"}, "NAS"),
    ],
)
async def test_derived_names_are_readable(
    hass: HomeAssistant, subentry_type: str, data: dict[str, Any], name: str
) -> None:
    """No scheme, credentials, query, default port or underscores in a derived name."""
    kind = TARGET_KINDS[subentry_type]
    await kind.async_load(hass)
    assert kind.title(data) == name


async def test_a_name_in_use_is_refused_in_any_case(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry, listening_port: int
) -> None:
    """A second target named like the first (case aside) is a field error; nothing is added."""
    result = await submit_target_form(
        hass,
        loaded_service_entry,
        "network",
        network_input(listening_port, host="localhost", name="SERVICE"),
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"name": "name_in_use"}
    assert list(loaded_service_entry.subentries) == [TARGET]


async def test_a_derived_name_in_use_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """A target whose derived name another target has as its name must be named."""
    named = network_input(listening_port, host="localhost", name="127.0.0.1")
    first = await submit_target_form(hass, loaded_entry, "network", named)
    assert first["type"] is FlowResultType.CREATE_ENTRY

    result = await submit_target_form(
        hass,
        loaded_entry,
        "network",
        {**network_input(listening_port), "port": None},
    )

    assert result["errors"] == {"name": "name_in_use"}
    assert len(loaded_entry.subentries) == 1


async def test_an_entity_check_keeps_its_own_name_field_and_shares_the_names(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry
) -> None:
    """The entity check's form has one name field; its name must be free too."""
    await TARGET_KINDS["entity_check"].async_load(hass)
    schema = TARGET_KINDS["entity_check"].schema({})
    assert [key for key in schema.schema if key == "name"] == ["name"]
    hass.states.async_set("sensor.x", "1")

    result = await submit_target_form(
        hass,
        loaded_service_entry,
        "entity_check",
        {"name": "service", "entities": ["sensor.x"], "value_warning": 1},
    )

    assert result["errors"] == {"name": "name_in_use"}


@pytest.mark.parametrize(
    ("name", "error"),
    [("x" * 101, "too_long"), ("a\x00b", "invalid_characters")],
)
async def test_a_bad_name_is_a_field_error_and_nothing_is_stored(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    listening_port: int,
    name: Any,
    error: str,
) -> None:
    """Names are bounded like every other text field."""
    result = await submit_target_form(
        hass, loaded_entry, "network", network_input(listening_port, name=name)
    )

    assert result["errors"] == {"name": error}
    assert not loaded_entry.subentries


async def test_a_stored_target_without_a_name_keeps_its_title(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry, listening_port: int
) -> None:
    """A target stored before names existed runs under its title and keeps it."""
    assert hass.states.get("sensor.service_status") is not None
    result = await reconfigure(hass, loaded_service_entry, TARGET)
    assert suggested_name(result) == "Service"

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], network_input(listening_port, name="Service")
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert loaded_service_entry.subentries[TARGET].title == "Service"
    assert hass.states.get("sensor.service_status") is not None


async def test_renaming_a_target_renames_its_device(
    hass: HomeAssistant, loaded_service_entry: MockConfigEntry, listening_port: int
) -> None:
    """A new name on reconfigure is the new title and device name (entity ids stay)."""
    result = await reconfigure(hass, loaded_service_entry, TARGET)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], network_input(listening_port, name="Gateway")
    )
    await hass.async_block_till_done()

    assert loaded_service_entry.subentries[TARGET].title == "Gateway"
    entity = er.async_get(hass).async_get("sensor.service_status")
    assert entity is not None and entity.device_id is not None
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None and device.name == "Gateway"


async def test_a_target_with_a_derived_name_shows_no_name_on_reconfigure(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """The derived name is not pinned: it follows the address when that changes."""
    await submit_target_form(
        hass, loaded_entry, "network", network_input(listening_port)
    )
    (sid,) = loaded_entry.subentries

    result = await reconfigure(hass, loaded_entry, sid)

    assert suggested_name(result) is None


async def test_a_named_target_shows_its_name_on_reconfigure(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """The stored name fills the field."""
    await submit_target_form(
        hass, loaded_entry, "network", network_input(listening_port, name="NAS")
    )
    (sid,) = loaded_entry.subentries

    assert suggested_name(await reconfigure(hass, loaded_entry, sid)) == "NAS"


async def test_a_stored_target_with_broken_settings_shows_its_title_on_reconfigure(
    hass: HomeAssistant,
) -> None:
    """Settings edited by hand (no host) derive no name: the title is shown."""
    broken = network_target(1, "broken", "Old router")
    del broken["data"]["host"]
    entry = await set_up(hass, targets_entry([broken]))

    assert suggested_name(await reconfigure(hass, entry, "broken")) == "Old router"
