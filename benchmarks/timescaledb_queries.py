"""Cost of a cycle's TimescaleDB queries: 100 hypertables, 10 000 chunks, one session.

Run: ``.venv/bin/python -m benchmarks.timescaledb_queries``. A private
PostgreSQL with the real TimescaleDB extension (scripts/ensure_services),
over TCP on loopback, as the monitoring role with ``pg_monitor``: 100
hypertables of 100 daily chunks each, a compression policy on each (not run
yet, so 93 chunks of each wait for compression), 100 jobs in all, and 5
continuous aggregates with refresh policies. The figure is the wall time of
the queries of one check (median and worst of 30 cycles after 3 warm-up
ones), then of the sizes read every 15 minutes. Budget: 50 ms per cycle.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

import asyncpg

from custom_components.health_monitor.targets.database.timescaledb import (
    async_read_timescale,
)
from tests.targets.postgres_server import (
    MONITOR_PASSWORD,
    MONITOR_USER,
    running_postgres,
)

HYPERTABLES = 100
CHUNKS_EACH = 100
AGGREGATES = 5
CYCLES = 30
WARM_UP = 3
BUDGET_MS = 50.0
DATABASE = "bench"


def _hypertable_sql(index: int) -> str:
    # Table names from a counter: nothing from outside reaches the text.
    return (
        f"CREATE TABLE m{index} (t timestamptz NOT NULL, v float8);"  # noqa: S608
        f"SELECT create_hypertable('m{index}', by_range('t', interval '1 day'));"
        f"INSERT INTO m{index} SELECT g, 1 FROM generate_series("
        f"now() - interval '{CHUNKS_EACH - 1} days', now(), interval '6 hours') AS g;"
        f"ALTER TABLE m{index} SET (timescaledb.compress);"
        f"SELECT add_compression_policy('m{index}', interval '7 days',"
        " initial_start => now() + interval '1 day');"
    )


def _aggregate_sql(index: int) -> str:
    return (
        f"CREATE MATERIALIZED VIEW a{index} WITH (timescaledb.continuous) AS"  # noqa: S608
        f" SELECT time_bucket('1 hour', t) AS bucket, avg(v) FROM m{index}"
        " GROUP BY 1 WITH NO DATA;"
        f"SELECT add_continuous_aggregate_policy('a{index}', start_offset => NULL,"
        " end_offset => interval '1 hour', schedule_interval => interval '1 hour',"
        " initial_start => now() + interval '1 day');"
    )


async def _measure(host: str, port: int) -> tuple[list[float], float, int]:
    connection = await asyncpg.connect(
        host=host,
        port=port,
        user=MONITOR_USER,
        password=MONITOR_PASSWORD,
        database=DATABASE,
        ssl=False,
    )
    try:
        timings = []
        for cycle in range(WARM_UP + CYCLES):
            start = time.perf_counter()
            health = await async_read_timescale(connection, read_sizes=False)
            elapsed = (time.perf_counter() - start) * 1000
            if cycle >= WARM_UP:
                timings.append(elapsed)
        start = time.perf_counter()
        await async_read_timescale(connection, read_sizes=True)
        sizes_ms = (time.perf_counter() - start) * 1000
        assert health is not None
        return timings, sizes_ms, health.chunks
    finally:
        await connection.close()


def main() -> int:
    """Build the database, measure, print; exit 1 when the budget is missed."""
    with running_postgres() as server:
        server.psql(f"GRANT pg_monitor TO {MONITOR_USER}")
        server.psql(f"CREATE DATABASE {DATABASE} OWNER {MONITOR_USER}")
        server.psql("CREATE EXTENSION timescaledb", DATABASE)
        start = time.perf_counter()
        for index in range(HYPERTABLES):
            server.psql(_hypertable_sql(index), DATABASE)
        for index in range(AGGREGATES):
            server.psql(_aggregate_sql(index), DATABASE)
        server.psql("ANALYZE", DATABASE)
        built = time.perf_counter() - start
        timings, sizes_ms, chunks = asyncio.run(_measure(server.host, server.port))
    median = statistics.median(timings)
    sys.stdout.write(
        f"built {HYPERTABLES} hypertables, {chunks} chunks in {built:.0f} s\n"
        f"BENCH timescaledb_cycle_ms median {median:.1f} worst {max(timings):.1f}"
        f" (budget {BUDGET_MS:.0f}) over {CYCLES} cycles\n"
        f"BENCH timescaledb_sizes_ms {sizes_ms:.0f} (every 15 min)\n"
    )
    return 0 if median <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
