"""MQTT broker targets: one long-lived connection, an echo round trip per cycle."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any
import uuid

import aiomqtt

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.util.ssl import client_context

from ...engine.models import CheckResult, ComponentType, HealthStatus, elapsed_ms
from ...engine.sanitize import sanitize_message
from ..base import Fault, PushResult, TargetCheck, TargetError
from ..latency import latency_result
from .echo import EchoProbe, health_topic
from .liveness import FleetLiveness

if TYPE_CHECKING:
    from paho.mqtt.client import Client as PahoClient

_LOGGER = logging.getLogger(__name__)
# paho logs every packet at debug level: a logger of its own lets that be
# turned off while the check's own debug lines stay on.
_PROTOCOL_LOGGER = _LOGGER.getChild("protocol")

CONF_TLS = "tls"
DEFAULT_PORT = 1883

# How long the broker may take to accept a connection (CONNACK) or a request.
CONNECT_TIMEOUT = 8.0
# The delay between reconnect attempts doubles from the first to the last,
# and never exceeds the update interval: a broker that is back is seen by
# the next cycle at the latest.
RECONNECT_MIN_DELAY = 1.0
RECONNECT_MAX_DELAY = 60.0
KEEPALIVE = 30

# CONNACK reason codes for refused credentials: MQTT 3.1.1 (4, 5) and 5.0 (134, 135).
_AUTH_REFUSED = frozenset({4, 5, 134, 135})


class MqttBrokerCheck(FleetLiveness, TargetCheck):
    """Keeps one connection to a broker and times an echo through it each cycle.

    A background task owns the connection: it subscribes to the health topic,
    hands arriving payloads to the probe, and reconnects with a growing delay
    (at most the update interval) when the connection drops. A drop is
    pushed at once as a critical result. A check while disconnected does not
    wait for the delay: it has the task try the broker now. A connection
    that carries no echo in time (a broker that stopped answering) is given
    up and replaced at once. With ``publish_state`` the connection also
    carries this instance's liveness (see :mod:`.liveness`).
    """

    component_type = ComponentType.MQTT

    def _setup(self) -> None:
        """Prepare the connection to the broker described by ``config``."""
        self._probe = EchoProbe(health_topic(self.component_id))
        self._client: aiomqtt.Client | None = None
        self._connect_ms = 0.0
        self._failure: TargetError | None = None
        self._attempt: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._push: PushResult | None = None
        self._down_pushed = False
        self._reports: set[asyncio.Task[None]] = set()
        # Set by a check that wants a connection attempt now.
        self._wake = asyncio.Event()
        # Connection tasks given up by _drop, still closing their session.
        self._retiring: set[asyncio.Task[None]] = set()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return the configured password, masked in every message."""
        password = self.config.get(CONF_PASSWORD)
        return (password,) if password else ()

    @property
    def _address(self) -> str:
        return f"{self.config[CONF_HOST]}:{self.config.get(CONF_PORT, DEFAULT_PORT)}"

    async def async_start(self, push: PushResult) -> None:
        """Connect in the background and push connection losses as they happen."""
        self._push = push
        self._ensure_running()

    async def async_check_or_raise(self) -> CheckResult:
        """Time an echo through the broker; not connected is critical."""
        client = await self._async_connected_client()
        try:
            round_trip_ms = await self._probe.async_round_trip(
                lambda payload: client.publish(self._probe.topic, payload)
            )
        except aiomqtt.MqttError as err:
            self._drop(client)
            raise TargetError(
                "cannot_connect", f"Publishing to {self._address} failed: {err}"
            ) from err
        except BaseException:
            # No echo in time, or the check timed out: the session may be
            # stuck, so it is replaced rather than trusted again.
            self._drop(client)
            raise
        return latency_result(
            round_trip_ms,
            self.config,
            (
                f"{self._address} round trip {round_trip_ms:.1f} ms, "
                f"connected in {self._connect_ms:.1f} ms"
            ),
            {"round_trip_ms": round_trip_ms, "connect_ms": self._connect_ms},
        )

    async def async_reconnect(self) -> None:
        """Drop the connection and connect again; raise TargetError if that fails."""
        await self._async_stop()
        self._failure = None
        self._ensure_running()
        await self._async_connected_client()

    async def async_close(self) -> None:
        """Disconnect and stop the background task."""
        self._push = None
        await self._async_leave_fleet()
        await self._async_stop()
        for retiring in list(self._retiring):
            with contextlib.suppress(asyncio.CancelledError):
                await retiring
        for report in list(self._reports):
            report.cancel()
        for report in list(self._reports):
            with contextlib.suppress(asyncio.CancelledError):
                await report

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._attempt = asyncio.get_running_loop().create_future()
            self._task = self.hass.async_create_background_task(
                self._async_keep_connected(), f"health_monitor mqtt {self.name}"
            )

    def _drop(self, client: aiomqtt.Client, why: str = "no echo") -> None:
        """Give up ``client``'s session and connect anew at once.

        The old task closes its session on its own (cancelled, it sends a
        DISCONNECT and waits at most CONNECT_TIMEOUT for it), so nothing here
        waits for a broker that may not answer.
        """
        if self._client is not client:
            return
        _LOGGER.debug("MQTT target %s: %s, replacing the connection", self.name, why)
        task, self._task = self._task, None
        self._client = None
        if task is not None:
            task.cancel()
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)
        self._ensure_running()

    @property
    def _reconnect_max_delay(self) -> float:
        if self.update_interval is None:
            return RECONNECT_MAX_DELAY
        return min(RECONNECT_MAX_DELAY, max(self.update_interval, 1.0))

    async def _async_stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._client = None

    async def _async_connected_client(self) -> aiomqtt.Client:
        """Return the live client; without one, try the broker now and wait for it."""
        self._ensure_running()
        if self._client is None and self._attempt is not None:
            # The reconnect delay spares a broker that is down; a check asks now.
            self._wake.set()
            await asyncio.shield(self._attempt)
        if self._client is not None:
            return self._client
        failure = self._failure or TargetError(
            "cannot_connect", f"Not connected to {self._address}", Fault.ADDRESS
        )
        raise TargetError(failure.reason, str(failure), failure.fault)

    async def _async_keep_connected(self) -> None:
        """Own the connection: connect, listen, and reconnect after a drop."""
        delay = min(RECONNECT_MIN_DELAY, self._reconnect_max_delay)
        while True:
            start = time.perf_counter()
            client = self._new_client()
            connected = False
            try:
                async with client:
                    connected = True
                    connect_ms = elapsed_ms(start)
                    await client.subscribe(self._probe.topic)
                    self._connected(client, connect_ms)
                    await self._async_join_fleet(client)
                    delay = min(RECONNECT_MIN_DELAY, self._reconnect_max_delay)
                    async for message in client.messages:
                        if self._heard_state(message):
                            continue
                        if isinstance(message.payload, bytes):
                            self._probe.received(
                                message.payload.decode(errors="replace")
                            )
            except aiomqtt.MqttError as err:
                self._disconnected(self._failure_of(err, start))
            except Exception as err:  # noqa: BLE001 - the connection task must survive
                _LOGGER.debug(
                    "Unexpected %s with MQTT target %s", type(err).__name__, self.name
                )
                self._disconnected(
                    TargetError(
                        "unknown", f"Unexpected error with {self._address}: {err}"
                    )
                )
            finally:
                if not connected:
                    _abandon(client)
                _note_disconnect_error(client)
            if self._attempt is None or self._attempt.done():
                self._attempt = asyncio.get_running_loop().create_future()
            await self._async_wait(delay)
            delay = min(delay * 2, self._reconnect_max_delay)

    async def _async_wait(self, delay: float) -> None:
        """Sleep ``delay`` seconds, or less when a check asks for an attempt."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._wake.wait()

    def _new_client(self) -> aiomqtt.Client:
        config = self.config
        client = aiomqtt.Client(
            config[CONF_HOST],
            int(config.get(CONF_PORT, DEFAULT_PORT)),
            username=config.get(CONF_USERNAME) or None,
            password=config.get(CONF_PASSWORD) or None,
            identifier=f"health_monitor_{uuid.uuid4().hex[:12]}",
            tls_context=client_context() if config.get(CONF_TLS) else None,
            timeout=CONNECT_TIMEOUT,
            keepalive=KEEPALIVE,
            will=self._state_will(),
            logger=_PROTOCOL_LOGGER,
        )
        client._loop = _SocketSafeLoop(client._loop)  # type: ignore[assignment]  # noqa: SLF001
        return client

    def _failure_of(self, err: aiomqtt.MqttError, start: float) -> TargetError:
        """Turn a connection error into a target error."""
        address = self._address
        if isinstance(err, aiomqtt.MqttCodeError) and self._client is None:
            code = getattr(err.rc, "value", err.rc)
            if code in _AUTH_REFUSED:
                return TargetError(
                    "invalid_auth",
                    f"{address} refused the credentials: {err}",
                    Fault.CREDENTIALS,
                )
        if self._client is not None:
            return TargetError(
                "cannot_connect",
                f"Lost the connection to {address}: {err}",
                Fault.ADDRESS,
            )
        if time.perf_counter() - start >= CONNECT_TIMEOUT:
            return TargetError(
                "timeout",
                f"{address} did not answer within {CONNECT_TIMEOUT:.0f} s",
            )
        return TargetError(
            "cannot_connect", f"Cannot connect to {address}: {err}", Fault.ADDRESS
        )

    def _connected(self, client: aiomqtt.Client, connect_ms: float) -> None:
        self._client = client
        self._connect_ms = connect_ms
        self._failure = None
        if self._attempt is not None and not self._attempt.done():
            self._attempt.set_result(None)
        if self._down_pushed and self._push is not None:
            # Back after a pushed loss: report recovery without waiting a cycle.
            self._down_pushed = False
            report = self.hass.async_create_background_task(
                self._async_report(), f"health_monitor mqtt {self.name} back"
            )
            self._reports.add(report)
            report.add_done_callback(self._reports.discard)

    def _disconnected(self, failure: TargetError) -> None:
        was_connected = self._client is not None
        self._client = None
        self._failure = failure
        if self._attempt is not None and not self._attempt.done():
            self._attempt.set_result(None)
        if was_connected and self._push is not None:
            _LOGGER.debug("MQTT target %s disconnected", self.name)
            self._down_pushed = True
            self._push(
                CheckResult(
                    status=HealthStatus.CRITICAL,
                    message=sanitize_message(str(failure), self.secrets),
                )
            )

    async def _async_report(self) -> None:
        result = await self.async_check()
        if self._push is not None:
            self._push(result)


class _SocketSafeLoop:
    """The event loop as aiomqtt uses it, minus errors for sockets already closed.

    aiomqtt queues each socket registration with ``call_soon_threadsafe``; when
    the connection is closed before the queued call runs (a publish just before
    a disconnect, a cancelled attempt), the loop would log "Bad file descriptor"
    as an error. A closed socket needs no registration, so it is skipped.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)

    def add_reader(self, fd: int, callback: Callable[[], None]) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._loop.add_reader(fd, callback)

    def add_writer(self, fd: int, callback: Callable[[], None]) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._loop.add_writer(fd, callback)

    def remove_reader(self, fd: int) -> bool:
        with contextlib.suppress(OSError, ValueError):
            return self._loop.remove_reader(fd)
        return False

    def remove_writer(self, fd: int) -> bool:
        with contextlib.suppress(OSError, ValueError):
            return self._loop.remove_writer(fd)
        return False


