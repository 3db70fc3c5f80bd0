"""Home Assistant's own MQTT connection as a target, added once.

Its round trip sensor comes with the MQTT broker kind (same component type).
The probe (and HA's MQTT integration) is imported only once the target
exists or is being added.
"""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import TargetKind

HA_MQTT = TargetKind.of("ha_mqtt", ComponentType.MQTT, __name__)
