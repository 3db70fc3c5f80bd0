"""The entry's options, one table: key, default, form field, limits, setting.

The options form shows these fields and refuses anything outside their
limits; the same limits are applied again to what is read back from storage,
where a value outside them (hand-edited, or stored by an older version) falls
back to its default instead of failing the setup. ``MonitorSettings`` takes
each setting from here too, so an option is written down once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    Selector,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)

from .const import (
    BUILTIN_CHECKS,
    CONF_CHECK_TIMEOUT,
    CONF_CHECKS,
    CONF_CLOSE_AFTER_MINUTES,
    CONF_DIGEST_WINDOW,
    CONF_DISK_PATHS,
    CONF_ENTITIES_EXCLUDED,
    CONF_ENTITIES_GRACE,
    CONF_ENTITIES_STALE_HOURS,
    CONF_ESCALATION_MINUTES,
    CONF_FAILURE_THRESHOLD,
    CONF_FLAP_CHANGES,
    CONF_FLAP_WINDOW_MINUTES,
    CONF_GRACE_PERIOD,
    CONF_HISTORY_SIZE,
    CONF_INCIDENT_THRESHOLD,
    CONF_INSTANCE_NAME,
    CONF_INTEGRATION_GRACE,
    CONF_MAINTENANCE_MINUTES,
    CONF_NOTIFY_ACTION,
    CONF_RELOAD_INTEGRATIONS,
    CONF_RESOLVE_AFTER_CHECKS,
    CONF_UPDATE_INTERVAL,
    DEFAULT_CHECK_TIMEOUT,
    DEFAULT_CLOSE_AFTER_MINUTES,
    DEFAULT_DIGEST_WINDOW,
    DEFAULT_ENTITIES_GRACE,
    DEFAULT_ENTITIES_STALE_HOURS,
    DEFAULT_ESCALATION_MINUTES,
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_FLAP_CHANGES,
    DEFAULT_FLAP_WINDOW_MINUTES,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_INCIDENT_THRESHOLD,
    DEFAULT_INTEGRATION_GRACE_MINUTES,
    DEFAULT_MAINTENANCE_MINUTES,
    DEFAULT_RESOLVE_AFTER_CHECKS,
    DEFAULT_UPDATE_INTERVAL,
    MAX_DIGEST_WINDOW,
    MIN_UPDATE_INTERVAL,
    OFF_BY_DEFAULT_CHECKS,
    THRESHOLD_OPTIONS,
)
from .engine.fleet.instances import MAX_NAME_LENGTH
from .engine.incidents import THRESHOLD_ORDER
from .engine.models import ComponentType, HealthStatus
from .integration_options import (
    INTEGRATION_DOMAINS,
    choice_selector,
    entity_integration_choices,
    integration_choices,
    read_entry_ids,
)
from .option import (
    Option,
    hours,
    incident_count_option,
    incident_minutes_option,
    limited,
    minutes,
    number_option,
    seconds_option,
)
from .validation import (
    MAX_SHORT_TEXT_LENGTH,
    PATH,
    FieldLimit,
    InvalidValueError,
    NumberRange,
    TextLimit,
)

CHECK_NAMES = tuple(str(check) for check in BUILTIN_CHECKS)
# What a new installation watches.
DEFAULT_CHECK_NAMES = tuple(
    str(check) for check in BUILTIN_CHECKS if check not in OFF_BY_DEFAULT_CHECKS
)
INCIDENT_THRESHOLDS = tuple(str(status) for status in THRESHOLD_ORDER)
NOTIFY_ACTION = TextLimit(MAX_SHORT_TEXT_LENGTH)
INSTANCE_NAME = TextLimit(MAX_NAME_LENGTH)
# A percentage level; decimals allowed (e.g. 99.5).
_PERCENT = NumberRange(0, 100, whole=False, unit="%")
# A config entry id, as stored among the integrations that may be reloaded.


def _read_checks(value: Any) -> tuple[list[str], bool]:
    """Return the known check names of ``value`` and whether nothing was dropped."""
    if not isinstance(value, list | tuple):
        return list(DEFAULT_CHECK_NAMES), False
    known = [name for name in CHECK_NAMES if name in value]
    return known, len(known) == len(value)


def _read_paths(value: Any) -> tuple[list[str], bool]:
    """Return the usable paths of ``value`` and whether nothing was dropped."""
    if value is None:
        return [], True
    if not isinstance(value, list):
        return [], False
    paths: list[str] = []
    for path in value:
        try:
            paths.append(PATH(path))
        except InvalidValueError:
            continue
    paths = [path for path in paths if path]
    return paths, len(paths) == len(value)


def _read_incident_threshold(value: Any) -> tuple[str, bool]:
    if value in INCIDENT_THRESHOLDS:
        return value, True
    return DEFAULT_INCIDENT_THRESHOLD, False


def _read_instance_name(value: Any) -> tuple[str | None, bool]:
    """Return the stored instance name (None: the location name) and whether it was valid."""
    if value is None or value == "":
        return None, True
    try:
        return INSTANCE_NAME(value) or None, True
    except InvalidValueError:
        return None, False


def _read_notify_action(value: Any) -> tuple[str | None, bool]:
    """Return the stored notify action (None for none) and whether it was valid."""
    if value is None or value == "":
        return None, True
    try:
        action = NOTIFY_ACTION(value)
    except InvalidValueError:
        return None, False
    domain, _, service = action.partition(".")
    if not domain or not service:
        return None, False
    return action, True


def _checks(names: list[str]) -> frozenset[ComponentType]:
    return frozenset(ComponentType(name) for name in names)


# In the order the options form shows them. The first two are also what the
# setup and reconfigure steps ask ("what to watch").
OPTIONS: tuple[Option, ...] = (
    Option(
        CONF_CHECKS,
        list(DEFAULT_CHECK_NAMES),
        SelectSelector(
            SelectSelectorConfig(
                options=list(CHECK_NAMES),
                multiple=True,
                mode=SelectSelectorMode.LIST,
                translation_key=CONF_CHECKS,
            )
        ),
        _read_checks,
        setting="checks",
        cast=_checks,
    ),
    # Without a path, the configuration folder's disk is watched.
    Option(
        CONF_DISK_PATHS,
        [],
        TextSelector(TextSelectorConfig(multiple=True)),
        _read_paths,
        setting="disk_paths",
        cast=tuple,
    ),
    seconds_option(
        CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL, MIN_UPDATE_INTERVAL, 86400
    ),
    seconds_option(CONF_CHECK_TIMEOUT, DEFAULT_CHECK_TIMEOUT, 1, 300),
    # The thresholds are set in pairs (see MonitorSettings).
    *(
        number_option(key, default, _PERCENT, float, None)
        for warning_key, critical_key, warning, critical in THRESHOLD_OPTIONS.values()
        for key, default in ((warning_key, warning), (critical_key, critical))
    ),
    number_option(
        CONF_HISTORY_SIZE,
        DEFAULT_HISTORY_SIZE,
        NumberRange(10, 100000),
        int,
        CONF_HISTORY_SIZE,
    ),
    Option(
        CONF_INCIDENT_THRESHOLD,
        DEFAULT_INCIDENT_THRESHOLD,
        SelectSelector(
            SelectSelectorConfig(
                options=list(INCIDENT_THRESHOLDS),
                mode=SelectSelectorMode.DROPDOWN,
                translation_key=CONF_INCIDENT_THRESHOLD,
            )
        ),
        _read_incident_threshold,
        setting="open_threshold",
        cast=HealthStatus,
        incident=True,
    ),
    incident_count_option(
        CONF_FAILURE_THRESHOLD, DEFAULT_FAILURE_THRESHOLD, "failure_threshold"
    ),
    incident_count_option(
        CONF_RESOLVE_AFTER_CHECKS,
        DEFAULT_RESOLVE_AFTER_CHECKS,
        "healthy_checks_to_resolve",
    ),
    seconds_option(CONF_GRACE_PERIOD, DEFAULT_GRACE_PERIOD, 0, 3600),
    incident_minutes_option(
        CONF_CLOSE_AFTER_MINUTES, DEFAULT_CLOSE_AFTER_MINUTES, 0, "close_after"
    ),
    incident_minutes_option(
        CONF_ESCALATION_MINUTES, DEFAULT_ESCALATION_MINUTES, 1, "escalation_interval"
    ),
    # Flapping: this many changes between healthy and not within the window.
    number_option(
        CONF_FLAP_CHANGES,
        DEFAULT_FLAP_CHANGES,
        NumberRange(2, 100),
        int,
        "flap_threshold",
        incident=True,
    ),
    incident_minutes_option(
        CONF_FLAP_WINDOW_MINUTES, DEFAULT_FLAP_WINDOW_MINUTES, 1, "flap_window"
    ),
    number_option(
        CONF_MAINTENANCE_MINUTES,
        DEFAULT_MAINTENANCE_MINUTES,
        NumberRange(1, 10080, unit="min"),
        minutes,
        "maintenance_duration",
    ),
    # The Entities check (see builtin/entities.py).
    number_option(
        CONF_ENTITIES_GRACE,
        DEFAULT_ENTITIES_GRACE,
        NumberRange(0, 1440, unit="min"),
        minutes,
        "entities_grace",
    ),
    number_option(
        CONF_ENTITIES_STALE_HOURS,
        DEFAULT_ENTITIES_STALE_HOURS,
        NumberRange(0.1, 8760, whole=False, unit="h"),
        hours,
        "entities_stale_after",
    ),
    # Its choices are the integrations with entities, read when the form opens.
    Option(
        CONF_ENTITIES_EXCLUDED,
        [],
        SelectSelector(
            SelectSelectorConfig(
                options=[],
                multiple=True,
                custom_value=True,
                mode=SelectSelectorMode.DROPDOWN,
            )
        ),
        limited(INTEGRATION_DOMAINS, []),
        INTEGRATION_DOMAINS,
        "entities_excluded",
        frozenset,
        choices=entity_integration_choices,
    ),
    Option(
        CONF_NOTIFY_ACTION,
        None,
        TextSelector(),
        _read_notify_action,
        NOTIFY_ACTION,
        "notify_action",
        required=False,
    ),
    seconds_option(CONF_DIGEST_WINDOW, DEFAULT_DIGEST_WINDOW, 0, MAX_DIGEST_WINDOW),
    # Empty: Home Assistant's location name.
    Option(
        CONF_INSTANCE_NAME,
        None,
        TextSelector(),
        _read_instance_name,
        INSTANCE_NAME,
        "instance_name",
        required=False,
    ),
    number_option(
        CONF_INTEGRATION_GRACE,
        DEFAULT_INTEGRATION_GRACE_MINUTES,
        NumberRange(0, 1440, unit="min"),
        minutes,
        "integration_grace",
    ),
    # Off for every integration unless picked here.
    Option(
        CONF_RELOAD_INTEGRATIONS,
        [],
        choice_selector([]),
        read_entry_ids,
        setting="reload_integrations",
        cast=frozenset,
        required=False,
        choices=integration_choices,
    ),
)
OPTIONS_BY_KEY: dict[str, Option] = {option.key: option for option in OPTIONS}
WATCH_OPTIONS = OPTIONS[:2]
NUMBER_OPTIONS: dict[str, Option] = {
    option.key: option for option in OPTIONS if isinstance(option.limit, NumberRange)
}
# What the form checks before storing (numbers converted, texts trimmed).
OPTION_LIMITS: dict[str, FieldLimit] = {
    option.key: option.limit for option in OPTIONS if option.limit is not None
}


def form_schema(
    options: tuple[Option, ...],
    values: Mapping[str, Any],
    hass: HomeAssistant | None = None,
) -> vol.Schema:
    """Return the form of ``options``, showing ``values``.

    With ``hass``, a field with choices of the installation offers them and
    shows only the chosen values that are still among them.
    """
    fields: dict[vol.Marker, Selector[Any]] = {}
    for option in options:
        if option.choices is None or hass is None:
            fields[option.marker(values)] = option.selector
            continue
        choices = option.choices(hass)
        shown = values.get(option.key)
        if isinstance(shown, list):
            known = {choice["value"] for choice in choices}
            shown = [value for value in shown if value in known]
        fields[option.marker({**values, option.key: shown})] = choice_selector(choices)
    return vol.Schema(fields)


def read_options(
    options: Mapping[str, Any], config_dir: str
) -> tuple[dict[str, Any], frozenset[str]]:
    """Return every option as it can be used, and the keys of invalid ones.

    A missing option takes its default; an invalid one too, and its key is
    returned so that the user can be told. Nothing here raises, whatever
    ``options`` holds.
    """
    values: dict[str, Any] = {}
    invalid: set[str] = set()
    for option in OPTIONS:
        values[option.key], valid = option.read(options.get(option.key, option.default))
        if not valid:
            invalid.add(option.key)
    for (
        warning_key,
        critical_key,
        warning,
        critical,
    ) in THRESHOLD_OPTIONS.values():
        if values[warning_key] >= values[critical_key]:
            invalid.update((warning_key, critical_key))
            values[warning_key], values[critical_key] = warning, critical
    if not values[CONF_DISK_PATHS]:
        values[CONF_DISK_PATHS] = [config_dir]
    return values, frozenset(invalid)
