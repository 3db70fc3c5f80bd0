"""Cost of the fleet database export, storage per day, and 50 instances writing to one database.

Run: ``.venv/bin/python -m benchmarks.fleet_export [--quick] [--json PATH]``.
A private PostgreSQL with the real TimescaleDB extension
(scripts/ensure_services), over TCP on loopback, as the monitoring role; the
schema is migrated by the integration's own ``async_migrate`` and every row
is made and written by its own code (``check_result_row``, ``Outbox``,
``async_flush``, ``async_heartbeat``, ``async_read_instances``).

1. One instance (the default checks and 20 targets): the event loop's CPU
   per cycle to make the rows and queue them, and the wall time of the
   export's session per cycle (log in, flush, heartbeat, read the fleet).
2. One simulated day of that instance's check results: bytes per row and
   per day, before and after compressing the chunks.
3. 50 simulated instances (benchmarks/fleet_writers.py) writing cycles as
   fast as they can, then paced (the 30 s interval compressed to 0.5 s):
   rows per second and the latency of a cycle's flush, heartbeat and read;
   then the fleet view queries (benchmarks/fleet_view.py) with 50 instances
   and their history present.

``--quick`` (tests/test_benchmark.py) runs every part small.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
import random
import statistics
import sys
import time
from typing import Any

from custom_components.health_monitor.engine.fleet.outbox import MAX_LIMIT, Outbox
from custom_components.health_monitor.engine.fleet.rows import check_result_row
from custom_components.health_monitor.engine.models import utcnow
from custom_components.health_monitor.targets.fleet_database.writer import (
    async_flush,
    async_heartbeat,
    async_migrate,
    async_read_instances,
)
from tests.targets.postgres_server import MONITOR_USER, running_postgres

from .fleet_rows import (
    CYCLES_PER_DAY,
    INTERVAL_S,
    component_kinds,
    cycle_components,
    cycle_rows,
    report,
)
from .fleet_view import FLEET_VIEW, async_time_queries, p95
from .fleet_writers import (
    INCIDENTS_PER_DAY,
    connect,
    instance_id,
    prefill_fleet,
    simulate_writers,
)

FULL: dict[str, Any] = {
    "cost_cycles": 2000,
    "sessions": 60,
    "day_cycles": CYCLES_PER_DAY,
    "writers": 50,
    "writer_cycles": 40,
    "history_cycles": 240,
    "view_runs": 30,
    # 50 instances at a 30 s interval compressed 60 times.
    "paced_interval_s": 0.5,
}
QUICK: dict[str, Any] = {
    "cost_cycles": 50,
    "sessions": 5,
    "day_cycles": 60,
    "writers": 5,
    "writer_cycles": 3,
    "history_cycles": 4,
    "view_runs": 3,
    "paced_interval_s": 0.1,
}
# Rows of one incident from opening to resolution: the incident twice
# (upserted) and its opened and resolved timeline entries.
ROWS_PER_INCIDENT = 4
SERVER_SETTINGS = {"max_connections": "100"}


def measure_cycle_cost(cycles: int) -> dict[str, float]:
    """Return the event loop's cost per cycle of making the rows and queueing them."""
    rng = random.Random(1)
    outbox = Outbox()
    own = instance_id(0)
    cpu_us, wall_us = [], []
    start_at = utcnow()
    for cycle in range(cycles):
        at = start_at + timedelta(seconds=cycle * INTERVAL_S)
        components = cycle_components(rng, at)
        cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
        outbox.add([check_result_row(own, c, at) for c in components])
        cpu_us.append((time.thread_time_ns() - cpu) / 1000)
        wall_us.append((time.perf_counter_ns() - wall) / 1000)
        # A flush takes them out again.
        outbox.remove_head(outbox.head(len(outbox)))
    return {
        "components": len(component_kinds()),
        "cpu_us_median": statistics.median(cpu_us),
        "wall_us_median": statistics.median(wall_us),
        "wall_us_p95": p95(wall_us),
    }


