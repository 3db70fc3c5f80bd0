"""PostgreSQL (and TimescaleDB) targets through one small asyncpg pool."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
import ssl
import time
from typing import Any

import asyncpg

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant

from ..engine.classification import Thresholds, worst_status
from ..engine.models import CheckResult, ComponentType, HealthStatus, MetricValue
from ..engine.sanitize import sanitize_message
from .latency import latency_status, latency_thresholds
from .target import TargetCheck, TargetError
from .timescaledb import TimescaleHealth, async_read_timescale, describe_jobs

CONF_DATABASE = "database"
CONF_SSL_MODE = "ssl_mode"
DEFAULT_PORT = 5432

# Below the default check timeout (10 s), so a server that accepts but never
# answers is reported by this check as a timeout with its address.
CONNECT_TIMEOUT = 8.0
QUERY_TIMEOUT = 8.0
CLOSE_TIMEOUT = 5.0

# Share of max_connections in use, in percent.
CONNECTION_THRESHOLDS = Thresholds(80.0, 90.0)

APPLICATION_NAME = "Home Assistant Health Monitor"


class SslMode(StrEnum):
    """How the connection is encrypted."""

    DISABLE = "disable"
    REQUIRE = "require"
    VERIFY_FULL = "verify-full"


# Client backends count against max_connections. A role without
# pg_read_all_stats (e.g. through pg_monitor) sees neither the type nor the
# state of other roles' sessions: those count when connected to a database,
# and the oldest query is the oldest of the sessions the role may see.
_SERVER_STATS = """
SELECT
  current_setting('server_version') AS server_version,
  current_setting('max_connections')::int AS max_connections,
  (SELECT count(*) FROM pg_stat_activity
    WHERE backend_type = 'client backend'
       OR (backend_type IS NULL AND datid IS NOT NULL)) AS connections,
  (SELECT extract(epoch FROM max(clock_timestamp() - query_start))
     FROM pg_stat_activity
    WHERE backend_type = 'client backend'
      AND state <> 'idle'
      AND pid <> pg_backend_pid()) AS oldest_query_s,
  pg_database_size(current_database()) AS database_size,
  CASE WHEN pg_is_in_recovery() THEN
    CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
         ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
    END
  END AS replication_lag_s
