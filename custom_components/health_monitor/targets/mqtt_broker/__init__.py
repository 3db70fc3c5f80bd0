"""MQTT broker targets: a broker Health Monitor connects to directly."""

from __future__ import annotations

from homeassistant.const import CONF_PASSWORD

from ..kind import TargetKind
from . import form
from .probe import MqttBrokerCheck
from .sensors import SENSORS

MQTT_BROKER = TargetKind.of(
    "mqtt_broker",
    MqttBrokerCheck,
    form,
    SENSORS,
    secret_keys=frozenset({CONF_PASSWORD}),
)
