"""TimescaleDB: extension version, background jobs and hypertables.

Every TimescaleDB query of the integration lives here. TimescaleDB is
detected through its ``timescaledb_information`` views rather than through
``pg_extension``, so a database where the views exist but the extension row
is not visible (or a stand-in schema with the same views) is still watched;
its version is then reported as unknown (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

# A scheduled job whose next start lies further in the past than this is
# overdue: the scheduler is stuck, stopped or out of background workers.
OVERDUE_GRACE = timedelta(minutes=5)

# Job ids named in a message, at most.
MAX_NAMED_JOBS = 5

_DETECT = """
SELECT to_regclass('timescaledb_information.jobs') IS NOT NULL
   AND to_regclass('timescaledb_information.job_stats') IS NOT NULL
   AND to_regclass('timescaledb_information.hypertables') IS NOT NULL
"""

_VERSION = "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"

# A job has failed when its latest run failed (last_run_status = 'Failed');
# total_failures counts every failure ever and would never clear, so it is
# not used. A job is overdue when it is scheduled (not paused), not running,
# and its next start lies more than the grace period in the past.
_JOBS = """
SELECT
  coalesce(array_agg(s.job_id ORDER BY s.job_id)
           FILTER (WHERE s.last_run_status = 'Failed'), '{}') AS failed,
  coalesce(array_agg(s.job_id ORDER BY s.job_id)
           FILTER (WHERE j.scheduled
                     AND s.job_status IS DISTINCT FROM 'Running'
                     AND s.next_start < now() - $1::interval), '{}') AS overdue
FROM timescaledb_information.job_stats AS s
JOIN timescaledb_information.jobs AS j USING (job_id)
"""

_HYPERTABLES = "SELECT count(*) FROM timescaledb_information.hypertables"


@dataclass(frozen=True, slots=True)
class TimescaleHealth:
    """What TimescaleDB reports about its jobs and hypertables."""

    version: str | None
    failed_jobs: tuple[int, ...]
    overdue_jobs: tuple[int, ...]
    hypertables: int


async def async_read_timescale(connection: Any) -> TimescaleHealth | None:
    """Read TimescaleDB's state through ``connection``; None without TimescaleDB.

    ``connection`` is an asyncpg connection; errors of the queries propagate.
    """
    if not await connection.fetchval(_DETECT):
        return None
    version = await connection.fetchval(_VERSION)
    jobs = await connection.fetchrow(_JOBS, OVERDUE_GRACE)
    hypertables = await connection.fetchval(_HYPERTABLES)
    return TimescaleHealth(
        version=None if version is None else str(version),
        failed_jobs=tuple(int(job) for job in jobs["failed"]),
        overdue_jobs=tuple(int(job) for job in jobs["overdue"]),
        hypertables=int(hypertables),
    )


def describe_jobs(kind: str, jobs: tuple[int, ...]) -> str:
    """Return e.g. ``2 TimescaleDB jobs failed (1000, 1001)``."""
    named = ", ".join(str(job) for job in jobs[:MAX_NAMED_JOBS])
    if len(jobs) > MAX_NAMED_JOBS:
        named += ", …"
    noun = "job" if len(jobs) == 1 else "jobs"
    return f"{len(jobs)} TimescaleDB {noun} {kind} ({named})"