"""

# Connection-level failures: the server is down, restarting or full.
_CONNECTION_ERRORS = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
)


def connections_percent(used: int, maximum: int) -> float:
    """Return the share of ``max_connections`` in use, in percent."""
    return round(used / maximum * 100.0, 1)


def connections_status(used: int, maximum: int) -> HealthStatus:
    """Classify connection use: from 80 % a warning, from 90 % critical."""
    return CONNECTION_THRESHOLDS.classify(connections_percent(used, maximum))


@cache
def _ssl_context(mode: str) -> ssl.SSLContext | bool:
    """Return the SSL context of a mode (made once per mode, in the executor).

    Home Assistant's shared contexts offer ALPN "http/1.1" since 2026, which
    PostgreSQL 18 refuses ("no application protocol"), so the database has
    contexts of its own without ALPN.
    """
    if mode == SslMode.DISABLE:
        return False
    context = ssl.create_default_context()
    if mode == SslMode.REQUIRE:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class DatabaseCheck(TargetCheck):
    """Measures a PostgreSQL server; reuses one small pool across cycles.

    A failed cycle drops the pool, so the next cycle (or
    :meth:`async_reconnect`) connects anew.
    """

    component_type = ComponentType.DATABASE

    def __init__(
        self,
        hass: HomeAssistant,
        component_id: str,
        name: str,
        config: Mapping[str, Any],
    ) -> None:
        """Watch the server described by ``config``; connect on first use."""
        super().__init__(hass, component_id, name, config)
        self._pool: Any = None
        self._lock = asyncio.Lock()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return the password, masked in every message."""
        password = self.config.get(CONF_PASSWORD)
        return (str(password),) if password else ()

    @property
    def address(self) -> str:
        """Return host:port/database, for messages."""
        config = self.config
        return f"{config[CONF_HOST]}:{config.get(CONF_PORT, DEFAULT_PORT)}/{config[CONF_DATABASE]}"

    async def async_measure(self) -> CheckResult:
        """Run the round trip, read the server's state and classify it."""
        pool = None
        try:
            pool = await self._async_pool()
            return await self._async_observe(pool)
        except asyncio.CancelledError:
            await self._async_discard(pool)
            raise
        except Exception as err:
            await self._async_discard(pool)
            raise self._target_error(err) from err

    async def async_reconnect(self) -> None:
        """Close the pool and connect anew (the "database reconnect" recovery).

        Raises :class:`TargetError` when the server still cannot be reached.
        """
        await self.async_close()
        pool = None
        try:
            pool = await self._async_pool()
            async with pool.acquire(timeout=CONNECT_TIMEOUT) as connection:
                await connection.fetchval("SELECT 1")
        except Exception as err:
            await self._async_discard(pool)
            raise self._target_error(err) from err

    async def async_close(self) -> None:
        """Close the pool, waiting briefly for a query in progress."""
        async with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await pool.close()
        except Exception:  # noqa: BLE001 - a pool that does not close is cut off
            pool.terminate()

    async def _async_pool(self) -> Any:
        config = self.config
        ssl_context = await self.hass.async_add_executor_job(
            _ssl_context, config.get(CONF_SSL_MODE, SslMode.DISABLE)
        )
        async with self._lock:
            if self._pool is None:
                # min_size=0: creating the pool does not connect; acquiring does.
                self._pool = await asyncpg.create_pool(
                    host=config[CONF_HOST],
                    port=int(config.get(CONF_PORT, DEFAULT_PORT)),
                    user=config[CONF_USERNAME],
                    # Never None: asyncpg would read ~/.pgpass in the event loop.
                    password=str(config.get(CONF_PASSWORD) or ""),
                    database=config[CONF_DATABASE],
                    ssl=ssl_context,
                    min_size=0,
                    max_size=2,
                    max_inactive_connection_lifetime=0,
                    timeout=CONNECT_TIMEOUT,
                    command_timeout=QUERY_TIMEOUT,
                    server_settings={"application_name": APPLICATION_NAME},
                )
            return self._pool

    async def _async_discard(self, pool: Any) -> None:
        """Drop a broken pool at once, unless it was already replaced."""
        if pool is None:
            return
        async with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.terminate()

    async def _async_observe(self, pool: Any) -> CheckResult:
        start = time.perf_counter()
        async with pool.acquire(timeout=CONNECT_TIMEOUT) as connection:
            await connection.fetchval("SELECT 1")
            round_trip_ms = round((time.perf_counter() - start) * 1000, 2)
            stats = await connection.fetchrow(_SERVER_STATS)
            timescale_problem: str | None = None
            try:
                timescale = await async_read_timescale(connection)
            except asyncpg.InsufficientPrivilegeError as err:
                timescale = None
                timescale_problem = f"TimescaleDB jobs unreadable: {err}"
        return self._result(round_trip_ms, stats, timescale, timescale_problem)

    def _result(
        self,
        round_trip_ms: float,
        stats: Any,
        timescale: TimescaleHealth | None,
        timescale_problem: str | None,
    ) -> CheckResult:
        version = str(stats["server_version"]).split(" ", 1)[0]
        used = int(stats["connections"])
        maximum = int(stats["max_connections"])
        percent = connections_percent(used, maximum)
        metrics: dict[str, MetricValue] = {
            "round_trip_ms": round_trip_ms,
            "server_version": version,
            "connections": used,
            "max_connections": maximum,
            "connections_percent": percent,
            "oldest_query_s": round(max(float(stats["oldest_query_s"] or 0), 0.0), 1),
            "database_size_mb": round(int(stats["database_size"]) / 1048576, 2),
        }
        if stats["replication_lag_s"] is not None:
            metrics["replication_lag_s"] = round(float(stats["replication_lag_s"]), 1)

        statuses = [
            latency_status(round_trip_ms, latency_thresholds(self.config)),
            connections_status(used, maximum),
        ]
        reasons: list[str] = []
        if statuses[0] is not HealthStatus.HEALTHY:
            reasons.append(f"slow answer: {round_trip_ms:.0f} ms")
        if statuses[1] is not HealthStatus.HEALTHY:
            reasons.append(f"{used} of {maximum} connections used ({percent:.0f} %)")
        servers = f"PostgreSQL {version}"
        if timescale_problem is not None:
            statuses.append(HealthStatus.WARNING)
            reasons.append(timescale_problem)
        if timescale is not None:
            metrics.update(
                timescaledb_version=timescale.version,
                failed_jobs=len(timescale.failed_jobs),
                overdue_jobs=len(timescale.overdue_jobs),
                hypertables=timescale.hypertables,
            )
            servers += f", TimescaleDB {timescale.version or '(version unknown)'}"
            if timescale.failed_jobs:
                statuses.append(HealthStatus.DEGRADED)
                reasons.append(describe_jobs("failed", timescale.failed_jobs))
            if timescale.overdue_jobs:
                statuses.append(HealthStatus.WARNING)
                reasons.append(describe_jobs("overdue", timescale.overdue_jobs))
        if reasons:
            message = f"{'; '.join(reasons)} ({servers})"
        else:
            message = (
                f"{servers} answers in {round_trip_ms:.1f} ms, "
                f"{used} of {maximum} connections used"
            )
        return CheckResult(
            status=worst_status(statuses),
            message=message,
            response_time_ms=round_trip_ms,
            metrics=metrics,
        )

    def _target_error(self, err: Exception) -> TargetError:
        """Translate a driver error into a form error; the message holds no secret."""
        detail = sanitize_message(f"{self.address}: {err}", self.secrets)
        if isinstance(err, asyncpg.InvalidAuthorizationSpecificationError):
            return TargetError("invalid_auth", detail, CONF_PASSWORD)
        if isinstance(err, asyncpg.InsufficientPrivilegeError):
            # The role may not connect to this database (no CONNECT privilege).
            return TargetError("invalid_auth", detail, CONF_USERNAME)
        if isinstance(err, asyncpg.InvalidCatalogNameError):
            return TargetError("cannot_connect", detail, CONF_DATABASE)
        if isinstance(err, TimeoutError):
            return TargetError(
                "timeout", f"{self.address}: no answer within {CONNECT_TIMEOUT:g} s"
            )
        if isinstance(err, ssl.SSLError) or (
            isinstance(err, ConnectionError) and "SSL" in str(err)
        ):
            return TargetError("cannot_connect", detail, CONF_SSL_MODE)
        if isinstance(err, _CONNECTION_ERRORS):
            return TargetError("cannot_connect", detail, CONF_HOST)
        return TargetError(
            "unknown",
            sanitize_message(
                f"{self.address}: {type(err).__name__}: {err}", self.secrets
            ),
        )
