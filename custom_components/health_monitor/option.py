"""What one option is: its form field, how a stored value is read, the setting it feeds.

The options table (:mod:`.options`) is built from these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import SelectOptionDict, Selector

from .validation import FieldLimit, InvalidValueError, NumberRange

# A reader turns a stored value into a usable one and says whether the stored
# value was fully valid (an invalid part is dropped or takes the default).
type Reader = Callable[[Any], tuple[Any, bool]]


@dataclass(frozen=True, slots=True)
class Option:
    """One option: its form field, how a stored value is read, the setting it feeds.

    ``setting`` names the field of ``MonitorSettings`` (or, for an incident
    option, of ``IncidentSettings``) that ``cast`` fills; the thresholds have
    none, they are read in pairs (``THRESHOLD_OPTIONS``).
    """

    key: str
    default: Any
    selector: Selector[Any]
    read: Reader
    limit: FieldLimit | None = None
    setting: str | None = None
    cast: Callable[[Any], Any] = lambda value: value
    incident: bool = False
    required: bool = True
    # The choices of a select field that depend on the installation.
    choices: Callable[[HomeAssistant], list[SelectOptionDict]] | None = None

    def marker(self, values: Mapping[str, Any]) -> vol.Marker:
        """Return the form key showing ``values`` (the default when absent)."""
        if self.required:
            return vol.Required(self.key, default=values.get(self.key, self.default))
        return vol.Optional(
            self.key, description={"suggested_value": values.get(self.key)}
        )


def limited(limit: FieldLimit, default: Any) -> Reader:
    """Read a stored value within ``limit``; outside it, ``default`` (invalid)."""

    def read(value: Any) -> tuple[Any, bool]:
        try:
            return limit(value), True
        except InvalidValueError:
            return default, False

    return read


def number_option(
    key: str,
    default: float,
    limits: NumberRange,
    cast: Callable[[Any], Any],
    setting: str | None,
    *,
    incident: bool = False,
) -> Option:
    """Return a number option within ``limits``, cast into its setting."""
    reader = limited(limits, default)
    selector = limits.selector()
    return Option(key, default, selector, reader, limits, setting, cast, incident)


def seconds_option(key: str, default: float, minimum: float, maximum: float) -> Option:
    """Return a number of seconds, the setting named as the option."""
    return number_option(
        key, default, NumberRange(minimum, maximum, unit="s"), float, key
    )


def incident_count_option(key: str, default: int, setting: str) -> Option:
    """Return a number of checks of the incident rules."""
    limits = NumberRange(1, 100)
    return number_option(key, default, limits, int, setting, incident=True)


def incident_minutes_option(
    key: str, default: int, minimum: int, setting: str
) -> Option:
    """Return a duration in minutes (up to a week) of the incident rules."""
    limits = NumberRange(minimum, 10080, unit="min")
    return number_option(key, default, limits, minutes, setting, incident=True)


def minutes(value: float) -> timedelta:
    """Return ``value`` minutes."""
    return timedelta(minutes=value)


def hours(value: float) -> timedelta:
    """Return ``value`` hours."""
    return timedelta(hours=value)
