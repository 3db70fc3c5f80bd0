"""The maintenance services: start_maintenance and end_maintenance (admins only).

Every field is checked in its handler, as in :mod:`.services`, so that any
bad value gets a translated error and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
import math
from typing import Any, Final

import voluptuous as vol

from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
import homeassistant.helpers.config_validation as cv
from homeassistant.util import dt as dt_util

from .authorization import async_actor, async_require_admin
from .components import component_of
from .const import DEFAULT_MAINTENANCE_MINUTES, DOMAIN
from .coordinator import HealthMonitorCoordinator
from .engine.maintenance import MAX_DURATION, MIN_DURATION
from .engine.models import utcnow
from .services import IDENTIFIER, Service, _coordinator, _shown, _text
from .validation import MAX_SHORT_TEXT_LENGTH, InvalidValueError, TextLimit

ATTR_COMPONENTS: Final = "components"
ATTR_DEVICES: Final = "devices"
ATTR_DURATION: Final = "duration"
ATTR_UNTIL: Final = "until"
ATTR_REASON: Final = "reason"

DEFAULT_DURATION: Final = timedelta(minutes=DEFAULT_MAINTENANCE_MINUTES)
MAX_COMPONENTS: Final = 1000
REASON: Final = TextLimit(MAX_SHORT_TEXT_LENGTH)
# No duration or time is written with more characters.
_MAX_TIME_TEXT: Final = 64
# The parts of a duration as Home Assistant's duration selector gives it.
_DURATION_UNITS: Final = {
    "days": 86400.0,
    "hours": 3600.0,
    "minutes": 60.0,
    "seconds": 1.0,
    "milliseconds": 0.001,
}

START_SCHEMA = vol.Schema(
    {
        vol.Optional(field): cv.match_all
        for field in (
            ATTR_COMPONENTS,
            ATTR_DEVICES,
            ATTR_DURATION,
            ATTR_UNTIL,
            ATTR_REASON,
        )
    }
)
END_SCHEMA = vol.Schema(
    {vol.Optional(field): cv.match_all for field in (ATTR_COMPONENTS, ATTR_DEVICES)}
)


def _error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def _references(call: ServiceCall, field: str) -> list[Any]:
    """Return the items of a list field (one text is a list of one; absent: none)."""
    value = call.data.get(field)
    if isinstance(value, str):
        value = [value]
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_COMPONENTS:
        raise _error("invalid_components", max=str(MAX_COMPONENTS))
    return value


def _components(
    call: ServiceCall, coordinator: HealthMonitorCoordinator
) -> list[str] | None:
    """Return the checked component ids (None: all, also for empty lists).

    ``components`` holds component ids, device ids or entity ids;
    ``devices`` the devices the device selector gives.
    """
    items = _references(call, ATTR_COMPONENTS) + _references(call, ATTR_DEVICES)
    if not items:
        return None
    if len(items) > MAX_COMPONENTS:
        raise _error("invalid_components", max=str(MAX_COMPONENTS))
    chosen: list[str] = []
    for item in items:
        try:
            reference = IDENTIFIER(item)
        except InvalidValueError:
            raise _error("invalid_components", max=str(MAX_COMPONENTS)) from None
        chosen.append(component_of(call.hass, coordinator, reference))
    return list(dict.fromkeys(chosen))


def _seconds(value: Any) -> float:
    """Return a duration in seconds: a number, "HH:MM(:SS)" or the selector's parts."""
    if isinstance(value, bool):
        raise TypeError("a duration is not a truth value")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and len(value) <= _MAX_TIME_TEXT:
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            parts = [float(part) for part in text.split(":")]
        if not 2 <= len(parts) <= 3 or min(parts) < 0:
            raise ValueError("a duration is HH:MM or HH:MM:SS")
        return sum(
            part * unit for part, unit in zip(parts, (3600, 60, 1), strict=False)
        )
    if isinstance(value, Mapping) and value and set(value) <= set(_DURATION_UNITS):
        parts = [value[unit] for unit in value]
        if any(isinstance(p, bool) or not isinstance(p, int | float) for p in parts):
            raise TypeError("the parts of a duration are numbers")
        if min(parts) < 0:
            raise ValueError("the parts of a duration are not negative")
        return sum(float(value[unit]) * _DURATION_UNITS[unit] for unit in value)
    raise TypeError("not a duration")


def _duration(value: Any) -> timedelta:
    """Return a checked duration from a minute to a week."""
    try:
        seconds = _seconds(value)
    except (OverflowError, TypeError, ValueError):
        seconds = math.nan
    if not (
        math.isfinite(seconds)
        and MIN_DURATION.total_seconds() <= seconds <= MAX_DURATION.total_seconds()
    ):
        raise _error("duration_out_of_range", duration=_shown(value))
    return timedelta(seconds=seconds)


def _until(value: Any, now: datetime) -> datetime:
    """Return a checked end: at least a minute and at most a week from now."""
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= _MAX_TIME_TEXT:
        moment = dt_util.parse_datetime(value.strip())
    if moment is not None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
        moment = dt_util.as_utc(moment)
        if now + MIN_DURATION <= moment <= now + MAX_DURATION:
            return moment
    raise _error("until_out_of_range", until=_shown(value))


def _end_of(call: ServiceCall, now: datetime) -> datetime:
    """Return when the maintenance asked for ends (``duration`` or ``until``)."""
    duration, until = call.data.get(ATTR_DURATION), call.data.get(ATTR_UNTIL)
    if duration is not None and until is not None:
        raise _error("duration_and_until")
    if until is not None:
        return _until(until, now)
    return now + (DEFAULT_DURATION if duration is None else _duration(duration))


async def _async_start_maintenance(call: ServiceCall) -> None:
    """Start maintenance of some components, or all, for a time."""
    hass = call.hass
    await async_require_admin(hass, call.context)
    coordinator = _coordinator(hass)
    components = _components(call, coordinator)
    until = _end_of(call, utcnow())
    reason = _text(call, ATTR_REASON, REASON) or ""
    actor = await async_actor(hass, call.context)
    try:
        coordinator.maintenance.start(
            components, until=until, reason=reason, actor=actor
        )
    except ValueError:
        # Only a call made right at the one-minute limit comes here.
        raise _error("until_out_of_range", until=until.isoformat()) from None


async def _async_end_maintenance(call: ServiceCall) -> None:
    """End maintenance of some components, or all, now."""
    hass = call.hass
    await async_require_admin(hass, call.context)
    coordinator = _coordinator(hass)
    components = _components(call, coordinator)
    actor = await async_actor(hass, call.context)
    coordinator.maintenance.end(components, actor=actor)


@callback
def async_register_maintenance_services(hass: HomeAssistant) -> None:
    """Register start_maintenance and end_maintenance (from async_setup)."""
    hass.services.async_register(
        DOMAIN, Service.START_MAINTENANCE, _async_start_maintenance, START_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, Service.END_MAINTENANCE, _async_end_maintenance, END_SCHEMA
    )
