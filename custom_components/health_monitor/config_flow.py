"""Config flow, reconfigure and options for Health Monitor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psutil_home_assistant import PsutilWrapper
import voluptuous as vol

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
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
    CONF_DISK_PATHS,
    CONF_ESCALATION_MINUTES,
    CONF_HISTORY_SIZE,
    CONF_INCIDENT_THRESHOLD,
    CONF_NOTIFY_ACTION,
    CONF_RESOLVE_AFTER_CHECKS,
    CONF_UPDATE_INTERVAL,
    DEFAULT_CHECK_TIMEOUT,
    DEFAULT_CLOSE_AFTER_MINUTES,
    DEFAULT_ESCALATION_MINUTES,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_INCIDENT_THRESHOLD,
    DEFAULT_RESOLVE_AFTER_CHECKS,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    MIN_UPDATE_INTERVAL,
    THRESHOLD_OPTIONS,
)
from .engine.incident_tracker import THRESHOLD_ORDER
from .targets import TARGET_KINDS, TargetKind


def _number(minimum: float, maximum: float, unit: str | None = None) -> NumberSelector:
    config = NumberSelectorConfig(
        min=minimum, max=maximum, step=1, mode=NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


CHECKS_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[str(check) for check in BUILTIN_CHECKS],
        multiple=True,
        mode=SelectSelectorMode.LIST,
        translation_key=CONF_CHECKS,
    )
)
DISK_PATHS_SELECTOR = TextSelector(TextSelectorConfig(multiple=True))
INCIDENT_THRESHOLD_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[str(status) for status in THRESHOLD_ORDER],
        mode=SelectSelectorMode.DROPDOWN,
        translation_key=CONF_INCIDENT_THRESHOLD,
    )
)


def default_watch(hass: HomeAssistant) -> dict[str, Any]:
    """Return what a new installation watches: every check, the config disk."""
    return {
        CONF_CHECKS: [str(check) for check in BUILTIN_CHECKS],
        CONF_DISK_PATHS: [hass.config.config_dir],
    }


def watch_schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the schema of what to watch: built-in checks and disk paths."""
    return vol.Schema(
        {
            vol.Required(CONF_CHECKS, default=values[CONF_CHECKS]): CHECKS_SELECTOR,
            vol.Required(
                CONF_DISK_PATHS, default=values[CONF_DISK_PATHS]
            ): DISK_PATHS_SELECTOR,
        }
    )


def options_schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the schema of every option, defaulting to ``values``."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(
            CONF_UPDATE_INTERVAL,
            default=values.get(CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL),
        ): _number(MIN_UPDATE_INTERVAL, 86400, "s"),
        vol.Required(
            CONF_CHECK_TIMEOUT,
            default=values.get(CONF_CHECK_TIMEOUT, DEFAULT_CHECK_TIMEOUT),
        ): _number(1, 300, "s"),
    }
    for warning_key, critical_key, warning, critical in THRESHOLD_OPTIONS.values():
        fields[vol.Required(warning_key, default=values.get(warning_key, warning))] = (
            _number(1, 100, "%")
        )
        fields[
            vol.Required(critical_key, default=values.get(critical_key, critical))
        ] = _number(1, 100, "%")
    fields[
        vol.Required(
            CONF_HISTORY_SIZE,
            default=values.get(CONF_HISTORY_SIZE, DEFAULT_HISTORY_SIZE),
        )
    ] = _number(10, 100000)
    fields.update(
        {
            vol.Required(
                CONF_INCIDENT_THRESHOLD,
                default=values.get(CONF_INCIDENT_THRESHOLD, DEFAULT_INCIDENT_THRESHOLD),
            ): INCIDENT_THRESHOLD_SELECTOR,
            vol.Required(
                CONF_RESOLVE_AFTER_CHECKS,
                default=values.get(
                    CONF_RESOLVE_AFTER_CHECKS, DEFAULT_RESOLVE_AFTER_CHECKS
                ),
            ): _number(1, 100),
            vol.Required(
                CONF_CLOSE_AFTER_MINUTES,
                default=values.get(
                    CONF_CLOSE_AFTER_MINUTES, DEFAULT_CLOSE_AFTER_MINUTES
                ),
            ): _number(0, 10080, "min"),
            vol.Required(
                CONF_ESCALATION_MINUTES,
                default=values.get(CONF_ESCALATION_MINUTES, DEFAULT_ESCALATION_MINUTES),
            ): _number(1, 10080, "min"),
            vol.Optional(
                CONF_NOTIFY_ACTION,
                description={"suggested_value": values.get(CONF_NOTIFY_ACTION)},
            ): TextSelector(),
        }
    )
    return watch_schema(values).extend(fields)


