"""Running checks with bounded concurrency, each isolated by its own timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import time
from typing import Protocol

from .models import CheckResult, ComponentType, HealthStatus, elapsed_ms
from .sanitize import sanitize_message

# Checks in progress at once. Starting hundreds of connections in one loop
# makes each wait for the others' callbacks, which a probe would measure as
# the target's latency: a cycle is spread over this many slots instead.
DEFAULT_CONCURRENCY = 32
# A check still waiting after this long gives its slot to the next one: it
# costs the loop nothing while it waits, and silent targets must not hold a
# large cycle back by whole timeouts.
SLOT_LEASE = 1.0


class Check(Protocol):
    """Something that can observe one component."""

    @property
    def component_id(self) -> str:
        """Stable identifier of the component (unique within an installation)."""

    @property
    def name(self) -> str:
        """Human-readable component name."""

    @property
    def component_type(self) -> ComponentType:
        """Kind of component."""

    async def async_check(self) -> CheckResult:
        """Observe the component once."""


async def run_check(check: Check, timeout: float) -> CheckResult:
    """Run one check; never raise, never take much longer than ``timeout``.

    A check that raises becomes critical, one that hangs past its timeout
    becomes critical, and one that returns something that is not a
    :class:`CheckResult` becomes unknown. The response time is the check's own
    measurement when it made one, else the time the check took.
    """
    start = time.perf_counter()
    deadline = asyncio.timeout(timeout)
    try:
        async with deadline:
            result: object = await check.async_check()
    except Exception as err:  # noqa: BLE001 - a broken check must not break the cycle
        if isinstance(err, TimeoutError) and deadline.expired():
            return CheckResult(
                status=HealthStatus.CRITICAL,
                message=f"No answer within {timeout:g} s",
                response_time_ms=round(timeout * 1000.0, 1),
            )
        return CheckResult(
            status=HealthStatus.CRITICAL,
            message=sanitize_message(f"Check failed: {type(err).__name__}: {err}"),
            response_time_ms=elapsed_ms(start),
        )
    if (
        not isinstance(result, CheckResult)
        or not isinstance(result.status, HealthStatus)
        or not isinstance(result.message, str)
        or not isinstance(result.metrics, dict)
        or not isinstance(result.details, dict)
    ):
        return CheckResult(
            status=HealthStatus.UNKNOWN,
            message="Check returned an invalid result",
            response_time_ms=elapsed_ms(start),
        )
    if result.response_time_ms is None:
        result.response_time_ms = elapsed_ms(start)
    result.message = sanitize_message(result.message)
    return result


async def run_checks(
    checks: Sequence[Check],
    timeout: float,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    lease: float = SLOT_LEASE,
) -> list[CheckResult]:
    """Run every check, at most ``concurrency`` at once; results keep the order of ``checks``.

    A check waits for a free slot before it starts, and its timeout starts
    with it: time spent queueing is neither a timeout nor latency. A check
    still running after ``lease`` seconds frees its slot (it keeps running),
    so the cycle of many silent targets takes about one timeout, not one per
    ``concurrency`` of them.
    """
    slots = asyncio.Semaphore(max(concurrency, 1))
    return list(
        await asyncio.gather(
            *(_run_in_slot(check, timeout, slots, lease) for check in checks)
        )
    )


async def _run_in_slot(
    check: Check, timeout: float, slots: asyncio.Semaphore, lease: float
) -> CheckResult:
    await slots.acquire()
    held = True

    def release() -> None:
        nonlocal held
        if held:
            held = False
            slots.release()

    expiry = asyncio.get_running_loop().call_later(lease, release)
    try:
        return await run_check(check, timeout)
    finally:
        expiry.cancel()
        release()
