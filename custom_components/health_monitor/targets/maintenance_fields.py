"""The recurring maintenance window every target's form offers (optional).

A window is a local time range, every day or on chosen weekdays; an end at
or before the start is on the next day. Both times or none; the days need
the times. Stored in the target's subentry data as ``maintenance_days``
(weekday names), ``maintenance_start`` and ``maintenance_end`` ("HH:MM:SS").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any, Final

import voluptuous as vol

from homeassistant.helpers.selector import (
    SelectSelectorConfig,
    SelectSelectorMode,
    TimeSelector,
)

from ..engine.maintenance import RecurringWindow
from ..validation import INVALID_SELECTION, StepCheckedSelectSelector

CONF_MAINTENANCE_DAYS: Final = "maintenance_days"
CONF_MAINTENANCE_START: Final = "maintenance_start"
CONF_MAINTENANCE_END: Final = "maintenance_end"
MAINTENANCE_KEYS: Final = (
    CONF_MAINTENANCE_DAYS,
    CONF_MAINTENANCE_START,
    CONF_MAINTENANCE_END,
)
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Translation keys of the field errors.
INVALID_TIME: Final = "invalid_time"
TIMES_TOGETHER: Final = "maintenance_times_together"
EMPTY_WINDOW: Final = "maintenance_empty_window"
# No time is written with more characters ("HH:MM:SS.ffffff").
_MAX_TIME_TEXT: Final = 15


class StepCheckedTimeSelector(TimeSelector):
    """A time field whose value the step checks, for a translated error.

    HA's time selector refuses a malformed time with an untranslated schema
    error.
    """

    def __call__(self, data: Any) -> Any:
        """Pass the value on to the step, which checks it."""
        return data


def maintenance_fields(values: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Return the form fields of the recurring window, showing ``values``."""

    def suggested(key: str) -> dict[str, Any] | None:
        value = values.get(key)
        return {"suggested_value": value} if value else None

    return {
        vol.Optional(
            CONF_MAINTENANCE_DAYS, description=suggested(CONF_MAINTENANCE_DAYS)
        ): StepCheckedSelectSelector(
            SelectSelectorConfig(
                options=list(WEEKDAYS),
                multiple=True,
                mode=SelectSelectorMode.LIST,
                translation_key="weekday",
            )
        ),
        vol.Optional(
            CONF_MAINTENANCE_START, description=suggested(CONF_MAINTENANCE_START)
        ): StepCheckedTimeSelector(),
        vol.Optional(
            CONF_MAINTENANCE_END, description=suggested(CONF_MAINTENANCE_END)
        ): StepCheckedTimeSelector(),
    }


def normalize_maintenance(data: dict[str, Any]) -> dict[str, Any]:
    """Drop the empty window fields (an emptied field removes the window)."""
    data = dict(data)
    for key in MAINTENANCE_KEYS:
        if data.get(key) in (None, "", []):
            data.pop(key, None)
    return data


def _time(value: Any) -> time | None:
    if not isinstance(value, str) or len(value) > _MAX_TIME_TEXT:
        return None
    try:
        moment = time.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is None else None


def maintenance_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the field errors of the recurring window (form input or stored)."""
    days = data.get(CONF_MAINTENANCE_DAYS)
    if days is not None and (
        not isinstance(days, list)
        or len(days) > len(WEEKDAYS)
        or not all(isinstance(day, str) and day in WEEKDAYS for day in days)
    ):
        return {CONF_MAINTENANCE_DAYS: INVALID_SELECTION}
    errors: dict[str, str] = {}
    times: list[time] = []
    for key in (CONF_MAINTENANCE_START, CONF_MAINTENANCE_END):
        value = data.get(key)
        if value is None:
            continue
        if (moment := _time(value)) is None:
            errors[key] = INVALID_TIME
        else:
            times.append(moment)
    if errors:
        return errors
    has_start = data.get(CONF_MAINTENANCE_START) is not None
    has_end = data.get(CONF_MAINTENANCE_END) is not None
    if has_start != has_end or (days and not has_start):
        missing = CONF_MAINTENANCE_END if has_start else CONF_MAINTENANCE_START
        return {missing: TIMES_TOGETHER}
    if len(times) == 2 and times[0] == times[1]:
        return {CONF_MAINTENANCE_END: EMPTY_WINDOW}
    return {}


def recurring_window(data: Mapping[str, Any]) -> RecurringWindow | None:
    """Return the recurring window of a target's data (None: none, or not usable)."""
    if maintenance_errors(data):
        return None
    start = _time(data.get(CONF_MAINTENANCE_START))
    end = _time(data.get(CONF_MAINTENANCE_END))
    if start is None or end is None:
        return None
    days = data.get(CONF_MAINTENANCE_DAYS) or []
    return RecurringWindow(start, end, frozenset(WEEKDAYS.index(d) for d in days))
