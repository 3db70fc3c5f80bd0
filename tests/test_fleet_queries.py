"""The fleet database's documented queries and Grafana dashboard give the right figures.

A real private PostgreSQL, with and without the real TimescaleDB extension:
the schema is migrated by the monitoring role and a known history
(tests/targets/fleet_history.py) is written with the integration's own
writer, then every query of docs/fleet/queries.sql and every panel of
docs/fleet/grafana-dashboard.json runs as Grafana would run it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from decimal import Decimal
import json
from pathlib import Path
import re
from typing import Any

import asyncpg
import pytest

from custom_components.health_monitor.targets.fleet_database.writer import async_migrate

from .targets.fleet_databases import FleetDatabase
from .targets.fleet_history import (
    DAY_1,
    DAY_2,
    FEBRUARY,
    FROM,
    GARAGE,
    JANUARY,
    KITCHEN,
    TO,
    async_write_history,
)
from .targets.postgres_server import MONITOR_USER, PostgresServer

pytestmark = pytest.mark.usefixtures("socket_enabled")

DOCS = Path(__file__).resolve().parent.parent / "docs" / "fleet"
QUERY_NAMES = [
    "uptime-per-component-per-day",
    "mttr-per-month",
    "incidents-per-instance",
    "instances-silent-now",
]
PANELS = {
    "Fleet instances",
    "Uptime per component per day",
    "Status counts per hour",
    "Response time per component",
    "Open incidents",
    "Incidents per instance",
    "MTTR per month",
}
READER_PASSWORD = "Gr4fana-reads"
# The read-only role of docs/fleet/schema.md ("Grants").
READER_GRANTS = f"""
GRANT USAGE ON SCHEMA health_monitor TO {{role}};
GRANT SELECT ON ALL TABLES IN SCHEMA health_monitor TO {{role}};
ALTER DEFAULT PRIVILEGES FOR ROLE {MONITOR_USER} IN SCHEMA health_monitor
  GRANT SELECT ON TABLES TO {{role}};
"""


def named_queries() -> dict[str, str]:
    """Return the queries of queries.sql by the slug of their ``-- name:`` line."""
    text = (DOCS / "queries.sql").read_text(encoding="utf-8")
    parts = re.split(r"^-- name: *(\S+) *$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], (part.strip() for part in parts[2::2]), strict=True))


def dashboard() -> dict[str, Any]:
    """Return the Grafana dashboard of the fleet database."""
    return json.loads((DOCS / "grafana-dashboard.json").read_text(encoding="utf-8"))


def grafana_sql(sql: str, start: datetime, end: datetime, instances: list[str]) -> str:
    """Expand the macros and variables as Grafana's PostgreSQL data source does.

    ``$__timeFilter(column)`` becomes ``column BETWEEN '<from>' AND '<to>'``;
    a multi-value variable becomes its values quoted and joined by commas.
    """

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    sql = re.sub(
        r"\$__timeFilter\(([^)]+)\)",
        lambda match: f"{match[1]} BETWEEN '{stamp(start)}' AND '{stamp(end)}'",
        sql,
    )
    quoted = ",".join(f"'{value}'" for value in instances)
    sql = sql.replace("${instance}", quoted).replace("$instance", quoted)
    assert "$" not in sql, sql
    return sql


@pytest.fixture(params=[True, False], ids=["timescaledb", "postgresql"])
async def fleet(
    request: pytest.FixtureRequest, postgres: PostgresServer
) -> AsyncGenerator[FleetDatabase]:
    """Return a fleet database holding the known history, its hourly counts refreshed."""
    database = FleetDatabase(postgres, timescale=request.param)
    await database.create()
    connection = await database.connect_as_monitor()
    try:
        assert await async_migrate(connection) is request.param
        await async_write_history(connection)
    finally:
        await connection.close()
    if database.timescale:
        # In the foreground, outside a transaction, as TimescaleDB requires.
        await database.execute(
            "CALL refresh_continuous_aggregate("
            "'health_monitor.component_status_hourly', NULL, NULL)"
        )
    yield database
    await database.drop()


async def run(fleet: FleetDatabase, sql: str, role: str | None = None) -> list[Any]:
    """Return the rows of ``sql`` on a session of the monitoring role (or ``role``), in UTC."""
    if role is None:
        connection = await fleet.connect_as_monitor()
    else:
        connection = await asyncpg.connect(
            host=fleet.server.host,
            port=fleet.server.port,
            user=role,
            password=READER_PASSWORD,
            database=fleet.name,
            ssl=False,
        )
    try:
        await connection.execute("SET TIME ZONE 'UTC'")
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


def test_queries_file_holds_the_documented_examples() -> None:
    """queries.sql names each example query once, in the order schema.md lists them."""
    assert list(named_queries()) == QUERY_NAMES
    schema = (DOCS / "schema.md").read_text(encoding="utf-8")
    for name in QUERY_NAMES:
        assert f"`{name}`" in schema


async def test_uptime_per_day_counts_warning_and_degraded_as_up(
    fleet: FleetDatabase,
) -> None:
    """Uptime is up checks over all checks, per component, instance and day."""
    rows = await run(fleet, named_queries()["uptime-per-component-per-day"])
    assert [
        (row["day"], row["instance"], row["component_id"], row["checks"])
        for row in rows
    ] == [
        (DAY_1, "Garage", "router", 2),
        (DAY_1, "Kitchen", "nas", 2),
        (DAY_1, "Kitchen", "router", 4),
        (DAY_2, "Kitchen", "nas", 2),
        (DAY_2, "Kitchen", "router", 2),
    ]
    # Unknown is not up; warning is.
    assert [row["uptime_percent"] for row in rows] == [
        Decimal(50), Decimal(100), Decimal(75), Decimal(50), Decimal(100)
    ]  # fmt: skip


async def test_mttr_per_month_averages_resolved_and_closed_incidents(
    fleet: FleetDatabase,
) -> None:
    """January: 10 and 30 min (the second closed since) make 20; the open one is out."""
    rows = await run(fleet, named_queries()["mttr-per-month"])
    assert [
        (row["month"], row["resolved_incidents"], row["mttr"], row["mttr_minutes"])
        for row in rows
    ] == [
        (JANUARY, 2, timedelta(minutes=20), Decimal("20.0")),
        (FEBRUARY, 1, timedelta(minutes=60), Decimal("60.0")),
    ]


async def test_incidents_per_instance_by_name_with_the_open_ones(
    fleet: FleetDatabase,
) -> None:
    """Each instance's incidents are counted under its name, open ones apart."""
    rows = await run(fleet, named_queries()["incidents-per-instance"])
    assert [tuple(row) for row in rows] == [("Garage", 2, 1), ("Kitchen", 2, 0)]


