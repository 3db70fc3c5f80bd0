"""Entity checks: Home Assistant entities chosen by entity, device, area or label, against rules."""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import TargetKind
from .sensors import SENSORS

ENTITY_CHECK = TargetKind.of(
    "entity_check", ComponentType.ENTITY_CHECK, __name__, SENSORS
)
