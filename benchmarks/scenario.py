"""One measured scenario in a real Home Assistant, run by ``benchmarks/suite.py``.

Each scenario runs in a pytest process of its own (the ``hass`` fixture, a
real recorder on SQLite), so its CPU and memory figures belong to it alone:
``BENCH_SPEC=<spec.json> pytest benchmarks/scenario.py``. The spec names the
scenario and its parameters; the figures are written to the spec's ``out``.

CPU is read from /proc/self/stat (every thread: loop, executor, recorder),
minus what the same process used per second while bare (before the
integration was set up). Memory is VmRSS from /proc/self/status, minus the
bare figure. Cycles are the coordinators' own, on their own timers at the
spec's interval.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
import json
import logging
import os
from pathlib import Path
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.health_monitor.config_flow import HealthMonitorConfigFlow
from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_DISK_PATHS,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
    EVENT_INCIDENT,
    STORAGE_SAVE_DELAY,
)
from custom_components.health_monitor.engine.history import HistoryEntry
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.snapshot_store import history_store_key
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE, EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er, label_registry as lr, storage
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .procstat import cpu_seconds, rss_bytes

pytestmark = pytest.mark.usefixtures("socket_enabled")

SPEC: dict[str, Any] = (
    json.loads(Path(os.environ["BENCH_SPEC"]).read_text(encoding="utf-8"))
    if "BENCH_SPEC" in os.environ
    else {}
)
DEFAULT_CHECKS = [
    "system_resources",
    "ha_process",
    "event_loop",
    "recorder",
    "integrations",
]
# The latency levels the add forms propose (warning, critical), in ms.
FORM_LATENCY = {
    "network": (200, 1000),
    "http_endpoint": (1000, 3000),
    "mqtt_broker": (250, 1000),
    "database": (100, 1000),
}
# The lag probe keeps running this long after a cycle ends: work a cycle
# leaves behind (state writes, recorder) lands there.
LAG_TAIL = 0.25
SETTLE = 1.0
# Seconds a cycle may take beyond twice its interval before the scenario gives up.
CYCLE_SLACK = 30
NOT_MEASURED = float("nan")


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


class LagProbe:
    """Asks the loop for a 1 ms sleep again and again; lag is how late it wakes.

    It runs only while a cycle runs (and :data:`LAG_TAIL` after), so its own
    thousand wake-ups a second cost little outside the cycles measured.
    """

    def __init__(self) -> None:
        """No samples yet."""
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._until = 0.0
        self._active = 0

    async def _run(self) -> None:
        last = time.perf_counter()
        while self._active or time.perf_counter() < self._until:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.samples.append(max(0.0, (now - last) * 1000 - 1.0))
            last = now
        self._task = None

    def begin(self) -> None:
        """Sample from now until the cycle ends."""
        self._active += 1
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def end(self) -> None:
        """Stop sampling a little after the cycle that ended."""
        self._active -= 1
        self._until = time.perf_counter() + LAG_TAIL

    async def stop(self) -> None:
        """Wait for the probe to finish."""
        self._active = 0
        self._until = 0.0
        if self._task is not None:
            await self._task


@dataclass
class CoordinatorTimer:
    """Times a coordinator's cycles (refresh with its state writes) and updates."""

    coordinator: DataUpdateCoordinator[Any]
    probe: LagProbe | None = None
    cycles: list[float] = field(default_factory=list)
    updates: list[float] = field(default_factory=list)
    cycle_ends: list[float] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    wanted: int = 0
    # Refreshes since install (never reset).
    total: int = 0

    def install(self) -> None:
        """Wrap the coordinator's refresh and update (this instance only)."""
        refresh = self.coordinator._async_refresh  # noqa: SLF001
        update = self.coordinator._async_update_data  # noqa: SLF001

        async def timed_refresh(*args: Any, **kwargs: Any) -> None:
            if self.probe is not None:
                self.probe.begin()
            start = time.perf_counter()
            try:
                await refresh(*args, **kwargs)
            finally:
                end = time.perf_counter()
                if self.probe is not None:
                    self.probe.end()
                self.total += 1
                self.cycles.append((end - start) * 1000)
                self.cycle_ends.append(end)
                if len(self.cycles) >= self.wanted:
                    self.done.set()

        async def timed_update() -> Any:
            start = time.perf_counter()
            try:
                return await update()
            finally:
                self.updates.append((time.perf_counter() - start) * 1000)

        self.coordinator._async_refresh = timed_refresh  # type: ignore[method-assign]  # noqa: SLF001
        self.coordinator._async_update_data = timed_update  # type: ignore[method-assign]  # noqa: SLF001

    def reset(self, wanted: int) -> None:
        """Forget what was timed; :attr:`done` is set after ``wanted`` more cycles."""
        self.cycles.clear()
        self.updates.clear()
        self.cycle_ends.clear()
        self.wanted = wanted
        self.done.clear()

    async def wait(self, cycles: int, interval: float) -> None:
        """Wait until ``cycles`` more cycles ran."""
        self.reset(cycles)
        await self.wait_done(cycles, interval)

    async def wait_done(self, cycles: int, interval: float) -> None:
        """Wait for :attr:`done`; a stall shows every task's stack, then fails."""
        try:
            await asyncio.wait_for(
                self.done.wait(), timeout=cycles * (2 * interval + CYCLE_SLACK) + 30
            )
        except TimeoutError:
            for task in asyncio.all_tasks():
                task.print_stack(file=sys.stderr)
            raise


