"""A Home Assistant with Health Monitor watching real targets, as the fault suite drives it.

Everything is read through what a user has: the status sensors, the
``get_incidents`` action, and the stored files (``hass_storage``) that a
power cut would leave behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.engine.incidents.timeline import (
    DEFAULT_TIMELINE_LIMIT,
)
from custom_components.health_monitor.engine.recovery import default_recovery_actions
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, State
import homeassistant.util.dt as dt_util
from tests.entries import health_monitor_entry
from tests.targets.target_entities import status as status_state

from .figures import FIGURES

# Levels no loopback answer reaches on a busy 2-core machine.
LEVELS = {"latency_warning_ms": 5000, "latency_critical_ms": 10000}
BYSTANDER = "bystander"
# Cycles are run by the tests; the coordinator's own timer must not add any.
UPDATE_INTERVAL = 3600
CHECK_TIMEOUT = 2
# How long something the integration does by itself may take here.
WAIT = 30.0
INCIDENT_STATUSES = frozenset(
    {"new", "acknowledged", "investigating", "in_progress", "resolved", "closed"}
)
TIMELINE_LIMIT = DEFAULT_TIMELINE_LIMIT
OPEN_STATUSES = frozenset({"new", "acknowledged", "investigating", "in_progress"})
# Timeline events that change the incident's status, and the status they lead to.
STATUS_EVENTS = {
    "acknowledged": "acknowledged",
    "status_changed": None,
    "resolved": "resolved",
    "closed": "closed",
    "reopened": "new",
}


@dataclass(frozen=True)
class Target:
    """A target as stored in a config subentry."""

    sid: str
    kind: str
    data: Mapping[str, Any]
    title: str = ""

    def subentry(self) -> dict[str, Any]:
        """Return the subentry data of a MockConfigEntry."""
        return {
            "data": {**LEVELS, **self.data},
            "subentry_id": self.sid,
            "subentry_type": self.kind,
            "title": self.title or self.sid,
            "unique_id": f"{self.kind}:{self.sid}",
        }


def network(sid: str, host: str, port: int | None = None) -> Target:
    """Return a network target."""
    data: dict[str, Any] = {"host": host}
    if port is not None:
        data["port"] = port
    return Target(sid, "network", data)


def endpoint(sid: str, url: str, **extra: Any) -> Target:
    """Return an HTTP endpoint target expecting 200 within one second."""
    return Target(
        sid,
        "http_endpoint",
        {
            "url": url,
            "method": "GET",
            "expected_status": "200",
            "timeout": 1.0,
            "verify_ssl": True,
            **extra,
        },
    )


@dataclass
class Installation:
    """One loaded Health Monitor entry and what it stored."""

    hass: HomeAssistant
    entry: MockConfigEntry
    storage: dict[str, Any]
    pushed: list[str] = field(default_factory=list)

    async def cycle(self, bound: float | None = None) -> None:
        """Run one monitoring cycle (the run_checks action), then its recoveries.

        With ``bound``, the cycle itself (not the recovery actions it starts
        in the background) must end within that many seconds.
        """
        try:
            async with asyncio.timeout(bound):
                await self.hass.services.async_call(
                    DOMAIN, "run_checks", {}, blocking=True
                )
        except TimeoutError:
            raise AssertionError(f"a cycle took longer than {bound:g} s") from None
        await self.hass.async_block_till_done()
        await self.recoveries_done()

    async def recoveries_done(self) -> None:
        """Wait for the recovery actions and notifications a cycle started.

        A broker target's connection task lives as long as the entry, so not
        every background task can be waited for.
        """
        tasks = [
            task
            for task in self.entry._background_tasks  # noqa: SLF001 - no public view
            if any(word in task.get_name() for word in ("recovery", "notify"))
        ]
        if tasks:
            await asyncio.wait(tasks, timeout=WAIT)
        await self.hass.async_block_till_done()

    def status(self, sid: str) -> State:
        """Return the status sensor of a component."""
        return status_state(self.hass, self.entry, sid)

    async def wait_for_status(self, sid: str, status: str, timeout: float) -> None:
        """Wait for a status the integration reaches without a cycle."""
        async with asyncio.timeout(timeout):
            while self.status(sid).state != status:
                await asyncio.sleep(0.05)
        await self.hass.async_block_till_done()

    async def incidents(self, sid: str | None = None) -> list[dict[str, Any]]:
        """Return every incident (of one component) as get_incidents reports it."""
        response = await self.hass.services.async_call(
            DOMAIN,
            "get_incidents",
            {"status": "all"},
            blocking=True,
            return_response=True,
        )
        assert response is not None
        incidents = [dict(incident) for incident in response["incidents"]]  # type: ignore[union-attr]
        return [i for i in incidents if sid is None or i["component_id"] == sid]

    async def saved_within_a_second(self) -> None:
        """Assert a power cut one second from now would lose no incident change.

        No shutdown handler runs: only what reached the stored file counts.
        """
        async_fire_time_changed(self.hass, dt_util.utcnow() + timedelta(seconds=1))
        await self.hass.async_block_till_done()
        memory = {incident["id"]: incident for incident in await self.incidents()}
        stored = {
            incident["id"]: incident for incident in stored_incidents(self.storage)
        }
        lost = 0
        for incident_id, incident in memory.items():
            kept = {
                (line["time"], line["event"])
                for line in stored.get(incident_id, {}).get("timeline", [])
            }
            lost += sum(
                (line["time"], line["event"]) not in kept
                for line in incident["timeline"]
            )
        FIGURES.saved(lost)
        assert lost == 0, f"{lost} incident changes not on disk a second later"
        for incident_id, incident in memory.items():
            assert stored[incident_id]["status"] == incident["status"]

    async def unload(self) -> None:
        """Unload the entry (closes target connections)."""
        if self.entry.state is ConfigEntryState.LOADED:
            assert await self.hass.config_entries.async_unload(self.entry.entry_id)
        await self.hass.async_block_till_done()


async def watch(
    hass: HomeAssistant,
    storage: dict[str, Any],
    targets: list[Target],
    **options: Any,
) -> Installation:
    """Set up Health Monitor watching ``targets`` with short timeouts."""
    entry = health_monitor_entry(
        title="Health Monitor",
        options={
            "checks": [],
            "disk_paths": [hass.config.config_dir],
            "update_interval": UPDATE_INTERVAL,
            "check_timeout": CHECK_TIMEOUT,
            **options,
        },
        subentries_data=[target.subentry() for target in targets],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    return Installation(hass, entry, storage)


def stored_incidents(storage: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return every incident found in Health Monitor's stored files."""
    found: list[dict[str, Any]] = []
    for key, value in storage.items():
        if key.startswith(DOMAIN):
            found.extend(_incidents_in(value))
    return found


