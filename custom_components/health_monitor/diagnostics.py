"""Diagnostics download: settings, targets, latest health, incidents, history summary."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .coordinator import HealthMonitorConfigEntry
from .engine.incidents import incident_to_dict
from .reports import health_report
from .targets import TARGET_KINDS

# Credentials, and addresses that may carry them, never leave the instance.
TO_REDACT = {CONF_PASSWORD, CONF_USERNAME, "dsn", "token", "api_key"}


def _redact_target(subentry_type: str, data: dict[str, Any]) -> dict[str, Any]:
    kind = TARGET_KINDS.get(subentry_type)
    secrets = set(kind.secret_keys) if kind else set()
    redacted = async_redact_data(data, TO_REDACT | secrets)
    url = redacted.get(CONF_URL)
    if isinstance(url, str) and "@" in url.split("//", 1)[-1].split("/", 1)[0]:
        redacted[CONF_URL] = "**REDACTED**"
    return redacted


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HealthMonitorConfigEntry
) -> dict[str, Any]:
    """Return what support needs to understand an installation, without secrets."""
    coordinator = entry.runtime_data
    health = health_report(coordinator.data)
    coordinator.maintenance.add_to_health_report(health)
    history_summary: dict[str, Any] = {}
    for component_id in coordinator.monitor.known_component_ids():
        history = coordinator.monitor.history(component_id)
        entries = list(history) if history is not None else []
        history_summary[component_id] = {
            "entries": len(entries),
            "oldest": entries[0].timestamp.isoformat() if entries else None,
            "newest": entries[-1].timestamp.isoformat() if entries else None,
            "uptime_percent": history.uptime_percent() if history is not None else None,
        }
    return {
        "options": dict(entry.options),
        "targets": [
            {
                "type": subentry.subentry_type,
                "title": subentry.title,
                "data": _redact_target(subentry.subentry_type, dict(subentry.data)),
            }
            for subentry in entry.subentries.values()
        ],
        "monitoring": coordinator.controls.monitoring,
        "incident_response": coordinator.controls.incident_response,
        "health": health,
        "maintenance": coordinator.maintenance.report(),
        "open_incidents": [
            incident_to_dict(incident)
            for incident in coordinator.incidents.list_incidents()
        ],
        "statistics": coordinator.incidents.statistics().as_dict(),
        # Chosen and implied: what suppresses what.
        "dependencies": {
            component_id: sorted(parents)
            for component_id, parents in coordinator.incidents.dependencies.parents.items()
        },
        "history": history_summary,
    }
