"""Services: work incidents, control monitoring, and read health and statistics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from enum import StrEnum
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
import homeassistant.helpers.config_validation as cv

from .authorization import async_actor, async_require_admin
from .components import component_of, unknown_component
from .const import DOMAIN
from .coordinator import HealthMonitorConfigEntry, HealthMonitorCoordinator
from .engine.incidents import (
    IncidentScope,
    IncidentStatus,
    IncidentTransitionError,
    UnknownIncidentError,
    incident_to_dict,
)
from .engine.incidents.acknowledgement import MAX_EXPIRES_IN, MIN_EXPIRES_IN
from .reports import health_report
from .validation import (
    MAX_SHORT_TEXT_LENGTH,
    NOTE,
    DurationLimit,
    InvalidValueError,
    NumberRange,
    TextLimit,
)

ATTR_INCIDENT_ID = "incident_id"
ATTR_NOTE = "note"
ATTR_STATUS = "status"
ATTR_COMPONENT = "component"
ATTR_DEVICE = "device"
ATTR_HOURS = "hours"
ATTR_EXPIRES_IN = "expires_in"


class Service(StrEnum):
    """The integration's services."""

    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"
    UPDATE_INCIDENT = "update_incident"
    START_MONITORING = "start_monitoring"
    STOP_MONITORING = "stop_monitoring"
    START_INCIDENT_RESPONSE = "start_incident_response"
    STOP_INCIDENT_RESPONSE = "stop_incident_response"
    RUN_CHECKS = "run_checks"
    GET_HEALTH = "get_health"
    GET_COMPONENT_HISTORY = "get_component_history"
    GET_INCIDENTS = "get_incidents"
    GET_STATISTICS = "get_statistics"
    # Registered by maintenance_services.py.
    START_MAINTENANCE = "start_maintenance"
    END_MAINTENANCE = "end_maintenance"


DEFAULT_HISTORY_HOURS = 24
# Every field is checked in its handler, so that any bad value (wrong type,
# NaN, too long, out of range) gets a translated error.
_ANY = cv.match_all
INCIDENT_SCHEMA = vol.Schema(
    {vol.Required(ATTR_INCIDENT_ID): _ANY, vol.Optional(ATTR_NOTE): _ANY}
)
UPDATE_INCIDENT_SCHEMA = INCIDENT_SCHEMA.extend({vol.Required(ATTR_STATUS): _ANY})
ACKNOWLEDGE_SCHEMA = INCIDENT_SCHEMA.extend({vol.Optional(ATTR_EXPIRES_IN): _ANY})
EMPTY_SCHEMA = vol.Schema({})
HISTORY_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_COMPONENT): _ANY,
        vol.Optional(ATTR_DEVICE): _ANY,
        vol.Optional(ATTR_HOURS, default=DEFAULT_HISTORY_HOURS): _ANY,
    }
)
INCIDENTS_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_STATUS, default=IncidentScope.ACTIVE.value): _ANY,
        vol.Optional(ATTR_HOURS): _ANY,
    }
)

MAX_HISTORY_HOURS = 168
MAX_INCIDENT_HOURS = 8760  # a year
HISTORY_HOURS = NumberRange(1, MAX_HISTORY_HOURS, whole=False)
INCIDENT_HOURS = NumberRange(1, MAX_INCIDENT_HOURS, whole=False)
# Ids are far shorter; the bound keeps error messages short.
IDENTIFIER = TextLimit(MAX_SHORT_TEXT_LENGTH)
EXPIRES_IN = DurationLimit(MIN_EXPIRES_IN, MAX_EXPIRES_IN)
UPDATE_STATUSES = (IncidentStatus.INVESTIGATING.value, IncidentStatus.IN_PROGRESS.value)
# The status each incident service brings an incident to (update_incident: its field).
_SERVICE_STATUS: dict[str, str] = {
    Service.ACKNOWLEDGE: IncidentStatus.ACKNOWLEDGED.value,
    Service.RESOLVE: IncidentStatus.RESOLVED.value,
}


def _shown(value: Any) -> str:
    """Return a short, printable rendering of a bad value for an error message."""
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except ValueError:  # an int too long to print
        text = "…"
    return text if len(text) <= 20 else text[:19] + "…"


