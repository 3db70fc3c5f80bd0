"""The name every target's form offers: optional, one per entry.

A target's name is its subentry title, so its device, its entity ids
(``sensor.<name>_status``), log lines and the names in reports follow it.
Without one, the kind derives a readable name from the address ("nas.lan",
"hmdb on nas.lan", "example.com/health"). A target stored before names
existed keeps its title: reconfiguring it shows that title as its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_NAME
from homeassistant.helpers.selector import TextSelector

from ..engine.sanitize import shorten
from ..validation import TextLimit

MAX_NAME_LENGTH: Final = 100
NAME: Final = TextLimit(MAX_NAME_LENGTH)
# Translation key of the field error.
NAME_IN_USE: Final = "name_in_use"


def name_field(values: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Return the optional name field, showing the name in ``values``."""
    name = values.get(CONF_NAME)
    return {
        vol.Optional(
            CONF_NAME, description={"suggested_value": name} if name else None
        ): TextSelector()
    }


def normalize_name(data: dict[str, Any]) -> dict[str, Any]:
    """Drop an empty name: the derived one applies (a non-text is left to the check)."""
    name = data.get(CONF_NAME)
    if name is None or (isinstance(name, str) and not name.strip()):
        data.pop(CONF_NAME, None)
    return data


def target_name(
    data: Mapping[str, Any], derived: Callable[[Mapping[str, Any]], str]
) -> str:
    """Return the target's name: the one given, else the one derived from its address.

    ``data`` is checked: a given name is trimmed text within its limit.
    """
    name = data.get(CONF_NAME)
    if isinstance(name, str) and name:
        return name
    return shorten(derived(data), MAX_NAME_LENGTH)


def shown_name(
    subentry: ConfigSubentry, derived: Callable[[Mapping[str, Any]], str]
) -> str | None:
    """Return the name a reconfigure form shows for a stored target.

    A stored name is shown as it is; a target without one whose title is not
    the derived name (one stored before names existed) shows its title, so
    saving keeps it. None: the derived name applies.
    """
    name = subentry.data.get(CONF_NAME)
    if isinstance(name, str) and name:
        return name
    try:
        current = shorten(derived(subentry.data), MAX_NAME_LENGTH)
    except (KeyError, TypeError, ValueError):
        current = None
    return subentry.title if subentry.title != current else None


def name_errors(
    name: str,
    others: Iterable[ConfigSubentry],
    same_target: Callable[[ConfigSubentry], bool],
) -> dict[str, str]:
    """Return ``name_in_use`` when another target already has ``name`` (any case).

    ``same_target`` tells the subentries that are this very target (it is
    then "already configured", not a second one of the name).
    """
    wanted = name.casefold()
    for subentry in others:
        if subentry.title.casefold() == wanted and not same_target(subentry):
            return {CONF_NAME: NAME_IN_USE}
    return {}
