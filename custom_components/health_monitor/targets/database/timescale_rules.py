"""TimescaleDB rules: what TimescaleDB's state means for the database's health.

| Finding | Status |
|---|---|
| an internal job (id below 1000: telemetry, job history retention) failing | warning |
| a policy of the user's hypertables or a user job failing | degraded |
| a compression or retention policy failing for longer than its interval | critical |
| a job overdue (scheduled, not running, start passed by 5 min) | warning |
| a job running past its ``max_runtime`` | warning |
| a continuous aggregate behind by more than two refresh intervals | degraded |
| chunks waiting for compression two policy intervals after they became due | warning |
| background workers asked for (in use plus jobs waiting for one): from 80 % | warning |
| background workers asked for: all (jobs wait) | degraded |

A paused job is not judged: pausing is how a known problem is silenced;
what it no longer does (compress, refresh) is still watched. An aggregate is
behind by how much its materialization (watermark) trails what its refresh
policy promises: now less the policy's end offset and one bucket.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...engine.classification import Findings
from ...engine.models import MAX_AFFECTED, HealthStatus, MetricValue
from ...engine.sanitize import sanitize_message, shorten
from .timescaledb import Aggregate, Job, TimescaleHealth

# Job ids below this are TimescaleDB's own (telemetry, job history retention).
FIRST_USER_JOB = 1000
INTERNAL_SCHEMA = "_timescaledb_functions"
# Policies that, failing, let data pile up uncompressed or undeleted.
BLOCKING_POLICIES = frozenset({"policy_compression", "policy_retention"})

# Jobs or aggregates named in one finding's text, at most.
NAMED = 3
# Characters of an error quoted in the message (the details keep more).
QUOTED_ERROR = 120
# Entries of each list in the details, at most.
MAX_DETAILS = 10

WORKERS_WARNING = 80.0
WORKERS_DEGRADED = 100.0

_POLICIES = {
    "policy_compression": "compression policy of {}",
    "policy_retention": "retention policy of {}",
    "policy_refresh_continuous_aggregate": "refresh of continuous aggregate {}",
    "policy_reorder": "reorder policy of {}",
}


def duration_text(seconds: float) -> str:
    """Return ``seconds`` in the unit a person would use: ``45 s``, ``5 min``, ``3 h``."""
    seconds = max(seconds, 0.0)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def is_internal(job: Job) -> bool:
    """Return whether ``job`` is one of TimescaleDB's own, not of the user's data."""
    return job.job_id < FIRST_USER_JOB


def job_label(job: Job) -> str:
    """Return what a person calls the job, e.g. ``refresh of continuous aggregate daily``."""
    if is_internal(job):
        name = job.application_name.rsplit(" [", 1)[0]
    elif job.proc_schema == INTERNAL_SCHEMA and job.proc_name in _POLICIES:
        name = _POLICIES[job.proc_name].format(job.hypertable or "?")
    elif job.proc_schema == INTERNAL_SCHEMA:
        name = job.application_name.rsplit(" [", 1)[0]
    else:
        name = f"job {job.proc_schema}.{job.proc_name}"
    return f"{name} (job {job.job_id})"


def failure_status(job: Job) -> HealthStatus:
    """Return how bad ``job``'s failing is (see the module's table)."""
    if is_internal(job):
        return HealthStatus.WARNING
    if (
        job.proc_schema == INTERNAL_SCHEMA
        and job.proc_name in BLOCKING_POLICIES
        and job.interval_s is not None
        and job.failing_s is not None
        and job.failing_s > job.interval_s
    ):
        return HealthStatus.CRITICAL
    return HealthStatus.DEGRADED


def aggregate_lag_s(aggregate: Aggregate) -> float | None:
    """Return how far ``aggregate`` trails what its refresh policy promises, or None.

    None without a refresh policy (it is refreshed by hand) or before it was
    ever materialized.
    """
    if aggregate.interval_s is None or aggregate.behind_s is None:
        return None
    return (
        aggregate.behind_s
        - (aggregate.end_offset_s or 0.0)
        - (aggregate.bucket_s or 0.0)
    )


def is_stale(aggregate: Aggregate) -> bool:
    """Return whether ``aggregate`` trails by more than two refresh intervals."""
    lag = aggregate_lag_s(aggregate)
    return lag is not None and lag > 2 * (aggregate.interval_s or 0.0)


@dataclass(slots=True)
class TimescaleVerdict:
    """The metrics, details and affected names of TimescaleDB's findings."""

    metrics: dict[str, MetricValue] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    affected: list[str] = field(default_factory=list)


def _named(texts: list[str], noun: str) -> str:
    shown = "; ".join(texts[:NAMED])
    if len(texts) > NAMED:
        shown += f"; {len(texts) - NAMED} more {noun}"
    return shown


def _failed_text(job: Job, secrets: tuple[str, ...]) -> str:
    text = f"{job_label(job)} failing"
    if job.failing_s is not None:
        text += f" for {duration_text(job.failing_s)}"
    if job.error:
        text += f": {sanitize_message(shorten(job.error, QUOTED_ERROR), secrets)}"
    return text


