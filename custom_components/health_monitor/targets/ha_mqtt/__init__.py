"""Home Assistant's own MQTT connection as a target, added once.

Its round trip sensor comes with the MQTT broker kind (same component type).
"""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import TargetKind
from ..latency import LATENCY_LIMITS, validate_latency
from . import form
from .probe import HaMqttCheck

HA_MQTT = TargetKind(
    subentry_type=form.SUBENTRY_TYPE,
    component_type=ComponentType.MQTT,
    check_class=HaMqttCheck,
    schema=form.schema,
    validate=form.async_validate,
    title=form.title,
    unique_id=lambda data: form.SUBENTRY_TYPE,
    limits=LATENCY_LIMITS,
    rules=validate_latency,
    abort_reason=form.abort_reason,
)
