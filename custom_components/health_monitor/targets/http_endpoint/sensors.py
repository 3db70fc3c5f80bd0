"""Sensors of HTTP endpoints: success rate, status code, certificate expiry."""

from __future__ import annotations

from homeassistant.const import UnitOfTime

from ...descriptions import DIAGNOSTIC, duration, metric_sensor, percentage
from ...engine.models import ComponentType

_HTTP = {ComponentType.HTTP_ENDPOINT}

SENSORS = (
    metric_sensor("success_rate", "http_success_rate", _HTTP, **percentage()),
    # A code, not a quantity: no statistics.
    metric_sensor("status_code", "http_status_code", _HTTP, **DIAGNOSTIC),
    metric_sensor(
        "certificate_days",
        "certificate_days_left",
        _HTTP,
        **duration(UnitOfTime.DAYS),
    ),
)