def _text(call: ServiceCall, field: str, limit: TextLimit) -> str | None:
    """Return the checked text of ``field`` (None when absent)."""
    value = call.data.get(field)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        # As cv.string: a template that renders a number gives a number.
        value = str(value)
    try:
        return limit(value)
    except InvalidValueError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.reason,
            translation_placeholders={"field": field, "max": str(limit.max_length)},
        ) from None


def _hours(call: ServiceCall, limits: NumberRange) -> float | None:
    """Return the checked ``hours`` (None when absent)."""
    value = call.data.get(ATTR_HOURS)
    if value is None:
        return None
    try:
        return limits(value)
    except InvalidValueError:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="hours_out_of_range",
            translation_placeholders={
                "hours": _shown(value),
                "min": f"{limits.minimum:g}",
                "max": f"{limits.maximum:g}",
            },
        ) from None


def _expires_in(call: ServiceCall) -> timedelta | None:
    """Return the checked ``expires_in`` of an acknowledgement (None when absent)."""
    value = call.data.get(ATTR_EXPIRES_IN)
    if value is None:
        return None
    try:
        return EXPIRES_IN(value)
    except InvalidValueError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.reason,
            translation_placeholders={"field": ATTR_EXPIRES_IN, "value": _shown(value)},
        ) from None


def _coordinator(hass: HomeAssistant) -> HealthMonitorCoordinator:
    """Return the coordinator of the loaded entry, or raise a translated error."""
    entries: list[HealthMonitorConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    for entry in entries:
        if entry.state is ConfigEntryState.LOADED:
            return entry.runtime_data
    raise ServiceValidationError(
        translation_domain=DOMAIN, translation_key="not_loaded"
    )


def _incident_error(err: Exception, incident_id: str) -> ServiceValidationError:
    if isinstance(err, UnknownIncidentError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_incident",
            translation_placeholders={"incident_id": incident_id},
        )
    assert isinstance(err, IncidentTransitionError)
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="transition_not_allowed",
        translation_placeholders={
            "incident_id": incident_id,
            "from_status": str(err.from_status),
            "to_status": str(err.to_status),
        },
    )


async def _async_change_incident(call: ServiceCall) -> ServiceResponse:
    """Acknowledge, resolve or set the status of an incident."""
    hass = call.hass
    await async_require_admin(hass, call.context)
    incident_id = _text(call, ATTR_INCIDENT_ID, IDENTIFIER) or ""
    note = _text(call, ATTR_NOTE, NOTE) or None
    expires_in = _expires_in(call)
    status = _SERVICE_STATUS.get(call.service, "")
    if call.service == Service.UPDATE_INCIDENT:
        status = _text(call, ATTR_STATUS, IDENTIFIER) or ""
        if status not in UPDATE_STATUSES:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_update_status",
                translation_placeholders={
                    "status": str(status),
                    "allowed": ", ".join(UPDATE_STATUSES),
                },
            )
    incidents = _coordinator(hass).incidents
    actor = await async_actor(hass, call.context)
    try:
        incident = incidents.change(
            incident_id,
            IncidentStatus(status),
            actor=actor,
            note=note,
            expires_in=expires_in,
        )
    except (UnknownIncidentError, IncidentTransitionError) as err:
        raise _incident_error(err, incident_id) from err
    return {"incident": incident_to_dict(incident)} if call.return_response else None


def _control(
    action: Callable[[HealthMonitorCoordinator], Awaitable[None] | None],
) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
    async def handle(call: ServiceCall) -> None:
        await async_require_admin(call.hass, call.context)
        result = action(_coordinator(call.hass))
        if result is not None:
            await result

    return handle


async def _async_run_checks(call: ServiceCall) -> None:
    """Run a cycle now; refused while monitoring is stopped."""
    await async_require_admin(call.hass, call.context)
    coordinator = _coordinator(call.hass)
    if not coordinator.controls.monitoring:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="monitoring_stopped"
        )
    await coordinator.async_refresh()


