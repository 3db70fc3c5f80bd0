"""Home Assistant's entities: how many are unavailable, and how many stale.

Counted: every entity with a state, except disabled and hidden ones and
those of the integrations the user excludes.

- Unavailable: the state is ``unavailable`` (the integration cannot reach
  its device) for at least the grace period. ``unknown`` is not counted:
  buttons, scenes and event entities are unknown until first used.
- Stale: a measurement sensor (a sensor with a state class) not reported
  (``last_reported``: every write, changed or not) for longer than the max
  age; an unavailable one counts as unavailable only.

The status is a warning while any entity counts: which entities matter is
the user's to say, in an entity check with its own levels. Everything is
driven by events: one state_changed and one state_reported listener, each
O(1) per event; the states are walked once, at start. A cycle only reads the
counts and the longest offenders (O(counted)).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from homeassistant.const import (
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
)
from homeassistant.core import (
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ..descriptions import count, metric_sensor
from ..engine.condition_age import AgeLevel, ConditionAges
from ..engine.entity_rules import describe_age, longest_first
from ..engine.models import CheckResult, ComponentType, HealthStatus
from ..engine.sanitize import sanitize_message
from ..settings import MonitorSettings
from ..targets.base import PushResult

# Offenders named in the attributes (and the first few in the message).
MAX_OFFENDERS = 20
MESSAGE_OFFENDERS = 5

_ENTITIES = {ComponentType.ENTITIES}
SENSORS = (
    metric_sensor("unavailable", "unavailable_entities", _ENTITIES, **count()),
    metric_sensor("stale", "stale_entities", _ENTITIES, **count()),
)


def is_measurement(state: State) -> bool:
    """Whether ``state`` is a sensor that is expected to report regularly."""
    return state.domain == "sensor" and "state_class" in state.attributes


class EntitiesCheck:
    """Counts unavailable and stale entities, following the state machine."""

    component_id = "entities"
    name = "Entities"
    component_type = ComponentType.ENTITIES

    def __init__(self, hass: HomeAssistant, settings: MonitorSettings) -> None:
        """Count with the grace, max age and exclusions of ``settings``."""
        self._hass = hass
        self._excluded = settings.entities_excluded
        self._unavailable = ConditionAges(
            [AgeLevel(settings.entities_grace, HealthStatus.WARNING)]
        )
        self._stale = ConditionAges(
            [AgeLevel(settings.entities_stale_after, HealthStatus.WARNING)]
        )
        self._registry: er.EntityRegistry | None = None
        self._unsubscribe: list[Callable[[], None]] = []

    async def async_start(self, push: PushResult) -> None:
        """Listen to the state machine and the entity registry; read the states once.

        Nothing is pushed: an entity counts only after its grace period, which
        the next cycle sees.
        """
        self._registry = er.async_get(self._hass)
        bus = self._hass.bus
        self._unsubscribe = [
            bus.async_listen(EVENT_STATE_CHANGED, self._async_state_changed),
            bus.async_listen(
                EVENT_STATE_REPORTED,
                self._async_state_reported,
                event_filter=self._is_stale_tracked,
            ),
            bus.async_listen(
                er.EVENT_ENTITY_REGISTRY_UPDATED,
                self._async_registry_updated,
                event_filter=_visibility_changed,
            ),
        ]
        for state in self._hass.states.async_all():
            self._observe(state.entity_id, state)

    async def async_close(self) -> None:
        """Stop listening."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    async def async_check(self) -> CheckResult:
        """Report the counts and the entities longest in their condition."""
        now = dt_util.utcnow()
        self._unavailable.advance(now)
        self._stale.advance(now)
        unavailable = self._unavailable.reached_count
        stale = self._stale.reached_count
        offenders = longest_first(
            chain(self._unavailable.reached(), self._stale.reached()), MAX_OFFENDERS
        )
        texts = [
            f"{entity_id} ({self._condition(entity_id)} for {describe_age(now - since)})"
            for entity_id, since in offenders[:MESSAGE_OFFENDERS]
        ]
        counted = f"{unavailable} unavailable, {stale} stale"
        message = f"{counted}: {', '.join(texts)}" if texts else counted
        return CheckResult(
            status=HealthStatus.WARNING if offenders else HealthStatus.HEALTHY,
            message=sanitize_message(message),
            metrics={"unavailable": unavailable, "stale": stale},
            affected=tuple(entity_id for entity_id, _ in offenders),
        )

    def _condition(self, entity_id: str) -> str:
        return "unavailable" if entity_id in self._unavailable else "not reported"

    def _counts(self, entity_id: str) -> bool:
        """Whether the entity may count: not disabled, hidden or excluded."""
        entry = None if self._registry is None else self._registry.async_get(entity_id)
        return entry is None or not (
            entry.disabled_by or entry.hidden_by or entry.platform in self._excluded
        )

    @callback
    def _observe(self, entity_id: str, state: State | None) -> None:
        if state is None or not self._counts(entity_id):
            self._unavailable.stop(entity_id)
            self._stale.stop(entity_id)
            return
        if state.state == STATE_UNAVAILABLE:
            if entity_id not in self._unavailable:
                self._unavailable.start(entity_id, state.last_changed)
            self._stale.stop(entity_id)
            return
        self._unavailable.stop(entity_id)
        if is_measurement(state):
            self._stale.start(entity_id, state.last_reported)
        else:
            self._stale.stop(entity_id)

    @callback
    def _async_state_changed(self, event: Event[EventStateChangedData]) -> None:
        self._observe(event.data["entity_id"], event.data["new_state"])

    @callback
    def _is_stale_tracked(self, event_data: EventStateReportedData) -> bool:
        return event_data["entity_id"] in self._stale

    @callback
    def _async_state_reported(self, event: Event[EventStateReportedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            self._stale.start(state.entity_id, state.last_reported)

    @callback
    def _async_registry_updated(
        self, event: Event[er.EventEntityRegistryUpdatedData]
    ) -> None:
        entity_id = event.data["entity_id"]
        self._observe(entity_id, self._hass.states.get(entity_id))


@callback
def _visibility_changed(event_data: er.EventEntityRegistryUpdatedData) -> bool:
    """Whether an entity was hidden, shown, disabled or enabled."""
    return event_data["action"] == "update" and not {
        "hidden_by",
        "disabled_by",
    }.isdisjoint(event_data["changes"])