class StateWrites:
    """Counts state_changed events (state machine writes)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start counting."""
        self.count = 0
        self.unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, self._count)

    def _count(self, _: Event) -> None:
        self.count += 1


async def bare_rate(seconds: float) -> tuple[float, int]:
    """Return the bare process's CPU seconds per second, and its RSS."""
    await asyncio.sleep(SETTLE)
    start_cpu, start = cpu_seconds(), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_seconds() - start_cpu) / (time.perf_counter() - start), rss_bytes()


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up ``entry``, waiting until its platforms are up."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def set_interval(
    coordinator: DataUpdateCoordinator[Any], interval: float
) -> None:
    """Run ``coordinator`` every ``interval`` seconds from now on.

    A refresh now schedules the next one at the new interval.
    """
    coordinator.update_interval = timedelta(seconds=interval)
    await coordinator.async_refresh()


def health_monitor_entry(
    checks: list[str], interval: float, subentries: list[dict[str, Any]]
) -> MockConfigEntry:
    """Return a Health Monitor entry with ``checks`` and target subentries."""
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=HealthMonitorConfigFlow.MINOR_VERSION,
        options={
            CONF_CHECKS: checks,
            CONF_DISK_PATHS: ["/"],
            CONF_UPDATE_INTERVAL: max(5, int(interval)),
        },
        subentries_data=subentries,
    )


def target_data(kind: str, index: int, targets: dict[str, Any]) -> dict[str, Any]:
    """Return the settings of target ``index`` of ``kind`` (form latency levels)."""
    warning, critical = FORM_LATENCY[kind]
    levels = {"latency_warning_ms": warning, "latency_critical_ms": critical}
    if kind == "network":
        return {"host": "127.0.0.1", "port": targets["tcp_port"], **levels}
    if kind == "http_endpoint":
        return {
            "url": f"http://127.0.0.1:{targets['http_port']}/health/{index}",
            "method": "GET",
            "expected_status": "200",
            "timeout": 10,
            "verify_ssl": True,
            **levels,
        }
    if kind == "mqtt_broker":
        return {
            "host": "127.0.0.1",
            "port": targets["mqtt_port"],
            "tls": False,
            **levels,
        }
    database = targets["database"]
    return {**database, "ssl_mode": "disable", **levels}


def subentries(kind: str, size: int, targets: dict[str, Any]) -> list[dict[str, Any]]:
    """Return ``size`` target subentries of ``kind``."""
    return [
        {
            "data": target_data(kind, index, targets),
            "subentry_id": f"t{index}",
            "subentry_type": kind,
            "title": f"Target {index}",
            "unique_id": f"{kind}-{index}",
        }
        for index in range(size)
    ]


