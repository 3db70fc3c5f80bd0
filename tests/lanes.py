"""What differs between the two test lanes (HA 2025.4 and the newest HA)."""

from __future__ import annotations

import pytest

from homeassistant.const import MAJOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

# The test plugin for HA 2026 makes every name lookup but localhost raise
# RuntimeError, so a name that does not resolve cannot be tried there.
needs_dns = pytest.mark.skipif(
    MAJOR_VERSION >= 2026,
    reason=(
        "the HA 2026 test plugin blocks name resolution (RuntimeError for every name "
        "but localhost); lane 1 runs this test against a real resolver"
    ),
)


def find_device(
    hass: HomeAssistant, entry_id: str, identifier: tuple[str, str]
) -> dr.DeviceEntry | None:
    """Return the entry's device with ``identifier``.

    ``async_get_device`` and lookups in ``devices`` raise in tests on HA 2026;
    the devices of a config entry are found the same way on both lanes.
    """
    return next(
        (
            device
            for device in dr.async_entries_for_config_entry(
                dr.async_get(hass), entry_id
            )
            if identifier in device.identifiers
        ),
        None,
    )


# Entity snapshots (tests/snapshots/*.ambr) are written on lane 1: registry entries
# and states gain and lose fields between HA versions, so a snapshot of one version
# never matches another. Lane 2 checks the same entities through their states and
# registry entries in the platform tests instead.
snapshots_of_lane_1 = pytest.mark.skipif(
    MAJOR_VERSION >= 2026,
    reason=(
        "entity snapshots are HA 2025.4's (lane 1): registry entries and states differ "
        "between HA versions; lane 2 asserts the same entities by state and registry"
    ),
)