async def measure_sessions(
    host: str, port: int, database: str, cycles: int
) -> dict[str, float]:
    """Return the wall time of the export's session per cycle, and its parts."""
    rng = random.Random(2)
    outbox = Outbox()
    own = instance_id(0)
    first = await connect(host, port, database)
    await async_migrate(first)
    await first.close()
    login_ms, export_ms, session_ms, export_cpu_ms = [], [], [], []
    for _ in range(cycles):
        at = utcnow()
        outbox.add(cycle_rows(own, rng, at))
        start = time.perf_counter()
        connection = await connect(host, port, database)
        logged_in = time.perf_counter()
        cpu = time.process_time()
        await async_flush(connection, outbox, max_rows=50_000)
        await async_heartbeat(connection, report(own, "Benchmark", at))
        await async_read_instances(connection, own)
        export_cpu_ms.append((time.process_time() - cpu) * 1000)
        exported = time.perf_counter()
        await connection.close()
        login_ms.append((logged_in - start) * 1000)
        export_ms.append((exported - logged_in) * 1000)
        session_ms.append((time.perf_counter() - start) * 1000)
    return {
        "login_ms_median": statistics.median(login_ms),
        "export_ms_median": statistics.median(export_ms),
        "export_ms_p95": p95(export_ms),
        "export_client_cpu_ms_median": statistics.median(export_cpu_ms),
        "session_ms_median": statistics.median(session_ms),
        "session_ms_p95": p95(session_ms),
    }


async def measure_storage(
    host: str, port: int, database: str, cycles: int
) -> dict[str, float]:
    """Write a day of one instance's check results; return its size raw and compressed."""
    rng = random.Random(3)
    connection = await connect(host, port, database)
    try:
        await async_migrate(connection)
        # Yesterday, within one daily chunk, younger than the compression policy's 7 days.
        day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        day -= timedelta(days=1)
        step = 86400 / cycles
        outbox = Outbox(MAX_LIMIT)
        written, start = 0, time.perf_counter()
        for cycle in range(cycles):
            outbox.add(
                cycle_rows(instance_id(0), rng, day + timedelta(seconds=cycle * step))
            )
            if len(outbox) >= 10_000 or cycle == cycles - 1:
                written += await async_flush(connection, outbox, max_rows=len(outbox))
        write_s = time.perf_counter() - start
        await connection.execute("ANALYZE health_monitor.check_results")
        raw = await connection.fetchval(
            "SELECT hypertable_size('health_monitor.check_results')"
        )
        await connection.execute(
            "SELECT compress_chunk(c) FROM show_chunks('health_monitor.check_results') c"
        )
        stats = await connection.fetchrow(
            "SELECT before_compression_total_bytes AS before,"
            " after_compression_total_bytes AS after"
            " FROM hypertable_compression_stats('health_monitor.check_results')"
        )
        compressed = await connection.fetchval(
            "SELECT hypertable_size('health_monitor.check_results')"
        )
        hourly = await _async_hourly_bytes(connection, day)
    finally:
        await connection.close()
    scale = CYCLES_PER_DAY / cycles
    return {
        "rows": written,
        "write_rows_per_s": written / write_s,
        "raw_bytes_per_row": raw / written,
        "compressed_bytes_per_row": compressed / written,
        "compression_ratio": stats["before"] / stats["after"],
        "raw_mb_per_day": raw * scale / 1e6,
        "compressed_mb_per_day": compressed * scale / 1e6,
        # The hourly counts stay whatever the cycles: a row per component and hour.
        "hourly_aggregate_kb_per_day": hourly / 1e3,
    }


async def _async_hourly_bytes(connection: Any, day: datetime) -> int:
    """Materialize ``day``'s hourly counts; return the bytes they take."""
    await connection.execute(
        "CALL refresh_continuous_aggregate('health_monitor.component_status_hourly',"
        " $1::timestamptz, $2::timestamptz)",
        day,
        day + timedelta(days=1),
    )
    return int(
        await connection.fetchval(
            "SELECT hypertable_size(format('%I.%I', materialization_hypertable_schema,"
            " materialization_hypertable_name)::regclass)"
            " FROM timescaledb_information.continuous_aggregates"
            " WHERE view_name = 'component_status_hourly'"
        )
    )


