"""PostgreSQL (and TimescaleDB) targets through one asyncpg session at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import dataclasses
from enum import StrEnum
from functools import cache
import ssl
import time
from typing import Any

import asyncpg

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME

from ...engine.classification import Findings, Thresholds
from ...engine.models import (
    CheckResult,
    ComponentType,
    HealthStatus,
    MetricValue,
    elapsed_ms,
)
from ...engine.sanitize import sanitize_message
from ..base import Fault, TargetCheck, TargetError
from ..latency import IoClock, latency_only, latency_status, latency_thresholds
from .timescale_rules import judge_timescale
from .timescaledb import SIZES_EVERY, Sizes, TimescaleHealth, async_read_timescale

CONF_DATABASE = "database"
CONF_SSL_MODE = "ssl_mode"
DEFAULT_PORT = 5432

# Below the default check timeout (10 s), so a server that accepts but never
# answers is reported by this check as a timeout with its address.
CONNECT_TIMEOUT = 8.0
QUERY_TIMEOUT = 8.0
CLOSE_TIMEOUT = 2.0

# Share of the usable connections in use, in percent.
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
# Slots reserved for superusers (and, from PostgreSQL 16, for roles with
# pg_use_reserved_connections) are not usable by applications; the setting
# reserved_connections does not exist before 16, hence missing_ok.
_SERVER_STATS = """
SELECT
  current_setting('server_version') AS server_version,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int
    + coalesce(current_setting('reserved_connections', true)::int, 0)
    AS reserved_connections,
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


def usable_connections(maximum: int, reserved: int) -> int:
    """Return the connections an application may open: max_connections less reserved slots."""
    return max(maximum - reserved, 1)


def connections_percent(used: int, usable: int) -> float:
    """Return the share of the usable connections in use, in percent (at most 100)."""
    return min(round(used / usable * 100.0, 1), 100.0)


