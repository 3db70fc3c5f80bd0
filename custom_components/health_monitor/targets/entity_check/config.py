"""What an entity check's stored settings say: its members and its rules.

Every setting is optional but the name; a rule is on once one of its levels
is set. The settings have passed the form's limits (see ``form.LIMITS`` and
``form.rules``) before they are read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ...engine.entity_rules import Direction, EntityRules, ValueLevels, age_levels
from ...engine.models import HealthStatus

CONF_ENTITIES = "entities"
CONF_DEVICES = "devices"
CONF_AREAS = "areas"
CONF_LABELS = "labels"
MEMBER_KEYS = (CONF_ENTITIES, CONF_DEVICES, CONF_AREAS, CONF_LABELS)

CONF_UNAVAILABLE_WARNING = "unavailable_warning_minutes"
CONF_UNAVAILABLE_CRITICAL = "unavailable_critical_minutes"
CONF_STALE_WARNING = "stale_warning_hours"
CONF_STALE_CRITICAL = "stale_critical_hours"
CONF_DIRECTION = "value_direction"
CONF_VALUE_WARNING = "value_warning"
CONF_VALUE_CRITICAL = "value_critical"
CONF_HYSTERESIS = "value_hysteresis"
CONF_BATTERY_WARNING = "battery_warning"
CONF_BATTERY_CRITICAL = "battery_critical"
CONF_TEMPLATE = "template"
CONF_TEMPLATE_STATUS = "template_status"

# Statuses a true template condition may give.
TEMPLATE_STATUSES = (
    HealthStatus.WARNING,
    HealthStatus.DEGRADED,
    HealthStatus.CRITICAL,
)


@dataclass(frozen=True, slots=True)
class Members:
    """What a check watches, as the user chose it (ids of each registry)."""

    entities: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Members:
        """Read the chosen members of ``config``."""
        return cls(*(tuple(config.get(key) or ()) for key in MEMBER_KEYS))

    def __bool__(self) -> bool:
        """Whether anything is chosen."""
        return bool(self.entities or self.devices or self.areas or self.labels)


def _minutes(config: Mapping[str, Any], key: str) -> timedelta | None:
    value = config.get(key)
    return None if value is None else timedelta(minutes=float(value))


def _hours(config: Mapping[str, Any], key: str) -> timedelta | None:
    value = config.get(key)
    return None if value is None else timedelta(hours=float(value))


def _levels(
    config: Mapping[str, Any],
    warning_key: str,
    critical_key: str,
    direction: Direction,
    hysteresis: float = 0.0,
) -> ValueLevels | None:
    warning, critical = config.get(warning_key), config.get(critical_key)
    if warning is None and critical is None:
        return None
    return ValueLevels(
        direction,
        None if warning is None else float(warning),
        None if critical is None else float(critical),
        hysteresis,
    )


def entity_rules(config: Mapping[str, Any]) -> EntityRules:
    """Return the rules of ``config``; raise InvalidThresholdsError for bad levels."""
    return EntityRules(
        unavailable=age_levels(
            _minutes(config, CONF_UNAVAILABLE_WARNING),
            _minutes(config, CONF_UNAVAILABLE_CRITICAL),
        ),
        stale=age_levels(
            _hours(config, CONF_STALE_WARNING), _hours(config, CONF_STALE_CRITICAL)
        ),
        value=_levels(
            config,
            CONF_VALUE_WARNING,
            CONF_VALUE_CRITICAL,
            Direction(config.get(CONF_DIRECTION, Direction.ABOVE)),
            float(config.get(CONF_HYSTERESIS) or 0.0),
        ),
        battery=_levels(
            config, CONF_BATTERY_WARNING, CONF_BATTERY_CRITICAL, Direction.BELOW
        ),
    )


def template_status(config: Mapping[str, Any]) -> HealthStatus:
    """Return the status a true template condition gives."""
    return HealthStatus(config.get(CONF_TEMPLATE_STATUS, HealthStatus.WARNING))
