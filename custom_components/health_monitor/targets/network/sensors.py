"""Sensors of network targets: DNS and TCP connect time, both off until enabled.

The response time sensor already shows the connect time (or, without a
port, the DNS time); these two split it for whoever looks into a slow
target. Their unique ids stay as they were: an installation that has them
keeps them as the user left them.
"""

from __future__ import annotations

from ...descriptions import DIAGNOSTIC, duration, metric_sensor
from ...engine.models import ComponentType

_NETWORK = {ComponentType.NETWORK}

SENSORS = (
    *(
        metric_sensor(
            key,
            translation_key,
            _NETWORK,
            **duration(),
            **DIAGNOSTIC,
            entity_registry_enabled_default=False,
        )
        for key, translation_key in (
            ("dns_ms", "dns_time"),
            ("connect_ms", "connect_time"),
        )
    ),
)
