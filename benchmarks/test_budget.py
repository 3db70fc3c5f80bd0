"""Measure the performance budget: cycle time, loop blocking, memory, service calls.

Run with ``scripts/benchmark``; every measurement is printed as one line
``BENCH <name> <value> <unit> (budget <budget>)``. The assertions are the
budget itself, so a run that misses it fails.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import statistics
import time
import tracemalloc

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.config_flow import HealthMonitorConfigFlow
from custom_components.health_monitor.const import CONF_CHECKS, CONF_DISK_PATHS, DOMAIN
from custom_components.health_monitor.engine.incidents import (
    IncidentSettings,
    IncidentTracker,
)
from custom_components.health_monitor.engine.models import (
    CheckResult,
    ComponentHealth,
    ComponentType,
    HealthStatus,
    utcnow,
)
from custom_components.health_monitor.engine.monitor import HealthMonitor
from custom_components.health_monitor.options import CHECK_NAMES
from homeassistant.core import HomeAssistant
from tests.tcp_service import network_target, targets_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

CYCLES = 40


def report(name: str, value: float, unit: str, budget: str) -> None:
    """Print one measurement."""
    print(f"\nBENCH {name} {value:.2f} {unit} (budget {budget})")  # noqa: T201


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def _default_entry() -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=HealthMonitorConfigFlow.MINOR_VERSION,
        options={
            CONF_CHECKS: list(CHECK_NAMES),
            CONF_DISK_PATHS: ["/"],
        },
    )


async def test_default_cycle_time_and_loop_blocking(hass: HomeAssistant) -> None:
    """Median cycle of the default checks ≤ 50 ms; a cycle blocks the loop ≤ 5 ms.

    The test plugin runs the loop in debug mode, which slows every callback;
    it is turned off here. Blocking is the longest gap between two turns of a
    probe that yields to the loop continuously while the cycles run (an upper
    bound: one gap holds every callback of one loop iteration).
    """
    entry = _default_entry()
    await _setup(hass, entry)
    coordinator = entry.runtime_data
    loop = asyncio.get_running_loop()
    loop.set_debug(False)
    gaps: list[float] = []
    running = True

    async def probe() -> None:
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0)
            now = time.perf_counter()
            gaps.append((now - last) * 1000)
            last = now

    prober = loop.create_task(probe())
    durations = []
    cycle_blocks = []
    for _ in range(CYCLES):
        gaps.clear()
        start = time.perf_counter()
        await hass.async_create_task(coordinator.async_refresh())
        durations.append((time.perf_counter() - start) * 1000)
        cycle_blocks.append(max(gaps, default=0.0))
    running = False
    await prober
    median = statistics.median(durations)
    report("default_cycle_median", median, "ms", "≤ 50 ms")
    report(
        "default_cycle_p95", sorted(durations)[int(len(durations) * 0.95)], "ms", "-"
    )
    # One scheduler hiccup of the machine must not pass for the integration's.
    report(
        "loop_block_per_cycle_median", statistics.median(cycle_blocks), "ms", "≤ 5 ms"
    )
    report("loop_block_longest", max(cycle_blocks), "ms", "-")
    assert median <= 50
    assert statistics.median(cycle_blocks) <= 5


async def test_memory_with_full_histories_and_1000_incidents() -> None:
    """Full histories of 10 components and 1000 stored incidents take ≤ 10 MB."""
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    monitor = HealthMonitor(history_size=1000)

    class Fake:
        def __init__(self, index: int) -> None:
            self.component_id = f"c{index}"
            self.name = f"Component {index}"
            self.component_type = ComponentType.NETWORK

        async def async_check(self) -> CheckResult:
            return CheckResult(HealthStatus.HEALTHY, "ok", 1.0, {"connect_ms": 1.0})

    checks = [Fake(i) for i in range(10)]
    for _ in range(1000):
        for check in checks:
            monitor.apply(
                check, CheckResult(HealthStatus.HEALTHY, "ok", 1.0, {"x": 1.0})
            )
    # One failing check per incident: each of the 1000 opens at once.
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    now = utcnow()
    for index in range(1000):
        component = ComponentHealth(
            component_id=f"i{index}",
            name=f"Flaky {index}",
            component_type=ComponentType.NETWORK,
            status=HealthStatus.CRITICAL,
            message="refused",
        )
        tracker.observe(component, now)
        component.status = HealthStatus.HEALTHY
        tracker.observe(component, now + timedelta(seconds=1))
        tracker.observe(component, now + timedelta(seconds=2))
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    added = sum(stat.size_diff for stat in after.compare_to(before, "filename")) / 1e6
    report("memory_histories_and_1000_incidents", added, "MB", "≤ 10 MB")
    assert len(tracker.list_incidents("all")) == 1000  # type: ignore[arg-type]
    assert added <= 10


async def test_service_call_median(hass: HomeAssistant) -> None:
    """get_health and get_statistics answer in ≤ 5 ms (median)."""
    await _setup(hass, _default_entry())
    asyncio.get_running_loop().set_debug(False)
    for service in ("get_health", "get_statistics", "get_incidents"):
        durations = []
        for _ in range(200):
            start = time.perf_counter()
            await hass.services.async_call(
                DOMAIN, service, {}, blocking=True, return_response=True
            )
            durations.append((time.perf_counter() - start) * 1000)
        median = statistics.median(durations)
        report(f"service_{service}_median", median, "ms", "≤ 5 ms")
        assert median <= 5


async def test_cycle_of_500_targets(hass: HomeAssistant) -> None:
    """500 network targets on loopback are checked in one cycle of ≤ 2 s."""

    async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    entry = targets_entry(
        [
            network_target(port, f"t{index}", f"Target {index}", unique_id=f"t{index}")
            for index in range(500)
        ]
    )
    await _setup(hass, entry)
    asyncio.get_running_loop().set_debug(False)
    durations = []
    engine = []
    for _ in range(5):
        start = time.perf_counter()
        await entry.runtime_data.async_refresh()
        durations.append((time.perf_counter() - start) * 1000)
        engine.append(entry.runtime_data.data.cycle_duration_ms)
    report("cycle_500_targets_checks_only_median", statistics.median(engine), "ms", "-")
    healthy = entry.runtime_data.data.counts[HealthStatus.HEALTHY]
    server.close()
    await server.wait_closed()
    assert await hass.config_entries.async_unload(entry.entry_id)
    median = statistics.median(durations)
    report("cycle_500_targets_median", median, "ms", "≤ 2000 ms")
    report("cycle_500_targets_healthy", healthy, "targets", "500")
    assert median <= 2000
