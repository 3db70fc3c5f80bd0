"""Rules about Home Assistant entities, and the watch of one entity check.

Rules of an entity check (each optional, each with a warning and/or a
critical level):

- Unavailable: the entity's state is ``unavailable`` or ``unknown`` (or it
  has no state) for at least the level's duration. The clock starts when it
  became so; any other state stops it.
- Stale: the entity has not been reported (``last_reported``: every write,
  changed or not) for at least the level's age.
- Value: its state as a number reaches a level, upwards (``above``: at or
  above the level) or downwards (``below``: at or below). A level reached
  holds until the value is back beyond it by the hysteresis: above, it
  clears below ``level - hysteresis``; below, above ``level + hysteresis``.
  A state that is not a number has no value finding.
- Battery: the battery level (the state of a battery sensor, else its
  ``battery_level`` attribute) at or below a level; no hysteresis.
- Condition: a template rendered true is a problem of the whole check (at
  the status the user chose); the HA layer renders it.

An entity's status is the worst of its findings; the check's is the worst
over its entities and the condition. The result names the affected
entities, worst first, in its message and ``affected`` (bounded).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
import heapq
import math

from .classification import InvalidThresholdsError, worst_status
from .condition_age import AgeLevel, ConditionAges
from .models import MAX_AFFECTED, CheckResult, HealthStatus, MetricValue
from .sanitize import sanitize_message

# States of an entity that cannot say anything about its thing.
UNAVAILABLE_STATES = frozenset({"unavailable", "unknown"})
# Entities named in a message; the rest are counted.
MESSAGE_ENTITIES = 5


class Direction(StrEnum):
    """Which way a value goes wrong."""

    ABOVE = "above"
    BELOW = "below"


def number(value: object) -> float | None:
    """Return ``value`` as a finite number, or None (text, NaN, missing)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


@dataclass(frozen=True, slots=True)
class ValueLevels:
    """Warning and critical levels of a value, reached in ``direction``.

    At least one level; with both, the critical one lies beyond the warning
    one (above: higher, below: lower). ``hysteresis`` is how far back a
    value must go before a level it reached clears (see the module doc).
    """

    direction: Direction
    warning: float | None = None
    critical: float | None = None
    hysteresis: float = 0.0

    def __post_init__(self) -> None:
        """Refuse levels in the wrong order, no level at all, or a negative hysteresis."""
        if self.warning is None and self.critical is None:
            raise InvalidThresholdsError("a warning or a critical level is needed")
        if not self.hysteresis >= 0:
            raise InvalidThresholdsError("the hysteresis must not be negative")
        if (
            self.warning is not None
            and self.critical is not None
            and not self._beyond(self.critical, self.warning)
        ):
            raise InvalidThresholdsError(
                f"critical ({self.critical}) must be {self.direction} "
                f"warning ({self.warning})"
            )

    def _beyond(self, value: float, level: float) -> bool:
        if self.direction is Direction.ABOVE:
            return value > level
        return value < level

    def _reaches(self, value: float, level: float) -> bool:
        return value == level or self._beyond(value, level)

    def _holds(self, value: float, level: float) -> bool:
        back = (
            self.hysteresis if self.direction is Direction.ABOVE else -self.hysteresis
        )
        return self._reaches(value, level - back)

    def classify(
        self, value: float, current: HealthStatus = HealthStatus.HEALTHY
    ) -> HealthStatus:
        """Return the status of ``value`` given the level reached before (``current``)."""
        for status, level in (
            (HealthStatus.CRITICAL, self.critical),
            (HealthStatus.WARNING, self.warning),
        ):
            if level is None:
                continue
            if self._reaches(value, level) or (
                current.rank >= status.rank and self._holds(value, level)
            ):
                return status
        return HealthStatus.HEALTHY


def age_levels(
    warning: timedelta | None, critical: timedelta | None
) -> tuple[AgeLevel, ...]:
    """Return the levels of a duration rule; critical must not come before warning."""
    if warning is not None and critical is not None and critical <= warning:
        raise InvalidThresholdsError("the critical duration must be longer")
    levels = []
    if warning is not None:
        levels.append(AgeLevel(warning, HealthStatus.WARNING))
    if critical is not None:
        levels.append(AgeLevel(critical, HealthStatus.CRITICAL))
    return tuple(levels)


