"""Targets: the services around Home Assistant a user adds (config subentries).

Each kind of target is a package of its own (its probe, its form and
validation, its sensors) on the base of :mod:`.base`, :mod:`.kind` and
:mod:`.latency`; the config flow, coordinator and sensor platform only look
kinds up here. A new kind is a new folder and one line below.
"""

from __future__ import annotations

from .database import DATABASE
from .entity_check import ENTITY_CHECK
from .fleet_database import FLEET_DATABASE
from .ha_mqtt import HA_MQTT
from .http_endpoint import HTTP_ENDPOINT
from .kind import TargetKind
from .mqtt_broker import MQTT_BROKER
from .network import NETWORK

TARGET_KINDS: dict[str, TargetKind] = {
    kind.subentry_type: kind
    for kind in (
        NETWORK,
        HTTP_ENDPOINT,
        MQTT_BROKER,
        HA_MQTT,
        DATABASE,
        ENTITY_CHECK,
        FLEET_DATABASE,
    )
}

__all__ = ["TARGET_KINDS", "TargetKind"]
