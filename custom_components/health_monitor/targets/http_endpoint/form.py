"""HTTP endpoint target form: address, method, expected answer, TLS and recovery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from yarl import URL

from homeassistant.const import CONF_METHOD, CONF_TIMEOUT, CONF_URL, CONF_VERIFY_SSL
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

from ...validation import (
    MAX_BODY_TEXT_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_URL_LENGTH,
    FieldLimit,
    NumberRange,
    StepCheckedEntitySelector,
    TextLimit,
)
from ..base import Fault
from ..kind import async_validate_target
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

# The check of a stored target of this kind.
CHECK = HttpEndpointCheck

DEFAULT_TIMEOUT = 10
# The request has its own timeout; this bounds the certificate read after it.
VALIDATION_MARGIN = 5.0
TIMEOUT = NumberRange(1, 60, whole=False, unit="s")
# The field a failed test connection points at, by what went wrong.
FAULT_FIELDS = {
    Fault.ADDRESS: CONF_URL,
    Fault.ENCRYPTION: CONF_URL,
    Fault.ANSWER: CONF_EXPECTED_STATUS,
    Fault.CONTENT: CONF_BODY,
}
LIMITS: dict[str, FieldLimit] = {
    CONF_URL: TextLimit(MAX_URL_LENGTH),
    CONF_EXPECTED_STATUS: TextLimit(MAX_SHORT_TEXT_LENGTH),
    # The text searched for is taken as typed, spaces included.
    CONF_BODY: TextLimit(MAX_BODY_TEXT_LENGTH, strip=False),
    CONF_TIMEOUT: TIMEOUT,
    CONF_RECOVERY_SCRIPT: TextLimit(MAX_SHORT_TEXT_LENGTH),
    **LATENCY_LIMITS,
}


def schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the form, filled from ``values`` (secrets are never pre-filled)."""
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


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Return form input as the data to store."""
    data = dict(data)
    data[CONF_METHOD] = str(data.get(CONF_METHOD, "GET")).upper()
    data[CONF_VERIFY_SSL] = bool(data.get(CONF_VERIFY_SSL, True))
    for key in (CONF_BODY, CONF_RECOVERY_SCRIPT):
        if data.get(key) in (None, ""):
            data.pop(key, None)
    return data


def rules(data: Mapping[str, Any]) -> dict[str, str]:
    """Return every error found without sending a request."""
    errors: dict[str, str] = {}
    # Credentials in the address are refused by the form (see async_validate), but
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


async def async_validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    """Connect to the target for real; return field errors."""
    if problem := url_problem(data[CONF_URL]):
        return {CONF_URL: problem}
    script = data.get(CONF_RECOVERY_SCRIPT)
    if script and hass.states.get(script) is None:
        return {CONF_RECOVERY_SCRIPT: "invalid_recovery_script"}
    check = HttpEndpointCheck(hass, "validation", data[CONF_URL], data)
    return await async_validate_target(
        check, data[CONF_TIMEOUT] * 2 + VALIDATION_MARGIN, FAULT_FIELDS
    )


def title(data: Mapping[str, Any]) -> str:
    """Return the name derived from the URL: "example.com/health".

    Host (and a port that is not the scheme's), and path; no scheme,
    credentials, query or trailing slash.
    """
    url = URL(str(data[CONF_URL]))
    host = url.host or ""
    if url.explicit_port is not None and not url.is_default_port():
        host = f"{host}:{url.port}"
    return f"{host}{url.path.rstrip('/')}" or str(data[CONF_URL])


def unique_id(data: Mapping[str, Any]) -> str:
    """Tell two targets apart, so the same one is not added twice."""
    # yarl lowercases scheme and host and drops a default port.
    return str(URL(without_credentials(str(data[CONF_URL]))))
