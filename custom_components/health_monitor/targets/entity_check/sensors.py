"""Sensors of entity checks: how many entities are affected, and how many watched."""

from __future__ import annotations

from ...descriptions import DIAGNOSTIC, count, metric_sensor
from ...engine.models import ComponentType

_CHECK = {ComponentType.ENTITY_CHECK}

SENSORS = (
    metric_sensor("affected", "affected_entities", _CHECK, **count()),
    metric_sensor("watched", "watched_entities", _CHECK, **count(), **DIAGNOSTIC),
)
