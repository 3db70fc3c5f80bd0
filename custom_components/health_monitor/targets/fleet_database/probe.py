"""The fleet database target: this instance's history exported, the fleet read back.

It logs in the way a database target does (its session code is the
database target's), once per cycle: the schema is migrated on the first
session of a run, the rows queued since the last cycle are copied in, this
instance's heartbeat is written and the other instances' heartbeats are
read. While the database is away the rows wait in a bounded outbox and go
in, in order, when it is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
import logging
import time
from typing import Any, Protocol

from ...engine.fleet.instances import InstanceReport
from ...engine.fleet.outbox import DEFAULT_LIMIT, Outbox, Row
from ...engine.fleet.schema import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
)
from ...engine.models import (
    CheckResult,
    ComponentType,
    HealthStatus,
    MetricValue,
    elapsed_ms,
    utcnow,
)
from ..database.probe import DatabaseCheck
from .writer import (
    async_delete_old,
    async_flush,
    async_heartbeat,
    async_migrate,
    async_read_instances,
    async_set_timescale_retention,
    is_due,
)

_LOGGER = logging.getLogger(__name__)

CONF_RETENTION_DAYS = "retention_days"
CONF_BUFFER_ROWS = "buffer_rows"
# Rows one check writes at most; a longer backlog is caught up over cycles.
MAX_ROWS_PER_CHECK = 50_000
EXPORT_TIMEOUT = 8.0
# How long the last flush may take when Home Assistant stops.
CLOSE_FLUSH_TIMEOUT = 5.0
RETENTION_EVERY = timedelta(hours=1)


class FleetHub(Protocol):
    """What the check needs of the fleet (see ``fleet.Fleet``)."""

    @property
    def instance_id(self) -> str:
        """Return the id of this instance."""

    def own_report(self) -> InstanceReport | None:
        """Return the heartbeat of this instance, once a cycle made one."""

    def observe(self, reports: list[InstanceReport], source: str) -> None:
        """Take every other instance's heartbeat ``source`` knows."""

    def sources_read(self) -> None:
        """Tell the instance checks waiting for this cycle's read that it is done."""