async def measure_cycles(
    hass: HomeAssistant,
    timers: list[CoordinatorTimer],
    spec: dict[str, Any],
    bare: tuple[float, int],
) -> dict[str, Any]:
    """Run one warm-up cycle, then the spec's cycles; return the common figures."""
    interval, cycles = spec["interval"], spec["cycles"]
    lead = timers[0]
    await lead.wait(1, interval)
    writes = StateWrites(hass)
    start_cpu, start = cpu_seconds(), time.perf_counter()
    lead.reset(cycles)
    for timer in timers[1:]:
        timer.reset(cycles)
    probe = lead.probe
    if probe is not None:
        probe.samples.clear()
    await lead.wait_done(cycles, interval)
    window = time.perf_counter() - start
    used = cpu_seconds() - start_cpu
    writes.unsubscribe()
    rate, bare_rss = bare
    figures: dict[str, Any] = {
        "interval_s": interval,
        "cycles": cycles,
        "window_s": window,
        "bare_cpu_per_s": rate,
        "cpu_s_per_cycle": max(0.0, used - rate * window) / cycles,
        "rss_added_mb": (rss_bytes() - bare_rss) / 1e6,
        "state_writes_per_cycle": writes.count / cycles,
        "cycle_ms_median": statistics.median(lead.cycles),
        "cycle_ms_max": max(lead.cycles),
        "update_ms_median": statistics.median(lead.updates),
        "update_ms_p95": percentile(lead.updates, 0.95),
    }
    if probe is not None:
        await probe.stop()
        figures["loop_lag_ms_max"] = max(probe.samples)
        figures["loop_lag_ms_p95"] = percentile(probe.samples, 0.95)
        figures["loop_lag_samples"] = len(probe.samples)
    return figures


async def systemmonitor(hass: HomeAssistant) -> tuple[MockConfigEntry, Any]:
    """Set up HA's systemmonitor with all its entities; return entry and coordinator.

    Its entities are registered enabled (as the test plugin's
    ``entity_registry_enabled_by_default`` does): enabling them in the
    registry afterwards would make HA reload the entry 30 s later, with a new
    coordinator.
    """
    entry = MockConfigEntry(domain="systemmonitor", title="System Monitor", options={})
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        await setup_entry(hass, entry)
    return entry, entry.runtime_data.coordinator


def enabled_entities(hass: HomeAssistant, entry: MockConfigEntry) -> int:
    """Return how many entities of ``entry`` are enabled."""
    registry = er.async_get(hass)
    return sum(
        1
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        if entity.disabled_by is None
    )


async def scenario_host(hass: HomeAssistant, spec: dict[str, Any]) -> dict[str, Any]:
    """Measure the default checks, systemmonitor, or both in one HA at one interval."""
    bare = await bare_rate(spec["bare_s"])
    interval = spec["interval"]
    timers = []
    figures: dict[str, Any] = {}
    if spec["with_health_monitor"]:
        entry = health_monitor_entry(DEFAULT_CHECKS, interval, [])
        await setup_entry(hass, entry)
        timers.append(CoordinatorTimer(entry.runtime_data))
        figures["health_monitor_entities"] = enabled_entities(hass, entry)
    if spec["with_systemmonitor"]:
        sm_entry, coordinator = await systemmonitor(hass)
        timers.append(CoordinatorTimer(coordinator))
        figures["systemmonitor_entities"] = enabled_entities(hass, sm_entry)
    for timer in timers:
        await set_interval(timer.coordinator, interval)
        timer.install()
    figures.update(await measure_cycles(hass, timers, spec, bare))
    if spec["with_systemmonitor"]:
        # Measured the coordinator that ran all along (no reload replaced it).
        assert sm_entry.runtime_data.coordinator is timers[-1].coordinator
    if len(timers) == 2:
        # Per update of each, in the same HA over the same window.
        for name, timer in zip(
            ("health_monitor", "systemmonitor"), timers, strict=True
        ):
            figures[f"{name}_update_ms_median"] = statistics.median(timer.updates)
            figures[f"{name}_update_ms_p95"] = percentile(timer.updates, 0.95)
    write_memory_profile(spec)
    await unload_all(hass)
    return figures


async def unload_all(hass: HomeAssistant) -> None:
    """Unload every config entry (the test plugin wants no lingering timers)."""
    for entry in hass.config_entries.async_entries():
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def scenario_targets(hass: HomeAssistant, spec: dict[str, Any]) -> dict[str, Any]:
    """``size`` targets of one kind, no built-in checks."""
    bare = await bare_rate(spec["bare_s"])
    kind, size, interval = spec["kind"], spec["size"], spec["interval"]
    entry = health_monitor_entry([], interval, subentries(kind, size, spec["targets"]))
    setup_start = time.perf_counter()
    await setup_entry(hass, entry)
    setup_s = time.perf_counter() - setup_start
    coordinator = entry.runtime_data
    await set_interval(coordinator, interval)
    if spec.get("full_histories"):
        # As after history_size cycles: memory, uptime and saves at their largest.
        fill_histories(coordinator)
    timer = CoordinatorTimer(coordinator, probe=LagProbe())
    timer.install()
    figures = await measure_cycles(hass, [timer], spec, bare)
    counts = coordinator.data.counts
    figures["setup_s"] = setup_s
    figures["healthy_targets"] = counts.get(HealthStatus.HEALTHY, 0)
    figures["not_healthy_targets"] = size - figures["healthy_targets"]
    figures["open_incidents"] = len(coordinator.incidents.list_incidents())
    write_memory_profile(spec)
    await unload_all(hass)
    return figures


