"""Entity check form: which entities (by entity, device, area or label) and the rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import TemplateError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    label_registry as lr,
)
from homeassistant.helpers.selector import (
    AreaSelector,
    AreaSelectorConfig,
    DeviceSelector,
    DeviceSelectorConfig,
    EntitySelectorConfig,
    LabelSelector,
    LabelSelectorConfig,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TemplateSelector,
    TextSelector,
)
from homeassistant.helpers.template import Template

from ...engine.entity_rules import Direction
from ...validation import (
    MAX_SHORT_TEXT_LENGTH,
    FieldLimit,
    InvalidValueError,
    NumberRange,
    StepCheckedEntitySelector,
    TextLimit,
)
from .config import (
    CONF_AREAS,
    CONF_BATTERY_CRITICAL,
    CONF_BATTERY_WARNING,
    CONF_DEVICES,
    CONF_DIRECTION,
    CONF_ENTITIES,
    CONF_HYSTERESIS,
    CONF_LABELS,
    CONF_STALE_CRITICAL,
    CONF_STALE_WARNING,
    CONF_TEMPLATE,
    CONF_TEMPLATE_STATUS,
    CONF_UNAVAILABLE_CRITICAL,
    CONF_UNAVAILABLE_WARNING,
    CONF_VALUE_CRITICAL,
    CONF_VALUE_WARNING,
    MEMBER_KEYS,
    TEMPLATE_STATUSES,
    Members,
)
from .probe import EntityCheck

# The check of a stored target of this kind.
CHECK = EntityCheck

MAX_NAME_LENGTH = 100
MAX_TEMPLATE_LENGTH = 4096
# Choices per selector (entities, devices, areas, labels).
MAX_CHOICES = 200
_ID = TextLimit(MAX_SHORT_TEXT_LENGTH)
_VALUE = NumberRange(-1e9, 1e9, whole=False)

LIMITS: dict[str, FieldLimit] = {
    CONF_NAME: TextLimit(MAX_NAME_LENGTH),
    CONF_UNAVAILABLE_WARNING: NumberRange(0, 43200, whole=False, unit="min"),
    CONF_UNAVAILABLE_CRITICAL: NumberRange(0, 43200, whole=False, unit="min"),
    CONF_STALE_WARNING: NumberRange(0.01, 8760, whole=False, unit="h"),
    CONF_STALE_CRITICAL: NumberRange(0.01, 8760, whole=False, unit="h"),
    CONF_VALUE_WARNING: _VALUE,
    CONF_VALUE_CRITICAL: _VALUE,
    CONF_HYSTERESIS: NumberRange(0, 1e9, whole=False),
    CONF_BATTERY_WARNING: NumberRange(0, 100, whole=False, unit="%"),
    CONF_BATTERY_CRITICAL: NumberRange(0, 100, whole=False, unit="%"),
    CONF_TEMPLATE: TextLimit(MAX_TEMPLATE_LENGTH, multiline=True),
}
# Pairs of (warning, critical) levels and the error of a warning in the wrong place.
_LEVEL_PAIRS = (
    (
        CONF_UNAVAILABLE_WARNING,
        CONF_UNAVAILABLE_CRITICAL,
        "warning_not_before_critical",
    ),
    (CONF_STALE_WARNING, CONF_STALE_CRITICAL, "warning_not_before_critical"),
    (CONF_BATTERY_WARNING, CONF_BATTERY_CRITICAL, "warning_not_above_critical"),
)
_RULE_KEYS = (
    CONF_UNAVAILABLE_WARNING,
    CONF_UNAVAILABLE_CRITICAL,
    CONF_STALE_WARNING,
    CONF_STALE_CRITICAL,
    CONF_VALUE_WARNING,
    CONF_VALUE_CRITICAL,
    CONF_BATTERY_WARNING,
    CONF_BATTERY_CRITICAL,
    CONF_TEMPLATE,
)
_OPTIONAL_KEYS = (*MEMBER_KEYS, *_RULE_KEYS, CONF_HYSTERESIS)


class _StepChecked:
    """A field whose value the step checks, for a translated error.

    HA's own selectors refuse a bad value with an untranslated schema error.
    """

    def __call__(self, data: Any) -> Any:
        """Pass the value on to the step."""
        return data


class _DeviceField(_StepChecked, DeviceSelector):
    """Devices, checked by the step."""


class _AreaField(_StepChecked, AreaSelector):
    """Areas, checked by the step."""


class _LabelField(_StepChecked, LabelSelector):
    """Labels, checked by the step."""


class _TemplateField(_StepChecked, TemplateSelector):
    """A template, checked (rendered) by the step."""


def _select(key: str, options: list[str]) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=options, mode=SelectSelectorMode.DROPDOWN, translation_key=key
        )
    )


def _optional(key: str, values: Mapping[str, Any]) -> vol.Optional:
    value = values.get(key)
    return vol.Optional(
        key, description={"suggested_value": value} if value is not None else None
    )


def schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the form, filled from ``values``."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_NAME, default=values.get(CONF_NAME, "")): TextSelector(),
        _optional(CONF_ENTITIES, values): StepCheckedEntitySelector(
            EntitySelectorConfig(multiple=True)
        ),
        _optional(CONF_DEVICES, values): _DeviceField(
            DeviceSelectorConfig(multiple=True)
        ),
        _optional(CONF_AREAS, values): _AreaField(AreaSelectorConfig(multiple=True)),
        _optional(CONF_LABELS, values): _LabelField(LabelSelectorConfig(multiple=True)),
    }
    for key in (
        CONF_UNAVAILABLE_WARNING,
        CONF_UNAVAILABLE_CRITICAL,
        CONF_STALE_WARNING,
        CONF_STALE_CRITICAL,
    ):
        fields[_optional(key, values)] = _limit_selector(key)
    fields[
        vol.Required(
            CONF_DIRECTION, default=values.get(CONF_DIRECTION, Direction.ABOVE.value)
        )
    ] = _select(CONF_DIRECTION, [direction.value for direction in Direction])
    for key in (
        CONF_VALUE_WARNING,
        CONF_VALUE_CRITICAL,
        CONF_HYSTERESIS,
        CONF_BATTERY_WARNING,
        CONF_BATTERY_CRITICAL,
    ):
        fields[_optional(key, values)] = _limit_selector(key)
    fields[_optional(CONF_TEMPLATE, values)] = _TemplateField()
    fields[
        vol.Required(
            CONF_TEMPLATE_STATUS,
            default=values.get(CONF_TEMPLATE_STATUS, TEMPLATE_STATUSES[0].value),
        )
    ] = _select(CONF_TEMPLATE_STATUS, [status.value for status in TEMPLATE_STATUSES])
    return vol.Schema(fields)


def _limit_selector(key: str) -> Any:
    limit = LIMITS[key]
    assert isinstance(limit, NumberRange)
    return limit.selector()


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Return form input as the data to store: empty fields dropped, one id a list."""
    data = dict(data)
    for key in _OPTIONAL_KEYS:
        if data.get(key) in (None, "", []):
            data.pop(key, None)
    for key in MEMBER_KEYS:
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
    return data


