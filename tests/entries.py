"""Health Monitor config entries as this version makes them."""

from __future__ import annotations

from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.config_flow import HealthMonitorConfigFlow
from custom_components.health_monitor.const import DOMAIN


def health_monitor_entry(**fields: Any) -> MockConfigEntry:
    """Return a Health Monitor entry of the current version (no migration changes it).

    An entry of an older minor version gains the checks added since (see
    ``async_migrate_entry``); tests of what an entry watches start current.
    """
    return MockConfigEntry(
        domain=DOMAIN,
        version=HealthMonitorConfigFlow.VERSION,
        minor_version=HealthMonitorConfigFlow.MINOR_VERSION,
        **fields,
    )