async def _async_get_health(call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(call.hass)
    report = health_report(coordinator.data)
    report["system"]["monitoring"] = coordinator.controls.monitoring
    report["system"]["incident_response"] = coordinator.controls.incident_response
    coordinator.maintenance.add_to_health_report(report)
    return report


async def _async_get_component_history(call: ServiceCall) -> ServiceResponse:
    component = _text(call, ATTR_COMPONENT, IDENTIFIER)
    device = _text(call, ATTR_DEVICE, IDENTIFIER)
    reference = component if device is None else device
    if reference is None or (component is not None and device is not None):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="component_or_device"
        )
    hours = _hours(call, HISTORY_HOURS)
    if hours is None:
        hours = DEFAULT_HISTORY_HOURS
    coordinator = _coordinator(call.hass)
    component_id = component_of(call.hass, coordinator, reference)
    if component_id not in coordinator.data.components:
        # Watched, but not checked yet (e.g. monitoring is stopped).
        raise unknown_component(component_id)
    entries = coordinator.monitor.entries_within(component_id, hours)
    return {
        "component": component_id,
        "hours": hours,
        "count": len(entries),
        "entries": [entry.as_dict() for entry in entries],
    }


_INCIDENT_FILTERS = [scope.value for scope in IncidentScope] + [
    s.value for s in IncidentStatus
]


async def _async_get_incidents(call: ServiceCall) -> ServiceResponse:
    status = _text(call, ATTR_STATUS, IDENTIFIER) or IncidentScope.ACTIVE.value
    if status not in _INCIDENT_FILTERS:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_status_filter",
            translation_placeholders={
                "status": status,
                "allowed": ", ".join(_INCIDENT_FILTERS),
            },
        )
    hours = _hours(call, INCIDENT_HOURS)
    coordinator = _coordinator(call.hass)
    which = IncidentScope(status) if status in IncidentScope else IncidentStatus(status)
    incidents = coordinator.incidents.list_incidents(which, hours=hours)
    return {
        "count": len(incidents),
        "incidents": [incident_to_dict(i) for i in incidents],
        "maintenance": coordinator.maintenance.report(),
    }


async def _async_get_statistics(call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(call.hass)
    statistics = coordinator.incidents.statistics().as_dict()
    # by_component keeps ids as keys (as before); names are the current ones.
    components = coordinator.data.components
    statistics["component_names"] = {
        component_id: components[component_id].name
        if component_id in components
        else name
        for component_id, name in statistics["component_names"].items()
    }
    statistics["maintenance"] = coordinator.maintenance.report()
    return statistics


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register every service once (from async_setup)."""
    for service, schema in (
        (Service.ACKNOWLEDGE, ACKNOWLEDGE_SCHEMA),
        (Service.RESOLVE, INCIDENT_SCHEMA),
        (Service.UPDATE_INCIDENT, UPDATE_INCIDENT_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN,
            service,
            _async_change_incident,
            schema,
            SupportsResponse.OPTIONAL,
        )
    controls: dict[
        Service, Callable[[HealthMonitorCoordinator], Awaitable[None] | None]
    ] = {
        Service.START_MONITORING: lambda c: c.async_set_monitoring(True),
        Service.STOP_MONITORING: lambda c: c.async_set_monitoring(False),
        Service.START_INCIDENT_RESPONSE: lambda c: c.async_set_incident_response(True),
        Service.STOP_INCIDENT_RESPONSE: lambda c: c.async_set_incident_response(False),
    }
    for service, action in controls.items():
        hass.services.async_register(DOMAIN, service, _control(action), EMPTY_SCHEMA)
    hass.services.async_register(
        DOMAIN, Service.RUN_CHECKS, _async_run_checks, EMPTY_SCHEMA
    )
    readers: dict[
        Service,
        tuple[
            Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]], vol.Schema
        ],
    ] = {
        Service.GET_HEALTH: (_async_get_health, EMPTY_SCHEMA),
        Service.GET_COMPONENT_HISTORY: (_async_get_component_history, HISTORY_SCHEMA),
        Service.GET_INCIDENTS: (_async_get_incidents, INCIDENTS_SCHEMA),
        Service.GET_STATISTICS: (_async_get_statistics, EMPTY_SCHEMA),
    }
    for service, (handler, schema) in readers.items():
        hass.services.async_register(
            DOMAIN, service, handler, schema, SupportsResponse.ONLY
        )