def validate_notify_action(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> dict[str, str]:
    """Return a field error when the notify action is not an existing action."""
    action = str(user_input.get(CONF_NOTIFY_ACTION) or "").strip()
    if not action:
        return {}
    domain, _, service = action.partition(".")
    if not service or not hass.services.has_service(domain, service):
        return {CONF_NOTIFY_ACTION: "unknown_action"}
    return {}


def validate_thresholds(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Return a field error for every warning level not below its critical level."""
    return {
        warning_key: "warning_not_below_critical"
        for warning_key, critical_key, _, _ in THRESHOLD_OPTIONS.values()
        if float(user_input[warning_key]) >= float(user_input[critical_key])
    }


async def async_validate_watch(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> dict[str, str]:
    """Read the system once with the chosen disk paths (test before configure)."""
    paths = [path.strip() for path in user_input[CONF_DISK_PATHS]]
    if not paths or any(not path for path in paths):
        return {CONF_DISK_PATHS: "invalid_path"}
    if not user_input[CONF_CHECKS]:
        return {CONF_CHECKS: "no_checks"}
    try:
        readable = await hass.async_add_executor_job(_paths_readable, paths)
    except OSError:
        return {"base": "cannot_read_system"}
    if not readable:
        return {CONF_DISK_PATHS: "invalid_path"}
    return {}


def _paths_readable(paths: list[str]) -> bool:
    """Read memory and each path's usage; runs in the executor."""
    psutil = PsutilWrapper().psutil
    psutil.virtual_memory()
    for path in paths:
        try:
            psutil.disk_usage(path)
        except (OSError, ValueError):
            return False
    return True


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Normalize form input: whole numbers where the option is whole, trimmed paths."""
    cleaned = dict(user_input)
    cleaned[CONF_DISK_PATHS] = [path.strip() for path in user_input[CONF_DISK_PATHS]]
    if CONF_NOTIFY_ACTION in cleaned:
        cleaned[CONF_NOTIFY_ACTION] = str(cleaned[CONF_NOTIFY_ACTION]).strip()
    for key in (
        CONF_UPDATE_INTERVAL,
        CONF_CHECK_TIMEOUT,
        CONF_HISTORY_SIZE,
        CONF_RESOLVE_AFTER_CHECKS,
        CONF_CLOSE_AFTER_MINUTES,
        CONF_ESCALATION_MINUTES,
    ):
        if key in cleaned:
            cleaned[key] = int(cleaned[key])
    return cleaned


class HealthMonitorConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up Health Monitor (one entry per Home Assistant instance)."""

    VERSION = 1
    MINOR_VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose what to watch; the system is read once before the entry is made."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await async_validate_watch(self.hass, user_input)
            if not errors:
                return self.async_create_entry(
                    title="Health Monitor", data={}, options=_clean(user_input)
                )
        values = user_input or default_watch(self.hass)
        return self.async_show_form(
            step_id="user", data_schema=watch_schema(values), errors=errors
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change what is watched."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await async_validate_watch(self.hass, user_input)
            if not errors:
                self.hass.config_entries.async_update_entry(
                    entry, options={**entry.options, **_clean(user_input)}
                )
                return self.async_abort(reason="reconfigure_successful")
        values = user_input or {**default_watch(self.hass), **entry.options}
        return self.async_show_form(
            step_id="reconfigure", data_schema=watch_schema(values), errors=errors
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
        """Return one add/reconfigure flow per kind of target."""
        return {key: _TARGET_FLOWS[key] for key in TARGET_KINDS}


class HealthMonitorOptionsFlow(OptionsFlow):
    """Tune intervals, thresholds, history and what is watched."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and validate every option."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = (
                validate_thresholds(user_input)
                or validate_notify_action(self.hass, user_input)
                or await async_validate_watch(self.hass, user_input)
            )
            if not errors:
                options = {**self.config_entry.options, **_clean(user_input)}
                if not options.get(CONF_NOTIFY_ACTION):
                    options.pop(CONF_NOTIFY_ACTION, None)
                return self.async_create_entry(data=options)
        values = user_input or {**default_watch(self.hass), **self.config_entry.options}
        return self.async_show_form(
            step_id="init", data_schema=options_schema(values), errors=errors
        )


class TargetSubentryFlow(ConfigSubentryFlow):
    """Add or reconfigure a target; it is saved only after a real connection works."""

    kind: TargetKind

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a target."""
        unavailable = self.kind.unavailable
        if unavailable is not None and (reason := unavailable(self.hass)):
            return self.async_abort(reason=reason)
        return await self._async_step_form("user", user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a target; an empty secret field keeps the stored secret."""
        stored = dict(self._get_reconfigure_subentry().data)
        return await self._async_step_form("reconfigure", user_input, stored)

    async def _async_step_form(
        self, step_id: str, user_input: dict[str, Any] | None, stored: dict[str, Any]
    ) -> SubentryFlowResult:
        kind = self.kind
        errors: dict[str, str] = {}
        if user_input is not None:
            data = kind.normalize(user_input)
            for key in kind.secret_keys:
                if not data.get(key) and stored.get(key):
                    data[key] = stored[key]
            errors = await kind.validate(self.hass, data)
            if not errors:
                return self._async_save(data)
        values = {
            k: v for k, v in (user_input or stored).items() if k not in kind.secret_keys
        }
        return self.async_show_form(
            step_id=step_id, data_schema=kind.schema(values), errors=errors
        )

    def _async_save(self, data: dict[str, Any]) -> SubentryFlowResult:
        kind = self.kind
        # Subentry unique ids are unique across kinds: a broker and a network
        # target on the same host:port are two targets.
        unique_id = f"{kind.subentry_type}:{kind.unique_id(data)}"
        entry = self._get_entry()
        current = (
            self._get_reconfigure_subentry().subentry_id
            if self.source == SOURCE_RECONFIGURE
            else None
        )
        for subentry in entry.subentries.values():
            if (
                subentry.subentry_type == kind.subentry_type
                and subentry.unique_id == unique_id
                and subentry.subentry_id != current
            ):
                return self.async_abort(reason="already_configured")
        if current is not None:
            return self.async_update_and_abort(
                entry,
                self._get_reconfigure_subentry(),
                title=kind.title(data),
                data=data,
                unique_id=unique_id,
            )
        return self.async_create_entry(
            title=kind.title(data), data=data, unique_id=unique_id
        )


_TARGET_FLOWS: dict[str, type[ConfigSubentryFlow]] = {
    key: type(
        f"{key.title().replace('_', '')}SubentryFlow",
        (TargetSubentryFlow,),
        {"kind": kind},
    )
    for key, kind in TARGET_KINDS.items()
}