def write_memory_profile(spec: dict[str, Any]) -> None:
    """With BENCH_TRACEMALLOC=<folder>, write where the live memory was allocated.

    Python allocations still alive, grouped by the package that made them
    (first frame inside site-packages or this repository), largest first.
    """
    folder = os.environ.get("BENCH_TRACEMALLOC")
    if not folder or not tracemalloc.is_tracing():
        return
    snapshot = tracemalloc.take_snapshot()
    by_package: dict[str, int] = {}
    for stat in snapshot.statistics("traceback"):
        package = _package(stat.traceback)
        by_package[package] = by_package.get(package, 0) + stat.size
    lines = [f"total {sum(by_package.values()) / 1e6:.1f} MB (Python allocations)"]
    lines += [
        f"{size / 1e6:8.2f} MB  {name}"
        for name, size in sorted(by_package.items(), key=lambda item: -item[1])[:40]
    ]
    lines += ["", "largest single lines:"]
    lines += [str(stat) for stat in snapshot.statistics("lineno")[:40]]
    Path(folder, f"{spec['name']}.memory.txt").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


def _package(traceback: tracemalloc.Traceback) -> str:
    """Name the module that allocated: the innermost frame of a known package."""
    for frame in reversed(traceback):
        name = frame.filename
        for marker in ("site-packages/", "/custom_components/", "/benchmarks/"):
            if marker in name:
                tail = name.split(marker, 1)[1]
                parts = tail.split("/")
                depth = 3 if marker == "/custom_components/" else 2
                return "/".join(parts[:depth])
    return traceback[-1].filename if len(traceback) else "?"


async def scenario_soak(hass: HomeAssistant, spec: dict[str, Any]) -> dict[str, Any]:
    """``size`` targets with full histories for a long time: memory over time, false incidents.

    ``samples`` samples, one every ``sample_s`` seconds: added RSS, CPU,
    cycles, incidents opened so far (bus events) and the loop lag of that
    sample's cycles. The targets stay up the
    whole time, so every incident opened is a false one.
    """
    bare = await bare_rate(spec["bare_s"])
    bare_cpu_rate, bare_rss = bare
    kind, size, interval = spec["kind"], spec["size"], spec["interval"]
    entry = health_monitor_entry([], interval, subentries(kind, size, spec["targets"]))
    await setup_entry(hass, entry)
    coordinator = entry.runtime_data
    await set_interval(coordinator, interval)
    fill_histories(coordinator)
    probe = LagProbe()
    timer = CoordinatorTimer(coordinator, probe=probe)
    timer.install()
    await timer.wait(1, interval)
    opened: list[str] = []

    def _count(event: Event) -> None:
        if event.data.get("type") in ("opened", "reopened"):
            opened.append(str(event.data.get("component_id")))

    unsubscribe = hass.bus.async_listen(EVENT_INCIDENT, _count)
    samples: list[dict[str, Any]] = []
    lag: list[float] = []
    start, start_cpu = time.perf_counter(), cpu_seconds()
    every = spec["sample_s"]
    for number in range(1, spec["samples"] + 1):
        probe.samples.clear()
        cycles_before, cpu_before = timer.total, cpu_seconds()
        await asyncio.sleep(max(0.0, start + number * every - time.perf_counter()))
        lag += probe.samples
        cycles = timer.total - cycles_before
        samples.append(
            {
                "at_s": number * every,
                "rss_added_mb": round((rss_bytes() - bare_rss) / 1e6, 2),
                "cpu_s_per_cycle": round(
                    max(0.0, cpu_seconds() - cpu_before - bare_cpu_rate * every)
                    / max(cycles, 1),
                    4,
                ),
                "cycles": cycles,
                "incidents_opened": len(opened),
                "loop_lag_ms_p95": round(percentile(probe.samples, 0.95), 2)
                if probe.samples
                else None,
                "loop_lag_ms_max": round(max(probe.samples), 2)
                if probe.samples
                else None,
            }
        )
    window = time.perf_counter() - start
    unsubscribe()
    await probe.stop()
    first, last = samples[0], samples[-1]
    counts = coordinator.data.counts
    healthy = counts.get(HealthStatus.HEALTHY, 0)
    figures: dict[str, Any] = {
        "kind": kind,
        "size": size,
        "interval_s": interval,
        "minutes": round(window / 60, 1),
        "cycles": sum(sample["cycles"] for sample in samples),
        "cpu_s_per_cycle": max(0.0, cpu_seconds() - start_cpu - bare_cpu_rate * window)
        / max(1, sum(sample["cycles"] for sample in samples)),
        "rss_added_mb_first": first["rss_added_mb"],
        "rss_added_mb_last": last["rss_added_mb"],
        "rss_added_mb_max": max(sample["rss_added_mb"] for sample in samples),
        "rss_growth_mb_per_hour": (last["rss_added_mb"] - first["rss_added_mb"])
        * 3600
        / max(every, last["at_s"] - first["at_s"]),
        "loop_lag_ms_p95": percentile(lag, 0.95) if lag else NOT_MEASURED,
        "loop_lag_ms_max": max(lag) if lag else NOT_MEASURED,
        "incidents_opened": len(opened),
        "incident_components": sorted(set(opened))[:20],
        "not_healthy_targets": size - healthy,
        "samples": samples,
    }
    await unload_all(hass)
    return figures


