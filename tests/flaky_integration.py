"""A tiny integration whose setup a test makes fail, retry or succeed.

It is registered in the running Home Assistant (its module and config flow),
and its config entries are real: Home Assistant sets them up, retries them
after ``ConfigEntryNotReady`` and moves them through their states as it does
for any integration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from homeassistant.config_entries import ConfigEntry, ConfigEntryState, ConfigFlow
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady

FLAKY_DOMAIN = "flaky_service"
NOT_READY_REASON = "Service at 192.0.2.7 did not answer"
ERROR_REASON = "The service refused the stored settings"


class Setup(StrEnum):
    """What the next setup of a flaky entry does."""

    READY = "ready"
    # Raises ConfigEntryNotReady: Home Assistant retries (setup_retry).
    NOT_READY = "not_ready"
    # Raises ConfigEntryError with a reason (setup_error).
    ERROR = "error"
    # Returns False without a reason (setup_error).
    RETURNS_FALSE = "returns_false"


class FlakyFlow(ConfigFlow):
    """The integration's config flow; entries are added by the tests."""

    VERSION = 1


class FlakyIntegration:
    """The flaky integration in one Home Assistant; ``setup`` decides each setup."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Register the integration in ``hass``."""
        self.hass = hass
        self.setup = Setup.READY
        self.unload_ok = True
        self.error_reason = ERROR_REASON
        self.setups = 0
        mock_integration(
            hass,
            MockModule(
                FLAKY_DOMAIN,
                async_setup_entry=self._async_setup_entry,
                async_unload_entry=self._async_unload_entry,
                async_migrate_entry=self._async_migrate_entry,
            ),
        )
        mock_platform(hass, f"{FLAKY_DOMAIN}.config_flow")

    async def _async_setup_entry(self, hass: HomeAssistant, entry: ConfigEntry) -> bool:
        self.setups += 1
        if self.setup is Setup.NOT_READY:
            raise ConfigEntryNotReady(NOT_READY_REASON)
        if self.setup is Setup.ERROR:
            raise ConfigEntryError(self.error_reason)
        return self.setup is Setup.READY

    async def _async_unload_entry(
        self, hass: HomeAssistant, entry: ConfigEntry
    ) -> bool:
        return self.unload_ok

    async def _async_migrate_entry(
        self, hass: HomeAssistant, entry: ConfigEntry
    ) -> bool:
        # An entry of a newer version than the flow's cannot be migrated.
        return False

    async def async_add(
        self, title: str, *, version: int = 1, entry_id: str | None = None
    ) -> MockConfigEntry:
        """Add an entry and let Home Assistant set it up as ``setup`` says."""
        entry = MockConfigEntry(
            domain=FLAKY_DOMAIN, title=title, version=version, entry_id=entry_id
        )
        entry.add_to_hass(self.hass)
        await self.hass.config_entries.async_setup(entry.entry_id)
        await self.hass.async_block_till_done()
        return entry

    async def async_remove_all(self) -> None:
        """Remove every entry of the integration (a test's clean-up)."""
        for entry in self.hass.config_entries.async_entries(FLAKY_DOMAIN):
            if entry.state is ConfigEntryState.FAILED_UNLOAD:
                self.unload_ok = True
            await self.hass.config_entries.async_remove(entry.entry_id)
        await self.hass.async_block_till_done()


@contextmanager
def flaky_integration(hass: HomeAssistant) -> Iterator[FlakyIntegration]:
    """Register the flaky integration and its flow for one test."""
    integration = FlakyIntegration(hass)
    with mock_config_flow(FLAKY_DOMAIN, FlakyFlow):
        yield integration
