"""A private PostgreSQL server on loopback for the database target tests.

The server is initialized in a temporary directory with password (SCRAM)
authentication over TCP, listens on 127.0.0.1 on a free port, offers SSL with
a self-signed certificate and keeps its Unix socket inside the temporary
directory. PostgreSQL refuses to run as
root, so when the tests run as root its programs run as the ``postgres`` user.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
import os
from pathlib import Path
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from typing import Any

import asyncpg

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "Sup3r-admin-pa55"
MONITOR_USER = "monitor"
MONITOR_PASSWORD = "S3cret-pa55"
APP_DATABASE = "app"
# Low, so that a test can fill the server to its warning and critical levels.
MAX_CONNECTIONS = 20
# Slots only superusers may take: a role without SUPERUSER has 17 of the 20.
SUPERUSER_RESERVED_CONNECTIONS = 3
USABLE_CONNECTIONS = MAX_CONNECTIONS - SUPERUSER_RESERVED_CONNECTIONS

# Every server loads the real TimescaleDB extension (built into the newest
# PostgreSQL by scripts/ensure_services); a database has it once it runs
# CREATE EXTENSION timescaledb. Job workers and one scheduler per database
# count against timescaledb.max_background_workers and PostgreSQL's
# max_worker_processes, which is set high enough never to be the limit.
TIMESCALEDB_SETTINGS = {
    "shared_preload_libraries": "'timescaledb'",
    "timescaledb.telemetry_level": "off",
    "max_worker_processes": "40",
    "timescaledb.max_background_workers": "16",
}


def free_port() -> int:
    """Return a TCP port on loopback nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bin_dir() -> Path:
    """Return the newest installed PostgreSQL's programs (any version)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name),
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server programs not found in /usr/lib/postgresql/*/bin "
            "(run scripts/ensure_services)"
        )
    bin_dir = candidates[-1].parent
    major = bin_dir.parent.name
    if not Path(
        f"/usr/share/postgresql/{major}/extension/timescaledb.control"
    ).exists():
        raise RuntimeError(
            f"TimescaleDB is not installed for PostgreSQL {major} "
            "(run scripts/ensure_services)"
        )
    return bin_dir


class PostgresServer:
    """A throw-away PostgreSQL cluster; start and stop it at will."""

    host = "127.0.0.1"

    def __init__(
        self,
        root: Path,
        port: int | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        """Prepare a cluster under ``root`` (nothing runs yet); ``settings`` add to the defaults."""
        self.root = root
        self.data_dir = root / "data"
        self.socket_dir = root / "socket"
        self.log_file = root / "server.log"
        self.bin_dir = _bin_dir()
        self.port = port or free_port()
        self.settings = settings or {}
        self._paused: list[int] = []

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}): {result.stderr}{result.stdout}"
            )

    def _prepare_root(self, *paths: Path) -> None:
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            owner = pwd.getpwnam(SUPERUSER)
            for path in (self.root, self.socket_dir, *paths):
                os.chown(path, owner.pw_uid, owner.pw_gid)

    def _configure(self, **extra: str) -> None:
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "max_connections": str(MAX_CONNECTIONS),
            "superuser_reserved_connections": str(SUPERUSER_RESERVED_CONNECTIONS),
            "password_encryption": "'scram-sha-256'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "shared_buffers": "16MB",
            **TIMESCALEDB_SETTINGS,
            **self.settings,
            **extra,
        }
        # Later lines win, also over settings copied from a primary.
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def initialize(self) -> None:
        """Create the cluster: SCRAM passwords over TCP, trust on the private socket."""
        password_file = self.root / "superuser-password"
        password_file.write_text(SUPERUSER_PASSWORD + "\n", encoding="utf-8")
        self._prepare_root(password_file)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        self._create_certificate()
        self._configure(
            ssl="on", ssl_cert_file="'server.crt'", ssl_key_file="'server.key'"
        )

    def _create_certificate(self) -> None:
        """Give the server a self-signed certificate: encrypted, not verifiable."""
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-keyout", str(self.data_dir / "server.key"),
                "-out", str(self.data_dir / "server.crt"),
            ],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        (self.data_dir / "server.key").chmod(0o600)
        if os.geteuid() == 0:
            owner = pwd.getpwnam(SUPERUSER)
            for name in ("server.key", "server.crt"):
                os.chown(self.data_dir / name, owner.pw_uid, owner.pw_gid)

    def initialize_replica_of(self, primary: PostgresServer) -> None:
        """Create a streaming standby of ``primary`` (base backup over its socket).

        ``--checkpoint=fast``: the default spread checkpoint makes the backup
        wait for most of the primary's checkpoint interval (over a minute).
        """
        self._prepare_root()
        self._run(
            "pg_basebackup", "-h", str(primary.socket_dir), "-p", str(primary.port),
            "-U", SUPERUSER, "-D", str(self.data_dir), "-R", "-X", "stream",
            "--no-sync", "--checkpoint=fast",
        )  # fmt: skip
        self._configure(hot_standby="on")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w",
            "-t", "120", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once, disconnecting every client."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    @property
    def running(self) -> bool:
        """Return whether the server's postmaster is up."""
        return (self.data_dir / "postmaster.pid").exists()

    @property
    def paused(self) -> bool:
        """Return whether the server's processes are stopped by :meth:`pause`."""
        return bool(self._paused)

    def pause(self) -> None:
        """Freeze every process of the server (SIGSTOP), as a hung host would.

        Connections stay open and the kernel still accepts new ones, but
        nothing answers until :meth:`resume`. The postmaster stops first, so
        it forks no backend that would escape.
        """
        postmaster = int(
            (self.data_dir / "postmaster.pid").read_text(encoding="utf-8").split()[0]
        )
        os.kill(postmaster, signal.SIGSTOP)
        self._paused = [postmaster]
        for child in _children(postmaster):
            with suppress(ProcessLookupError):
                os.kill(child, signal.SIGSTOP)
                self._paused.append(child)

    def resume(self) -> None:
        """Let the processes frozen by :meth:`pause` run again (SIGCONT)."""
        paused, self._paused = self._paused, []
        for pid in paused:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    async def connect(self, database: str = "postgres") -> Any:
        """Return a superuser connection (asyncpg) over TCP."""
        return await asyncpg.connect(
            host=self.host,
            port=self.port,
            user=SUPERUSER,
            password=SUPERUSER_PASSWORD,
            database=database,
            ssl=False,
        )

    async def execute(self, sql: str, database: str = "postgres") -> None:
        """Run ``sql`` as the superuser."""
        connection = await self.connect(database)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def wait_until_streaming(self, timeout: float = 60.0) -> None:
        """Wait until this standby has received WAL from its primary.

        A standby that has not yet connected to its primary knows no lag:
        the monitor rightly shows it as unknown until then.
        """
        async with asyncio.timeout(timeout):
            while True:
                connection = await self.connect()
                try:
                    if await connection.fetchval(
                        "SELECT pg_last_wal_receive_lsn() IS NOT NULL"
                    ):
                        return
                finally:
                    await connection.close()
                await asyncio.sleep(0.1)

    def psql(self, sql: str, database: str = "postgres") -> None:
        """Run ``sql`` as the superuser through the private Unix socket."""
        self._run(
            "psql", "-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER,
            "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql,
        )  # fmt: skip

    def create_fixtures(self) -> None:
        """Create the monitoring role and the application database."""
        self.psql(f"CREATE ROLE {MONITOR_USER} LOGIN PASSWORD '{MONITOR_PASSWORD}'")
        self.psql(f"CREATE DATABASE {APP_DATABASE} OWNER {MONITOR_USER}")

    def set_password(self, password: str, role: str = MONITOR_USER) -> None:
        """Change a role's password; its open sessions stay logged in."""
        escaped = password.replace("'", "''")
        self.psql(f"ALTER ROLE {role} PASSWORD '{escaped}'")

    async def client_backends(self) -> int:
        """Return how many client sessions the server has (this one included)."""
        connection = await self.connect()
        try:
            return int(
                await connection.fetchval(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE backend_type = 'client backend'"
                )
            )
        finally:
            await connection.close()

    async def exhaust_connections(self, target: int = USABLE_CONNECTIONS) -> list[Any]:
        """Open superuser sessions until ``target`` client sessions exist.

        By default every slot a role without SUPERUSER may use is taken, so
        the server refuses such logins while the open sessions keep working.
        The caller closes the returned connections (:func:`close_all`).
        """
        opened = [await self.connect()]
        count_sql = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE backend_type = 'client backend'"
        )
        try:
            while await opened[0].fetchval(count_sql) < target:
                opened.append(await self.connect())
        except BaseException:
            await close_all(opened)
            raise
        return opened


