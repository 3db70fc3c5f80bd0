"""Services: incident work, monitoring controls and read APIs with their responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import DOMAIN
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
import homeassistant.util.dt as dt_util

from .tcp_service import TARGET, TcpService

pytestmark = pytest.mark.usefixtures("socket_enabled")

SYSTEM_KEYS = {
    "status",
    "health_score",
    "performance_score",
    "counts",
    "uptime_seconds",
    "last_cycle",
    "cycle_duration_ms",
    "monitoring",
    "incident_response",
    "maintenance",
}
COMPONENT_KEYS = {
    "name",
    "type",
    "status",
    "message",
    "response_time_ms",
    "metrics",
    "details",
    "consecutive_failures",
    "uptime_percent",
    "last_checked",
    "in_maintenance",
    "maintenance_until",
}
INCIDENT_KEYS = {
    "id",
    "title",
    "description",
    "severity",
    "status",
    "component_id",
    "timeline",
    "acknowledged_by",
    "escalation_level",
}
STATISTICS_KEYS = {
    "total",
    "flaps",
    "flapping",
    "suppressed",
    "open",
    "open_by_severity",
    "by_component",
    "component_names",
    "escalations",
    "recovery_attempts",
    "recovery_successes",
    "recovery_success_rate",
    "auto_resolved",
    "mtta_minutes",
    "mttr_minutes",
    "last_24h",
    "maintenance",
}


@pytest.fixture
def entry(loaded_service_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the entry these tests act on: Health Monitor watching only the service."""
    return loaded_service_entry


@pytest.fixture
async def incident_id(
    hass: HomeAssistant, entry: MockConfigEntry, service: TcpService
) -> str:
    """Stop the service so that an incident opens; return its id."""
    await service.stop()
    # Two failing checks in a row open an incident.
    await entry.runtime_data.async_refresh()
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    return incident.id


async def _call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any] | None = None,
    *,
    response: bool = False,
    context: Context | None = None,
) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        service,
        data or {},
        blocking=True,
        return_response=response,
        context=context,
    )


async def test_acknowledge_records_the_calling_user_and_returns_the_incident(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    incident_id: str,
    hass_admin_user: MockUser,
) -> None:
    """The actor in the timeline is the user who called the service."""
    result = await _call(
        hass,
        "acknowledge",
        {"incident_id": incident_id, "note": "on it"},
        response=True,
        context=Context(user_id=hass_admin_user.id),
    )
    incident = result["incident"]
    assert set(incident) >= INCIDENT_KEYS
    assert incident["status"] == "acknowledged"
    assert incident["acknowledged_by"] == hass_admin_user.name
    assert incident["timeline"][-1]["actor"] == hass_admin_user.name


async def test_call_from_an_automation_is_recorded_as_automation(
    hass: HomeAssistant, entry: MockConfigEntry, incident_id: str
) -> None:
    """A call without a user but with a parent context comes from an automation."""
    await _call(
        hass,
        "acknowledge",
        {"incident_id": incident_id},
        context=Context(parent_id="automation-run"),
    )
    incident = entry.runtime_data.incidents.get(incident_id)
    assert incident.acknowledged_by == "automation"


async def test_update_incident_and_resolve_follow_the_lifecycle(
    hass: HomeAssistant, entry: MockConfigEntry, incident_id: str
) -> None:
    """Acknowledged → investigating → in progress → resolved, all by service calls."""
    await _call(hass, "acknowledge", {"incident_id": incident_id})
    await _call(
        hass, "update_incident", {"incident_id": incident_id, "status": "investigating"}
    )
    await _call(
        hass, "update_incident", {"incident_id": incident_id, "status": "in_progress"}
    )
    result = await _call(
        hass, "resolve", {"incident_id": incident_id, "note": "fixed"}, response=True
    )
    assert result["incident"]["status"] == "resolved"
    assert result["incident"]["resolved_by"] == "system"


async def test_unknown_incident_is_a_translated_error_and_changes_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, incident_id: str
) -> None:
    """Naming an incident that does not exist is refused with a clear error."""
    before = entry.runtime_data.incidents.export()
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "acknowledge", {"incident_id": "INC-20000101-0001"})
    assert err.value.translation_key == "unknown_incident"
    assert entry.runtime_data.incidents.export() == before


async def test_forbidden_transition_is_a_translated_error_and_changes_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, incident_id: str
) -> None:
    """A new incident cannot jump to in progress."""
    before = entry.runtime_data.incidents.export()
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "update_incident",
            {"incident_id": incident_id, "status": "in_progress"},
        )
    assert err.value.translation_key == "transition_not_allowed"
    assert err.value.translation_placeholders == {
        "incident_id": incident_id,
        "from_status": "new",
        "to_status": "in_progress",
    }
    assert entry.runtime_data.incidents.export() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("acknowledge", {"incident_id": "x"}),
        ("resolve", {"incident_id": "x"}),
        ("update_incident", {"incident_id": "x", "status": "investigating"}),
        ("start_monitoring", {}),
        ("stop_monitoring", {}),
        ("start_incident_response", {}),
        ("stop_incident_response", {}),
    ],
)
async def test_admin_services_refuse_a_non_admin_user(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_read_only_user: MockUser,
    name: str,
    data: dict[str, Any],
) -> None:
    """A read-only user may not change incidents or switch monitoring."""
    with pytest.raises(Unauthorized):
        await _call(hass, name, data, context=Context(user_id=hass_read_only_user.id))
    assert hass.states.get("switch.health_monitor_monitoring").state == "on"  # type: ignore[union-attr]
    assert hass.states.get("switch.health_monitor_incident_response").state == "on"  # type: ignore[union-attr]


