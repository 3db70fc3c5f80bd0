"""The fleet: this instance told to the others, the others watched as components.

Targets that take part (a fleet database, an MQTT broker publishing this
instance's state) get every cycle's heartbeat and the rows of the history;
what they hear of other instances comes back here, where each instance is
a component of this one (``instance_<id>``). The heartbeat this instance
gives is judged without the other instances, so two instances watching
each other never hold each other critical.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable, Mapping
import contextlib
from dataclasses import asdict, replace
from typing import Any, Protocol

from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import instance_id
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.loader import async_get_integration

from .const import DOMAIN
from .engine.fleet.instances import (
    FleetView,
    InstanceReport,
    InvalidReportError,
    report_from_values,
)
from .engine.fleet.outbox import Row
from .engine.fleet.rows import TimelineCursor, check_result_row, incident_row
from .engine.incidents.store import IncidentScope
from .engine.models import CheckResult, ComponentType, SystemHealth, utcnow
from .engine.score import health_score, overall_status
from .incidents import Incidents, signal_incidents_changed

INSTANCE_PREFIX = "instance_"
# Longest an instance check waits for this cycle's fleet database read.
SOURCES_WAIT_S = 8.0

type PushResult = Callable[[Any, CheckResult], None]
type UseChecks = Callable[[list[InstanceCheck], list[str]], Coroutine[Any, Any, None]]


class FleetMember(Protocol):
    """A target that takes part in the fleet (see ``TargetCheck``)."""

    def attach_fleet(self, fleet: Fleet | None) -> None:
        """Take (or, with None, leave) the fleet."""

    def on_fleet_cycle(self, report: InstanceReport, rows: list[Row]) -> None:
        """Take this instance's heartbeat and the history rows of a cycle."""

    def on_fleet_rows(self, rows: list[Row]) -> None:
        """Take history rows made between cycles (incidents)."""


def instance_component_id(instance: str) -> str:
    """Return the component id of another instance."""
    return f"{INSTANCE_PREFIX}{instance}"


class InstanceCheck:
    """Another instance as a component: judged from what was last heard of it."""

    component_type = ComponentType.INSTANCE

    def __init__(self, fleet: Fleet, instance: str, name: str) -> None:
        """Watch ``instance``, shown as ``name``."""
        self._fleet = fleet
        self.instance = instance
        self.component_id = instance_component_id(instance)
        self.name = name

    async def async_check(self) -> CheckResult:
        """Judge the newest report, once this cycle's fleet database read is done."""
        await self._fleet.async_wait_for_sources()
        return self._fleet.view.judge(self.instance, utcnow())


