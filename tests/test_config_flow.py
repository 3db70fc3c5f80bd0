"""Config flow, reconfigure and options flow."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import (
    CONF_CHECK_TIMEOUT,
    CONF_CHECKS,
    CONF_CPU_CRITICAL,
    CONF_CPU_WARNING,
    CONF_DISK_CRITICAL,
    CONF_DISK_PATHS,
    CONF_DISK_WARNING,
    CONF_HISTORY_SIZE,
    CONF_MEMORY_CRITICAL,
    CONF_MEMORY_WARNING,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
)
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType

ALL_CHECKS = [
    "system_resources",
    "ha_process",
    "event_loop",
    "recorder",
    "integrations",
]


def _options(hass: HomeAssistant, **changes: Any) -> dict[str, Any]:
    """Return a complete options form input with ``changes`` applied."""
    values: dict[str, Any] = {
        CONF_CHECKS: ["system_resources", "ha_process", "event_loop"],
        CONF_DISK_PATHS: [hass.config.config_dir],
        CONF_UPDATE_INTERVAL: 30,
        CONF_CHECK_TIMEOUT: 10,
        CONF_CPU_WARNING: 70,
        CONF_CPU_CRITICAL: 85,
        CONF_MEMORY_WARNING: 70,
        CONF_MEMORY_CRITICAL: 85,
        CONF_DISK_WARNING: 80,
        CONF_DISK_CRITICAL: 90,
        CONF_HISTORY_SIZE: 1000,
    }
    values.update(changes)
    return values


async def test_user_flow_creates_the_entry_with_defaults(hass: HomeAssistant) -> None:
    """The first form proposes every check and the config folder's disk."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    defaults = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if hasattr(key, "default")
    }
    assert defaults == {
        CONF_CHECKS: ALL_CHECKS,
        CONF_DISK_PATHS: [hass.config.config_dir],
    }

    result = await hass.config_entries.flow.async_configure(result["flow_id"], defaults)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Health Monitor"
    assert result["data"] == {}
    assert result["options"] == defaults
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.state is ConfigEntryState.LOADED


async def test_user_flow_trims_disk_paths(hass: HomeAssistant) -> None:
    """Whitespace around a typed path is not part of the path."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_CHECKS: ["event_loop"],
            CONF_DISK_PATHS: [f"  {hass.config.config_dir} "],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][CONF_DISK_PATHS] == [hass.config.config_dir]


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        pytest.param(
            {CONF_DISK_PATHS: ["/no/such/folder"]},
            {CONF_DISK_PATHS: "invalid_path"},
            id="missing folder",
        ),
        pytest.param(
            {CONF_DISK_PATHS: []}, {CONF_DISK_PATHS: "invalid_path"}, id="no folder"
        ),
        pytest.param(
            {CONF_DISK_PATHS: ["   "]}, {CONF_DISK_PATHS: "invalid_path"}, id="blank"
        ),
        pytest.param({CONF_CHECKS: []}, {CONF_CHECKS: "no_checks"}, id="no checks"),
    ],
)
async def test_user_flow_shows_field_errors_and_recovers(
    hass: HomeAssistant, user_input: dict[str, Any], errors: dict[str, str]
) -> None:
    """Bad input shows an error on its field, creates nothing, and can be corrected."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    good = {CONF_CHECKS: ALL_CHECKS, CONF_DISK_PATHS: [hass.config.config_dir]}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**good, **user_input}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(result["flow_id"], good)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_reports_an_unreadable_system(hass: HomeAssistant) -> None:
    """When the host's resources cannot be read, the form says so and nothing is created."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with patch(
        "custom_components.health_monitor.config_flow.PsutilWrapper",
        side_effect=PermissionError("/proc is not mounted"),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_CHECKS: ALL_CHECKS, CONF_DISK_PATHS: [hass.config.config_dir]},
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_read_system"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_second_entry_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """One entry watches the whole instance."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def test_reconfigure_changes_what_is_watched(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Reconfigure updates the watched checks and reloads the entry."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_CHECKS: ["event_loop"], CONF_DISK_PATHS: [hass.config.config_dir]},
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.options[CONF_CHECKS] == ["event_loop"]
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert [check.component_id for check in loaded_entry.runtime_data.checks] == [
        "event_loop"
    ]


async def test_options_flow_saves_every_option_and_reloads(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Changed options are stored and applied by a reload."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"

    new = _options(
        hass,
        **{CONF_UPDATE_INTERVAL: 60.0, CONF_CPU_WARNING: 50, CONF_HISTORY_SIZE: 20},
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], new)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_UPDATE_INTERVAL] == 60
    assert loaded_entry.options[CONF_CPU_WARNING] == 50
    coordinator = loaded_entry.runtime_data
    assert coordinator.update_interval is not None
    assert coordinator.update_interval.total_seconds() == 60
    assert coordinator.settings.cpu.warning == 50
    assert coordinator.monitor.history_size == 20


@pytest.mark.parametrize(
    ("warning_key", "critical_key"),
    [
        (CONF_CPU_WARNING, CONF_CPU_CRITICAL),
        (CONF_MEMORY_WARNING, CONF_MEMORY_CRITICAL),
        (CONF_DISK_WARNING, CONF_DISK_CRITICAL),
    ],
    ids=["cpu", "memory", "disk"],
)
@pytest.mark.parametrize("offset", [0, 5], ids=["equal", "above"])
async def test_warning_threshold_not_below_critical_is_rejected(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    warning_key: str,
    critical_key: str,
    offset: int,
) -> None:
    """A warning level equal to or above its critical level is a field error."""
    before = dict(loaded_entry.options)
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        _options(hass, **{warning_key: 80 + offset, critical_key: 80}),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {warning_key: "warning_not_below_critical"}
    assert dict(loaded_entry.options) == before


async def test_update_interval_below_five_seconds_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The form does not accept polling faster than every 5 seconds."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _options(hass, **{CONF_UPDATE_INTERVAL: 4})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_UPDATE_INTERVAL: "out_of_range"}
    assert loaded_entry.options.get(CONF_UPDATE_INTERVAL) is None


@pytest.mark.parametrize("action", ["notify.nobody", "notify", "no_such.domain"])
async def test_a_notify_action_that_does_not_exist_is_a_field_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, action: str
) -> None:
    """Only an action Home Assistant knows can be chosen for notifications."""
    before = dict(loaded_entry.options)
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _options(hass, notify_action=action)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"notify_action": "unknown_action"}
    assert dict(loaded_entry.options) == before


async def test_an_existing_notify_action_is_saved(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A registered action is stored and used by the reloaded entry."""

    async def _record(call: ServiceCall) -> None:
        """Accept a notification."""

    hass.services.async_register("notify", "phone", _record)
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _options(hass, notify_action="notify.phone")
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options["notify_action"] == "notify.phone"
    assert loaded_entry.runtime_data.settings.notify_action == "notify.phone"
