"""The options that name integrations: which may be reloaded, which are not counted.

Their choices depend on the installation (its config entries, the integrations
that have entities), so they are read when the form opens and checked by the
step, with a translated error.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.loader import IntegrationNotLoaded, async_get_loaded_integration

from .const import DOMAIN
from .engine.sanitize import shorten
from .validation import (
    MAX_SHORT_TEXT_LENGTH,
    InvalidValueError,
    NameListLimit,
    StepCheckedSelectSelector,
    TextLimit,
)

ENTRY_ID = TextLimit(MAX_SHORT_TEXT_LENGTH)
MAX_RELOAD_PICKS = 1000
INVALID_INTEGRATIONS = "invalid_integrations"
MAX_TITLE_LENGTH = 100
INTEGRATION_DOMAINS = NameListLimit(500)


def read_entry_ids(value: Any) -> tuple[list[str], bool]:
    """Return the distinct usable entry ids of ``value`` and whether nothing was dropped."""
    if value is None:
        return [], True
    if not isinstance(value, list) or len(value) > MAX_RELOAD_PICKS:
        return [], False
    entry_ids: list[str] = []
    for entry_id in value:
        try:
            entry_ids.append(ENTRY_ID(entry_id))
        except InvalidValueError:
            continue
    entry_ids = list(dict.fromkeys(entry_id for entry_id in entry_ids if entry_id))
    return entry_ids, len(entry_ids) == len(value)


def integration_label(entry: ConfigEntry) -> str:
    """Return how an integration is named to people: its title and domain."""
    return f"{shorten(entry.title, MAX_TITLE_LENGTH)} ({entry.domain})"


def integration_choices(hass: HomeAssistant) -> list[SelectOptionDict]:
    """Return every other integration's config entry, by title, as choices."""
    entries = sorted(
        (
            entry
            for entry in hass.config_entries.async_entries()
            if entry.domain != DOMAIN
        ),
        key=lambda entry: (entry.title.casefold(), entry.domain, entry.entry_id),
    )
    return [
        SelectOptionDict(value=entry.entry_id, label=integration_label(entry))
        for entry in entries
    ]


@callback
def entity_integration_choices(hass: HomeAssistant) -> list[SelectOptionDict]:
    """Return the integrations that have entities, by name, to exclude from counting."""
    domains = {entry.platform for entry in er.async_get(hass).entities.values()}
    choices: list[SelectOptionDict] = []
    for domain in sorted(domains):
        try:
            label = async_get_loaded_integration(hass, domain).name
        except IntegrationNotLoaded:
            label = domain
        choices.append(SelectOptionDict(value=domain, label=label))
    return choices


def check_reload_picks(hass: HomeAssistant, value: Any) -> list[str]:
    """Return the distinct picked entry ids, or raise InvalidValueError.

    Each must be one of :func:`integration_choices`; the count is checked
    before anything is looked up.
    """
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_RELOAD_PICKS:
        raise InvalidValueError(INVALID_INTEGRATIONS)
    known = {choice["value"] for choice in integration_choices(hass)}
    if not all(isinstance(pick, str) and pick in known for pick in value):
        raise InvalidValueError(INVALID_INTEGRATIONS)
    return list(dict.fromkeys(value))


def choice_selector(choices: list[SelectOptionDict]) -> StepCheckedSelectSelector:
    """Return a multiple choice among ``choices``, checked by the step."""
    return StepCheckedSelectSelector(
        SelectSelectorConfig(
            options=choices, multiple=True, mode=SelectSelectorMode.DROPDOWN
        )
    )