class Fleet:
    """What this instance tells the fleet and what it knows of the others."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        interval_s: float,
        name: str | None,
        check_timeout: float,
        *,
        push: PushResult,
        use_checks: UseChecks,
        health: Callable[[], SystemHealth | None],
    ) -> None:
        """Prepare; ``async_start`` reads this instance's id."""
        self.hass = hass
        self._entry_id = entry_id
        self._interval_s = interval_s
        self._name = name
        self._push = push
        self._use_checks = use_checks
        self._health = health
        self.instance_id = ""
        # This integration's version (the manifest's), read at the start.
        self._version = "?"
        self.view = FleetView("")
        self.checks: dict[str, InstanceCheck] = {}
        self._members: list[FleetMember] = []
        self._report: InstanceReport | None = None
        self._incidents: Incidents | None = None
        self._cursor = TimelineCursor()
        self._exported: dict[str, Any] = {}
        self._unsubscribe: Callable[[], None] | None = None
        # Set once this cycle's fleet databases were read (or failed to be).
        self._sources_read = asyncio.Event()
        self._sources_read.set()
        self._wait_s = min(SOURCES_WAIT_S, check_timeout / 2)

    @property
    def name(self) -> str:
        """Return this instance's name: the option, else HA's location name."""
        return self._name or self.hass.config.location_name or "Home Assistant"

    async def async_start(self, incidents: Incidents) -> None:
        """Learn this instance's id and follow the incidents."""
        self.instance_id = await instance_id.async_get(self.hass)
        self._version = str((await async_get_integration(self.hass, DOMAIN)).version)
        self.view.own_id = self.instance_id
        self._incidents = incidents
        for incident in incidents.list_incidents():
            if incident.timeline:
                self._cursor.start_after(incident.id, incident.timeline[-1].time)
            self._exported[incident.id] = incident.updated_at
        self._unsubscribe = async_dispatcher_connect(
            self.hass, signal_incidents_changed(self._entry_id), self._incidents_changed
        )

    @callback
    def async_stop(self) -> None:
        """Stop following the incidents."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def use_members(self, targets: Iterable[Any]) -> None:
        """Attach the targets that take part; what removed ones said is forgotten."""
        members = [t for t in targets if getattr(t, "fleet_member", False)]
        sources = {getattr(t, "component_id", "") for t in members}
        for member in members:
            member.attach_fleet(self)
        self._members = members
        gone: list[str] = []
        for instance in self.view.instance_ids():
            for source in list(self.view.sources(instance)):
                if source.split(":", 1)[-1] not in sources:
                    self.view.forget(instance, source)
            if not self.view.sources(instance):
                gone.append(instance)
        self._leave(gone)

    # A cycle: the fleet databases are read before the instances are judged

    def start_cycle(self) -> None:
        """Have this cycle's instance checks wait for the fleet databases' read."""
        if any(getattr(m, "reads_fleet", False) for m in self._members):
            self._sources_read = asyncio.Event()

    def sources_read(self) -> None:
        """Tell the waiting instance checks that the fleet databases were read."""
        self._sources_read.set()

    async def async_wait_for_sources(self) -> None:
        """Wait (bounded) until this cycle's fleet databases were read."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._wait_s):
                await self._sources_read.wait()

    # What this instance says

    def own_report(self) -> InstanceReport | None:
        """Return this instance's latest heartbeat (None before the first cycle)."""
        return self._report

    @callback
    def record_cycle(self, health: SystemHealth) -> None:
        """Make the heartbeat and history rows of a cycle and hand them to the members."""
        own = [
            component
            for component in health.components.values()
            if component.component_type is not ComponentType.INSTANCE
        ]
        open_incidents = len(self._incidents.list_incidents()) if self._incidents else 0
        self._report = InstanceReport(
            instance_id=self.instance_id,
            name=self.name,
            status=overall_status(own),
            score=round(health_score(own), 1),
            open_incidents=open_incidents,
            components=len(own),
            interval_s=self._interval_s,
            version=self._version,
            ha_version=HA_VERSION,
            at=utcnow(),
            source="self",
        )
        if not self._members:
            return
        rows = [
            check_result_row(self.instance_id, component, health.cycle_started)
            for component in own
        ]
        for member in self._members:
            member.on_fleet_cycle(self._report, rows)

    @callback
    def _incidents_changed(self) -> None:
        """Queue the rows of the incidents changed since the last call."""
        if not self._members or self._incidents is None:
            return
        rows: list[Row] = []
        for incident in self._incidents.list_incidents(IncidentScope.ALL):
            timeline = self._cursor.new_rows(self.instance_id, incident)
            if not timeline and self._exported.get(incident.id) == incident.updated_at:
                continue
            self._exported[incident.id] = incident.updated_at
            rows.append(incident_row(self.instance_id, incident))
            rows.extend(timeline)
        if rows:
            for member in self._members:
                member.on_fleet_rows(rows)

    # What the others say

    @callback
    def observe(self, reports: Iterable[InstanceReport], source: str) -> None:
        """Take what ``source`` says of other instances now (all it knows)."""
        seen: set[str] = set()
        for report in reports:
            if report.instance_id == self.instance_id:
                continue
            seen.add(report.instance_id)
            self._take(replace(report, source=source))
        self._leave(
            [
                instance
                for instance in self.view.instance_ids()
                if instance not in seen
                and source in self.view.sources(instance)
                and self.view.forget(instance, source)
            ]
        )

    @callback
    def observe_one(self, report: InstanceReport, source: str) -> None:
        """Take one instance's report as it arrives (an MQTT state message)."""
        if report.instance_id != self.instance_id:
            self._take(replace(report, source=source))

    @callback
    def went_offline(self, instance: str, source: str) -> None:
        """Note an instance's last will: it is critical at once."""
        if self.view.went_offline(instance, source, utcnow()):
            self._push_if_changed(instance)

    @callback
    def forget_one(self, instance: str, source: str) -> None:
        """Drop what ``source`` said of an instance that left (its MQTT state cleared)."""
        if self.view.forget(instance, source):
            self._leave([instance])
        else:
            self._push_if_changed(instance)

    @callback
    def _take(self, report: InstanceReport) -> None:
        if self.view.observe(report):
            check = InstanceCheck(self, report.instance_id, report.name)
            self.checks[report.instance_id] = check
            self.hass.async_create_task(self._use_checks([check], []))
            return
        known = self.checks.get(report.instance_id)
        if known is None:
            # One more than the fleet's bound (see MAX_INSTANCES): not watched.
            return
        known.name = report.name
        self._push_if_changed(report.instance_id)

    @callback
    def _push_if_changed(self, instance: str) -> None:
        """Publish an instance's new status now, not at the next cycle."""
        check = self.checks.get(instance)
        if check is None:
            return
        result = self.view.judge(instance, utcnow())
        health = self._health()
        shown = None if health is None else health.components.get(check.component_id)
        if shown is None or result.status != shown.status:
            self._push(check, result)

    def _leave(self, instances: list[str]) -> None:
        """Stop watching instances no source knows any more; their components go."""
        if not instances:
            return
        for instance in instances:
            self.checks.pop(instance, None)
        self.hass.async_create_task(self._use_checks([], instances))

    # Kept across restarts, with the histories

    def export(self) -> dict[str, Any]:
        """Return what is known of the other instances, JSON-ready."""
        return {
            instance: [
                {
                    **asdict(report),
                    "status": str(report.status),
                    "at": report.at.isoformat(),
                }
                for report in self.view.reports(instance)
            ]
            for instance in self.view.instance_ids()
        }

    def restore(self, data: Any) -> bool:
        """Take back :meth:`export` output; return whether all of it was readable."""
        if not isinstance(data, Mapping):
            return data is None
        complete = True
        for reports in data.values():
            for values in reports if isinstance(reports, list) else [None]:
                report = _stored_report(values)
                if report is None:
                    complete = False
                elif self.view.observe(report):
                    self.checks[report.instance_id] = InstanceCheck(
                        self, report.instance_id, report.name
                    )
        return complete


def _stored_report(values: Any) -> InstanceReport | None:
    """Return a report of :meth:`Fleet.export` output, None if unreadable."""
    if not isinstance(values, Mapping):
        return None
    try:
        report = report_from_values(
            {**values, "id": values.get("instance_id")},
            str(values.get("source", ""))[:80],
        )
    except InvalidReportError:
        return None
    return replace(report, online=values.get("online") is not False)
