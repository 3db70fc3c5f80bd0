"""HTTP endpoint target form: address, method, expected answer, TLS and recovery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from yarl import URL

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    CONF_METHOD,
    CONF_TIMEOUT,
    CONF_URL,
    CONF_VERIFY_SSL,
    EntityCategory,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, valid_entity_id
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelectorConfig,
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
    MAX_BODY_TEXT_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_URL_LENGTH,
    FieldLimit,
    NumberRange,
    StepCheckedEntitySelector,
    TextLimit,
)
from ..base import async_validate_target
from ..kind import TargetKind
from ..latency import LATENCY_LIMITS, latency_fields, validate_latency
from .probe import (
    CONF_BODY,
    CONF_EXPECTED_STATUS,
    CONF_RECOVERY_SCRIPT,
    METHODS,
    HttpEndpointCheck,
    InvalidStatusCodesError,
    parse_status_codes,
    url_problem,
    without_credentials,
)

DEFAULT_TIMEOUT = 10
# The request has its own timeout; this bounds the certificate read after it.
VALIDATION_MARGIN = 5.0
TIMEOUT = NumberRange(1, 60, whole=False, unit="s")
LIMITS: dict[str, FieldLimit] = {
    CONF_URL: TextLimit(MAX_URL_LENGTH),
    CONF_EXPECTED_STATUS: TextLimit(MAX_SHORT_TEXT_LENGTH),
    # The text searched for is taken as typed, spaces included.
    CONF_BODY: TextLimit(MAX_BODY_TEXT_LENGTH, strip=False),
    CONF_TIMEOUT: TIMEOUT,
    CONF_RECOVERY_SCRIPT: TextLimit(MAX_SHORT_TEXT_LENGTH),
    **LATENCY_LIMITS,
}


def _schema(values: Mapping[str, Any]) -> vol.Schema:
    body = values.get(CONF_BODY)
    script = values.get(CONF_RECOVERY_SCRIPT)
    return vol.Schema(
        {
            # Never echo credentials back into the form (the flow refuses them).
            vol.Required(
                CONF_URL, default=without_credentials(str(values.get(CONF_URL, "")))
            ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
            vol.Required(
                CONF_METHOD, default=values.get(CONF_METHOD, "GET")
            ): SelectSelector(
                SelectSelectorConfig(
                    options=list(METHODS), mode=SelectSelectorMode.DROPDOWN
                )
            ),
            vol.Required(
                CONF_EXPECTED_STATUS,
                default=values.get(CONF_EXPECTED_STATUS, "200-299"),
            ): TextSelector(),
            vol.Optional(
                CONF_BODY, description={"suggested_value": body} if body else None
            ): TextSelector(),
            vol.Required(
                CONF_TIMEOUT, default=values.get(CONF_TIMEOUT, DEFAULT_TIMEOUT)
            ): TIMEOUT.selector(),
            vol.Required(
                CONF_VERIFY_SSL, default=values.get(CONF_VERIFY_SSL, True)
            ): BooleanSelector(),
            **latency_fields(values, 1000, 3000),
            vol.Optional(
                CONF_RECOVERY_SCRIPT,
                description={"suggested_value": script} if script else None,
            ): StepCheckedEntitySelector(EntitySelectorConfig(domain="script")),
        }
    )


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data[CONF_METHOD] = str(data.get(CONF_METHOD, "GET")).upper()
    data[CONF_VERIFY_SSL] = bool(data.get(CONF_VERIFY_SSL, True))
    for key in (CONF_BODY, CONF_RECOVERY_SCRIPT):
        if data.get(key) in (None, ""):
            data.pop(key, None)
    return data


def _rules(data: Mapping[str, Any]) -> dict[str, str]:
    """Return every error found without sending a request."""
    errors: dict[str, str] = {}
    # Credentials in the address are refused by the form (see _validate), but
    # a target stored with them still works, their secret masked.
    if url_problem(str(data.get(CONF_URL, ""))) == "invalid_url":
        errors[CONF_URL] = "invalid_url"
    try:
        parse_status_codes(str(data.get(CONF_EXPECTED_STATUS, "")))
    except InvalidStatusCodesError:
        errors[CONF_EXPECTED_STATUS] = "invalid_status_codes"
    method = data.get(CONF_METHOD, "GET")
    if method not in METHODS:
        # Only stored data can hold another method: the form offers a choice.
        errors[CONF_METHOD] = "unknown"
    elif data.get(CONF_BODY) and method != "GET":
        # A HEAD response has no body to search.
        errors[CONF_BODY] = "body_requires_get"
    if data.get(CONF_TIMEOUT) is None:
        errors[CONF_TIMEOUT] = "not_a_number"
    script = data.get(CONF_RECOVERY_SCRIPT)
    if script and not (valid_entity_id(script) and script.startswith("script.")):
        errors[CONF_RECOVERY_SCRIPT] = "invalid_recovery_script"
    errors.update(validate_latency(data))
    return errors


async def _validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    if problem := url_problem(data[CONF_URL]):
        return {CONF_URL: problem}
    script = data.get(CONF_RECOVERY_SCRIPT)
    if script and hass.states.get(script) is None:
        return {CONF_RECOVERY_SCRIPT: "invalid_recovery_script"}
    check = HttpEndpointCheck(hass, "validation", data[CONF_URL], data)
    return await async_validate_target(
        check, data[CONF_TIMEOUT] * 2 + VALIDATION_MARGIN
    )


def _title(data: Mapping[str, Any]) -> str:
    return without_credentials(str(data[CONF_URL]))


def _unique_id(data: Mapping[str, Any]) -> str:
    # yarl lowercases scheme and host and drops a default port.
    return str(URL(_title(data)))


HTTP_ENDPOINT = TargetKind(
    subentry_type="http_endpoint",
    component_type=ComponentType.HTTP_ENDPOINT,
    check_class=HttpEndpointCheck,
    schema=_schema,
    validate=_validate,
    title=_title,
    unique_id=_unique_id,
    normalize=_normalize,
    limits=LIMITS,
    rules=_rules,
    sensors=(
        percent_sensor(
            "success_rate", "http_success_rate", {ComponentType.HTTP_ENDPOINT}
        ),
        ComponentSensorDescription(
            key="status_code",
            translation_key="http_status_code",
            entity_category=EntityCategory.DIAGNOSTIC,
            value_fn=metric_value("status_code"),
            component_types=frozenset({ComponentType.HTTP_ENDPOINT}),
        ),
        ComponentSensorDescription(
            key="certificate_days",
            translation_key="certificate_days_left",
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.DAYS,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=0,
            value_fn=metric_value("certificate_days"),
            component_types=frozenset({ComponentType.HTTP_ENDPOINT}),
        ),
    ),
)
