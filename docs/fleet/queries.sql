-- Example queries on the fleet database (schema health_monitor; see schema.md).
-- They run unchanged on TimescaleDB and on plain PostgreSQL. Days and months
-- are those of the session's time zone (SET TIME ZONE 'UTC' for UTC days).
-- Each query starts at a "-- name:" line; tests/test_fleet_queries.py runs them.

-- name: uptime-per-component-per-day
-- Share of checks in which each component was up (healthy, warning or
-- degraded; unknown and critical are not up), per day and instance.
SELECT date_trunc('day', h.bucket) AS day,
       i.name AS instance,
       h.component_id,
       sum(h.checks) AS checks,
       round(100.0 * sum(h.up) / sum(h.checks), 2) AS uptime_percent
  FROM health_monitor.component_status_hourly AS h
  JOIN health_monitor.instances AS i USING (instance_id)
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3;

-- name: mttr-per-month
-- Mean time to resolve: from an incident's creation to its (last)
-- resolution, over the incidents resolved or closed, by month of creation.
SELECT date_trunc('month', created_at) AS month,
       count(*) AS resolved_incidents,
       avg(resolved_at - created_at) AS mttr,
       round((extract(epoch FROM avg(resolved_at - created_at)) / 60)::numeric, 1)
         AS mttr_minutes
  FROM health_monitor.incidents
 WHERE resolved_at IS NOT NULL
 GROUP BY 1
 ORDER BY 1;

-- name: incidents-per-instance
-- Incidents each instance has had (and has open now), by instance name.
SELECT i.name AS instance,
       count(n.incident_id) AS incidents,
       count(n.incident_id) FILTER (WHERE n.status NOT IN ('resolved', 'closed'))
         AS open_incidents
  FROM health_monitor.instances AS i
  LEFT JOIN health_monitor.incidents AS n USING (instance_id)
 GROUP BY i.instance_id, i.name
 ORDER BY i.name;

-- name: instances-silent-now
-- Instances whose last heartbeat is older than three of their intervals:
-- the rule by which the other instances call one silent.
SELECT name AS instance,
       heartbeat_at,
       now() - heartbeat_at AS silent_for
  FROM health_monitor.instances
 WHERE heartbeat_at < now() - 3 * make_interval(secs => interval_s)
 ORDER BY heartbeat_at;
