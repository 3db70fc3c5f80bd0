"""Component histories survive a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import (
    CONF_MEMORY_CRITICAL,
    CONF_MEMORY_WARNING,
    STORAGE_SAVE_DELAY,
)
from homeassistant.core import HomeAssistant

from .entries import health_monitor_entry


def _storage_key(entry: MockConfigEntry) -> str:
    return f"health_monitor.{entry.entry_id}.history"


async def test_unload_saves_the_histories(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Unloading writes every component's history to the store."""
    await loaded_entry.runtime_data.async_refresh()
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()

    stored = hass_storage[_storage_key(loaded_entry)]
    assert stored["version"] == 2
    histories = stored["data"]["histories"]
    assert set(histories) == {"system_resources", "ha_process", "event_loop"}
    assert all(len(history["status"]) == 2 for history in histories.values())


async def test_histories_are_saved_a_while_after_a_cycle(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A cycle schedules one delayed save; nothing is written per cycle."""
    assert _storage_key(loaded_entry) not in hass_storage
    freezer.tick(timedelta(seconds=STORAGE_SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _storage_key(loaded_entry) in hass_storage


async def test_restart_restores_history_and_failure_count(
    hass: HomeAssistant, options: dict[str, Any], hass_storage: dict[str, Any]
) -> None:
    """Histories and consecutive failures saved before a restart are back after it."""
    # Memory levels so low that the HA process is critical: its failures go on counting.
    config_entry = health_monitor_entry(
        options={**options, CONF_MEMORY_WARNING: 0.0001, CONF_MEMORY_CRITICAL: 0.001},
    )
    earlier = datetime.now(UTC) - timedelta(hours=1)
    hass_storage[_storage_key(config_entry)] = {
        "version": 1,
        # An older minor version goes through the store's migration on load.
        "minor_version": 0,
        "key": _storage_key(config_entry),
        "data": {
            "histories": {
                "event_loop": [
                    {
                        "timestamp": (earlier + timedelta(minutes=i)).isoformat(),
                        "status": "critical" if i % 2 else "healthy",
                        "response_time_ms": 1.5,
                        "message": "stored",
                    }
                    for i in range(10)
                ]
            },
            "consecutive_failures": {"ha_process": 4},
        },
    }
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    monitor = config_entry.runtime_data.monitor
    history = monitor.history("event_loop")
    assert history is not None
    assert len(history) == 11
    assert [entry.message for entry in history][:10] == ["stored"] * 10
    # 5 of the 10 stored checks were critical, the new one is up: 6 of 11.
    assert monitor.components["event_loop"].uptime_percent == round(100 * 6 / 11, 2)
    assert len(monitor.entries_within("event_loop", hours=2)) == 11
    # The HA process failed 4 times before the restart and once more after it.
    assert monitor.components["ha_process"].status == "critical"
    assert monitor.components["ha_process"].consecutive_failures == 5


async def test_removing_the_entry_deletes_its_history(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A removed entry leaves no stored history behind."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert _storage_key(loaded_entry) in hass_storage
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert _storage_key(loaded_entry) not in hass_storage
