"""Recurring maintenance windows: set on a target's form, kept to by the schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .tcp_service import TARGET, TcpService, network_target, targets_entry
from .test_incident_events import cycle
from .test_maintenance import (
    QUIET_OPTIONS,
    SWITCH,
    record_maintenance_events,
    state,
    tick,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

# Noon on a Saturday in the test installation's time zone (US/Pacific).
SATURDAY_NOON = "2026-03-07 12:00:00-08:00"


def form_input(port: int, **window: Any) -> dict[str, Any]:
    """Return a network target's form input with a maintenance window."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
        **window,
    }


async def add_target(
    hass: HomeAssistant, entry: MockConfigEntry, data: dict[str, Any]
) -> dict[str, Any]:
    """Fill in the form of a new network target; return the flow's result."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "network"), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], data
    )
    await hass.async_block_till_done()
    return dict(result)


async def test_a_window_on_the_form_is_stored_and_followed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, listening_port: int
) -> None:
    """A weekly window crossing midnight is stored as given and in the schedule."""
    window = {
        "maintenance_days": ["sat"],
        "maintenance_start": "22:00:00",
        "maintenance_end": "02:00:00",
    }

    result = await add_target(hass, loaded_entry, form_input(listening_port, **window))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    subentry_id = next(iter(loaded_entry.subentries))
    assert {k: loaded_entry.subentries[subentry_id].data[k] for k in window} == window
    schedule = loaded_entry.runtime_data.maintenance.schedule
    recurring = schedule.recurring(subentry_id)
    assert recurring is not None
    assert recurring.weekdays == frozenset({5})


@pytest.mark.parametrize(
    ("window", "errors"),
    [
        (
            {"maintenance_start": "22:00"},
            {"maintenance_end": "maintenance_times_together"},
        ),
        (
            {"maintenance_end": "22:00"},
            {"maintenance_start": "maintenance_times_together"},
        ),
        (
            {"maintenance_days": ["mon"]},
            {"maintenance_start": "maintenance_times_together"},
        ),
        (
            {"maintenance_start": "22:00", "maintenance_end": "22:00:00"},
            {"maintenance_end": "maintenance_empty_window"},
        ),
        (
            {"maintenance_start": "25:00", "maintenance_end": "01:00"},
            {"maintenance_start": "invalid_time"},
        ),
        (
            {"maintenance_start": "x" * 100_000, "maintenance_end": "01:00"},
            {"maintenance_start": "invalid_time"},
        ),
        (
            {"maintenance_start": "01:00", "maintenance_end": 3},
            {"maintenance_end": "invalid_time"},
        ),
        (
            {
                "maintenance_days": ["funday"],
                "maintenance_start": "01:00",
                "maintenance_end": "02:00",
            },
            {"maintenance_days": "invalid_selection"},
        ),
    ],
)
async def test_an_incomplete_or_bad_window_is_refused_on_the_form(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    listening_port: int,
    window: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Each mistake shows a translated field error and nothing is stored."""
    result = await add_target(hass, loaded_entry, form_input(listening_port, **window))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert not loaded_entry.subentries


async def test_a_recurring_window_silences_the_target_while_it_lasts(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """From 11:00 to 13:00 daily: on at noon, off at one, announced both times."""
    freezer.move_to(SATURDAY_NOON)
    target = network_target(service.port, TARGET, "Service")
    target["data"].update(maintenance_start="11:00:00", maintenance_end="13:00:00")
    seen = record_maintenance_events(hass)
    entry = targets_entry([target], **QUIET_OPTIONS)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    await service.stop()
    await cycle(hass, entry, 3)
    assert state(hass, SWITCH).state == "on"
    assert state(hass, SWITCH).attributes["reason"] == "recurring window"
    assert entry.runtime_data.incidents.incident_for(TARGET) is None
    await tick(hass, freezer, timedelta(hours=1))

    assert state(hass, SWITCH).state == "off"
    assert [(e["type"], e["actor"]) for e in seen] == [("ended", "system")]
    await cycle(hass, entry, 2)
    assert entry.runtime_data.incidents.incident_for(TARGET) is not None
