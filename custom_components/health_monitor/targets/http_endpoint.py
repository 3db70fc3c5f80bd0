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
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ..checks.http_endpoint import (
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
from ..checks.target import async_validate_target
from ..descriptions import ComponentSensorDescription, metric_value, percent_sensor
from ..engine.models import ComponentType
from .kind import TargetKind
from .latency import latency_fields, validate_latency

DEFAULT_TIMEOUT = 10
# The request has its own timeout; this bounds the certificate read after it.
VALIDATION_MARGIN = 5.0


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
            ): NumberSelector(
                NumberSelectorConfig(
                    min=1,
                    max=60,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                    unit_of_measurement="s",
                )
            ),
            vol.Required(
                CONF_VERIFY_SSL, default=values.get(CONF_VERIFY_SSL, True)
            ): BooleanSelector(),
            **latency_fields(values, 1000, 3000),
            vol.Optional(
                CONF_RECOVERY_SCRIPT,
                description={"suggested_value": script} if script else None,
            ): EntitySelector(EntitySelectorConfig(domain="script")),
        }
    )


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data[CONF_URL] = str(data[CONF_URL]).strip()
    data[CONF_METHOD] = str(data.get(CONF_METHOD, "GET")).upper()
    data[CONF_EXPECTED_STATUS] = str(data[CONF_EXPECTED_STATUS]).strip()
    data[CONF_TIMEOUT] = float(data[CONF_TIMEOUT])
    data[CONF_VERIFY_SSL] = bool(data.get(CONF_VERIFY_SSL, True))
    for key in (CONF_BODY, CONF_RECOVERY_SCRIPT):
        if not data.get(key):
            data.pop(key, None)
    return data


def _form_errors(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Return every error found without sending a request."""
    errors: dict[str, str] = {}
    if problem := url_problem(data[CONF_URL]):
        errors[CONF_URL] = problem
    try:
        parse_status_codes(data[CONF_EXPECTED_STATUS])
    except InvalidStatusCodesError:
        errors[CONF_EXPECTED_STATUS] = "invalid_status_codes"
    if data.get(CONF_BODY) and data[CONF_METHOD] != "GET":
        # A HEAD response has no body to search.
        errors[CONF_BODY] = "body_requires_get"
    script = data.get(CONF_RECOVERY_SCRIPT)
    if script and not (
        valid_entity_id(script)
        and script.startswith("script.")
        and hass.states.get(script) is not None
    ):
        errors[CONF_RECOVERY_SCRIPT] = "invalid_recovery_script"
    errors.update(validate_latency(data))
    return errors


async def _validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    if errors := _form_errors(hass, data):
        return errors
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
