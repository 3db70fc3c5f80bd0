"""MQTT broker targets: a broker Health Monitor connects to directly."""

from __future__ import annotations

from homeassistant.const import CONF_PASSWORD

from ...engine.models import ComponentType
from ..kind import TargetKind
from . import form
from .probe import MqttBrokerCheck
from .sensors import SENSORS

MQTT_BROKER = TargetKind(
    subentry_type="mqtt_broker",
    component_type=ComponentType.MQTT,
    check_class=MqttBrokerCheck,
    schema=form.schema,
    validate=form.async_validate,
    title=form.title,
    unique_id=form.unique_id,
    normalize=form.normalize,
    limits=form.LIMITS,
    rules=form.rules,
    sensors=SENSORS,
    secret_keys=frozenset({CONF_PASSWORD}),
)
