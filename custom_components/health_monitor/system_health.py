"""System Health panel: monitoring state, last cycle, components per status, incidents."""

from __future__ import annotations

from typing import Any

from homeassistant.components import system_health
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN
from .coordinator import HealthMonitorConfigEntry


@callback
def async_register(
    hass: HomeAssistant, register: system_health.SystemHealthRegistration
) -> None:
    """Register the System Health info of Health Monitor."""
    register.async_register_info(system_health_info)


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """Return what the System Health panel shows for Health Monitor."""
    entries: list[HealthMonitorConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    entry = next((e for e in entries if e.state is ConfigEntryState.LOADED), None)
    if entry is None:
        return {"monitoring": "not loaded"}
    coordinator = entry.runtime_data
    health = coordinator.data
    counts = {status.value: count for status, count in health.counts.items() if count}
    return {
        "monitoring": "on" if coordinator.controls.monitoring else "off",
        "incident_response": "on" if coordinator.controls.incident_response else "off",
        "overall_status": health.status.value,
        "health_score": health.health_score,
        "last_cycle": health.cycle_started.isoformat(),
        "last_cycle_duration_ms": health.cycle_duration_ms,
        "components": ", ".join(f"{count} {status}" for status, count in counts.items())
        or "none",
        "open_incidents": len(coordinator.incidents.list_incidents()),
    }
