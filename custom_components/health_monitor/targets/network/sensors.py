"""Sensors of network targets: DNS and TCP connect time."""

from __future__ import annotations

from ...descriptions import duration, metric_sensor
from ...engine.models import ComponentType

_NETWORK = {ComponentType.NETWORK}

SENSORS = (
    metric_sensor("dns_ms", "dns_time", _NETWORK, **duration()),
    metric_sensor("connect_ms", "connect_time", _NETWORK, **duration()),
)