async def test_instance_silent_three_intervals_is_listed(fleet: FleetDatabase) -> None:
    """Garage's heartbeat is 10 min old at a 30 s interval; Kitchen's is fresh."""
    rows = await run(fleet, named_queries()["instances-silent-now"])
    assert [row["instance"] for row in rows] == ["Garage"]
    assert rows[0]["silent_for"] >= timedelta(minutes=10)


def test_dashboard_is_a_grafana_dashboard_of_postgresql_panels() -> None:
    """Importable shape: a data source variable, an instance variable, SQL panels."""
    board = dashboard()
    assert board["schemaVersion"] >= 39
    assert board["uid"] and board["title"]
    variables = {variable["name"]: variable for variable in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "grafana-postgresql-datasource"
    instance = variables["instance"]
    assert instance["type"] == "query"
    assert instance["multi"] and instance["includeAll"]
    assert "health_monitor.instances" in instance["query"]
    panels = board["panels"]
    assert {panel["title"] for panel in panels} == PANELS
    assert len({panel["id"] for panel in panels}) == len(panels)
    for panel in panels:
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert set(panel["gridPos"]) == {"h", "w", "x", "y"}
        (target,) = panel["targets"]
        assert target["rawQuery"] and target["editorMode"] == "code"
        assert target["format"] in {"table", "time_series"}
        assert "health_monitor." in target["rawSql"]


async def test_every_dashboard_query_shows_the_fleet_history(
    fleet: FleetDatabase,
) -> None:
    """Each panel's SQL, expanded as Grafana does, returns rows of both instances' data."""
    board = dashboard()
    (instance,) = [v for v in board["templating"]["list"] if v["name"] == "instance"]
    choices = await run(fleet, instance["query"])
    assert {(row["__text"], row["__value"]) for row in choices} == {
        ("Kitchen", KITCHEN),
        ("Garage", GARAGE),
    }
    everyone = [KITCHEN, GARAGE]
    for panel in board["panels"]:
        sql = panel["targets"][0]["rawSql"]
        rows = await run(fleet, grafana_sql(sql, FROM, TO, everyone))
        assert rows, panel["title"]
        if panel["targets"][0]["format"] == "time_series":
            times = [row["time"] for row in rows]
            # Grafana wants a time series sorted by time.
            assert times == sorted(times), panel["title"]
    # Choosing one instance narrows every panel to it.
    by_title = {
        panel["title"]: panel["targets"][0]["rawSql"] for panel in board["panels"]
    }
    kitchen = await run(
        fleet, grafana_sql(by_title["Incidents per instance"], FROM, TO, [KITCHEN])
    )
    assert [tuple(row) for row in kitchen] == [("Kitchen", 2)]
    outside = await run(
        fleet,
        grafana_sql(
            by_title["Uptime per component per day"],
            TO,
            TO + timedelta(days=1),
            everyone,
        ),
    )
    assert outside == []


async def test_a_read_only_role_runs_every_panel_and_writes_nothing(
    fleet: FleetDatabase, postgres: PostgresServer
) -> None:
    """Grafana's role, granted as schema.md says, reads every panel and cannot write."""
    role = f"grafana_{fleet.name}"
    await postgres.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{READER_PASSWORD}'")
    try:
        await fleet.execute(READER_GRANTS.format(role=role))
        for panel in dashboard()["panels"]:
            sql = grafana_sql(
                panel["targets"][0]["rawSql"], FROM, TO, [KITCHEN, GARAGE]
            )
            assert await run(fleet, sql, role), panel["title"]
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await run(fleet, "DELETE FROM health_monitor.incidents", role)
    finally:
        await fleet.execute(f"DROP OWNED BY {role}")
        await postgres.execute(f"DROP ROLE {role}")