async def test_stop_monitoring_stops_polling_and_start_resumes(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """While stopped no check runs, however much time passes; starting runs one at once."""
    history = entry.runtime_data.monitor.history(TARGET)
    assert history is not None
    await _call(hass, "stop_monitoring")
    assert hass.states.get("switch.health_monitor_monitoring").state == "off"  # type: ignore[union-attr]
    checked = len(history)

    for minutes in range(10, 60, 10):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=minutes))
        await hass.async_block_till_done(wait_background_tasks=True)
    assert len(history) == checked
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "run_checks")
    assert err.value.translation_key == "monitoring_stopped"

    await _call(hass, "start_monitoring")
    assert len(history) == checked + 1
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=45))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(history) == checked + 2
    assert hass.states.get("switch.health_monitor_monitoring").state == "on"  # type: ignore[union-attr]


async def test_monitoring_switch_does_what_the_services_do_and_survives_a_restart(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Turning the switch off stops monitoring, also after a reload."""
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": "switch.health_monitor_monitoring"},
        blocking=True,
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("switch.health_monitor_monitoring").state == "off"  # type: ignore[union-attr]
    assert entry.runtime_data.monitor.history(TARGET) is not None


async def test_incident_response_switch_and_services(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The incident response switch mirrors its two services."""
    switch = "switch.health_monitor_incident_response"
    await _call(hass, "stop_incident_response")
    assert hass.states.get(switch).state == "off"  # type: ignore[union-attr]
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": switch}, blocking=True
    )
    assert hass.states.get(switch).state == "on"  # type: ignore[union-attr]
    await _call(hass, "stop_incident_response")
    await _call(hass, "start_incident_response")
    assert hass.states.get(switch).state == "on"  # type: ignore[union-attr]


async def test_run_checks_runs_a_cycle_now(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """run_checks adds one check result to every component's history."""
    history = entry.runtime_data.monitor.history(TARGET)
    assert history is not None
    before = len(history)
    await _call(hass, "run_checks")
    assert len(history) == before + 1


async def test_get_health_returns_the_documented_report(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The report has the system block and every component."""
    report = await _call(hass, "get_health", response=True)
    assert set(report["system"]) == SYSTEM_KEYS
    assert set(report["components"]) == {TARGET}
    component = report["components"][TARGET]
    assert set(component) == COMPONENT_KEYS
    assert component["status"] == "healthy"
    assert report["system"]["health_score"] == 100


async def test_get_component_history_returns_entries_of_the_window(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Entries of the last hours come back oldest first."""
    await _call(hass, "run_checks")
    result = await _call(
        hass, "get_component_history", {"component": TARGET}, response=True
    )
    assert result["component"] == TARGET
    assert result["hours"] == 24
    assert result["count"] == len(result["entries"]) == 2
    assert set(result["entries"][0]) == {
        "timestamp",
        "status",
        "response_time_ms",
        "message",
    }


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"component": "nope"}, "unknown_component"),
        ({"component": TARGET, "hours": 0}, "hours_out_of_range"),
        ({"component": TARGET, "hours": 169}, "hours_out_of_range"),
    ],
)
async def test_get_component_history_rejects_bad_input(
    hass: HomeAssistant, entry: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    """Unknown components and hours outside 1–168 are translated errors."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "get_component_history", data, response=True)
    assert err.value.translation_key == key


async def test_get_incidents_filters_by_status_and_window(
    hass: HomeAssistant, entry: MockConfigEntry, incident_id: str
) -> None:
    """Active, all and one-status filters return incidents with their timelines."""
    active = await _call(hass, "get_incidents", response=True)
    assert active["count"] == 1
    assert set(active["incidents"][0]) >= INCIDENT_KEYS
    assert active["incidents"][0]["timeline"][0]["event"] == "opened"
    assert (await _call(hass, "get_incidents", {"status": "resolved"}, response=True))[
        "count"
    ] == 0
    assert (
        await _call(hass, "get_incidents", {"status": "all", "hours": 1}, response=True)
    )["count"] == 1
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "get_incidents", {"status": "bogus"}, response=True)
    assert err.value.translation_key == "unknown_status_filter"
    with pytest.raises(ServiceValidationError):
        await _call(hass, "get_incidents", {"hours": -1}, response=True)


async def test_get_statistics_counts_incidents_and_mean_times(
    hass: HomeAssistant, entry: MockConfigEntry, incident_id: str
) -> None:
    """Statistics show the open incident by severity and by component."""
    await _call(hass, "acknowledge", {"incident_id": incident_id})
    stats = await _call(hass, "get_statistics", response=True)
    assert set(stats) == STATISTICS_KEYS
    assert stats["total"] == 1
    assert stats["open"] == 1
    assert stats["open_by_severity"]["critical"] == 1
    assert stats["by_component"] == {TARGET: 1}
    assert stats["component_names"] == {TARGET: "Service"}
    assert stats["mtta_minutes"] is not None
    assert stats["mttr_minutes"] is None


async def test_statistics_sensors_follow_an_acknowledgement_at_once(
    hass: HomeAssistant, entry: MockConfigEntry, incident_id: str
) -> None:
    """MTTA is shown as soon as an incident is acknowledged, without a cycle."""
    mtta = "sensor.health_monitor_mean_time_to_acknowledge"
    assert hass.states.get(mtta).state == "unknown"  # type: ignore[union-attr]
    assert hass.states.get("sensor.health_monitor_open_incidents").state == "1"  # type: ignore[union-attr]

    await _call(hass, "acknowledge", {"incident_id": incident_id})

    assert float(hass.states.get(mtta).state) >= 0  # type: ignore[union-attr]


async def test_services_refuse_when_the_entry_is_not_loaded(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """With the entry unloaded every service says Health Monitor is not loaded."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "get_health", response=True)
    assert err.value.translation_key == "not_loaded"
