"""Fleet database form: where the history goes, how long it is kept, how much may wait."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant

from ...engine.fleet.outbox import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT
from ...engine.fleet.schema import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
)
from ...validation import FieldLimit, NumberRange
from ..database import form as database_form
from ..kind import async_validate_target
from ..latency import LATENCY_LIMITS
from .probe import CONF_BUFFER_ROWS, CONF_RETENTION_DAYS, FleetDatabaseCheck

# The check of a stored target of this kind.
CHECK = FleetDatabaseCheck

RETENTION = NumberRange(MIN_RETENTION_DAYS, MAX_RETENTION_DAYS, unit="d")
BUFFER_ROWS = NumberRange(MIN_LIMIT, MAX_LIMIT)
# A database target's fields, without its latency levels: the export is not judged by them.
LIMITS: dict[str, FieldLimit] = {
    **{
        key: limit
        for key, limit in database_form.LIMITS.items()
        if key not in LATENCY_LIMITS
    },
    CONF_RETENTION_DAYS: RETENTION,
    CONF_BUFFER_ROWS: BUFFER_ROWS,
}


def schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the form: the database's connection, the retention and the outbox bound."""
    connection = {
        marker: selector
        for marker, selector in database_form.schema(values).schema.items()
        if str(marker) not in LATENCY_LIMITS
    }
    return vol.Schema(
        {
            **connection,
            vol.Required(
                CONF_RETENTION_DAYS,
                default=values.get(CONF_RETENTION_DAYS, DEFAULT_RETENTION_DAYS),
            ): RETENTION.selector(),
            vol.Required(
                CONF_BUFFER_ROWS, default=values.get(CONF_BUFFER_ROWS, DEFAULT_LIMIT)
            ): BUFFER_ROWS.selector(),
        }
    )


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Return form input as the data to store."""
    data = database_form.normalize(data)
    data.setdefault(CONF_RETENTION_DAYS, DEFAULT_RETENTION_DAYS)
    data.setdefault(CONF_BUFFER_ROWS, DEFAULT_LIMIT)
    return data


rules = database_form.connection_rules


async def async_validate(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, str]:
    """Log in and create or migrate the schema for real; return field errors."""
    return await async_validate_target(
        FleetDatabaseCheck(hass, "validation", title(data), data),
        database_form.VALIDATION_TIMEOUT,
        database_form.FAULT_FIELDS,
    )


def title(data: Mapping[str, Any]) -> str:
    """Return "Fleet history in hmdb on nas.lan"."""
    return f"Fleet history in {database_form.title(data)}"


unique_id = database_form.unique_id
