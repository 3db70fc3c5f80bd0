"""Prometheus blackbox_exporter probing the same targets at the same rate.

The exporter runs as its own process; the suite asks its ``/probe`` endpoint
once per target per interval (all targets of a cycle at once, as Prometheus
scrapes them) and reads the exporter's CPU and memory from /proc.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
import shutil
import subprocess
import time
from typing import Any

import aiohttp

from .procstat import cpu_seconds, rss_bytes

BINARY = "prometheus-blackbox-exporter"
CONFIG = """\
modules:
  tcp_connect:
    prober: tcp
    timeout: 5s
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      valid_status_codes: [200]
"""
# blackbox_exporter has no MQTT or PostgreSQL prober: a TCP connect is what
# it can do for a broker or a database (Health Monitor logs in and, for the
# broker, round-trips a message: more work per probe).
MODULES = {
    "network": "tcp_connect",
    "http_endpoint": "http_2xx",
    "mqtt_broker": "tcp_connect",
    "database": "tcp_connect",
}


def binary() -> str:
    """Return the exporter's path; scripts/ensure_services installs it."""
    found = shutil.which(BINARY) or shutil.which(BINARY, path="/usr/bin:/usr/sbin")
    if found is None:
        raise RuntimeError(f"{BINARY} is not installed (run scripts/ensure_services)")
    return found


@contextmanager
def running_exporter(directory: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run the exporter on ``127.0.0.1:port`` until the block ends."""
    config = directory / "blackbox.yml"
    config.write_text(CONFIG, encoding="utf-8")
    log = (directory / "blackbox.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 - a fixed binary
        [
            binary(),
            f"--config.file={config}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _wait_ready(session: aiohttp.ClientSession, base: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            async with session.get(f"{base}/-/healthy") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.1)


async def _probe(
    session: aiohttp.ClientSession, base: str, params: dict[str, str]
) -> bool:
    async with session.get(f"{base}/probe", params=params) as response:
        return "probe_success 1" in await response.text()


async def measure(
    pid: int,
    port: int,
    targets: list[dict[str, str]],
    interval: float,
    cycles: int,
    bare_s: float,
) -> dict[str, Any]:
    """Probe every target once per ``interval``; return CPU per cycle and added RSS."""
    base = f"http://127.0.0.1:{port}"
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await _wait_ready(session, base)
        await asyncio.sleep(1.0)
        start_cpu, start = cpu_seconds(pid), time.perf_counter()
        await asyncio.sleep(bare_s)
        rate = (cpu_seconds(pid) - start_cpu) / (time.perf_counter() - start)
        bare_rss = rss_bytes(pid)
        durations: list[float] = []
        failures = 0
        # One warm-up cycle, then the measured ones, start to start at the interval.
        for cycle in range(cycles + 1):
            if cycle == 1:
                start_cpu, start = cpu_seconds(pid), time.perf_counter()
                failures = 0
                durations.clear()
            begun = time.perf_counter()
            results = await asyncio.gather(
                *(_probe(session, base, params) for params in targets)
            )
            durations.append((time.perf_counter() - begun) * 1000)
            failures += results.count(False)
            if cycle < cycles:
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - begun)))
        # The window ends with the last cycle's answers.
        window = time.perf_counter() - start
        used = cpu_seconds(pid) - start_cpu
    return {
        "interval_s": interval,
        "cycles": cycles,
        "bare_cpu_per_s": rate,
        "cpu_s_per_cycle": max(0.0, used - rate * window) / cycles,
        "rss_added_mb": (rss_bytes(pid) - bare_rss) / 1e6,
        "rss_mb": rss_bytes(pid) / 1e6,
        "cycle_ms_max": max(durations),
        "failed_probes_per_cycle": failures / cycles,
    }


def probe_targets(
    kind: str, size: int, targets: dict[str, Any]
) -> list[dict[str, str]]:
    """Return the exporter's probe parameters for the suite's targets of ``kind``."""
    module = MODULES[kind]
    if kind == "http_endpoint":
        addresses = [
            f"http://127.0.0.1:{targets['http_port']}/health/{index}"
            for index in range(size)
        ]
    else:
        port = {
            "network": targets["tcp_port"],
            "mqtt_broker": targets["mqtt_port"],
            "database": targets["database"]["port"],
        }[kind]
        addresses = [f"127.0.0.1:{port}"] * size
    return [{"target": address, "module": module} for address in addresses]