# The watched entities' attributes: measurement sensors, as most are.
SENSOR_ATTRIBUTES = {"state_class": "measurement", "unit_of_measurement": "°C"}


async def bench_entities(
    hass: HomeAssistant, size: int, labelled: list[str]
) -> list[str]:
    """Create ``size`` registered sensors with a state, spread over the labels."""
    registry = er.async_get(hass)
    entity_ids = []
    for index in range(size):
        entry = registry.async_get_or_create(
            "sensor", "bench", f"sensor-{index}", suggested_object_id=f"bench_{index}"
        )
        if labelled:
            registry.async_update_entity(
                entry.entity_id, labels={labelled[index % len(labelled)]}
            )
        entity_ids.append(entry.entity_id)
        hass.states.async_set(entry.entity_id, "20.0", SENSOR_ATTRIBUTES)
    await hass.async_block_till_done()
    return entity_ids


async def loop_time_per_write(
    hass: HomeAssistant, entity_ids: list[str], writes: int, *, changed: bool
) -> float:
    """Return the event loop's CPU microseconds per state write, listeners included.

    ``changed``: each write changes the state (state_changed); else each
    writes the same state again (state_reported). After a warm-up pass, the
    median of three passes.
    """
    passes = []
    for _ in range(4):
        await hass.async_block_till_done()
        start = time.thread_time()
        for index in range(writes):
            entity_id = entity_ids[index % len(entity_ids)]
            current = hass.states.get(entity_id)
            value = current.state if current is not None else "20.0"
            if changed:
                value = "21.0" if value == "20.0" else "20.0"
            hass.states.async_set(entity_id, value, SENSOR_ATTRIBUTES)
            if index % 500 == 499:
                await hass.async_block_till_done()
        await hass.async_block_till_done()
        passes.append((time.thread_time() - start) / writes * 1e6)
    return statistics.median(passes[1:])


def entity_check_data(name: str, label_id: str) -> dict[str, Any]:
    """Return an entity check on one label: a value level, an unavailable level."""
    return {
        "name": name,
        "labels": [label_id],
        "value_direction": "above",
        "value_warning": 50,
        "value_critical": 80,
        "unavailable_warning_minutes": 10,
    }


