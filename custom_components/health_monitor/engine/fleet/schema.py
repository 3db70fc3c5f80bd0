"""The ``health_monitor`` schema of the fleet database, in versioned migrations.

Every instance of a fleet writes to the same tables; ``instance_id`` tells
them apart. A migration runs once per database, in a transaction holding an
advisory lock, so instances starting together do not migrate twice; the
version reached is kept in ``health_monitor.schema_version``. On
TimescaleDB the time-series tables are hypertables, compressed after
:data:`COMPRESS_AFTER` and dropped after the retention the user chose (by a
policy of TimescaleDB's); the hourly status counts are a continuous
aggregate. On plain PostgreSQL the same tables have time indexes, the
integration deletes what is past the retention, and the hourly counts are a
plain view, so the same queries work on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

SCHEMA = "health_monitor"
# Taken by a migration, so two instances never migrate at once.
MIGRATION_LOCK = 7_374_616_672
COMPRESS_AFTER = timedelta(days=7)
DEFAULT_RETENTION_DAYS = 90
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650
# The time-series tables, which retention applies to.
TIME_SERIES = ("check_results", "incident_events")

# Columns in the order rows are copied (see .rows).
CHECK_RESULT_COLUMNS = (
    "time",
    "instance_id",
    "component_id",
    "component_name",
    "kind",
    "status",
    "response_time_ms",
    "message",
    "metrics",
)
INCIDENT_EVENT_COLUMNS = (
    "time",
    "instance_id",
    "incident_id",
    "component_id",
    "event",
    "actor",
    "details",
)
INCIDENT_COLUMNS = (
    "instance_id",
    "incident_id",
    "component_id",
    "component_name",
    "kind",
    "title",
    "severity",
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "updated_at",
)
INSTANCE_COLUMNS = (
    "instance_id",
    "name",
    "version",
    "ha_version",
    "status",
    "score",
    "open_incidents",
    "components",
    "interval_s",
    "heartbeat_at",
)

_TABLES = f"""
CREATE TABLE IF NOT EXISTS {SCHEMA}.instances (
  instance_id text PRIMARY KEY,
  name text NOT NULL,
  version text NOT NULL,
  ha_version text NOT NULL,
  status text NOT NULL,
  score real,
  open_incidents integer NOT NULL,
  components integer NOT NULL,
  interval_s real NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.check_results (
  time timestamptz NOT NULL,
  instance_id text NOT NULL,
  component_id text NOT NULL,
  component_name text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  response_time_ms double precision,
  message text NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{{}}'
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.incidents (
  instance_id text NOT NULL,
  incident_id text NOT NULL,
  component_id text NOT NULL,
  component_name text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  severity text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (instance_id, incident_id)
);
CREATE INDEX IF NOT EXISTS incidents_created_idx
  ON {SCHEMA}.incidents (created_at DESC);
CREATE TABLE IF NOT EXISTS {SCHEMA}.incident_events (
  time timestamptz NOT NULL,
  instance_id text NOT NULL,
  incident_id text NOT NULL,
  component_id text NOT NULL,
  event text NOT NULL,
  actor text NOT NULL,
  details jsonb NOT NULL DEFAULT '{{}}'
);
"""  # noqa: S608 - the schema name is a constant

_PLAIN_TIME_SERIES = f"""
CREATE INDEX IF NOT EXISTS check_results_time_idx
  ON {SCHEMA}.check_results (time DESC);
CREATE INDEX IF NOT EXISTS check_results_component_idx
  ON {SCHEMA}.check_results (instance_id, component_id, time DESC);
CREATE INDEX IF NOT EXISTS incident_events_time_idx
  ON {SCHEMA}.incident_events (time DESC);
CREATE INDEX IF NOT EXISTS incident_events_incident_idx
  ON {SCHEMA}.incident_events (instance_id, incident_id, time);
"""  # noqa: S608 - the schema name is a constant

_HOURLY_COLUMNS = """
  time_bucket_placeholder AS bucket,
  instance_id,
  component_id,
  count(*) AS checks,
  count(*) FILTER (WHERE status = 'healthy') AS healthy,
  count(*) FILTER (WHERE status = 'warning') AS warning,
  count(*) FILTER (WHERE status = 'degraded') AS degraded,
  count(*) FILTER (WHERE status = 'critical') AS critical,
  count(*) FILTER (WHERE status = 'unknown') AS unknown,
  count(*) FILTER (WHERE status IN ('healthy', 'warning', 'degraded')) AS up,
  avg(response_time_ms) AS avg_response_time_ms
"""

_PLAIN_HOURLY = f"""
CREATE OR REPLACE VIEW {SCHEMA}.component_status_hourly AS
SELECT {_HOURLY_COLUMNS.replace("time_bucket_placeholder", "date_trunc('hour', time)")}
FROM {SCHEMA}.check_results
GROUP BY 1, 2, 3;
"""  # noqa: S608 - constants only

_TIMESCALE_TIME_SERIES = f"""
SELECT create_hypertable('{SCHEMA}.check_results', 'time',
  chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);
SELECT create_hypertable('{SCHEMA}.incident_events', 'time',
  chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE);
CREATE INDEX IF NOT EXISTS check_results_component_idx
  ON {SCHEMA}.check_results (instance_id, component_id, time DESC);
CREATE INDEX IF NOT EXISTS incident_events_incident_idx
  ON {SCHEMA}.incident_events (instance_id, incident_id, time);
ALTER TABLE {SCHEMA}.check_results SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'instance_id, component_id',
  timescaledb.compress_orderby = 'time DESC'
);
ALTER TABLE {SCHEMA}.incident_events SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'instance_id',
  timescaledb.compress_orderby = 'time DESC'
);
SELECT add_compression_policy('{SCHEMA}.check_results',
  INTERVAL '{COMPRESS_AFTER.days} days', if_not_exists => TRUE);
