"""Config flow, reconfigure and options for Health Monitor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from psutil_home_assistant import PsutilWrapper
import voluptuous as vol

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import HomeAssistant, callback

from .const import (
    CONF_CHECKS,
    CONF_DISK_PATHS,
    CONF_NOTIFY_ACTION,
    CONF_RELOAD_INTEGRATIONS,
    DOMAIN,
    THRESHOLD_OPTIONS,
)
from .integration_options import check_reload_picks
from .options import (
    DEFAULT_CHECK_NAMES,
    OPTION_LIMITS,
    OPTIONS,
    WATCH_OPTIONS,
    form_schema,
    read_options,
)
from .target_flow import TargetSubentryFlow
from .targets import TARGET_KINDS
from .validation import InvalidValueError, are_folders, check_fields, check_paths


def default_watch(hass: HomeAssistant) -> dict[str, Any]:
    """Return what a new installation watches: every check, the config disk."""
    return {
        CONF_CHECKS: list(DEFAULT_CHECK_NAMES),
        CONF_DISK_PATHS: [hass.config.config_dir],
    }


def stored_options(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, Any]:
    """Return the entry's options as a form shows them; invalid ones as defaults."""
    return read_options(entry.options, hass.config.config_dir)[0]


def watch_schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the schema of what to watch: built-in checks and disk paths."""
    return form_schema(WATCH_OPTIONS, values)


def options_schema(hass: HomeAssistant, values: Mapping[str, Any]) -> vol.Schema:
    """Return the schema of every option, defaulting to ``values``."""
    return form_schema(OPTIONS, values, hass)


def validate_notify_action(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> dict[str, str]:
    """Return a field error when the notify action is not an existing action."""
    action = user_input.get(CONF_NOTIFY_ACTION)
    if not action:
        return {}
    domain, _, service = str(action).partition(".")
    if not service or not hass.services.has_service(domain, service):
        return {CONF_NOTIFY_ACTION: "unknown_action"}
    return {}


def validate_thresholds(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Return a field error for every warning level not below its critical level.

    ``user_input`` holds checked numbers.
    """
    return {
        warning_key: "warning_not_below_critical"
        for warning_key, critical_key, _, _ in THRESHOLD_OPTIONS.values()
        if user_input[warning_key] >= user_input[critical_key]
    }


async def async_validate_watch(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the chosen checks and disk paths, reading the system once with them.

    Return the input with trimmed paths, and field errors.
    """
    data = dict(user_input)
    try:
        data[CONF_DISK_PATHS] = paths = check_paths(user_input.get(CONF_DISK_PATHS))
    except InvalidValueError as err:
        return data, {CONF_DISK_PATHS: err.reason}
    if not user_input.get(CONF_CHECKS):
        return data, {CONF_CHECKS: "no_checks"}
    try:
        readable = await hass.async_add_executor_job(_paths_readable, paths)
    except OSError:
        return data, {"base": "cannot_read_system"}
    if not readable:
        return data, {CONF_DISK_PATHS: "invalid_path"}
    return data, {}


def _paths_readable(paths: list[str]) -> bool:
    """Read memory and each folder's usage; runs in the executor.

    The paths are existing folders without control characters by now, so a
    failure to read one is the system's (OSError), not the input's.
    """
    psutil = PsutilWrapper().psutil
    psutil.virtual_memory()
    if not are_folders(paths):
        return False
    for path in paths:
        psutil.disk_usage(path)
    return True


async def async_validate_options(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check every option: limits, levels, the notify action, then what is watched.

    Return the options to store (numbers converted, texts trimmed) and field
    errors.
    """
    options, errors = check_fields(user_input, OPTION_LIMITS)
    try:
        options[CONF_RELOAD_INTEGRATIONS] = check_reload_picks(
            hass, options.get(CONF_RELOAD_INTEGRATIONS)
        )
    except InvalidValueError as err:
        errors[CONF_RELOAD_INTEGRATIONS] = err.reason
    if errors:
        return options, errors
    errors = validate_thresholds(options) or validate_notify_action(hass, options)
    if errors:
        return options, errors
    return await async_validate_watch(hass, options)


type Validate = Callable[
    [HomeAssistant, Mapping[str, Any]],
    Awaitable[tuple[dict[str, Any], dict[str, str]]],
]


async def _async_form_step(
    flow: ConfigFlow | OptionsFlow,
    step_id: str,
    user_input: dict[str, Any] | None,
    *,
    validate: Validate,
    schema: Callable[[Mapping[str, Any]], vol.Schema],
    shown: Callable[[], Mapping[str, Any]],
    finish: Callable[[dict[str, Any]], ConfigFlowResult],
) -> ConfigFlowResult:
    """Finish with the checked input, or show the form (again) with its errors.

    ``shown`` gives the values a form opens with; a refused input is shown as
    it was typed.
    """
    errors: dict[str, str] = {}
    if user_input is not None:
        checked, errors = await validate(flow.hass, user_input)
        if not errors:
            return finish(checked)
    return flow.async_show_form(
        step_id=step_id, data_schema=schema(user_input or shown()), errors=errors
    )


class HealthMonitorConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up Health Monitor (one entry per Home Assistant instance)."""

    VERSION = 1
    # 2: the Integrations check joined the built-in checks (see async_migrate_entry).
    MINOR_VERSION = 2

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose what to watch; the system is read once before the entry is made."""
        return await _async_form_step(
            self,
            "user",
            user_input,
            validate=async_validate_watch,
            schema=watch_schema,
            shown=lambda: default_watch(self.hass),
            finish=lambda watch: self.async_create_entry(
                title="Health Monitor", data={}, options=watch
            ),
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change what is watched."""
        entry = self._get_reconfigure_entry()

        def finish(watch: dict[str, Any]) -> ConfigFlowResult:
            self.hass.config_entries.async_update_entry(
                entry, options={**entry.options, **watch}
            )
            return self.async_abort(reason="reconfigure_successful")

        return await _async_form_step(
            self,
            "reconfigure",
            user_input,
            validate=async_validate_watch,
            schema=watch_schema,
            shown=lambda: stored_options(self.hass, entry),
            finish=finish,
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> HealthMonitorOptionsFlow:
        """Return the options flow."""
        return HealthMonitorOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Return the add/reconfigure flow of every kind of target (one class)."""
        return dict.fromkeys(TARGET_KINDS, TargetSubentryFlow)


class HealthMonitorOptionsFlow(OptionsFlow):
    """Tune intervals, thresholds, history and what is watched."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and validate every option."""

        def finish(checked: dict[str, Any]) -> ConfigFlowResult:
            options = {**self.config_entry.options, **checked}
            # An emptied optional field is left out of the input.
            for option in OPTIONS:
                if not option.required and not checked.get(option.key):
                    options.pop(option.key, None)
            return self.async_create_entry(data=options)

        return await _async_form_step(
            self,
            "init",
            user_input,
            validate=async_validate_options,
            schema=lambda values: options_schema(self.hass, values),
            shown=lambda: stored_options(self.hass, self.config_entry),
            finish=finish,
        )