class FleetDatabaseCheck(DatabaseCheck):
    """Exports the history and reads the fleet, one session per cycle."""

    component_type = ComponentType.FLEET_DATABASE
    fleet_member = True
    # The instances it reads are judged after it in a cycle.
    reads_fleet = True

    def _setup(self) -> None:
        """Read the retention and the outbox bound (ValueError when out of range)."""
        super()._setup()
        self.outbox = Outbox(int(self.config.get(CONF_BUFFER_ROWS, DEFAULT_LIMIT)))
        days = int(self.config.get(CONF_RETENTION_DAYS, DEFAULT_RETENTION_DAYS))
        if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
            raise ValueError("retention out of range")
        self.retention_days = days
        self.fleet: FleetHub | None = None
        # Whether the database has TimescaleDB; None until migrated in this run.
        self._timescale: bool | None = None
        self._retention_at: datetime | None = None
        self._dropping = False
        self._instances = 0

    def attach_fleet(self, fleet: FleetHub | None) -> None:
        """Export this instance's history and read the fleet (None: only export)."""
        self.fleet = fleet

    def on_fleet_cycle(self, report: InstanceReport, rows: list[Row]) -> None:
        """Queue a cycle's results; the heartbeat is written at the next flush."""
        self.queue(rows)

    def on_fleet_rows(self, rows: list[Row]) -> None:
        """Queue incident rows."""
        self.queue(rows)

    def queue(self, rows: Iterable[Row]) -> None:
        """Queue rows for the next flush; past the bound the oldest are dropped."""
        dropped = self.outbox.add(rows)
        if dropped and not self._dropping:
            self._dropping = True
            _LOGGER.warning(
                "Fleet database %s unreachable and %s rows waiting: dropping the "
                "oldest rows (%s so far)",
                self.address,
                self.outbox.limit,
                self.outbox.dropped,
            )

    async def async_check(self) -> CheckResult:
        """Export and read the fleet; a failure keeps the outbox's figures."""
        try:
            result = await super().async_check()
        finally:
            if self.fleet is not None:
                self.fleet.sources_read()
        if result.status is HealthStatus.CRITICAL and not result.metrics:
            result.metrics = self._outbox_metrics()
            if self.outbox:
                result.message = f"{result.message}; {len(self.outbox)} rows waiting"
        return result

    async def _async_observe(self, connection: Any, connect_ms: float) -> CheckResult:
        start = time.perf_counter()
        async with asyncio.timeout(EXPORT_TIMEOUT):
            if self._timescale is None:
                timescale = await async_migrate(connection)
                if timescale:
                    await async_set_timescale_retention(connection, self.retention_days)
                self._timescale = timescale
            written = await async_flush(
                connection, self.outbox, max_rows=MAX_ROWS_PER_CHECK
            )
            await self._async_exchange_heartbeats(connection)
            now = utcnow()
            if is_due(self._retention_at, now, RETENTION_EVERY):
                await async_delete_old(
                    connection, self.retention_days, timescale=self._timescale
                )
                self._retention_at = now
        export_ms = elapsed_ms(start)
        if self._dropping and not self.outbox:
            self._dropping = False
            _LOGGER.info(
                "Fleet database %s is back; %s rows were dropped while it was away",
                self.address,
                self.outbox.dropped,
            )
        return self._export_result(export_ms, connect_ms, written)

    async def _async_exchange_heartbeats(self, connection: Any) -> None:
        if self.fleet is None:
            return
        report = self.fleet.own_report()
        if report is not None:
            # Stamped when written: the reader measures silence from here.
            await async_heartbeat(connection, replace(report, at=utcnow()))
        reports, unreadable = await async_read_instances(
            connection, self.fleet.instance_id
        )
        if unreadable:
            _LOGGER.debug("Fleet database: %s unreadable heartbeats", unreadable)
        self._instances = len(reports)
        self.fleet.observe(reports, f"database:{self.component_id}")

    def _outbox_metrics(self) -> dict[str, MetricValue]:
        return {
            "rows_waiting": len(self.outbox),
            "rows_dropped": self.outbox.dropped,
            "rows_written": self.outbox.written,
        }

    def _export_result(
        self, export_ms: float, connect_ms: float, written: int
    ) -> CheckResult:
        engine = "TimescaleDB" if self._timescale else "PostgreSQL"
        metrics = {
            **self._outbox_metrics(),
            "export_ms": export_ms,
            "connect_ms": connect_ms,
            "fleet_instances": self._instances,
        }
        # Rows queued during the check (an incident it changed) wait for the
        # next one; a backlog is what a whole flush could not write.
        if written >= MAX_ROWS_PER_CHECK and self.outbox:
            return CheckResult(
                status=HealthStatus.WARNING,
                message=(
                    f"Catching up on {self.address} ({engine}): "
                    f"{len(self.outbox)} rows still waiting"
                ),
                response_time_ms=export_ms,
                metrics=metrics,
            )
        return CheckResult(
            status=HealthStatus.HEALTHY,
            message=f"History exported to {self.address} ({engine})",
            response_time_ms=export_ms,
            metrics=metrics,
        )

    async def async_close(self) -> None:
        """Write what is still waiting (bounded), then cut off the sessions."""
        if self.outbox and self._timescale is not None:
            try:
                async with asyncio.timeout(CLOSE_FLUSH_TIMEOUT):
                    async with self._async_session() as (connection, _):
                        await async_flush(
                            connection, self.outbox, max_rows=MAX_ROWS_PER_CHECK
                        )
            except Exception as err:  # noqa: BLE001 - stopping goes on regardless
                _LOGGER.warning(
                    "Fleet database %s: %s rows not written at stop: %s",
                    self.address,
                    len(self.outbox),
                    self._target_error(err),
                )
        await super().async_close()