def _member_errors(data: Mapping[str, Any]) -> dict[str, str]:
    for key in MEMBER_KEYS:
        chosen = data.get(key)
        if chosen is None:
            continue
        if not isinstance(chosen, list) or len(chosen) > MAX_CHOICES:
            return {key: "invalid_selection"}
        try:
            if not all(_ID(item) for item in chosen):
                return {key: "invalid_selection"}
        except InvalidValueError:
            return {key: "invalid_selection"}
    return {}


def _level_errors(data: Mapping[str, Any]) -> dict[str, str]:
    for warning_key, critical_key, error in _LEVEL_PAIRS:
        warning, critical = data.get(warning_key), data.get(critical_key)
        if warning is None or critical is None:
            continue
        if error == "warning_not_before_critical" and warning >= critical:
            return {warning_key: error}
        if error == "warning_not_above_critical" and warning <= critical:
            return {warning_key: error}
    warning, critical = data.get(CONF_VALUE_WARNING), data.get(CONF_VALUE_CRITICAL)
    if warning is not None and critical is not None:
        if data.get(CONF_DIRECTION) == Direction.BELOW and warning <= critical:
            return {CONF_VALUE_WARNING: "warning_not_above_critical"}
        if data.get(CONF_DIRECTION) != Direction.BELOW and warning >= critical:
            return {CONF_VALUE_WARNING: "warning_not_below_critical"}
    return {}


def rules(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the errors found without looking at Home Assistant."""
    if not data.get(CONF_NAME):
        return {CONF_NAME: "name_required"}
    if errors := _member_errors(data):
        return errors
    if data.get(CONF_DIRECTION, Direction.ABOVE) not in set(Direction):
        return {CONF_DIRECTION: "invalid_selection"}
    if data.get(CONF_TEMPLATE_STATUS, TEMPLATE_STATUSES[0]) not in TEMPLATE_STATUSES:
        return {CONF_TEMPLATE_STATUS: "invalid_selection"}
    if errors := _level_errors(data):
        return errors
    if not any(data.get(key) is not None for key in _RULE_KEYS):
        return {"base": "no_rules"}
    if not Members.of(data) and not data.get(CONF_TEMPLATE):
        return {CONF_ENTITIES: "no_entities"}
    return {}


def _exists(hass: HomeAssistant, key: str, item: str) -> bool:
    """Whether the entity, device, area or label ``item`` (of field ``key``) exists."""
    if key == CONF_ENTITIES:
        return (
            er.async_get(hass).async_get(item) is not None
            or hass.states.get(item) is not None
        )
    if key == CONF_DEVICES:
        return dr.async_get(hass).async_get(item) is not None
    if key == CONF_AREAS:
        return ar.async_get(hass).async_get_area(item) is not None
    return lr.async_get(hass).async_get_label(item) is not None


async def async_validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    """Check that what is chosen exists and that the template renders."""
    for key in MEMBER_KEYS:
        if not all(_exists(hass, key, item) for item in data.get(key) or ()):
            return {key: "not_found"}
    if text := data.get(CONF_TEMPLATE):
        template = Template(text, hass)
        try:
            template.ensure_valid()
            template.async_render(parse_result=False)
        except TemplateError:
            return {CONF_TEMPLATE: "invalid_template"}
    return {}


def title(data: Mapping[str, Any]) -> str:
    """Return the check's title: its name."""
    return str(data[CONF_NAME])


def unique_id(data: Mapping[str, Any]) -> str:
    """Tell checks apart by their name (case-insensitive)."""
    return title(data).casefold()