async def scenario_entities(
    hass: HomeAssistant, spec: dict[str, Any]
) -> dict[str, Any]:
    """``entities`` sensors, ``checks`` label-based entity checks and the Entities check.

    The loop's CPU per state write is measured before Health Monitor is set
    up and again with it watching every entity (each label's check and the
    Entities check), for changed states and for reported (unchanged) ones;
    in between, cycles as in the other scenarios (memory, lag, CPU).
    """
    size, check_count, writes = spec["entities"], spec["checks"], spec["writes"]
    labels = lr.async_get(hass)
    label_ids = [
        labels.async_create(f"Bench group {index}").label_id
        for index in range(check_count)
    ]
    entity_ids = await bench_entities(hass, size, label_ids)
    before = {
        changed: await loop_time_per_write(hass, entity_ids, writes, changed=changed)
        for changed in (True, False)
    }
    # The recorder has stored every write before the bare memory is taken.
    await async_wait_recording_done(hass)
    bare = await bare_rate(spec["bare_s"])
    interval = spec["interval"]
    entry = health_monitor_entry(
        ["entities"],
        interval,
        [
            {
                "data": entity_check_data(f"Group {index}", label_id),
                "subentry_type": "entity_check",
                "title": f"Group {index}",
                "unique_id": f"entity-check-{index}",
            }
            for index, label_id in enumerate(label_ids)
        ],
    )
    # RSS moves with the recorder's in-memory database here (every write
    # above is recorded), so memory is what Python allocated from setup
    # through the first cycle and still holds: Health Monitor's objects and
    # Home Assistant's for its entities and listeners.
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    traced_before = tracemalloc.get_traced_memory()[0]
    setup_start = time.perf_counter()
    await setup_entry(hass, entry)
    setup_s = time.perf_counter() - setup_start
    coordinator = entry.runtime_data
    await set_interval(coordinator, interval)
    memory_added_mb = (tracemalloc.get_traced_memory()[0] - traced_before) / 1e6
    if not tracing:
        tracemalloc.stop()
    timer = CoordinatorTimer(coordinator, probe=LagProbe())
    timer.install()
    # Memory before the writes below: each write also grows the recorder's
    # in-memory database, which is nobody's cost here.
    figures = await measure_cycles(hass, [timer], spec, bare)
    after = {
        changed: await loop_time_per_write(hass, entity_ids, writes, changed=changed)
        for changed in (True, False)
    }
    counts = coordinator.data.counts
    figures.update(
        {
            "entities": size,
            "checks": check_count,
            "setup_s": setup_s,
            "python_memory_added_mb": memory_added_mb,
            "loop_us_per_change_without": before[True],
            "loop_us_per_change_with": after[True],
            "loop_us_per_change_added": after[True] - before[True],
            "loop_us_per_report_without": before[False],
            "loop_us_per_report_with": after[False],
            "loop_us_per_report_added": after[False] - before[False],
            "healthy_components": counts.get(HealthStatus.HEALTHY, 0),
            "components": sum(counts.values()),
        }
    )
    write_memory_profile(spec)
    await unload_all(hass)
    return figures


def status_entity(hass: HomeAssistant, entry: MockConfigEntry, sid: str) -> str:
    """Return the entity id of a component's status sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.entry_id}_{sid}_status"
    )
    assert entity_id is not None
    return entity_id


async def wait_state(
    hass: HomeAssistant,
    entity_id: str,
    leaves: bool,
    timeout: float,
) -> float:
    """Wait until the entity is (or, with ``leaves``, stops being) healthy; return when."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        state = hass.states.get(entity_id)
        healthy = state is not None and state.state == HealthStatus.HEALTHY
        if healthy != leaves:
            return time.perf_counter()
        await asyncio.sleep(0.01)
    raise TimeoutError(f"{entity_id} stayed {hass.states.get(entity_id)}")


def start_farm() -> tuple[subprocess.Popen[bytes], dict[str, int]]:
    """Start the loopback target farm in its own process; return it and its ports."""
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "benchmarks.farm"],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )
    assert process.stdout is not None
    ports: dict[str, int] = json.loads(process.stdout.readline())
    return process, ports


