"""TimescaleDB: what its jobs, continuous aggregates, compression and workers do.

Every TimescaleDB query of the integration lives here; the rules that judge
what they return are in :mod:`.timescale_rules`. A cycle costs a fixed number
of queries whatever the number of hypertables, chunks or jobs: none runs per
chunk or per job. Jobs come from the ``timescaledb_information`` views;
chunk counts, compression backlogs and aggregate watermarks from TimescaleDB's
catalog (readable by every role), because the ``chunks`` view takes longer
than a whole cycle's budget on 10 000 chunks. Sizes touch every chunk's
files, so they are read at most every :data:`SIZES_EVERY` and kept between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ...engine.sanitize import shorten

# A scheduled job whose next start lies further in the past than this is
# overdue: the scheduler is stuck, stopped or out of background workers.
OVERDUE_GRACE = timedelta(minutes=5)

# A due job not started after this waits for a background worker.
WAITING_GRACE = timedelta(seconds=10)

# How often the sizes of hypertables and of the compression backlog are read.
SIZES_EVERY = timedelta(minutes=15)

# Problem jobs read per cycle, at most (worst first in the rules).
MAX_JOBS = 50
# Largest hypertables kept.
LARGEST = 5
# Characters of a job's error message kept.
MAX_ERROR_LENGTH = 200

# The extension's version: no row without TimescaleDB in this database (the
# other queries name its relations and could not even be planned then).
_VERSION = "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"

# Background workers
# in use are TimescaleDB's schedulers (one per database) and job workers,
# whose process type is the job's application name ("... [job id]"); both
# count against timescaledb.max_background_workers across the server. Only a
# role with pg_read_all_stats (e.g. through pg_monitor) sees other roles'
# process types: without it the count is unknown (NULL), not zero. A job
# due for longer than WAITING_GRACE that has not started waits for a worker
# (the scheduler starts a due job at once when it can): TimescaleDB holds
# worker slots no view shows, so waiting jobs tell of a saturation that the
# visible workers alone may not reach.
_OVERVIEW = r"""
SELECT
  current_setting('timescaledb.max_background_workers', true) AS max_workers,
  CASE WHEN pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') THEN
    (SELECT count(*) FROM pg_stat_activity
      WHERE backend_type = 'TimescaleDB Background Worker Scheduler'
         OR backend_type ~ ' \[[0-9]+\]$')
  END AS workers,
  (SELECT count(*) FROM timescaledb_information.job_stats AS s
     JOIN timescaledb_information.jobs AS j USING (job_id)
    WHERE j.scheduled AND s.job_status = 'Scheduled'
      AND s.next_start < now() - $1::interval) AS waiting,
  (SELECT count(*) FROM _timescaledb_catalog.hypertable AS h
    WHERE h.compression_state <> 2
      AND NOT EXISTS (SELECT FROM _timescaledb_catalog.continuous_agg AS ca
                       WHERE ca.mat_hypertable_id = h.id)) AS hypertables,
  (SELECT count(*) FROM _timescaledb_catalog.chunk AS c
     JOIN _timescaledb_catalog.hypertable AS h ON h.id = c.hypertable_id
    WHERE h.compression_state <> 2) AS chunks
"""

# Jobs with a problem: the last run of a scheduled job failed (a paused job
# is left alone: pausing is how a known problem is silenced); a scheduled job
# that is not running is overdue; a running job is past its max_runtime. A
# failed job's latest error and its first failure since its last success
# come from job_errors, which shows a role the errors of the jobs it owns or
# of the database it owns.
_JOBS = """
WITH stats AS (
  SELECT j.job_id, j.application_name, j.proc_schema, j.proc_name,
         j.hypertable_schema, j.hypertable_name, j.scheduled,
         j.schedule_interval, j.max_runtime,
         s.last_run_status, s.job_status, s.last_successful_finish,
         s.last_run_started_at, s.next_start
    FROM timescaledb_information.jobs AS j
    JOIN timescaledb_information.job_stats AS s USING (job_id)
), problems AS (
  SELECT *,
         scheduled AND last_run_status = 'Failed' AS failed,
         scheduled AND job_status IS DISTINCT FROM 'Running'
           AND next_start < now() - $1::interval AS overdue,
         job_status = 'Running' AND max_runtime > interval '0'
           AND now() - last_run_started_at > max_runtime AS overrun
    FROM stats
)
SELECT p.job_id, p.application_name, p.proc_schema, p.proc_name,
       p.hypertable_schema, p.hypertable_name,
       extract(epoch FROM p.schedule_interval)::float8 AS interval_s,
       extract(epoch FROM p.max_runtime)::float8 AS max_runtime_s,
       p.failed, p.overdue, p.overrun,
       extract(epoch FROM now() - p.next_start)::float8 AS overdue_s,
       extract(epoch FROM now() - p.last_run_started_at)::float8 AS running_s,
       extract(epoch FROM now() - coalesce(since.first_failure,
                                           p.last_run_started_at))::float8 AS failing_s,
       left(latest.err_message, $2) AS error
  FROM problems AS p
  LEFT JOIN LATERAL (
    SELECT e.err_message FROM timescaledb_information.job_errors AS e
     WHERE p.failed AND e.job_id = p.job_id
     ORDER BY e.start_time DESC LIMIT 1) AS latest ON true
  LEFT JOIN LATERAL (
    SELECT min(e.start_time) AS first_failure
      FROM timescaledb_information.job_errors AS e
     WHERE p.failed AND e.job_id = p.job_id
       AND e.start_time > coalesce(p.last_successful_finish, '-infinity')) AS since
    ON true
 WHERE p.failed OR p.overdue OR p.overrun
 ORDER BY p.job_id
 LIMIT $3
