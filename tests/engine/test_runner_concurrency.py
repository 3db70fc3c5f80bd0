"""A large cycle is spread over a bounded number of slots; queueing is not latency."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from custom_components.health_monitor.engine.models import CheckResult, HealthStatus
from custom_components.health_monitor.engine.runner import (
    DEFAULT_CONCURRENCY,
    run_checks,
)

from .test_runner import FakeCheck, sleeping


class InFlight:
    """Counts the checks running at once."""

    def __init__(self) -> None:
        """Start with none running."""
        self.now = 0
        self.most = 0
        self.started = 0

    def observing(
        self, hold: Callable[[], Awaitable[Any]]
    ) -> Callable[[], Awaitable[CheckResult]]:
        """Return an observation that counts itself while ``hold`` runs."""

        async def observe() -> CheckResult:
            self.now += 1
            self.started += 1
            self.most = max(self.most, self.now)
            try:
                await hold()
            finally:
                self.now -= 1
            return CheckResult(status=HealthStatus.HEALTHY, message="ok")

        return observe


async def test_a_large_cycle_runs_at_most_the_default_number_of_checks_at_once() -> (
    None
):
    """500 targets never have more than DEFAULT_CONCURRENCY checks in progress."""
    counter = InFlight()
    checks = [
        FakeCheck(f"t{index}", counter.observing(lambda: asyncio.sleep(0.001)))
        for index in range(500)
    ]
    # A lease longer than any check here: the bound alone is what is seen.
    results = await run_checks(checks, timeout=30, lease=60)
    assert [result.status for result in results] == [HealthStatus.HEALTHY] * 500
    assert counter.most == DEFAULT_CONCURRENCY


async def test_the_bound_can_be_set() -> None:
    """A cycle with a bound of 3 runs three checks at a time, and every check."""
    counter = InFlight()
    checks = [
        FakeCheck(f"t{index}", counter.observing(lambda: asyncio.sleep(0.001)))
        for index in range(10)
    ]
    results = await run_checks(checks, timeout=30, concurrency=3, lease=60)
    assert len(results) == 10
    assert counter.started == 10
    assert counter.most == 3


async def test_waiting_for_a_slot_does_not_count_against_the_timeout() -> None:
    """Eight checks of 0.1 s, one at a time, under a 0.5 s timeout: none times out."""
    checks = [FakeCheck(f"t{index}", sleeping(0.1)) for index in range(8)]
    results = await run_checks(checks, timeout=0.5, concurrency=1, lease=60)
    assert [result.status for result in results] == [HealthStatus.HEALTHY] * 8
    assert all(result.message == "late" for result in results)


async def test_the_timeout_still_holds_for_each_check_in_a_queue() -> None:
    """A hanging check queued behind others still ends at its own timeout."""
    checks = [
        FakeCheck("first", sleeping(0.05)),
        FakeCheck("hangs", sleeping(60)),
        FakeCheck("last", sleeping(0.05)),
    ]
    results = await run_checks(checks, timeout=0.3, concurrency=1, lease=60)
    assert [result.status for result in results] == [
        HealthStatus.HEALTHY,
        HealthStatus.CRITICAL,
        HealthStatus.HEALTHY,
    ]
    assert results[1].message == "No answer within 0.3 s"


async def test_checks_still_waiting_after_the_lease_let_the_others_start() -> None:
    """Silent targets do not hold a cycle back: each frees its slot after the lease.

    Five checks that wait until all five have started can only finish if the
    two slots are handed on while they wait.
    """
    all_started = asyncio.Event()
    counter = InFlight()

    async def wait_for_all() -> None:
        if counter.started == 5:
            all_started.set()
        await all_started.wait()

    checks = [
        FakeCheck(f"t{index}", counter.observing(wait_for_all)) for index in range(5)
    ]
    results = await run_checks(checks, timeout=30, concurrency=2, lease=0.01)
    assert [result.status for result in results] == [HealthStatus.HEALTHY] * 5