async def scenario_detection(
    hass: HomeAssistant, spec: dict[str, Any], tmp_path: Path
) -> dict[str, Any]:
    """Seconds from killing an HTTP server (then a broker) to the status leaving healthy."""
    from tests.targets.mosquitto_server import MosquittoServer  # noqa: PLC0415

    interval = spec["interval"]
    farm, ports = start_farm()
    broker = MosquittoServer(tmp_path)
    broker.start()
    try:
        targets = {**ports, "mqtt_port": broker.anonymous_port}
        entry = health_monitor_entry(
            [],
            interval,
            [
                {**subentries(kind, 1, targets)[0], "subentry_id": kind}
                for kind in ("http_endpoint", "mqtt_broker")
            ],
        )
        await setup_entry(hass, entry)
        await set_interval(entry.runtime_data, interval)
        figures: dict[str, Any] = {"interval_s": interval}
        timeout = 3 * interval + 60
        for kind, kill in (
            ("http_endpoint", lambda: farm.send_signal(signal.SIGKILL)),
            ("mqtt_broker", broker._process.kill),  # type: ignore[union-attr]  # noqa: SLF001
        ):
            entity_id = status_entity(hass, entry, kind)
            await wait_state(hass, entity_id, leaves=False, timeout=timeout)
            killed = time.perf_counter()
            kill()
            left = await wait_state(hass, entity_id, leaves=True, timeout=timeout)
            figures[f"{kind}_detection_s"] = left - killed
            figures[f"{kind}_state_after"] = hass.states.get(entity_id).state  # type: ignore[union-attr]
        await unload_all(hass)
        return figures
    finally:
        farm.kill()
        farm.wait()
        broker.stop()


def fill_histories(coordinator: Any) -> None:
    """Fill every history to its size as later cycles would.

    Each added entry repeats the component's latest status and message (a
    steady installation) with its own time and a response time that varies
    as real ones do, so the histories are as large as they get.
    """
    monitor = coordinator.monitor
    step = timedelta(seconds=30)
    for component_id in monitor.known_component_ids():
        history = monitor.history(component_id)
        if history is None or not len(history):
            continue
        *_, last = history
        at = last.timestamp
        n = 0
        while len(history) < history.max_entries:
            n += 1
            at += step
            response = (
                None if last.response_time_ms is None else 0.5 + (n * 37 % 997) / 100
            )
            history.add(HistoryEntry(at, last.status, response, last.message))


async def write_full_histories(
    hass: HomeAssistant, coordinator: Any, sizes: dict[str, int]
) -> int:
    """Fill every history, write the history store now; return the file's size."""
    fill_histories(coordinator)
    coordinator.history_store.async_schedule_save()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    return sizes.get(history_store_key(coordinator.config_entry.entry_id), 0)


@contextmanager
def real_storage(
    hass: HomeAssistant,
    directory: Path,
    written: Callable[[str, int], None] = lambda key, size: None,
) -> Iterator[None]:
    """Write every store for real into ``directory`` (HA's own ``Store._write_data``).

    The test plugin's storage keeps a parsed copy of each store written,
    which a real installation does not hold in memory (about 10 MB at 500
    targets): memory figures are taken with stores written to files, as in
    an installation. ``written`` is told each store's size after each write.
    """

    async def write(store: storage.Store[Any], path: str, data: dict[str, Any]) -> None:
        target = directory / ".storage" / store.key
        await hass.async_add_executor_job(store._write_data, str(target), data)  # noqa: SLF001
        written(store.key, target.stat().st_size)

    with patch.object(storage.Store, "_async_write_data", write):
        yield