@dataclass(frozen=True, slots=True)
class EntityRules:
    """The rules of one entity check (an empty rule is off)."""

    unavailable: tuple[AgeLevel, ...] = ()
    stale: tuple[AgeLevel, ...] = ()
    value: ValueLevels | None = None
    battery: ValueLevels | None = None


@dataclass(frozen=True, slots=True)
class EntityObservation:
    """What an entity's state says, as far as the rules need it.

    ``state`` is None when the entity has no state (not set up, removed).
    ``changed``: when the state last changed; ``reported``: when it was
    last written. ``battery``: its battery level, if it reports one.
    """

    entity_id: str
    state: str | None
    changed: datetime
    reported: datetime
    battery: float | None = None

    @property
    def available(self) -> bool:
        """Whether the state is something other than unavailable or unknown."""
        return self.state is not None and self.state not in UNAVAILABLE_STATES

    @property
    def value(self) -> float | None:
        """Return the state as a finite number, if it is one."""
        return number(self.state) if self.available else None


@dataclass(slots=True)
class _Finding:
    status: HealthStatus
    value: float


@dataclass(slots=True)
class EntityWatch:
    """The entities of one check against its rules.

    :meth:`observe` costs O(1) per state; :meth:`advance` O(1) per entity
    that reaches a level; :meth:`result` O(affected).
    """

    rules: EntityRules
    _unavailable: ConditionAges = field(init=False)
    _stale: ConditionAges = field(init=False)
    _values: dict[str, _Finding] = field(init=False, default_factory=dict)
    _batteries: dict[str, _Finding] = field(init=False, default_factory=dict)
    _watched: set[str] = field(init=False, default_factory=set)
    # The check-wide condition (a template): its status and words.
    condition: tuple[HealthStatus, str] | None = None

    def __post_init__(self) -> None:
        """Start with no entity."""
        self._unavailable = ConditionAges(self.rules.unavailable)
        self._stale = ConditionAges(self.rules.stale)

    @property
    def watched(self) -> int:
        """Return how many entities are watched."""
        return len(self._watched)

    def status_of(self, entity_id: str) -> HealthStatus:
        """Return the worst finding of one entity (healthy: none)."""
        return worst_status(
            status
            for status in (
                self._unavailable.status(entity_id),
                self._stale.status(entity_id),
                _status(self._values.get(entity_id)),
                _status(self._batteries.get(entity_id)),
            )
            if status is not None
        )

    def observe(self, observation: EntityObservation) -> bool:
        """Take an entity's state into account; return whether its status changed."""
        entity_id = observation.entity_id
        before = self.status_of(entity_id)
        self._watched.add(entity_id)
        if self._unavailable:
            if observation.available:
                self._unavailable.stop(entity_id)
            elif entity_id not in self._unavailable:
                self._unavailable.start(entity_id, observation.changed)
        if self._stale and self._stale.since(entity_id) != observation.reported:
            self._stale.start(entity_id, observation.reported)
        _judge(self._values, self.rules.value, entity_id, observation.value)
        _judge(self._batteries, self.rules.battery, entity_id, observation.battery)
        return self.status_of(entity_id) is not before

    def remove(self, entity_id: str) -> bool:
        """Stop watching an entity; return whether it was affected."""
        if entity_id not in self._watched:
            return False
        affected = self.status_of(entity_id) is not HealthStatus.HEALTHY
        self._watched.discard(entity_id)
        self._unavailable.stop(entity_id)
        self._stale.stop(entity_id)
        self._values.pop(entity_id, None)
        self._batteries.pop(entity_id, None)
        return affected

    def advance(self, now: datetime) -> bool:
        """Let the duration rules reach their levels; return whether any did."""
        unavailable = self._unavailable.advance(now)
        stale = self._stale.advance(now)
        return bool(unavailable or stale)

    def next_due(self) -> datetime | None:
        """Return when a duration rule next reaches a level."""
        return min(
            (
                due
                for due in (self._unavailable.next_due(), self._stale.next_due())
                if due is not None
            ),
            default=None,
        )

    def affected(self, now: datetime) -> list[tuple[str, HealthStatus, str]]:
        """Return each affected entity with its status and findings, worst first."""
        ids = {
            *(key for key, _, _ in self._unavailable.reached()),
            *(key for key, _, _ in self._stale.reached()),
            *self._values,
            *self._batteries,
        }
        found = [(entity_id, self.status_of(entity_id)) for entity_id in ids]
        found.sort(key=lambda item: (-item[1].rank, item[0]))
        return [
            (entity_id, status, self._describe(entity_id, now))
            for entity_id, status in found
        ]

    def _describe(self, entity_id: str, now: datetime) -> str:
        texts: list[str] = []
        if (since := self._unavailable.since(entity_id)) is not None and (
            self._unavailable.status(entity_id) is not None
        ):
            texts.append(f"unavailable for {describe_age(now - since)}")
        if (since := self._stale.since(entity_id)) is not None and (
            self._stale.status(entity_id) is not None
        ):
            texts.append(f"not reported for {describe_age(now - since)}")
        if (finding := self._values.get(entity_id)) is not None:
            texts.append(f"value {finding.value:g}")
        if (finding := self._batteries.get(entity_id)) is not None:
            texts.append(f"battery {finding.value:g} %")
        return ", ".join(texts)

    def result(self, now: datetime) -> CheckResult:
        """Summarize the check: worst status, affected entities, counts."""
        affected = self.affected(now)
        statuses = [status for _, status, _ in affected]
        texts = [f"{entity_id} ({words})" for entity_id, _, words in affected]
        if self.condition is not None:
            statuses.append(self.condition[0])
        status = worst_status(statuses)
        metrics: dict[str, MetricValue] = {
            "affected": len(affected),
            "watched": len(self._watched),
        }
        return CheckResult(
            status=status,
            message=sanitize_message(self._message(texts)),
            metrics=metrics,
            affected=tuple(entity_id for entity_id, _, _ in affected[:MAX_AFFECTED]),
        )

    def _message(self, texts: list[str]) -> str:
        watched = len(self._watched)
        parts: list[str] = []
        if self.condition is not None:
            parts.append(self.condition[1])
        if texts:
            shown = ", ".join(texts[:MESSAGE_ENTITIES])
            more = len(texts) - MESSAGE_ENTITIES
            parts.append(
                f"{len(texts)} of {watched} entities affected: {shown}"
                + (f" and {more} more" if more > 0 else "")
            )
        if parts:
            return "; ".join(parts)
        if not watched:
            return "No entity matches the check"
        return f"All {watched} entities pass"


def _status(finding: _Finding | None) -> HealthStatus | None:
    return None if finding is None else finding.status


def _judge(
    findings: dict[str, _Finding],
    levels: ValueLevels | None,
    entity_id: str,
    value: float | None,
) -> None:
    """Record the status of ``value`` against ``levels``; keep only problems."""
    if levels is None:
        return
    if value is None:
        findings.pop(entity_id, None)
        return
    current = _status(findings.get(entity_id)) or HealthStatus.HEALTHY
    status = levels.classify(value, current)
    if status is HealthStatus.HEALTHY:
        findings.pop(entity_id, None)
    else:
        findings[entity_id] = _Finding(status, value)


def describe_age(delta: timedelta) -> str:
    """Say how long ``delta`` is: minutes below two hours, else hours."""
    minutes = max(delta.total_seconds(), 0.0) / 60
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def longest_first(
    entries: Iterable[tuple[str, HealthStatus, datetime]], limit: int
) -> list[tuple[str, datetime]]:
    """Return at most ``limit`` keys with the oldest clocks first (O(n log limit))."""
    oldest = heapq.nsmallest(limit, entries, key=lambda entry: entry[2])
    return [(key, since) for key, _, since in oldest]
