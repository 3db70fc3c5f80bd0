"""The Integrations component's options (grace, reload picks) and its arrival in old entries."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_DISK_PATHS,
    CONF_INTEGRATION_GRACE,
    CONF_RELOAD_INTEGRATIONS,
    DOMAIN,
)
from custom_components.health_monitor.integration_options import INVALID_INTEGRATIONS
from custom_components.health_monitor.settings import MonitorSettings
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .flaky_integration import FLAKY_DOMAIN, FlakyIntegration, flaky_integration
from .test_input_validation import EN, _submit_options


@pytest.fixture
async def flaky(hass: HomeAssistant) -> AsyncGenerator[FlakyIntegration]:
    """Register the flaky integration with two loaded entries."""
    with flaky_integration(hass) as integration:
        await integration.async_add("Solar inverter", entry_id="solar")
        await integration.async_add("Garage door", entry_id="garage")
        yield integration
        await integration.async_remove_all()


def _reload_field(form: Any) -> Any:
    (key,) = (k for k in form["data_schema"].schema if k == CONF_RELOAD_INTEGRATIONS)
    return key, form["data_schema"].schema[key]


async def test_reload_picks_offer_every_other_integration_by_title(
    hass: HomeAssistant, flaky: FlakyIntegration, loaded_entry: MockConfigEntry
) -> None:
    """The choice lists other integrations as "title (domain)", never Health Monitor."""
    form = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    key, selector = _reload_field(form)

    assert selector.config["multiple"] is True
    assert selector.config["options"] == [
        {"value": "garage", "label": f"Garage door ({FLAKY_DOMAIN})"},
        {"value": "solar", "label": f"Solar inverter ({FLAKY_DOMAIN})"},
    ]
    assert key.description == {"suggested_value": []}
    texts = EN["options"]["step"]["init"]
    assert texts["data"][CONF_RELOAD_INTEGRATIONS]
    assert texts["data_description"][CONF_INTEGRATION_GRACE]


async def test_grace_and_reload_picks_are_saved_and_used(
    hass: HomeAssistant, flaky: FlakyIntegration, loaded_entry: MockConfigEntry
) -> None:
    """Saved options reach the Integrations check after the reload; a repeat counts once."""
    result = await _submit_options(
        hass,
        loaded_entry,
        **{CONF_INTEGRATION_GRACE: 10, CONF_RELOAD_INTEGRATIONS: ["solar", "solar"]},
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_INTEGRATION_GRACE] == 10
    assert loaded_entry.options[CONF_RELOAD_INTEGRATIONS] == ["solar"]
    settings = loaded_entry.runtime_data.settings
    assert settings.integration_grace == timedelta(minutes=10)
    assert settings.reload_integrations == frozenset({"solar"})

    form = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    key, _ = _reload_field(form)
    assert key.description == {"suggested_value": ["solar"]}


async def test_emptied_reload_picks_are_removed(
    hass: HomeAssistant, flaky: FlakyIntegration, loaded_entry: MockConfigEntry
) -> None:
    """Clearing the choice turns reloading off for every integration."""
    await _submit_options(hass, loaded_entry, **{CONF_RELOAD_INTEGRATIONS: ["solar"]})
    await _submit_options(hass, loaded_entry, **{CONF_RELOAD_INTEGRATIONS: []})

    assert CONF_RELOAD_INTEGRATIONS not in loaded_entry.options
    assert loaded_entry.runtime_data.settings.reload_integrations == frozenset()


async def test_removed_integration_is_not_shown_among_the_picks(
    hass: HomeAssistant, flaky: FlakyIntegration, loaded_entry: MockConfigEntry
) -> None:
    """A picked integration deleted since is dropped from the form, so saving works."""
    await _submit_options(
        hass, loaded_entry, **{CONF_RELOAD_INTEGRATIONS: ["solar", "garage"]}
    )
    await hass.config_entries.async_remove("solar")
    await hass.async_block_till_done()

    form = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    key, _ = _reload_field(form)
    assert key.description == {"suggested_value": ["garage"]}


@pytest.mark.parametrize(
    "picks",
    [
        pytest.param("solar", id="not a list"),
        pytest.param([1], id="not text"),
        pytest.param(["no_such_entry"], id="unknown entry"),
        pytest.param(["x" * 100_000], id="huge text"),
        pytest.param(["solar"] * 1001, id="over 1000 picks"),
        pytest.param("own", id="Health Monitor itself"),
    ],
)
async def test_bad_reload_picks_are_a_field_error_and_change_nothing(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    loaded_entry: MockConfigEntry,
    picks: Any,
) -> None:
    """Anything but integrations from the list is refused on the field."""
    if picks == "own":
        picks = [loaded_entry.entry_id]
    before = dict(loaded_entry.options)
    result = await _submit_options(
        hass, loaded_entry, **{CONF_RELOAD_INTEGRATIONS: picks}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_RELOAD_INTEGRATIONS: INVALID_INTEGRATIONS}
    assert INVALID_INTEGRATIONS in EN["options"]["error"]
    assert dict(loaded_entry.options) == before


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        pytest.param(["solar", "solar", 7, "x" * 300], {"solar"}, id="mixed"),
        pytest.param("solar", set(), id="not a list"),
        pytest.param(["a"] * 1001, set(), id="too many"),
    ],
)
def test_stored_reload_picks_keep_only_usable_ids(stored: Any, read: set[str]) -> None:
    """Hand-edited picks never break the setup: unusable ones are dropped and named."""
    settings = MonitorSettings.from_options(
        {CONF_RELOAD_INTEGRATIONS: stored}, "/config"
    )
    assert settings.reload_integrations == frozenset(read)
    assert CONF_RELOAD_INTEGRATIONS in settings.invalid_options


def test_default_grace_is_5_minutes_and_nothing_is_reloaded() -> None:
    """A new or old entry waits 5 minutes for a retrying setup and reloads nothing."""
    settings = MonitorSettings.from_options({}, "/config")
    assert settings.integration_grace == timedelta(minutes=5)
    assert settings.reload_integrations == frozenset()
    assert "integrations" in {str(check) for check in settings.checks}


# --- Entries made before the check existed --------------------------------------------


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("minor_version", "stored", "checks", "migrated_to"),
    [
        pytest.param(1, ["event_loop"], ["event_loop", "integrations"], 2, id="older"),
        pytest.param(1, None, None, 2, id="older without a list"),
        pytest.param(2, ["event_loop"], ["event_loop"], 2, id="turned off since"),
        pytest.param(3, ["event_loop"], ["event_loop"], 3, id="newer"),
    ],
)
async def test_integrations_check_is_turned_on_once_for_older_entries(
    hass: HomeAssistant,
    minor_version: int,
    stored: list[str] | None,
    checks: list[str] | None,
    migrated_to: int,
) -> None:
    """An older entry's stored checks gain Integrations; later choices are kept.

    Without a stored list every check runs already; an entry a newer version
    made (after a downgrade) is used as it is.
    """
    options: dict[str, Any] = {CONF_DISK_PATHS: ["/"]}
    if stored is not None:
        options[CONF_CHECKS] = stored
    entry = MockConfigEntry(domain=DOMAIN, options=options, minor_version=minor_version)
    await _set_up(hass, entry)

    assert entry.minor_version == migrated_to
    assert entry.options.get(CONF_CHECKS) == checks
    running = {check.component_id for check in entry.runtime_data.checks}
    assert ("integrations" in running) is (checks is None or "integrations" in checks)
    assert await hass.config_entries.async_unload(entry.entry_id)
