"""Network targets: DNS resolution and TCP connect time."""

from __future__ import annotations

import asyncio
from contextlib import suppress
import ipaddress
import socket
import time
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT

from ...engine.models import CheckResult, ComponentType, MetricValue, elapsed_ms
from ..base import Fault, TargetCheck, TargetError
from ..latency import latency_result


class NetworkCheck(TargetCheck):
    """Resolves a host and, with a port, opens a TCP connection to it."""

    component_type = ComponentType.NETWORK

    async def async_check_or_raise(self) -> CheckResult:
        """Resolve, connect, and classify the slowest step against the latency levels."""
        host: str = self.config[CONF_HOST]
        port: int | None = self.config.get(CONF_PORT)
        if _is_ip_address(host):
            # An address needs no resolver (and no executor job): only connect.
            dns_ms: float | None = None
            addresses: list[tuple[Any, ...]] = [(None, None, None, "", (host, port))]
        else:
            loop = asyncio.get_running_loop()
            start = time.perf_counter()
            try:
                # asyncio resolves in the executor; the loop is never blocked.
                addresses = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (socket.gaierror, UnicodeError) as err:
                raise TargetError(
                    "cannot_connect", f"{host} does not resolve: {err}", Fault.ADDRESS
                ) from err
            dns_ms = elapsed_ms(start)
        address = str(addresses[0][4][0])
        metrics: dict[str, MetricValue] = {"dns_ms": dns_ms, "address": address}
        if port is None:
            resolved_ms = dns_ms or 0.0
            return latency_result(
                resolved_ms,
                self.config,
                f"{host} resolves to {address} in {resolved_ms:.1f} ms",
                metrics,
            )
        start = time.perf_counter()
        writer = await _async_connect(host, port, addresses)
        connect_ms = elapsed_ms(start)
        writer.close()
        # A peer that resets right after accepting was still reachable.
        with suppress(OSError):
            await writer.wait_closed()
        metrics["connect_ms"] = connect_ms
        dns = "" if dns_ms is None else f", DNS {dns_ms:.1f} ms"
        return latency_result(
            connect_ms,
            self.config,
            f"{host}:{port} reachable, connect {connect_ms:.1f} ms{dns}",
            metrics,
        )


async def _async_connect(
    host: str, port: int, addresses: list[tuple[Any, ...]]
) -> asyncio.StreamWriter:
    """Connect to the first address that accepts, in resolver order.

    A name such as localhost often resolves to ::1 before 127.0.0.1; a service
    listening on one of them only is reachable.
    """
    error: OSError | None = None
    for sockaddr in dict.fromkeys(address[4][0] for address in addresses):
        try:
            _, writer = await asyncio.open_connection(sockaddr, port)
        except OSError as err:
            error = error or err
        else:
            return writer
    assert error is not None
    raise TargetError(
        "cannot_connect",
        f"{host}:{port} refuses connections: {error.strerror or error}",
        Fault.PORT,
    ) from error


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
