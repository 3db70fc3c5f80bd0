"""TimescaleDB rules on job states the real server tests cannot bring about at will.

An internal job that fails (it does on some servers, not on others), a
compression policy failing for longer than its interval (hours), a job
overdue by minutes or past its max runtime: the rules' verdicts on such
states as TimescaleDB reports them.
"""

from __future__ import annotations

from dataclasses import replace

from custom_components.health_monitor.engine.classification import Findings
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.targets.database.timescale_rules import (
    duration_text,
    judge_timescale,
)
from custom_components.health_monitor.targets.database.timescaledb import (
    Job,
    TimescaleHealth,
)

POLICY = Job(
    job_id=1000,
    application_name="Columnstore Policy [1000]",
    proc_schema="_timescaledb_functions",
    proc_name="policy_compression",
    hypertable="readings",
    interval_s=43200.0,
    max_runtime_s=0.0,
    failed=True,
    overdue=False,
    overrun=False,
    overdue_s=None,
    running_s=None,
    failing_s=600.0,
    error="could not extend file: No space left on device",
)
INTERNAL = replace(
    POLICY,
    job_id=3,
    application_name="Job History Log Retention Policy [3]",
    proc_name="policy_job_stat_history_retention",
    hypertable=None,
    error='cannot drop portal "" while it is being set up',
)


def judge(*jobs: Job) -> tuple[Findings, dict]:
    """Judge a TimescaleDB with these problem jobs and nothing else."""
    health = TimescaleHealth(
        version="2.28.3",
        workers=1,
        waiting=0,
        max_workers=16,
        hypertables=1,
        chunks=10,
        jobs=jobs,
        aggregates=(),
        backlog=(),
    )
    findings = Findings()
    verdict = judge_timescale(health, findings, ("S3cret",))
    return findings, verdict.metrics


def test_failing_internal_job_is_a_warning_naming_it_and_its_error() -> None:
    """TimescaleDB's own job failing is a warning: the user's data is not at stake."""
    findings, metrics = judge(INTERNAL)
    assert findings.status is HealthStatus.WARNING
    assert findings.problems() == [
        "Job History Log Retention Policy (job 3) failing for 10 min: "
        'cannot drop portal "" while it is being set up'
    ]
    assert metrics["failed_jobs"] == 1


def test_compression_policy_failing_longer_than_its_interval_is_critical() -> None:
    """Within its interval a failing policy is degraded; past it, compression is blocked."""
    findings, _ = judge(POLICY)
    assert findings.status is HealthStatus.DEGRADED
    findings, _ = judge(replace(POLICY, failing_s=50000.0))
    assert findings.status is HealthStatus.CRITICAL
    assert findings.problems() == [
        "compression policy of readings (job 1000) failing for 14 h: "
        "could not extend file: No space left on device"
    ]


def test_secrets_in_a_job_error_are_masked() -> None:
    """A job's error that quotes the monitor's password never shows it."""
    findings, _ = judge(replace(POLICY, error="login failed for S3cret"))
    assert "S3cret" not in findings.problems()[0]


def test_overdue_and_overrunning_jobs_are_warnings() -> None:
    """A job late by minutes, or running past its max runtime, is a warning with the figures."""
    late = replace(POLICY, failed=False, overdue=True, overdue_s=720.0)
    long = replace(
        POLICY,
        job_id=1001,
        failed=False,
        overrun=True,
        running_s=7200.0,
        max_runtime_s=3600.0,
    )
    findings, metrics = judge(late, long)
    assert findings.status is HealthStatus.WARNING
    assert findings.problems() == [
        "1 TimescaleDB job overdue: compression policy of readings (job 1000) late by 12 min",
        "compression policy of readings (job 1001) running for 2 h, "
        "past its max runtime of 1 h",
    ]
    assert (metrics["overdue_jobs"], metrics["overrun_jobs"]) == (1, 1)


def test_durations_read_as_a_person_would_say_them() -> None:
    """Seconds, minutes, hours, then days."""
    assert [duration_text(s) for s in (-1, 45, 300, 3600, 30 * 3600, 3 * 86400)] == [
        "0 s",
        "45 s",
        "5 min",
        "1 h",
        "30 h",
        "3 days",
    ]
