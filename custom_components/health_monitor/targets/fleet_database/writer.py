"""What the fleet database target does on a session: migrate, write, read the fleet.

Every statement is bounded by the session's command timeout; rows go in with
``COPY`` (``copy_records_to_table``), a batch per transaction, so a batch is
written whole or not at all and the outbox keeps it for the next attempt.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import Any

from ...engine.fleet.instances import (
    InstanceReport,
    InvalidReportError,
    Source,
    report_from_values,
)
from ...engine.fleet.outbox import Outbox
from ...engine.fleet.rows import CHECK_RESULTS, INCIDENT_EVENTS, INCIDENTS, instance_row
from ...engine.fleet.schema import (
    CHECK_RESULT_COLUMNS,
    CURRENT_VERSION,
    HAS_TIMESCALE,
    INCIDENT_COLUMNS,
    INCIDENT_EVENT_COLUMNS,
    INSTANCE_COLUMNS,
    MIGRATION_LOCK,
    PREPARE,
    RECORD_VERSION,
    RETENTION_POLICY_DAYS,
    SCHEMA,
    TIME_SERIES,
    migrations,
    plain_retention,
    timescale_retention,
)

_LOGGER = logging.getLogger(__name__)

# Rows written per transaction.
BATCH_ROWS = 5000
# Most instances shown from the fleet database.
MAX_INSTANCES = 500

_COPY_COLUMNS = {
    CHECK_RESULTS: CHECK_RESULT_COLUMNS,
    INCIDENT_EVENTS: INCIDENT_EVENT_COLUMNS,
}
_UPSERT_INCIDENT = f"""
INSERT INTO {SCHEMA}.incidents ({", ".join(INCIDENT_COLUMNS)})
VALUES ({", ".join(f"${n}" for n in range(1, len(INCIDENT_COLUMNS) + 1))})
ON CONFLICT (instance_id, incident_id) DO UPDATE SET
{", ".join(f"{c} = excluded.{c}" for c in INCIDENT_COLUMNS[2:])}
WHERE excluded.updated_at >= {SCHEMA}.incidents.updated_at
"""  # noqa: S608 - constants only
_UPSERT_INSTANCE = f"""
INSERT INTO {SCHEMA}.instances ({", ".join(INSTANCE_COLUMNS)})
VALUES ({", ".join(f"${n}" for n in range(1, len(INSTANCE_COLUMNS) + 1))})
ON CONFLICT (instance_id) DO UPDATE SET
{", ".join(f"{c} = excluded.{c}" for c in INSTANCE_COLUMNS[1:])}
"""  # noqa: S608 - constants only
_READ_INSTANCES = f"""
SELECT instance_id AS id, name, version, ha_version, status, score,
       open_incidents, components, interval_s, heartbeat_at AS at
  FROM {SCHEMA}.instances
 WHERE instance_id <> $1
 ORDER BY first_seen, instance_id
 LIMIT {MAX_INSTANCES}
"""  # noqa: S608 - constants only
_DELETE_OLD_INCIDENTS = f"""
DELETE FROM {SCHEMA}.incidents
 WHERE status IN ('resolved', 'closed') AND updated_at < now() - $1::interval
"""  # noqa: S608 - constants only


async def async_migrate(connection: Any) -> bool:
    """Bring the schema to the latest version; return whether TimescaleDB is used."""
    timescale = bool(await connection.fetchval(HAS_TIMESCALE))
    async with connection.transaction():
        await connection.execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        await connection.execute(PREPARE)
        current = await connection.fetchval(CURRENT_VERSION) or 0
        pending = [m for m in migrations(timescale=timescale) if m.version > current]
        for migration in pending:
            for statement in migration.statements:
                await connection.execute(statement)
            await connection.execute(RECORD_VERSION, migration.version, timescale)
    for migration in pending:
        # Idempotent (IF NOT EXISTS): a second instance running them too is harmless.
        for statement in migration.outside_transaction:
            await connection.execute(statement)
    if pending:
        _LOGGER.info(
            "Fleet database schema %s at version %s%s",
            SCHEMA,
            pending[-1].version,
            " (TimescaleDB)" if timescale else "",
        )
    return timescale


async def async_set_timescale_retention(connection: Any, days: int) -> None:
    """Make TimescaleDB drop time-series chunks older than ``days`` days."""
    current = {
        row[0]: float(row[1])
        for row in await connection.fetch(RETENTION_POLICY_DAYS, SCHEMA)
    }
    for table in TIME_SERIES:
        if current.get(table) == days:
            continue
        async with connection.transaction():
            for statement in timescale_retention(table, days):
                await connection.execute(statement)


async def async_delete_old(connection: Any, days: int, *, timescale: bool) -> int:
    """Delete rows past the retention (plain PostgreSQL) and old incidents; count them."""
    interval = timedelta(days=days)
    deleted = 0
    if not timescale:
        for table in TIME_SERIES:
            status = await connection.execute(plain_retention(table), interval)
            deleted += int(status.rsplit(" ", 1)[-1])
    status = await connection.execute(_DELETE_OLD_INCIDENTS, interval)
    return deleted + int(status.rsplit(" ", 1)[-1])


async def async_flush(connection: Any, outbox: Outbox, *, max_rows: int) -> int:
    """Write up to ``max_rows`` of the oldest rows, a batch per transaction.

    Returns the rows written. A failing batch raises; the rows committed
    before it are out of the outbox, the rest stays in it, in order.
    """
    written = 0
    while len(outbox) and written < max_rows:
        batch = outbox.head(min(BATCH_ROWS, max_rows - written))
        tables = outbox.by_table(batch)
        async with connection.transaction():
            for table, records in tables.items():
                if table == INCIDENTS:
                    await connection.executemany(_UPSERT_INCIDENT, records)
                else:
                    await connection.copy_records_to_table(
                        table,
                        records=records,
                        columns=_COPY_COLUMNS[table],
                        schema_name=SCHEMA,
                    )
        outbox.remove_head(batch)
        written += len(batch)
    return written


async def async_heartbeat(connection: Any, report: InstanceReport) -> None:
    """Say in the fleet database that this instance is alive, and how it is."""
    await connection.execute(_UPSERT_INSTANCE, *instance_row(report))


async def async_read_instances(
    connection: Any, own_id: str
) -> tuple[list[InstanceReport], int]:
    """Return the other instances' latest heartbeats, and how many were unreadable."""
    reports: list[InstanceReport] = []
    unreadable = 0
    for row in await connection.fetch(_READ_INSTANCES, own_id):
        try:
            reports.append(report_from_values(dict(row), Source.DATABASE))
        except InvalidReportError:
            unreadable += 1
    return reports, unreadable


def is_due(last: datetime | None, now: datetime, every: timedelta) -> bool:
    """Return whether something done at ``last`` is due again at ``now``."""
    return last is None or now - last >= every
