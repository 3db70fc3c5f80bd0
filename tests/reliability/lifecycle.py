"""What every fault scenario asserts, from the first failing check to auto-resolve.

1. Before the fault the target is healthy and there is no incident.
2. The status shows the fault within one cycle (a pushed disconnect at once).
3. Exactly one incident opens, after the failure threshold: two consecutive
   failing cycles by default, one for a disconnect the target pushes.
4. Further failing cycles keep that one incident; recovery follows the
   policy (never past max attempts, cooldown kept); a bystander target stays
   healthy without an incident; the incident reaches disk within a second.
5. After the fault ends the status is healthy again within one cycle (or
   one update interval, for a target that reconnects by itself), and two
   healthy checks resolve the incident.

Teardown adds: no task left behind (the test plugin) and no traceback in
the log (conftest).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory

from custom_components.health_monitor.engine.recovery import default_recovery_actions

from .installation import (
    BYSTANDER,
    OPEN_STATUSES,
    WAIT,
    Installation,
    assert_recovery_within_policy,
    assert_timeline_consistent,
)

type Step = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Fault:
    """How a scenario breaks a target and mends it."""

    inject: Step
    heal: Step
    # The status the fault shows and text its message holds.
    status: str = "critical"
    message: str | None = None
    # The target reports the fault by itself (a lost broker connection).
    pushed: bool = False
    # Longest a cycle may take while the fault lasts (None: no bound).
    cycle_bound: float | None = None
    # Seconds the target may take to be seen healthy without a cycle.
    returns_within: float | None = None
    # Injecting and healing change the configuration, which checks at once
    # (a replaced target is checked in place, changed options reload).
    checked_on_change: bool = False


async def assert_survives(
    installation: Installation,
    sid: str,
    fault: Fault,
    *,
    failing_cycles: int = 4,
    while_down: Step | None = None,
) -> None:
    """Run the whole lifecycle of the module doc for the target ``sid``.

    ``while_down`` runs after the failing cycles, before the fault ends.
    """
    await installation.cycle()
    before = installation.status(sid)
    assert before.state == "healthy", before.attributes.get("message")
    assert installation.status(BYSTANDER).state == "healthy"
    assert await installation.incidents() == []

    await fault.inject()
    if fault.pushed:
        await installation.wait_for_status(sid, fault.status, WAIT)
        assert len(await installation.incidents(sid)) == 1, "pushed: one at once"
    else:
        if not fault.checked_on_change:
            await installation.cycle(fault.cycle_bound)
        state = installation.status(sid)
        assert state.state == fault.status, state.attributes.get("message")
        assert await installation.incidents(sid) == [], "opened after one failure"
    if fault.message is not None:
        assert fault.message in installation.status(sid).attributes["message"]

    for _ in range(failing_cycles):
        await installation.cycle(fault.cycle_bound)
        state = installation.status(sid)
        assert state.state == fault.status, state.attributes.get("message")
        (incident,) = await installation.incidents(sid)
        assert incident["status"] in OPEN_STATUSES
        assert_recovery_within_policy(incident)
    assert installation.status(BYSTANDER).state == "healthy"
    assert await installation.incidents(BYSTANDER) == []
    await installation.saved_within_a_second()
    if while_down is not None:
        await while_down()

    await fault.heal()
    if fault.returns_within is not None:
        await installation.wait_for_status(sid, "healthy", fault.returns_within)
    else:
        if not fault.checked_on_change:
            await installation.cycle()
        state = installation.status(sid)
        assert state.state == "healthy", state.attributes.get("message")
        (incident,) = await installation.incidents(sid)
        assert incident["status"] in OPEN_STATUSES, "resolved after one healthy check"
    await installation.cycle()

    (incident,) = await installation.incidents(sid)
    assert incident["status"] == "resolved"
    assert incident["resolved_by"] == "system"
    assert_timeline_consistent(incident)
    assert_recovery_within_policy(incident)
    assert installation.status(BYSTANDER).state == "healthy"
    assert await installation.incidents(BYSTANDER) == []
    await installation.saved_within_a_second()


async def assert_recovery_capped(
    installation: Installation,
    sid: str,
    action_key: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """While the fault lasts the action runs once per cooldown, up to its maximum.

    Called once the first attempt was made; the clock then moves one
    cooldown at a time, with a cycle a second before each cooldown ends.
    """
    action = next(a for a in default_recovery_actions() if a.key == action_key)

    async def attempts() -> int:
        (incident,) = await installation.incidents(sid)
        assert_recovery_within_policy(incident)
        return int(incident["recovery"].get(action_key, {}).get("count", 0))

    count = await attempts()
    assert count >= 1, f"{action_key} was not tried"
    for _ in range(action.max_attempts + 1):
        freezer.tick(action.cooldown - timedelta(seconds=1))
        await installation.cycle()
        assert await attempts() == count, "tried again before the cooldown ended"
        freezer.tick(timedelta(seconds=1))
        await installation.cycle()
        count = min(count + 1, action.max_attempts)
        assert await attempts() == count
    assert count == action.max_attempts
