"""Real HTTP(S) servers on loopback for the endpoint tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import ipaddress
from pathlib import Path
import socket
import ssl
import threading
from typing import Any

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HEALTH_PATH = "/health"
BODY = "status: all systems go"


@dataclass
class HttpServer:
    """A server whose answer to /health the test changes while it runs."""

    port: int = 0
    scheme: str = "http"
    status: int = 200
    body: str = BODY
    # Seconds each answer takes.
    delay: float = 0.0
    # While set, requests wait until released (or the server stops).
    slow: bool = False
    methods: list[str] = field(default_factory=list)
    released: asyncio.Event = field(init=False)

    @property
    def url(self) -> str:
        """Return the address of the health page."""
        return f"{self.scheme}://127.0.0.1:{self.port}{HEALTH_PATH}"

    async def handle(self, request: web.Request) -> web.Response:
        """Answer with the configured status and body."""
        self.methods.append(request.method)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.slow:
            await self.released.wait()
        return web.Response(status=self.status, text=self.body)


@asynccontextmanager
async def http_server(
    ssl_context: ssl.SSLContext | None = None, port: int = 0
) -> AsyncGenerator[HttpServer]:
    """Serve /health on loopback (a free port by default) until the block ends.

    The server runs its own event loop in a thread, like a separate process
    would: its handshake failures and slow answers stay out of Home
    Assistant's loop. It is stopped when the block ends, also on failure.
    """
    server = HttpServer(scheme="https" if ssl_context else "http")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-http-server")
    thread.start()

    async def in_server_loop[T](coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))

    try:
        runner = await in_server_loop(_start(server, ssl_context, port))
        try:
            yield server
        finally:
            await in_server_loop(_stop(server, runner))
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


async def _start(
    server: HttpServer, ssl_context: ssl.SSLContext | None, port: int
) -> web.AppRunner:
    server.released = asyncio.Event()
    app = web.Application()
    app.router.add_route("*", HEALTH_PATH, server.handle)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, ssl_context=ssl_context)
    await site.start()
    server.port = runner.addresses[0][1]
    return runner


async def _stop(server: HttpServer, runner: web.AppRunner) -> None:
    server.released.set()
    await runner.cleanup()


def self_signed_context(directory: Path, valid_days: float) -> ssl.SSLContext:
    """Return a server TLS context with a new self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return server_context(directory, "server", certificate, key)


def server_context(
    directory: Path,
    name: str,
    certificate: x509.Certificate,
    key: ec.EllipticCurvePrivateKey,
) -> ssl.SSLContext:
    """Return a server TLS context serving ``certificate`` (files kept in ``directory``)."""
    cert_file = directory / f"{name}.crt"
    key_file = directory / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def free_port() -> int:
    """Return a loopback port nobody listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
