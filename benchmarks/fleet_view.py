"""The fleet view's queries, timed: what each instance reads every cycle, and a fleet table.

``instances`` is the query every instance's fleet database target runs each
cycle (``async_read_instances``: the others' latest heartbeats).
``open incidents + latest`` is what a fleet table in Grafana shows: each
component's latest status over the last 5 minutes with its instance's open
incidents.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

from custom_components.health_monitor.targets.fleet_database.writer import (
    async_read_instances,
)

LATEST_WITH_OPEN_INCIDENTS = """
WITH latest AS (
  SELECT DISTINCT ON (instance_id, component_id)
         instance_id, component_id, status, time
    FROM health_monitor.check_results
   WHERE time > now() - interval '5 minutes'
   ORDER BY instance_id, component_id, time DESC
), open AS (
  SELECT instance_id, count(*) AS open_incidents
    FROM health_monitor.incidents
   WHERE status NOT IN ('resolved', 'closed')
   GROUP BY instance_id
)
SELECT i.name, l.component_id, l.status, l.time,
       coalesce(o.open_incidents, 0) AS open_incidents
  FROM health_monitor.instances AS i
  JOIN latest AS l USING (instance_id)
  LEFT JOIN open AS o USING (instance_id)
 ORDER BY i.name, l.component_id
"""
FLEET_VIEW = ("instances", "open incidents + latest")
WINDOW_ROWS = """
SELECT count(*) FROM health_monitor.check_results
 WHERE time > now() - interval '5 minutes'
"""


def p95(values: list[float]) -> float:
    """Return the 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


async def async_time_queries(connection: Any, own_id: str, runs: int) -> dict[str, Any]:
    """Run each fleet view query ``runs`` times (after one warm-up); return the times."""
    # A real fleet has 10 cycles of each component in 5 minutes; simulated
    # cycles come faster, so the window may hold more.
    results: dict[str, Any] = {"window_rows": await connection.fetchval(WINDOW_ROWS)}
    for name in FLEET_VIEW:
        timings: list[float] = []
        rows = 0
        for run in range(runs + 1):
            start = time.perf_counter()
            if name == "instances":
                reports, _ = await async_read_instances(connection, own_id)
                rows = len(reports)
            else:
                rows = len(await connection.fetch(LATEST_WITH_OPEN_INCIDENTS))
            if run:
                timings.append((time.perf_counter() - start) * 1000)
        results[name] = {
            "rows": rows,
            "ms_median": statistics.median(timings),
            "ms_p95": p95(timings),
        }
    return results
