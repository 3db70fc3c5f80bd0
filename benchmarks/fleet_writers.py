"""50 simulated instances writing to one fleet database, each with its own session and outbox.

One process, one asyncio task per instance: each logs in as the monitoring
role, makes its cycle's rows with the integration's code, flushes them,
writes its heartbeat and reads the others', as its fleet database target
does every cycle. ``prefill_fleet`` first gives every instance a history,
incidents and a heartbeat, so the fleet view is timed on data like a real
fleet's.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import random
import statistics
import time
from typing import Any

import asyncpg

from custom_components.health_monitor.engine.fleet.outbox import MAX_LIMIT, Outbox
from custom_components.health_monitor.engine.models import utcnow
from custom_components.health_monitor.targets.fleet_database.writer import (
    async_flush,
    async_heartbeat,
    async_migrate,
    async_read_instances,
)
from tests.targets.postgres_server import MONITOR_PASSWORD, MONITOR_USER

from .fleet_rows import INTERVAL_S, cycle_rows, incident_rows, report
from .fleet_view import p95

# Incidents a day of a busy installation (the rows-per-day estimate counts them).
INCIDENTS_PER_DAY = 5


def instance_id(number: int) -> str:
    """Return the id of simulated instance ``number`` (as HA's: 32 hex digits)."""
    return f"{number:032x}"


async def connect(host: str, port: int, database: str) -> Any:
    """Log in as the monitoring role, as the fleet database target does."""
    return await asyncpg.connect(
        host=host,
        port=port,
        user=MONITOR_USER,
        password=MONITOR_PASSWORD,
        database=database,
        ssl=False,
        server_settings={"application_name": "Home Assistant Health Monitor"},
    )


async def prefill_fleet(
    host: str, port: int, database: str, writers: int, cycles: int
) -> None:
    """Give each instance ``cycles`` of history up to now, incidents and a heartbeat."""
    connection = await connect(host, port, database)
    try:
        await async_migrate(connection)
        now = utcnow()
        for number in range(writers):
            own, rng = instance_id(number), random.Random(number)
            outbox = Outbox(MAX_LIMIT)
            for cycle in range(cycles, 0, -1):
                outbox.add(
                    cycle_rows(own, rng, now - timedelta(seconds=cycle * INTERVAL_S))
                )
            for incident in range(INCIDENTS_PER_DAY):
                opened = now - timedelta(hours=incident + 1)
                outbox.add(
                    incident_rows(own, incident + 1, opened, resolve=incident > 1)
                )
            await async_flush(connection, outbox, max_rows=len(outbox))
            await async_heartbeat(connection, report(own, f"Home {number}", now))
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def simulate_writers(
    host: str,
    port: int,
    database: str,
    config: dict[str, Any],
    interval_s: float | None,
) -> dict[str, float]:
    """Run the instances' export cycles at once: as fast as they go, or paced.

    Paced, each instance exports every ``interval_s`` (the 30 s interval
    compressed), the instances spread over the interval as they would be.
    """
    writers, cycles = config["writers"], config["writer_cycles"]
    latencies: list[float] = []
    connections = await asyncio.gather(
        *(connect(host, port, database) for _ in range(writers))
    )
    start = time.perf_counter()

    async def writer(number: int, connection: Any) -> int:
        own, rng = instance_id(number), random.Random(1000 + number)
        outbox = Outbox()
        rows = 0
        for cycle in range(cycles):
            if interval_s is not None:
                due = start + (cycle + number / writers) * interval_s
                await asyncio.sleep(max(due - time.perf_counter(), 0))
            at = utcnow()
            outbox.add(cycle_rows(own, rng, at))
            began = time.perf_counter()
            rows += await async_flush(connection, outbox, max_rows=50_000)
            await async_heartbeat(connection, report(own, f"Home {number}", at))
            await async_read_instances(connection, own)
            latencies.append((time.perf_counter() - began) * 1000)
            # Let the others in.
            await asyncio.sleep(0)
        return rows

    try:
        counts = await asyncio.gather(
            *(writer(n, c) for n, c in enumerate(connections))
        )
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    elapsed = time.perf_counter() - start
    return {
        "writers": writers,
        "cycles": cycles,
        "interval_s": interval_s or 0.0,
        "rows": sum(counts),
        "rows_per_s": sum(counts) / elapsed,
        "cycles_per_s": len(latencies) / elapsed,
        "flush_ms_p50": statistics.median(latencies),
        "flush_ms_p95": p95(latencies),
    }
