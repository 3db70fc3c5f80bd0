"""Network targets: DNS resolution and TCP connect time."""

from __future__ import annotations

import asyncio
from contextlib import suppress
import ipaddress
import socket
import struct
import sys
import time
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT

from ...engine.models import CheckResult, ComponentType, MetricValue, elapsed_ms
from ..base import Fault, TargetCheck, TargetError
from ..latency import latency_result


class NetworkCheck(TargetCheck):
    """Resolves a host and, with a port, opens a TCP connection to it.

    The connect time is the kernel's measurement of the TCP handshake (the
    round trip of SYN and SYN-ACK, from ``TCP_INFO`` on Linux), not the time
    until this check's task ran again: in an event loop busy with other
    callbacks (a cycle of many targets) that wait would otherwise count as
    the target's latency. Where the kernel has no measurement (another
    system, or a handshake whose SYN had to be sent again, which the kernel
    does not time), the connect time is the time the connection took as the
    loop saw it.
    """

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
        waited_ms = elapsed_ms(start)
        handshake_ms = _handshake_ms(writer)
        connect_ms = waited_ms if handshake_ms is None else handshake_ms
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


# struct tcp_info (linux/tcp.h): eight bytes of flags, then 32-bit fields;
# tcpi_rtt (microseconds) is the 16th of them, tcpi_total_retrans the 24th.
_TCP_INFO_SIZE = 104
_RTT_OFFSET = 8 + 15 * 4
_TOTAL_RETRANS_OFFSET = 8 + 23 * 4


def _handshake_ms(writer: asyncio.StreamWriter) -> float | None:
    """Return the handshake round trip the kernel measured, in ms, if it has one."""
    option = getattr(socket, "TCP_INFO", None)
    sock = writer.get_extra_info("socket")
    if option is None or sock is None or not sys.platform.startswith("linux"):
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, option, _TCP_INFO_SIZE)
    except OSError:
        return None
    if len(info) < _TCP_INFO_SIZE:
        return None
    (rtt_us,) = struct.unpack_from("I", info, _RTT_OFFSET)
    (retransmitted,) = struct.unpack_from("I", info, _TOTAL_RETRANS_OFFSET)
    if rtt_us == 0 or retransmitted:
        return None
    return round(float(rtt_us) / 1000.0, 2)


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
