"""The entry's options: each with its default and limits, for forms and settings.

The options form shows these ranges and refuses anything outside them; the
same limits are applied again to what is read back from storage, where a
value outside them (hand-edited, or stored by an older version) falls back
to its default instead of failing the setup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .const import (
    BUILTIN_CHECKS,
    CONF_CHECK_TIMEOUT,
    CONF_CHECKS,
    CONF_CLOSE_AFTER_MINUTES,
    CONF_DISK_PATHS,
    CONF_ESCALATION_MINUTES,
    CONF_FAILURE_THRESHOLD,
    CONF_GRACE_PERIOD,
    CONF_HISTORY_SIZE,
    CONF_INCIDENT_THRESHOLD,
    CONF_NOTIFY_ACTION,
    CONF_RESOLVE_AFTER_CHECKS,
    CONF_UPDATE_INTERVAL,
    DEFAULT_CHECK_TIMEOUT,
    DEFAULT_CLOSE_AFTER_MINUTES,
    DEFAULT_ESCALATION_MINUTES,
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_INCIDENT_THRESHOLD,
    DEFAULT_RESOLVE_AFTER_CHECKS,
    DEFAULT_UPDATE_INTERVAL,
    MIN_UPDATE_INTERVAL,
    THRESHOLD_OPTIONS,
)
from .engine.incidents import THRESHOLD_ORDER
from .validation import (
    MAX_SHORT_TEXT_LENGTH,
    PATH,
    InvalidValueError,
    NumberRange,
    TextLimit,
)

CHECK_NAMES = tuple(str(check) for check in BUILTIN_CHECKS)
INCIDENT_THRESHOLDS = tuple(str(status) for status in THRESHOLD_ORDER)
NOTIFY_ACTION = TextLimit(MAX_SHORT_TEXT_LENGTH)
# A percentage level; decimals allowed (e.g. 99.5).
_PERCENT = NumberRange(0, 100, whole=False, unit="%")


@dataclass(frozen=True, slots=True)
class NumberOption:
    """A numeric option with its default and limits."""

    key: str
    default: float
    limits: NumberRange


NUMBER_OPTIONS: dict[str, NumberOption] = {
    option.key: option
    for option in (
        NumberOption(
            CONF_UPDATE_INTERVAL,
            DEFAULT_UPDATE_INTERVAL,
            NumberRange(MIN_UPDATE_INTERVAL, 86400, unit="s"),
        ),
        NumberOption(
            CONF_CHECK_TIMEOUT, DEFAULT_CHECK_TIMEOUT, NumberRange(1, 300, unit="s")
        ),
        *(
            NumberOption(key, default, _PERCENT)
            for warning_key, critical_key, warning, critical in (
                THRESHOLD_OPTIONS.values()
            )
            for key, default in ((warning_key, warning), (critical_key, critical))
        ),
        NumberOption(CONF_HISTORY_SIZE, DEFAULT_HISTORY_SIZE, NumberRange(10, 100000)),
        NumberOption(
            CONF_FAILURE_THRESHOLD, DEFAULT_FAILURE_THRESHOLD, NumberRange(1, 100)
        ),
        NumberOption(
            CONF_RESOLVE_AFTER_CHECKS, DEFAULT_RESOLVE_AFTER_CHECKS, NumberRange(1, 100)
        ),
        NumberOption(
            CONF_GRACE_PERIOD, DEFAULT_GRACE_PERIOD, NumberRange(0, 3600, unit="s")
        ),
        NumberOption(
            CONF_CLOSE_AFTER_MINUTES,
            DEFAULT_CLOSE_AFTER_MINUTES,
            NumberRange(0, 10080, unit="min"),
        ),
        NumberOption(
            CONF_ESCALATION_MINUTES,
            DEFAULT_ESCALATION_MINUTES,
            NumberRange(1, 10080, unit="min"),
        ),
    )
}


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
    for key, option in NUMBER_OPTIONS.items():
        values[key] = option.default
        if key in options:
            try:
                values[key] = option.limits(options[key])
            except InvalidValueError:
                invalid.add(key)
    for warning_key, critical_key, warning, critical in THRESHOLD_OPTIONS.values():
        if values[warning_key] >= values[critical_key]:
            invalid.update((warning_key, critical_key))
            values[warning_key], values[critical_key] = warning, critical
    values[CONF_CHECKS], bad_checks = _read_checks(
        options.get(CONF_CHECKS, CHECK_NAMES)
    )
    values[CONF_DISK_PATHS], bad_paths = _read_paths(options.get(CONF_DISK_PATHS))
    if not values[CONF_DISK_PATHS]:
        values[CONF_DISK_PATHS] = [config_dir]
    threshold = options.get(CONF_INCIDENT_THRESHOLD, DEFAULT_INCIDENT_THRESHOLD)
    values[CONF_INCIDENT_THRESHOLD] = DEFAULT_INCIDENT_THRESHOLD
    if threshold in INCIDENT_THRESHOLDS:
        values[CONF_INCIDENT_THRESHOLD] = threshold
    else:
        invalid.add(CONF_INCIDENT_THRESHOLD)
    values[CONF_NOTIFY_ACTION], bad_action = _read_notify_action(
        options.get(CONF_NOTIFY_ACTION)
    )
    for key, bad in (
        (CONF_CHECKS, bad_checks),
        (CONF_DISK_PATHS, bad_paths),
        (CONF_NOTIFY_ACTION, bad_action),
    ):
        if bad:
            invalid.add(key)
    return values, frozenset(invalid)


def _read_checks(value: Any) -> tuple[list[str], bool]:
    """Return the known check names of ``value`` and whether anything was dropped."""
    if not isinstance(value, list | tuple):
        return list(CHECK_NAMES), True
    known = [name for name in CHECK_NAMES if name in value]
    return known, len(known) != len(value)


def _read_paths(value: Any) -> tuple[list[str], bool]:
    """Return the usable paths of ``value`` and whether anything was dropped."""
    if value is None:
        return [], False
    if not isinstance(value, list):
        return [], True
    paths: list[str] = []
    for path in value:
        try:
            paths.append(PATH(path))
        except InvalidValueError:
            continue
    paths = [path for path in paths if path]
    return paths, len(paths) != len(value)


def _read_notify_action(value: Any) -> tuple[str | None, bool]:
    """Return the stored notify action (None for none) and whether it was invalid."""
    if value is None or value == "":
        return None, False
    try:
        action = NOTIFY_ACTION(value)
    except InvalidValueError:
        return None, True
    domain, _, service = action.partition(".")
    if not domain or not service:
        return None, True
    return action, False