async def close_all(connections: list[Any]) -> None:
    """Close connections opened by :meth:`PostgresServer.exhaust_connections`."""
    for connection in connections:
        connection.terminate()


@asynccontextmanager
async def slow_login_proxy(server: PostgresServer, delay: float) -> AsyncIterator[int]:
    """Forward a loopback port to ``server``, holding each session's first answer back.

    Logging in through the port takes ``delay`` seconds longer; once a
    session is established its traffic passes at once. Yields the port.
    """
    handlers: set[asyncio.Task[None]] = set()

    async def pipe(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, hold: float
    ) -> None:
        try:
            while data := await reader.read(65536):
                if hold:
                    await asyncio.sleep(hold)
                    hold = 0.0
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def forward(
        client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        try:
            server_reader, server_writer = await asyncio.open_connection(
                server.host, server.port
            )
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                pipe(client_reader, server_writer, 0.0),
                pipe(server_reader, client_writer, delay),
            )
        finally:
            client_writer.close()
            server_writer.close()

    proxy = await asyncio.start_server(forward, "127.0.0.1", 0)
    try:
        yield int(proxy.sockets[0].getsockname()[1])
    finally:
        proxy.close()
        for handler in handlers:
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await proxy.wait_closed()


def _children(parent: int) -> list[int]:
    """Return the process ids whose parent is ``parent`` (from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            # The command name in parentheses may hold spaces; fields follow it.
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                children.append(int(stat.parent.name))
    return children


@contextmanager
def running_postgres(
    primary: PostgresServer | None = None,
    port: int | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[PostgresServer]:
    """Start a private server (or a standby of ``primary``); delete it afterwards."""
    root = Path(tempfile.mkdtemp(prefix="hm-postgres-"))
    server = PostgresServer(root, port, settings)
    try:
        if primary is None:
            server.initialize()
            server.start()
            server.create_fixtures()
        else:
            server.initialize_replica_of(primary)
            server.start()
        yield server
    finally:
        server.resume()
        if server.running:
            with suppress(RuntimeError):
                server.stop()
        shutil.rmtree(root, ignore_errors=True)