def _abandon(client: aiomqtt.Client) -> None:
    """Close the socket of a client whose connection attempt failed or was cancelled.

    aiomqtt leaves it open (with a housekeeping task reading it) when the
    broker accepts TCP but never answers: paho would close it only when the
    keepalive runs out. Closing it here emits no disconnect callback, which
    aiomqtt would fail on after a cancelled attempt.
    """
    paho = client._client  # noqa: SLF001 - aiomqtt exposes no way to drop a socket
    # A cancelled attempt's connect may still be running in its worker thread,
    # and the socket registrations it already queued for the loop would fail
    # on a closed socket ("Bad file descriptor", logged as an error). So later
    # registrations are dropped, and the socket is closed after the queued
    # ones ran.
    paho.on_socket_open = None
    paho.on_socket_register_write = None
    asyncio.get_running_loop().call_soon(_close_socket, paho)


def _close_socket(paho: PahoClient) -> None:
    if paho.socket() is not None:
        paho._sock_close()  # noqa: SLF001


def _note_disconnect_error(client: aiomqtt.Client) -> None:
    """Mark a client's disconnect error as seen.

    aiomqtt leaves it unretrieved when the connection drops while the client
    is being closed, and asyncio would log it as an error.
    """
    disconnected = client._disconnected  # noqa: SLF001 - no public accessor
    if disconnected.done() and not disconnected.cancelled():
        disconnected.exception()