def _judge_jobs(
    jobs: Iterable[Job],
    findings: Findings,
    verdict: TimescaleVerdict,
    secrets: tuple[str, ...],
) -> None:
    failed = [job for job in jobs if job.failed]
    for status in (HealthStatus.CRITICAL, HealthStatus.DEGRADED, HealthStatus.WARNING):
        group = [job for job in failed if failure_status(job) is status]
        if group:
            findings.add(
                status,
                _named([_failed_text(j, secrets) for j in group], "failing jobs"),
            )
    verdict.details["failed_jobs"] = [
        {
            "job_id": job.job_id,
            "job": job_label(job),
            "failing_for_s": None if job.failing_s is None else round(job.failing_s),
            "error": None
            if job.error is None
            else sanitize_message(job.error, secrets),
            "status": failure_status(job).value,
        }
        for job in failed[:MAX_DETAILS]
    ]
    overdue = [job for job in jobs if job.overdue]
    if overdue:
        noun = "job" if len(overdue) == 1 else "jobs"
        texts = [
            f"{job_label(job)} late by {duration_text(job.overdue_s or 0.0)}"
            for job in overdue
        ]
        findings.add(
            HealthStatus.WARNING,
            f"{len(overdue)} TimescaleDB {noun} overdue: {_named(texts, 'overdue')}",
        )
    overrun = [job for job in jobs if job.overrun]
    for job in overrun[:NAMED]:
        findings.add(
            HealthStatus.WARNING,
            f"{job_label(job)} running for {duration_text(job.running_s or 0.0)}, "
            f"past its max runtime of {duration_text(job.max_runtime_s or 0.0)}",
        )
    verdict.metrics.update(
        failed_jobs=len(failed), overdue_jobs=len(overdue), overrun_jobs=len(overrun)
    )
    verdict.affected.extend(job_label(job) for job in [*failed, *overdue, *overrun])


def _judge_aggregates(
    aggregates: Iterable[Aggregate], findings: Findings, verdict: TimescaleVerdict
) -> None:
    stale = [aggregate for aggregate in aggregates if is_stale(aggregate)]
    texts = [
        f"continuous aggregate {aggregate.name} is {duration_text(aggregate.behind_s or 0.0)} "
        f"behind (refreshed every {duration_text(aggregate.interval_s or 0.0)})"
        for aggregate in stale
    ]
    if texts:
        findings.add(HealthStatus.DEGRADED, _named(texts, "stale aggregates"))
    verdict.metrics["stale_aggregates"] = len(stale)
    verdict.details["stale_aggregates"] = [
        {"aggregate": aggregate.name, "behind_s": round(aggregate.behind_s or 0.0)}
        for aggregate in stale[:MAX_DETAILS]
    ]
    verdict.affected.extend(f"continuous aggregate {a.name}" for a in stale)


def _judge_workers(
    workers: int,
    waiting: int,
    maximum: int,
    findings: Findings,
    verdict: TimescaleVerdict,
) -> None:
    """Judge the background workers asked for: those in use and jobs waiting for one."""
    percent = min(round((workers + waiting) / maximum * 100.0, 1), 100.0)
    verdict.metrics["background_workers_percent"] = percent
    status = (
        HealthStatus.DEGRADED
        if percent >= WORKERS_DEGRADED
        else HealthStatus.WARNING
        if percent >= WORKERS_WARNING
        else HealthStatus.HEALTHY
    )
    text = f"{workers} of {maximum} TimescaleDB background workers in use"
    if waiting:
        text += f", {waiting} {'job' if waiting == 1 else 'jobs'} waiting for a worker"
    findings.add(status, text)


def judge_timescale(
    health: TimescaleHealth, findings: Findings, secrets: tuple[str, ...] = ()
) -> TimescaleVerdict:
    """Add TimescaleDB's findings to ``findings``; return its metrics and details."""
    verdict = TimescaleVerdict()
    verdict.metrics.update(
        timescaledb_version=health.version,
        hypertables=health.hypertables,
        chunks=health.chunks,
    )
    _judge_jobs(health.jobs, findings, verdict, secrets)
    _judge_aggregates(health.aggregates, findings, verdict)

    waiting = [(name, chunks, late) for name, chunks, late in health.backlog if late]
    verdict.metrics["compression_backlog_chunks"] = sum(c for _, c, _ in health.backlog)
    if waiting:
        texts = [f"{chunks} chunks of {name}" for name, chunks, _ in waiting]
        findings.add(
            HealthStatus.WARNING,
            f"{_named(texts, 'hypertables')} wait for compression",
        )
    verdict.affected.extend(f"compression of {name}" for name, _, _ in waiting)
    if health.sizes is not None:
        verdict.metrics["compression_backlog_mb"] = round(
            health.sizes.backlog_bytes / 1048576, 2
        )
        verdict.details["largest_hypertables"] = [
            {"hypertable": name, "size_mb": round(size / 1048576, 2)}
            for name, size in health.sizes.largest
        ]

    if health.max_workers and health.workers is not None:
        _judge_workers(
            health.workers, health.waiting, health.max_workers, findings, verdict
        )
    del verdict.affected[MAX_AFFECTED:]
    return verdict