async def scenario_storage(
    hass: HomeAssistant, spec: dict[str, Any], tmp_path: Path
) -> dict[str, Any]:
    """Bytes HA's stores write per cycle: default checks and ``size`` network targets.

    The test plugin keeps stores in memory; here every write is made for real
    (HA's own ``Store._write_data``, the same JSON) into a temporary
    directory and its size counted: a store is rewritten whole.
    """
    interval, cycles, size = spec["interval"], spec["cycles"], spec["size"]
    written: dict[str, int] = {}
    writes: dict[str, int] = {}
    sizes: dict[str, int] = {}
    timer: CoordinatorTimer | None = None

    def count(key: str, size: int) -> None:
        sizes[key] = size
        written[key] = written.get(key, 0) + size
        writes[key] = writes.get(key, 0) + 1

    farm, ports = start_farm()
    try:
        with real_storage(hass, tmp_path, count):
            entry = health_monitor_entry(
                DEFAULT_CHECKS, interval, subentries("network", size, ports)
            )
            await setup_entry(hass, entry)
            await set_interval(entry.runtime_data, interval)
            timer = CoordinatorTimer(entry.runtime_data)
            timer.install()
            await timer.wait(1, interval)
            written.clear()
            writes.clear()
            start = time.perf_counter()
            await timer.wait(cycles, interval)
            window = time.perf_counter() - start
            # The stores not yet written (histories wait up to
            # STORAGE_SAVE_DELAY) are written now, as when HA stops, so that
            # every store's size is known.
            during = dict(written)
            hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
            await hass.async_block_till_done()
            history_key = history_store_key(entry.entry_id)
            history_bytes = sizes.get(history_key, 0)
            # Every other store is counted as it was written during the window.
            others = {k: v for k, v in during.items() if k != history_key}
            mine = {key: value for key, value in others.items() if DOMAIN in key}
            per_cycle = sum(others.values()) / cycles
            history_size = entry.runtime_data.settings.history_size
            # Entries kept per component when the history was written: one a
            # cycle (setup's refresh and set_interval's ran before the timer).
            entries = min(history_size, timer.total + 2)
            full_size = await write_full_histories(hass, entry.runtime_data, sizes)
            # A history is rewritten whole, at most once per save delay.
            history_writes_per_day = 86400 / max(STORAGE_SAVE_DELAY, 30)
            figures = {
                "interval_s": interval,
                "cycles": cycles,
                "targets": size,
                "window_s": window,
                "bytes_per_cycle": per_cycle,
                "health_monitor_bytes_per_cycle": sum(mine.values()) / cycles,
                "writes_per_cycle": sum(writes.values()) / cycles,
                "largest_store_bytes": max(sizes.values(), default=0),
                "history_save_delay_s": STORAGE_SAVE_DELAY,
                "history_store_bytes": history_bytes,
                "history_entries": entries,
                # At a 30 s interval a day has 2880 cycles; histories are
                # written history_writes_per_day times.
                "mb_per_day_at_30s": (
                    per_cycle * 86400 / 30 + history_bytes * history_writes_per_day
                )
                / 1e6,
                "health_monitor_mb_per_day_at_30s": (
                    sum(mine.values()) / cycles * 86400 / 30
                    + history_bytes * history_writes_per_day
                )
                / 1e6,
                # Histories grow until history_size entries: measured by
                # filling every history and writing it once more.
                "history_size": history_size,
                "history_store_bytes_full": full_size,
                "health_monitor_mb_per_day_full_histories_at_30s": (
                    sum(mine.values()) / cycles * 86400 / 30
                    + full_size * history_writes_per_day
                )
                / 1e6,
                "by_store_bytes_per_cycle": {
                    key: value / cycles for key, value in written.items()
                },
            }
            await unload_all(hass)
    finally:
        farm.kill()
        farm.wait()
    return figures


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: None
) -> None:
    """Start the recorder before HA (as in an installation), then allow custom_components."""


SCENARIOS: dict[str, Callable[..., Awaitable[dict[str, Any]]]] = {
    "host": scenario_host,
    "targets": scenario_targets,
    "soak": scenario_soak,
    "entities": scenario_entities,
}


@pytest.mark.skipif(not SPEC, reason="run by benchmarks/suite.py with BENCH_SPEC")
async def test_scenario(hass: HomeAssistant, tmp_path: Path) -> None:
    """Run the scenario BENCH_SPEC names and write its figures to the spec's out."""
    asyncio.get_running_loop().set_debug(False)
    # The test plugin logs every SQL statement at INFO; an installation does not.
    for logger in ("", "sqlalchemy.engine", "homeassistant", "custom_components"):
        logging.getLogger(logger).setLevel(logging.WARNING)
    name = SPEC["scenario"]
    # BENCH_PROFILE=<folder>: a pyinstrument profile of the scenario's event
    # loop thread is written there (pyinstrument must be importable).
    if os.environ.get("BENCH_TRACEMALLOC"):
        tracemalloc.start(25)
    profile_dir = os.environ.get("BENCH_PROFILE")
    profiler = None
    if profile_dir:
        from pyinstrument import Profiler  # noqa: PLC0415 - only when asked for

        profiler = Profiler(interval=0.001)
        profiler.start()
    if name == "detection":
        figures = await scenario_detection(hass, SPEC, tmp_path)
    elif name == "storage":
        figures = await scenario_storage(hass, SPEC, tmp_path)
    else:
        with real_storage(hass, tmp_path):
            figures = await SCENARIOS[name](hass, SPEC)
    if profiler is not None and profile_dir:
        profiler.stop()
        Path(profile_dir, f"{SPEC['name']}.txt").write_text(
            profiler.output_text(unicode=False, color=False), encoding="utf-8"
        )
    Path(SPEC["out"]).write_text(json.dumps(figures, indent=1), encoding="utf-8")
