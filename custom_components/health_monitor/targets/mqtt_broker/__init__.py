"""MQTT broker targets: a broker Health Monitor connects to directly.

The probe (and aiomqtt, paho) is imported only once a broker target exists.
"""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import PASSWORD, TargetKind
from .sensors import SENSORS

MQTT_BROKER = TargetKind.of(
    "mqtt_broker", ComponentType.MQTT, __name__, SENSORS, secret_keys=PASSWORD
)