"""

# Continuous aggregates on a time column: how far their materialization is
# behind now, their bucket width and their refresh policy (if any). An
# aggregate never materialized has the lowest possible watermark.
_AGGREGATES = """
SELECT ca.user_view_schema AS schema, ca.user_view_name AS name,
       CASE WHEN w.watermark > _timescaledb_functions.time_to_internal(
                 '1900-01-01 00:00:00+00'::timestamptz)
            THEN extract(epoch FROM now()
                 - _timescaledb_functions.to_timestamp(w.watermark))::float8
       END AS behind_s,
       extract(epoch FROM bf.bucket_width::interval)::float8 AS bucket_s,
       p.job_id, p.scheduled,
       extract(epoch FROM p.schedule_interval)::float8 AS interval_s,
       extract(epoch FROM (p.config->>'end_offset')::interval)::float8 AS end_offset_s
  FROM _timescaledb_catalog.continuous_agg AS ca
  JOIN _timescaledb_catalog.dimension AS d
    ON d.hypertable_id = ca.mat_hypertable_id AND d.interval_length IS NOT NULL
  LEFT JOIN _timescaledb_catalog.continuous_aggs_watermark AS w
    ON w.mat_hypertable_id = ca.mat_hypertable_id
  LEFT JOIN _timescaledb_catalog.continuous_aggs_bucket_function AS bf
    ON bf.mat_hypertable_id = ca.mat_hypertable_id
  LEFT JOIN timescaledb_information.jobs AS p
    ON p.proc_name = 'policy_refresh_continuous_aggregate'
   AND (p.config->>'mat_hypertable_id')::int = ca.mat_hypertable_id
 WHERE d.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
 ORDER BY 1, 2
"""

# Per compression policy on a time column: its hypertable's chunks that
# ended before now - compress_after and are still uncompressed; late when
# two runs of the policy should have compressed them already.
_BACKLOG_CHUNKS = """
SELECT c.id AS chunk_id, c.schema_name AS chunk_schema, c.table_name AS chunk_name,
       h.schema_name AS schema, h.table_name AS name,
       s.range_end <= _timescaledb_functions.time_to_internal(
         now() - (j.config->>'compress_after')::interval - 2 * j.schedule_interval) AS late
  FROM _timescaledb_config.bgw_job AS j
  JOIN _timescaledb_catalog.hypertable AS h ON h.id = j.hypertable_id
  JOIN _timescaledb_catalog.dimension AS d
    ON d.hypertable_id = j.hypertable_id AND d.interval_length IS NOT NULL
   AND d.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
  JOIN _timescaledb_catalog.chunk AS c
    ON c.hypertable_id = j.hypertable_id AND c.compressed_chunk_id IS NULL
  JOIN _timescaledb_catalog.chunk_constraint AS cc ON cc.chunk_id = c.id
  JOIN _timescaledb_catalog.dimension_slice AS s
    ON s.id = cc.dimension_slice_id AND s.dimension_id = d.id
 WHERE j.proc_name = 'policy_compression'
   AND jsonb_typeof(j.config->'compress_after') = 'string'
   AND s.range_end <= _timescaledb_functions.time_to_internal(
         now() - (j.config->>'compress_after')::interval)
"""

_BACKLOG = f"""
SELECT schema, name, count(*) AS chunks, bool_or(late) AS late
  FROM ({_BACKLOG_CHUNKS}) AS b
 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2
"""  # noqa: S608 - made of constants

_BACKLOG_SIZE = f"""
SELECT coalesce(sum(pg_total_relation_size(
         format('%I.%I', chunk_schema, chunk_name)::regclass)), 0) AS bytes
  FROM ({_BACKLOG_CHUNKS}) AS b
"""  # noqa: S608 - made of constants

# The largest hypertables: their chunks and the compressed data of those.
_LARGEST = """
SELECT h.schema_name AS schema, h.table_name AS name,
       sum(pg_total_relation_size(format('%I.%I', c.schema_name, c.table_name)::regclass)
           + CASE WHEN z.id IS NOT NULL THEN pg_total_relation_size(
               format('%I.%I', z.schema_name, z.table_name)::regclass) ELSE 0 END) AS bytes
  FROM _timescaledb_catalog.chunk AS c
  JOIN _timescaledb_catalog.hypertable AS h ON h.id = c.hypertable_id
  LEFT JOIN _timescaledb_catalog.chunk AS z ON z.id = c.compressed_chunk_id
 WHERE h.compression_state <> 2
 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2
 LIMIT $1