SELECT add_compression_policy('{SCHEMA}.incident_events',
  INTERVAL '{COMPRESS_AFTER.days} days', if_not_exists => TRUE);
"""  # noqa: S608 - constants only

# A continuous aggregate cannot be made inside a transaction block: it is a
# step of its own (see Migration.outside_transaction).
_TIMESCALE_HOURLY = f"""
CREATE MATERIALIZED VIEW IF NOT EXISTS {SCHEMA}.component_status_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT {_HOURLY_COLUMNS.replace("time_bucket_placeholder", "time_bucket(INTERVAL '1 hour', time)")}
FROM {SCHEMA}.check_results
GROUP BY 1, 2, 3
WITH NO DATA
"""  # noqa: S608 - constants only

_TIMESCALE_HOURLY_POLICY = f"""
SELECT add_continuous_aggregate_policy('{SCHEMA}.component_status_hourly',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE)
"""  # noqa: S608 - constants only


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: its version and statements.

    ``outside_transaction`` statements run after the transaction, each on
    its own (TimescaleDB refuses to create a continuous aggregate inside one).
    """

    version: int
    statements: tuple[str, ...]
    outside_transaction: tuple[str, ...] = ()


def migrations(*, timescale: bool) -> tuple[Migration, ...]:
    """Return every migration, oldest first, for TimescaleDB or plain PostgreSQL."""
    if timescale:
        first = Migration(
            1,
            (_TABLES, _TIMESCALE_TIME_SERIES),
            (_TIMESCALE_HOURLY, _TIMESCALE_HOURLY_POLICY),
        )
    else:
        first = Migration(1, (_TABLES, _PLAIN_TIME_SERIES, _PLAIN_HOURLY))
    return (first,)


LATEST_VERSION = 1

# CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the
# schema exists: a schema a DBA made for the role is looked up first.
PREPARE = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{SCHEMA}') THEN
    CREATE SCHEMA {SCHEMA};
  END IF;
END $$;
CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_version (
  version integer NOT NULL,
  timescale boolean NOT NULL,
  migrated_at timestamptz NOT NULL DEFAULT now()
);
"""  # noqa: S608 - the schema name is a constant

CURRENT_VERSION = f"SELECT max(version) FROM {SCHEMA}.schema_version"  # noqa: S608
RECORD_VERSION = (
    f"INSERT INTO {SCHEMA}.schema_version (version, timescale) VALUES ($1, $2)"  # noqa: S608
)
HAS_TIMESCALE = (
    "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')"
)

# Retention on TimescaleDB: one policy per time-series table, replaced when
# the retention changes.
RETENTION_POLICY_DAYS = """
SELECT hypertable_name, extract(epoch FROM (config ->> 'drop_after')::interval) / 86400
  FROM timescaledb_information.jobs
 WHERE proc_name = 'policy_retention' AND hypertable_schema = $1
"""


def timescale_retention(table: str, days: int) -> tuple[str, str]:
    """Return the statements replacing ``table``'s retention policy with ``days``."""
    name = f"{SCHEMA}.{table}"
    return (
        f"SELECT remove_retention_policy('{name}', if_exists => TRUE)",
        f"SELECT add_retention_policy('{name}', INTERVAL '{int(days)} days')",
    )


def plain_retention(table: str) -> str:
    """Return the statement deleting ``table``'s rows older than $1 (plain PostgreSQL)."""
    return f"DELETE FROM {SCHEMA}.{table} WHERE time < now() - $1::interval"  # noqa: S608
