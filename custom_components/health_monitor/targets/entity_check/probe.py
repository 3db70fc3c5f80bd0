"""Entity checks: Home Assistant entities watched against a check's rules.

Nothing is polled and no state is walked per cycle. The members are
resolved through the registries at start and again when a registry change
can move an entity in or out (coalesced to one resolve per loop turn); their
state changes (and, for the stale rule, their state reports) arrive through
HA's per-entity trackers, each costing the engine O(1). A change of an
entity's outcome is pushed at once (one result per loop turn, from a task), a duration
rule reaching its level by a timer at its due time; a cycle's check only
summarizes what is tracked (O(affected)).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import TemplateError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.event import (
    TrackTemplate,
    TrackTemplateResult,
    TrackTemplateResultInfo,
    async_track_point_in_utc_time,
    async_track_state_change_event,
    async_track_state_report_event,
    async_track_template_result,
)
from homeassistant.helpers.template import Template, result_as_boolean
from homeassistant.util import dt as dt_util

from ...engine.entity_rules import EntityObservation, EntityWatch
from ...engine.models import CheckResult, ComponentType, HealthStatus
from ...engine.sanitize import sanitize_message
from ..base import PushResult, TargetCheck
from .config import CONF_TEMPLATE, Members, entity_rules, template_status
from .members import (
    device_change_matters,
    entity_change_matters,
    may_be_member,
    member_entity_ids,
)
from .observation import observation


class OncePerTurn:
    """Runs a job once, soon, however often it is asked for until then.

    A burst (a label given to fifty entities, fifty states changing at once)
    costs one run. The run is a task, not a bare callback, so that waiting
    for Home Assistant to settle waits for it too.
    """

    def __init__(self, hass: HomeAssistant, job: Callable[[], None], name: str) -> None:
        """Run ``job`` (named after ``name`` in the task list) when asked."""
        self._hass = hass
        self._job = job
        self._name = f"health_monitor entity check {name}"
        self._pending = False

    @callback
    def __call__(self) -> None:
        """Ask for a run (nothing more if one is pending)."""
        if not self._pending:
            self._pending = True
            self._hass.async_create_task(self._async_run(), self._name)

    async def _async_run(self) -> None:
        self._pending = False
        self._job()


class EntityCheck(TargetCheck):
    """Watches the entities of a label, area, device or list against rules."""

    component_type = ComponentType.ENTITY_CHECK

    def _setup(self) -> None:
        """Read the members and rules (bad levels raise ValueError)."""
        self._members = Members.of(self.config)
        self._watch = EntityWatch(entity_rules(self.config))
        self._template_text: str | None = self.config.get(CONF_TEMPLATE)
        self._template_status = template_status(self.config)
        self.member_ids: frozenset[str] = frozenset()
        self._push: PushResult | None = None
        self._listeners: list[CALLBACK_TYPE] = []
        self._unsubscribe_states: list[CALLBACK_TYPE] = []
        self._template_info: TrackTemplateResultInfo | None = None
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._timer_due: datetime | None = None
        self._flush_soon = OncePerTurn(self.hass, self._flush, self.name)
        self._resolve_soon = OncePerTurn(self.hass, self._resolve, self.name)
        self._resolved = False

    async def async_start(self, push: PushResult) -> None:
        """Resolve the members, follow their states and the registries."""
        self._push = push
        bus = self.hass.bus
        self._listeners = [
            bus.async_listen(
                er.EVENT_ENTITY_REGISTRY_UPDATED,
                self._async_registry_changed,
                event_filter=entity_change_matters,
            ),
            bus.async_listen(
                dr.EVENT_DEVICE_REGISTRY_UPDATED,
                self._async_registry_changed,
                event_filter=device_change_matters,
            ),
            bus.async_listen(
                ar.EVENT_AREA_REGISTRY_UPDATED, self._async_registry_changed
            ),
        ]
        self._resolve()
        if self._template_text:
            self._template_info = async_track_template_result(
                self.hass,
                [TrackTemplate(Template(self._template_text, self.hass), None)],
                self._async_template_result,
            )
            self._template_info.async_refresh()

    async def async_check_or_raise(self) -> CheckResult:
        """Summarize what is tracked (the members' states come by themselves)."""
        now = dt_util.utcnow()
        self._watch.advance(now)
        self._schedule_timer()
        return self._watch.result(now)

    async def async_close(self) -> None:
        """Stop following states, registries, the template and the timer."""
        self._push = None
        for unsubscribe in (*self._listeners, *self._unsubscribe_states):
            unsubscribe()
        self._listeners = []
        self._unsubscribe_states = []
        if self._template_info is not None:
            self._template_info.async_remove()
            self._template_info = None
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = self._timer_due = None

    # Members

    @callback
    def _async_registry_changed(self, event: Event[Any]) -> None:
        """Resolve the members again, once for a burst of registry changes.

        An entity registered or removed concerns this check only if it could
        be a member or was one: entities added elsewhere (hundreds at a start)
        resolve nothing.
        """
        if self._push is None:
            return
        if event.event_type == er.EVENT_ENTITY_REGISTRY_UPDATED:
            action, entity_id = event.data["action"], event.data["entity_id"]
            if action == "remove" and entity_id not in self.member_ids:
                return
            if action == "create" and not may_be_member(
                self.hass, self._members, entity_id
            ):
                return
        self._resolve_soon()

    @callback
    def _resolve(self) -> None:
        if self._push is None:
            return
        members = frozenset(member_entity_ids(self.hass, self._members))
        if members == self.member_ids and self._resolved:
            return
        self._resolved = True
        for entity_id in self.member_ids - members:
            self._watch.remove(entity_id)
        joined = members - self.member_ids
        self.member_ids = members
        for unsubscribe in self._unsubscribe_states:
            unsubscribe()
        self._unsubscribe_states = []
        if members:
            self._unsubscribe_states.append(
                async_track_state_change_event(
                    self.hass, members, self._async_state_changed
                )
            )
            if self._watch.rules.stale:
                self._unsubscribe_states.append(
                    async_track_state_report_event(
                        self.hass, members, self._async_state_reported
                    )
                )
        now = dt_util.utcnow()
        for entity_id in joined:
            self._watch.observe(
                observation(entity_id, self.hass.states.get(entity_id), now)
            )
        self._watch.advance(now)
        # The count of watched entities changed either way.
        self._changed()

    # States

    @callback
    def _async_state_changed(self, event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        state = event.data["new_state"]
        if state is None:
            # Removed: it leaves the check (it joins again if it comes back).
            self._watch.remove(entity_id)
            self._changed()
        else:
            self._observe(observation(entity_id, state, state.last_changed))

    @callback
    def _async_state_reported(self, event: Event[EventStateReportedData]) -> None:
        state = event.data["new_state"]
        if state is not None:
            self._observe(
                observation(event.data["entity_id"], state, state.last_reported)
            )

    @callback
    def _observe(self, seen: EntityObservation) -> None:
        """Judge one entity's state; a level due at once (0 min) is reached now."""
        changed = self._watch.observe(seen)
        if self._watch.advance(dt_util.utcnow()) or changed:
            self._changed()

    @callback
    def _async_template_result(
        self,
        event: Event[EventStateChangedData] | None,
        updates: list[TrackTemplateResult],
    ) -> None:
        result = updates[-1].result
        condition: tuple[HealthStatus, str] | None = None
        if isinstance(result, TemplateError):
            condition = (
                HealthStatus.UNKNOWN,
                sanitize_message(f"Template condition failed: {result}"),
            )
        elif result_as_boolean(result):
            condition = (self._template_status, "Template condition is true")
        if condition != self._watch.condition:
            self._watch.condition = condition
            self._changed()

    # Results

    @callback
    def _changed(self) -> None:
        """Push the new result once this loop turn's changes are in."""
        self._schedule_timer()
        if self._push is not None:
            self._flush_soon()

    @callback
    def _flush(self) -> None:
        if self._push is not None:
            self._push(self._watch.result(dt_util.utcnow()))

    @callback
    def _schedule_timer(self) -> None:
        """Wake up when the next duration rule reaches its level."""
        due = self._watch.next_due()
        if due == self._timer_due or self._push is None:
            return
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        self._timer_due = due
        if due is not None:
            self._cancel_timer = async_track_point_in_utc_time(
                self.hass, self._async_due, due
            )

    @callback
    def _async_due(self, now: datetime) -> None:
        self._cancel_timer = self._timer_due = None
        if self._watch.advance(max(now, dt_util.utcnow())):
            self._changed()
        else:
            self._schedule_timer()