async def run(host: str, port: int, config: dict[str, Any]) -> dict[str, Any]:
    """Measure every part; return the figures."""
    results: dict[str, Any] = {"cycle": measure_cycle_cost(config["cost_cycles"])}
    results["session"] = await measure_sessions(host, port, "one", config["sessions"])
    results["storage"] = await measure_storage(host, port, "day", config["day_cycles"])
    await prefill_fleet(
        host, port, "fleet", config["writers"], config["history_cycles"]
    )
    results["writers"] = await simulate_writers(host, port, "fleet", config, None)
    results["paced"] = await simulate_writers(
        host, port, "fleet", config, config["paced_interval_s"]
    )
    connection = await connect(host, port, "fleet")
    try:
        results["fleet_view"] = await async_time_queries(
            connection, instance_id(0), config["view_runs"]
        )
    finally:
        await connection.close()
    components = results["cycle"]["components"]
    results["rows_per_day"] = {
        "check_results": components * CYCLES_PER_DAY,
        "incidents_estimate": INCIDENTS_PER_DAY * ROWS_PER_INCIDENT,
    }
    return results


def table(results: dict[str, Any], mode: str) -> str:
    """Return the figures as a compact text table."""
    cycle, session, storage = results["cycle"], results["session"], results["storage"]
    writers, paced, view = results["writers"], results["paced"], results["fleet_view"]
    lines = [
        f"Fleet export benchmark ({mode}): {cycle['components']} components, "
        f"{INTERVAL_S} s interval",
        f"rows/day/instance        {results['rows_per_day']['check_results']} check results"
        f" + ~{results['rows_per_day']['incidents_estimate']} incident rows",
        f"rows + queue, per cycle  {cycle['cpu_us_median']:.0f} µs CPU median"
        f" (wall p95 {cycle['wall_us_p95']:.0f} µs)",
        f"export session, /cycle   {session['session_ms_median']:.1f} ms median,"
        f" p95 {session['session_ms_p95']:.1f} (login {session['login_ms_median']:.1f},"
        f" flush+heartbeat+read {session['export_ms_median']:.1f},"
        f" client CPU {session['export_client_cpu_ms_median']:.2f})",
        f"storage per row          {storage['raw_bytes_per_row']:.0f} B raw,"
        f" {storage['compressed_bytes_per_row']:.1f} B compressed"
        f" (x{storage['compression_ratio']:.1f})",
        f"storage per day          {storage['raw_mb_per_day']:.1f} MB raw,"
        f" {storage['compressed_mb_per_day']:.2f} MB compressed,"
        f" hourly counts {storage['hourly_aggregate_kb_per_day']:.0f} kB"
        f" (one writer COPY {storage['write_rows_per_s']:.0f} rows/s)",
        *(
            f"{run['writers']} writers, {label:<7} {run['rows_per_s']:.0f} rows/s,"
            f" {run['cycles_per_s']:.0f} cycles/s, flush+heartbeat+read p50"
            f" {run['flush_ms_p50']:.1f} ms p95 {run['flush_ms_p95']:.1f} ms"
            for label, run in (("at once", writers), ("paced", paced))
        ),
    ]
    for name in FLEET_VIEW:
        figures = view[name]
        lines.append(
            f"{name:<24} {figures['rows']} rows, {figures['ms_median']:.1f} ms median,"
            f" p95 {figures['ms_p95']:.1f} ms"
        )
    lines.append(f"(last 5 minutes: {view['window_rows']} check results)")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Start a private server, measure, print; write JSON when asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="every part small")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    config = QUICK if args.quick else FULL
    mode = "quick" if args.quick else "full"
    start = time.perf_counter()
    with running_postgres(settings=SERVER_SETTINGS) as server:
        for database in ("one", "day", "fleet"):
            server.psql(f"CREATE DATABASE {database} OWNER {MONITOR_USER}")
            server.psql("CREATE EXTENSION timescaledb", database)
        results = asyncio.run(run(server.host, server.port, config))
    results["mode"] = mode
    results["total_s"] = time.perf_counter() - start
    sys.stdout.write(table(results, mode) + f"total {results['total_s']:.0f} s\n")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
