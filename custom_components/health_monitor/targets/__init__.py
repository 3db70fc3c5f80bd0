"""Targets: the services around Home Assistant a user adds (config subentries).

Each kind of target describes its form, its validation by a real connection,
its check and its sensors; the config flow, coordinator and sensor platform
only look kinds up here.
"""

from __future__ import annotations

from .database.form import DATABASE
from .ha_mqtt.form import HA_MQTT
from .http_endpoint.form import HTTP_ENDPOINT
from .kind import TargetKind
from .mqtt_broker.form import MQTT_BROKER
from .network.form import NETWORK

TARGET_KINDS: dict[str, TargetKind] = {
    kind.subentry_type: kind
    for kind in (NETWORK, HTTP_ENDPOINT, MQTT_BROKER, HA_MQTT, DATABASE)
}

__all__ = ["TARGET_KINDS", "TargetKind"]