def _incidents_in(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if str(value.get("id", "")).startswith("INC-") and "timeline" in value:
            yield value
            return
        for item in value.values():
            yield from _incidents_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _incidents_in(item)


def assert_recovery_within_policy(incident: Mapping[str, Any]) -> None:
    """No action beyond its max attempts; attempts at least a cooldown apart."""
    policy = {action.key: action for action in default_recovery_actions()}
    for key, record in incident["recovery"].items():
        action = policy[key]
        assert record["count"] <= action.max_attempts, (key, record["count"])
        times = [datetime.fromisoformat(r["time"]) for r in record["results"]]
        for earlier, later in zip(times, times[1:], strict=False):
            assert later - earlier >= action.cooldown, (key, earlier, later)


def assert_timeline_consistent(incident: Mapping[str, Any]) -> None:
    """Assert the timeline opens, runs forward, and each change follows the last."""
    timeline = incident["timeline"]
    assert timeline, incident["id"]
    assert timeline[0]["event"] == "opened"
    times = [datetime.fromisoformat(line["time"]) for line in timeline]
    assert times == sorted(times), incident["id"]
    # Past the timeline limit the oldest entries after the opening are dropped,
    # so the chain is followed from the first change that is kept.
    status: str | None = "new" if len(timeline) < TIMELINE_LIMIT else None
    for line in timeline[1:]:
        details = line["details"]
        if line["event"] in STATUS_EVENTS and "to" in details:
            assert status in (None, details["from"]), (incident["id"], line)
            status = details["to"]
    assert status in (None, incident["status"]), incident["id"]
    assert incident["status"] in INCIDENT_STATUSES
    if incident["status"] == "acknowledged":
        assert incident["acknowledged_by"]
    if incident["status"] in ("resolved", "closed"):
        assert incident["resolved_at"]
