"""A real HTTP(S) server failing under a watched endpoint target."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
import ssl
from typing import Any

import pytest

from homeassistant.core import HomeAssistant
from tests.targets.http_servers import (
    HttpServer,
    free_port,
    http_server,
    self_signed_context,
)

from .installation import CHECK_TIMEOUT, Installation, endpoint, network, watch
from .lifecycle import Fault, assert_survives
from .servers import CertificateAuthority, closing_connections

ENDPOINT = "endpoint_target"


class Endpoint:
    """An HTTP(S) server on a fixed port that the test takes down and brings back."""

    def __init__(self, port: int, ssl_context: ssl.SSLContext | None = None) -> None:
        """Serve on ``port`` once :meth:`start` is awaited."""
        self.port = port
        self.ssl_context = ssl_context
        self.server: HttpServer | None = None
        self._stack: AsyncExitStack | None = None

    @property
    def url(self) -> str:
        """Return the health page's address."""
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}/health"

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> HttpServer:
        """Serve again (with another certificate, if given)."""
        if ssl_context is not None:
            self.ssl_context = ssl_context
        self._stack = AsyncExitStack()
        self.server = await self._stack.enter_async_context(
            http_server(self.ssl_context, self.port)
        )
        return self.server

    async def stop(self) -> None:
        """Stop serving; connections are refused."""
        stack, self._stack, self.server = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    @asynccontextmanager
    async def hanging_up(self) -> AsyncIterator[None]:
        """While the block runs, the port closes every connection unanswered."""
        await self.stop()
        async with closing_connections(self.port):
            yield


@asynccontextmanager
async def serving(
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[Endpoint]:
    """Run an endpoint on a free port for the test."""
    running = Endpoint(free_port(), ssl_context)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def watch_endpoint(
    hass: HomeAssistant,
    storage: dict[str, Any],
    url: str,
    bystander_port: int,
) -> Installation:
    """Watch the endpoint and a bystander TCP service."""
    return await watch(
        hass,
        storage,
        [endpoint(ENDPOINT, url), network("bystander", "127.0.0.1", bystander_port)],
    )


@pytest.fixture
async def plain() -> AsyncGenerator[Endpoint]:
    """Serve /health over plain HTTP."""
    async with serving() as running:
        yield running


@pytest.fixture
async def installation(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    plain: Endpoint,
    bystander_port: int,
) -> Installation:
    """Watch the plain HTTP endpoint."""
    return await watch_endpoint(hass, hass_storage, plain.url, bystander_port)


@pytest.mark.fault("HTTP 500")
async def test_server_error(installation: Installation, plain: Endpoint) -> None:
    """An endpoint answering 500 is critical, and healthy after two good answers."""

    async def fail() -> None:
        assert plain.server is not None
        plain.server.status = 500

    async def mend() -> None:
        assert plain.server is not None
        plain.server.status = 200

    await assert_survives(
        installation, ENDPOINT, Fault(fail, mend, message="unexpected status 500")
    )


@pytest.mark.fault("HTTP hang")
async def test_hanging_server(installation: Installation, plain: Endpoint) -> None:
    """An endpoint that never answers is critical after its timeout; no cycle waits longer."""

    async def hang() -> None:
        assert plain.server is not None
        plain.server.slow = True

    async def mend() -> None:
        assert plain.server is not None
        plain.server.slow = False

    await assert_survives(
        installation,
        ENDPOINT,
        Fault(hang, mend, cycle_bound=CHECK_TIMEOUT + 3),
        failing_cycles=2,
    )


@pytest.mark.fault("HTTP connection closed")
async def test_connection_closed_without_answer(
    installation: Installation, plain: Endpoint
) -> None:
    """A server that closes connections unanswered is critical until it answers again."""
    stack = AsyncExitStack()

    async def hang_up() -> None:
        await stack.enter_async_context(plain.hanging_up())

    async def mend() -> None:
        await stack.aclose()
        await plain.start()

    async with stack:
        await assert_survives(installation, ENDPOINT, Fault(hang_up, mend))


@pytest.mark.fault("HTTP connection refused")
async def test_connection_refused(installation: Installation, plain: Endpoint) -> None:
    """A stopped server refuses connections: critical, healthy once it serves again."""
    await assert_survives(
        installation, ENDPOINT, Fault(plain.stop, plain.start, message="cannot connect")
    )


@pytest.mark.fault("HTTPS self-signed certificate")
async def test_self_signed_certificate(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    tmp_path: Path,
    bystander_port: int,
) -> None:
    """A certificate that turns self-signed fails verification until a trusted one is back."""
    authority = CertificateAuthority(tmp_path)
    authority.trust_in_home_assistant()
    trusted = authority.server_context()
    (tmp_path / "self-signed").mkdir()
    untrusted = self_signed_context(tmp_path / "self-signed", valid_days=90)
    async with serving(trusted) as secure:
        installation = await watch_endpoint(
            hass, hass_storage, secure.url, bystander_port
        )

        async def self_signed() -> None:
            await secure.stop()
            await secure.start(untrusted)

        async def trusted_again() -> None:
            await secure.stop()
            await secure.start(trusted)

        await assert_survives(
            installation,
            ENDPOINT,
            Fault(self_signed, trusted_again, message="certificate verify failed"),
        )
        await installation.unload()