"""


@dataclass(frozen=True, slots=True)
class Job:
    """A job with a problem, as TimescaleDB reports it."""

    job_id: int
    application_name: str
    proc_schema: str
    proc_name: str
    hypertable: str | None
    interval_s: float | None
    max_runtime_s: float | None
    failed: bool
    overdue: bool
    overrun: bool
    overdue_s: float | None
    running_s: float | None
    failing_s: float | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Aggregate:
    """A continuous aggregate on a time column and its refresh policy."""

    name: str
    behind_s: float | None
    bucket_s: float | None
    job_id: int | None
    interval_s: float | None
    end_offset_s: float | None


@dataclass(frozen=True, slots=True)
class Sizes:
    """Sizes read every :data:`SIZES_EVERY`: the largest hypertables, the backlog."""

    largest: tuple[tuple[str, int], ...]
    backlog_bytes: int


@dataclass(frozen=True, slots=True)
class TimescaleHealth:
    """What TimescaleDB reports about its jobs, aggregates, chunks and workers."""

    version: str
    workers: int | None
    waiting: int
    max_workers: int | None
    hypertables: int
    chunks: int
    jobs: tuple[Job, ...]
    aggregates: tuple[Aggregate, ...]
    # Per hypertable: chunks waiting for compression, and whether any is late.
    backlog: tuple[tuple[str, int, bool], ...]
    sizes: Sizes | None = None


def qualified(schema: str | None, name: str | None) -> str | None:
    """Return ``name``, with its schema unless that is ``public``."""
    if name is None:
        return None
    return name if schema in (None, "public") else f"{schema}.{name}"


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _job(row: Any) -> Job:
    error = row["error"]
    return Job(
        job_id=int(row["job_id"]),
        application_name=str(row["application_name"]),
        proc_schema=str(row["proc_schema"]),
        proc_name=str(row["proc_name"]),
        hypertable=qualified(row["hypertable_schema"], row["hypertable_name"]),
        interval_s=_float(row["interval_s"]),
        max_runtime_s=_float(row["max_runtime_s"]),
        failed=bool(row["failed"]),
        overdue=bool(row["overdue"]),
        overrun=bool(row["overrun"]),
        overdue_s=_float(row["overdue_s"]),
        running_s=_float(row["running_s"]),
        failing_s=_float(row["failing_s"]),
        error=None if error is None else shorten(str(error), MAX_ERROR_LENGTH),
    )


def _aggregate(row: Any) -> Aggregate:
    return Aggregate(
        name=qualified(row["schema"], row["name"]) or "",
        behind_s=_float(row["behind_s"]),
        bucket_s=_float(row["bucket_s"]),
        job_id=_int(row["job_id"]),
        interval_s=_float(row["interval_s"]) if row["scheduled"] is not None else None,
        end_offset_s=_float(row["end_offset_s"]),
    )


async def async_read_timescale(
    connection: Any, *, read_sizes: bool
) -> TimescaleHealth | None:
    """Read TimescaleDB's state through ``connection``; None without TimescaleDB.

    ``connection`` is an asyncpg connection; errors of the queries propagate.
    ``read_sizes`` adds the sizes (every chunk's files are looked at).
    """
    version = await connection.fetchval(_VERSION)
    if version is None:
        return None
    overview = await connection.fetchrow(_OVERVIEW, WAITING_GRACE)
    jobs = await connection.fetch(_JOBS, OVERDUE_GRACE, MAX_ERROR_LENGTH, MAX_JOBS)
    aggregates = await connection.fetch(_AGGREGATES)
    backlog = await connection.fetch(_BACKLOG)
    sizes = None
    if read_sizes:
        largest = await connection.fetch(_LARGEST, LARGEST)
        sizes = Sizes(
            largest=tuple(
                (qualified(row["schema"], row["name"]) or "", int(row["bytes"]))
                for row in largest
            ),
            backlog_bytes=int(await connection.fetchval(_BACKLOG_SIZE)),
        )
    return TimescaleHealth(
        version=str(version),
        workers=_int(overview["workers"]),
        waiting=int(overview["waiting"]),
        max_workers=_int(overview["max_workers"]),
        hypertables=int(overview["hypertables"]),
        chunks=int(overview["chunks"]),
        jobs=tuple(_job(row) for row in jobs),
        aggregates=tuple(_aggregate(row) for row in aggregates),
        backlog=tuple(
            (
                qualified(row["schema"], row["name"]) or "",
                int(row["chunks"]),
                bool(row["late"]),
            )
            for row in backlog
        ),
        sizes=sizes,
    )
