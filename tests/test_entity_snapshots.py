"""Entity snapshots of each platform: ids, names, classes, categories and states.

One entry with fixed ids watches the three built-in checks and one TCP service.
Levels no machine reaches decide every status, and only what is the same on any
host is snapshotted: registry entries of every platform, and the states of the
platforms whose states do not carry readings (sensor states are readings).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.health_monitor.builtin import event_loop
from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_CPU_CRITICAL,
    CONF_CPU_WARNING,
    CONF_DISK_CRITICAL,
    CONF_DISK_PATHS,
    CONF_DISK_WARNING,
    CONF_MEMORY_CRITICAL,
    CONF_MEMORY_WARNING,
)
from custom_components.health_monitor.engine.classification import Thresholds
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .lanes import snapshots_of_lane_1
from .tcp_service import service_entry

pytestmark = snapshots_of_lane_1

# Unique ids start with the entry id, so a snapshot needs a fixed one.
ENTRY_ID = "01JSNAPSHOTENTRY0000000000"


@pytest.fixture(autouse=True)
def generous_lag_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Event loop lag levels (not an option) that no busy machine reaches."""
    monkeypatch.setattr(event_loop, "LAG_THRESHOLDS", Thresholds(60_000, 120_000))


def snapshot_entry(port: int) -> MockConfigEntry:
    """Return the entry of the snapshots: built-in checks and the service on ``port``."""
    options: dict[str, Any] = {
        CONF_CHECKS: ["system_resources", "ha_process", "event_loop"],
        # "/" rather than the config folder: the folder's path is in an entity id.
        CONF_DISK_PATHS: ["/"],
        CONF_CPU_WARNING: 99.9,
        CONF_CPU_CRITICAL: 100,
        CONF_MEMORY_WARNING: 99.9,
        CONF_MEMORY_CRITICAL: 100,
        CONF_DISK_WARNING: 99.9,
        CONF_DISK_CRITICAL: 100,
    }
    return service_entry(port, entry_id=ENTRY_ID, **options)


@pytest.fixture
def platform() -> Platform:
    """Return the one platform a test sets up (each test names its own)."""
    raise NotImplementedError


@pytest.fixture
def only_platform(platform: Platform) -> Iterator[None]:
    """Set up only ``platform``, as snapshot_platform asks."""
    with patch("custom_components.health_monitor.PLATFORMS", [platform]):
        yield


@pytest.fixture
async def snapshot_entry_loaded(
    hass: HomeAssistant, listening_port: int, only_platform: None
) -> MockConfigEntry:
    """Set up the snapshot entry with only the test's platform."""
    entry = snapshot_entry(listening_port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def snapshot_registry_entries(
    entity_registry: er.EntityRegistry, snapshot: SnapshotAssertion, entry_id: str
) -> None:
    """Snapshot the entry's registry entries only (their states vary by host)."""
    entries = er.async_entries_for_config_entry(entity_registry, entry_id)
    assert entries
    for entity_entry in sorted(entries, key=lambda e: e.entity_id):
        assert entity_entry == snapshot(name=f"{entity_entry.entity_id}-entry")


@pytest.mark.parametrize(
    "platform",
    [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SWITCH],
    ids=["binary_sensor", "event", "switch"],
)
async def test_entities_and_states_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    snapshot_entry_loaded: MockConfigEntry,
) -> None:
    """Problem sensors, incident events and the two switches, with their states."""
    await snapshot_platform(
        hass, entity_registry, snapshot, snapshot_entry_loaded.entry_id
    )


@pytest.mark.parametrize("platform", [Platform.SENSOR], ids=["sensor"])
async def test_sensor_registry_entries_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    snapshot_entry_loaded: MockConfigEntry,
) -> None:
    """Every sensor's registry entry (names, classes, units, categories, enabled)."""
    snapshot_registry_entries(entity_registry, snapshot, snapshot_entry_loaded.entry_id)