def connections_status(used: int, usable: int) -> HealthStatus:
    """Classify connection use: from 80 % a warning, from 90 % critical."""
    return CONNECTION_THRESHOLDS.classify(connections_percent(used, usable))


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
    """Measures a PostgreSQL server through a session of its own for each check.

    Logging in every check is what an application does when it connects: a
    changed password, a full server or a revoked privilege shows at the next
    check, and between checks the monitor holds no connection slot. The
    round trip is timed on the established session; logging in is reported
    as ``connect_ms`` and not judged as latency. Every wait on the server is
    bounded, and a check that fails, times out or is cancelled cuts its
    session off at once, never awaiting a server that may not answer.
    """

    component_type = ComponentType.DATABASE

    def _setup(self) -> None:
        """Watch the server described by ``config``."""
        # Sessions of checks (and reconnects) in progress.
        self._sessions: set[Any] = set()
        # TimescaleDB's sizes, read every SIZES_EVERY (monotonic time read).
        self._sizes: Sizes | None = None
        self._sizes_read = -SIZES_EVERY.total_seconds()

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

    async def async_check_or_raise(self) -> CheckResult:
        """Log in, time a round trip, read the server's state, log out."""
        try:
            async with self._async_session() as (connection, connect_ms):
                return await self._async_observe(connection, connect_ms)
        except Exception as err:
            raise self._target_error(err) from err

    async def async_reconnect(self) -> None:
        """Log in anew (the "database reconnect" recovery) and out again.

        Raises :class:`TargetError` when the server still cannot be reached.
        """
        try:
            async with self._async_session() as (connection, _):
                async with asyncio.timeout(QUERY_TIMEOUT):
                    await connection.execute("SELECT 1")
        except Exception as err:
            raise self._target_error(err) from err

    async def async_close(self) -> None:
        """Cut off the sessions of checks still in progress (entry unload)."""
        sessions, self._sessions = self._sessions, set()
        for connection in sessions:
            connection.terminate()

    @asynccontextmanager
    async def _async_session(self) -> AsyncIterator[tuple[Any, float]]:
        """Log in for one check; yield the session and how long logging in took.

        A check that fails, times out or is cancelled cuts its session off
        without a word to the server, which may never answer one: the
        session may be stuck mid-protocol.
        """
        config = self.config
        ssl_context = await self.hass.async_add_executor_job(
            _ssl_context, config.get(CONF_SSL_MODE, SslMode.DISABLE)
        )
        start = time.perf_counter()
        # asyncpg closes a half-open connection itself when its timeout
        # expires or the task is cancelled.
        connection = await asyncpg.connect(
            host=config[CONF_HOST],
            port=int(config.get(CONF_PORT, DEFAULT_PORT)),
            user=config[CONF_USERNAME],
            # Never None: asyncpg would read ~/.pgpass in the event loop.
            password=str(config.get(CONF_PASSWORD) or ""),
            database=config[CONF_DATABASE],
            ssl=ssl_context,
            timeout=CONNECT_TIMEOUT,
            command_timeout=QUERY_TIMEOUT,
            server_settings={"application_name": APPLICATION_NAME},
        )
        connect_ms = elapsed_ms(start)
        self._sessions.add(connection)
        try:
            yield connection, connect_ms
        except BaseException:
            connection.terminate()
            raise
        else:
            try:
                # Logging out politely frees the server's slot at once; close()
                # cuts the connection off itself when it fails, times out or
                # is cancelled.
                await connection.close(timeout=CLOSE_TIMEOUT)
            except Exception:  # noqa: BLE001 - the result stands; the session is gone
                connection.terminate()
        finally:
            self._sessions.discard(connection)

    async def _async_observe(self, connection: Any, connect_ms: float) -> CheckResult:
        try:
            async with asyncio.timeout(QUERY_TIMEOUT):
                # The simple protocol: one message each way, as on any session.
                clock = await IoClock.start()
                await connection.execute("SELECT 1")
                round_trip_ms = await clock.async_elapsed_ms()
                stats = await connection.fetchrow(_SERVER_STATS)
                timescale, timescale_problem = await self._async_read_timescale(
                    connection
                )
        except TimeoutError as err:
            raise _QueryTimeoutError from err
        return self._result(
            round_trip_ms, connect_ms, stats, timescale, timescale_problem
        )

    async def _async_read_timescale(
        self, connection: Any
    ) -> tuple[TimescaleHealth | None, str | None]:
        """Read TimescaleDB's state, or why it cannot be read (the role, the version)."""
        now = time.monotonic()
        read_sizes = now - self._sizes_read >= SIZES_EVERY.total_seconds()
        try:
            timescale = await async_read_timescale(connection, read_sizes=read_sizes)
        except _CONNECTION_ERRORS:
            raise
        except asyncpg.PostgresError as err:
            return None, sanitize_message(
                f"TimescaleDB state unreadable: {err}", self.secrets
            )
        if timescale is None:
            self._sizes = None
        elif timescale.sizes is not None:
            self._sizes, self._sizes_read = timescale.sizes, now
        elif self._sizes is not None:
            timescale = dataclasses.replace(timescale, sizes=self._sizes)
        return timescale, None

    def _result(
        self,
        round_trip_ms: float,
        connect_ms: float,
        stats: Any,
        timescale: TimescaleHealth | None,
        timescale_problem: str | None,
    ) -> CheckResult:
        version = str(stats["server_version"]).split(" ", 1)[0]
        used = int(stats["connections"])
        maximum = int(stats["max_connections"])
        reserved = int(stats["reserved_connections"])
        usable = usable_connections(maximum, reserved)
        percent = connections_percent(used, usable)
        metrics: dict[str, MetricValue] = {
            "round_trip_ms": round_trip_ms,
            "connect_ms": connect_ms,
            "server_version": version,
            "connections": used,
            "max_connections": maximum,
            "reserved_connections": reserved,
            "connections_percent": percent,
            "oldest_query_s": round(max(float(stats["oldest_query_s"] or 0), 0.0), 1),
            "database_size_mb": round(int(stats["database_size"]) / 1048576, 2),
        }
        if stats["replication_lag_s"] is not None:
            metrics["replication_lag_s"] = round(float(stats["replication_lag_s"]), 1)

        findings = Findings()
        # The latency comes first: with no other problem, a slow answer is
        # latency only.
        findings.add(
            latency_status(round_trip_ms, latency_thresholds(self.config)),
            f"slow answer: {round_trip_ms:.0f} ms",
        )
        findings.add(
            connections_status(used, usable),
            f"{used} of {usable} usable connections used ({percent:.0f} %, "
            f"{reserved} of {maximum} reserved)",
        )
        servers = f"PostgreSQL {version}"
        if timescale_problem is not None:
            findings.add(HealthStatus.WARNING, timescale_problem)
        details: dict[str, Any] = {}
        affected: tuple[str, ...] = ()
        if timescale is not None:
            verdict = judge_timescale(timescale, findings, self.secrets)
            metrics.update(verdict.metrics)
            details = verdict.details
            affected = tuple(verdict.affected)
            servers += f", TimescaleDB {timescale.version}"
        if problems := findings.problems():
            message = f"{'; '.join(problems)} ({servers})"
        else:
            message = (
                f"{servers} answers in {round_trip_ms:.1f} ms, "
                f"{used} of {usable} usable connections used"
            )
        return CheckResult(
            status=findings.status,
            message=message,
            response_time_ms=round_trip_ms,
            metrics=metrics,
            latency_only=latency_only(*findings.statuses),
            affected=affected,
            details=details,
        )

    def _target_error(self, err: Exception) -> TargetError:
        """Translate a driver error into a target error; the message holds no secret."""
        detail = sanitize_message(f"{self.address}: {err}", self.secrets)
        if isinstance(err, asyncpg.InvalidAuthorizationSpecificationError):
            return TargetError("invalid_auth", detail, Fault.CREDENTIALS)
        if isinstance(err, asyncpg.InsufficientPrivilegeError):
            # The role may not connect to this database (no CONNECT privilege).
            return TargetError("invalid_auth", detail, Fault.PERMISSION)
        if isinstance(err, asyncpg.InvalidCatalogNameError):
            return TargetError("cannot_connect", detail, Fault.DATABASE)
        if isinstance(err, _QueryTimeoutError):
            return TargetError(
                "timeout", f"{self.address}: no answer within {QUERY_TIMEOUT:g} s"
            )
        if isinstance(err, TimeoutError):
            return TargetError(
                "timeout", f"{self.address}: no answer within {CONNECT_TIMEOUT:g} s"
            )
        if isinstance(err, asyncpg.TooManyConnectionsError):
            return TargetError(
                "cannot_connect",
                sanitize_message(
                    f"{self.address} refuses new logins: {err}", self.secrets
                ),
                Fault.ADDRESS,
            )
        if isinstance(err, ssl.SSLError) or (
            isinstance(err, ConnectionError) and "SSL" in str(err)
        ):
            return TargetError("cannot_connect", detail, Fault.ENCRYPTION)
        if isinstance(err, _CONNECTION_ERRORS):
            return TargetError("cannot_connect", detail, Fault.ADDRESS)
        return TargetError(
            "unknown",
            sanitize_message(
                f"{self.address}: {type(err).__name__}: {err}", self.secrets
            ),
        )


class _QueryTimeoutError(TimeoutError):
    """The server accepted the session but did not answer a query in time."""
