"""Database target form: a PostgreSQL (or TimescaleDB) server and its sensors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    EntityCategory,
    UnitOfInformation,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...descriptions import ComponentSensorDescription, metric_value, percent_sensor
from ...engine.models import ComponentType
from ...validation import (
    MAX_DATABASE_NAME_BYTES,
    MAX_HOST_LENGTH,
    MAX_PASSWORD_LENGTH,
    FieldLimit,
    TextLimit,
)
from ..base import async_validate_target
from ..kind import TargetKind
from ..latency import LATENCY_LIMITS, latency_fields, required_errors, validate_latency
from ..network.form import PORT
from .probe import CONF_DATABASE, CONF_SSL_MODE, DEFAULT_PORT, DatabaseCheck, SslMode

# Above the check's own connect timeout, so a silent server is its timeout.
VALIDATION_TIMEOUT = 15.0

_DATABASE = frozenset({ComponentType.DATABASE})
# Database and role names are identifiers, which PostgreSQL cuts at 63 bytes.
_IDENTIFIER = TextLimit(MAX_DATABASE_NAME_BYTES, in_bytes=True)
LIMITS: dict[str, FieldLimit] = {
    CONF_HOST: TextLimit(MAX_HOST_LENGTH),
    CONF_PORT: PORT,
    CONF_DATABASE: _IDENTIFIER,
    CONF_USERNAME: _IDENTIFIER,
    CONF_PASSWORD: TextLimit(MAX_PASSWORD_LENGTH, strip=False),
    **LATENCY_LIMITS,
}
_SSL_MODES = frozenset(str(mode) for mode in SslMode)

_SSL_MODE_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[str(mode) for mode in SslMode],
        mode=SelectSelectorMode.DROPDOWN,
        translation_key="database_ssl_mode",
    )
)


def _schema(values: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=values.get(CONF_HOST, "")): TextSelector(),
            vol.Required(
                CONF_PORT, default=values.get(CONF_PORT, DEFAULT_PORT)
            ): PORT.selector(),
            vol.Required(
                CONF_DATABASE, default=values.get(CONF_DATABASE, "")
            ): TextSelector(),
            vol.Required(
                CONF_USERNAME, default=values.get(CONF_USERNAME, "")
            ): TextSelector(),
            # Never pre-filled; left empty on reconfigure it keeps the stored one.
            vol.Optional(CONF_PASSWORD): TextSelector(
                TextSelectorConfig(type=TextSelectorType.PASSWORD)
            ),
            vol.Required(
                CONF_SSL_MODE, default=values.get(CONF_SSL_MODE, SslMode.DISABLE)
            ): _SSL_MODE_SELECTOR,
            **latency_fields(values, 100, 1000),
        }
    )


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if data.get(CONF_PORT) in (None, ""):
        data[CONF_PORT] = DEFAULT_PORT
    data[CONF_SSL_MODE] = str(data.get(CONF_SSL_MODE, SslMode.DISABLE))
    if data.get(CONF_PASSWORD) in (None, ""):
        data.pop(CONF_PASSWORD, None)
    return data


def _rules(data: Mapping[str, Any]) -> dict[str, str]:
    mode = data.get(CONF_SSL_MODE, SslMode.DISABLE)
    if not isinstance(mode, str) or mode not in _SSL_MODES:
        # Only stored data can hold another mode: the form offers a choice.
        return {CONF_SSL_MODE: "unknown"}
    required = {
        CONF_HOST: "cannot_connect",
        CONF_DATABASE: "cannot_connect",
        CONF_USERNAME: "invalid_auth",
    }
    return required_errors(data, required) or validate_latency(data)


async def _validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    return await async_validate_target(
        DatabaseCheck(hass, "validation", _title(data), data), VALIDATION_TIMEOUT
    )


def _title(data: Mapping[str, Any]) -> str:
    return f"{data[CONF_HOST]}:{data[CONF_PORT]}/{data[CONF_DATABASE]}"


def _unique_id(data: Mapping[str, Any]) -> str:
    # Host names are case-insensitive, database names are not.
    return f"{str(data[CONF_HOST]).lower()}:{data[CONF_PORT]}/{data[CONF_DATABASE]}"


def _measurement(
    key: str,
    translation_key: str,
    **kwargs: Any,
) -> ComponentSensorDescription:
    return ComponentSensorDescription(
        key=key,
        translation_key=translation_key,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=metric_value(key),
        component_types=_DATABASE,
        **kwargs,
    )


DATABASE = TargetKind(
    subentry_type="database",
    component_type=ComponentType.DATABASE,
    check_class=DatabaseCheck,
    schema=_schema,
    validate=_validate,
    title=_title,
    unique_id=_unique_id,
    normalize=_normalize,
    limits=LIMITS,
    rules=_rules,
    secret_keys=frozenset({CONF_PASSWORD}),
    sensors=(
        percent_sensor("connections_percent", "connections_used", set(_DATABASE)),
        _measurement(
            "oldest_query_s",
            "oldest_query_age",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.SECONDS,
            suggested_display_precision=0,
        ),
        _measurement(
            "database_size_mb",
            "database_size",
            device_class=SensorDeviceClass.DATA_SIZE,
            native_unit_of_measurement=UnitOfInformation.MEBIBYTES,
            suggested_display_precision=1,
        ),
        _measurement(
            "replication_lag_s",
            "replication_lag",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.SECONDS,
            suggested_display_precision=0,
        ),
        _measurement("failed_jobs", "timescaledb_failed_jobs"),
        _measurement("overdue_jobs", "timescaledb_overdue_jobs"),
        _measurement(
            "hypertables",
            "timescaledb_hypertables",
            entity_category=EntityCategory.DIAGNOSTIC,
        ),
    ),
)
