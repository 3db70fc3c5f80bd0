"""Loopback targets in a process of their own, so their CPU is nobody's measurement.

``python -m benchmarks.farm`` listens on a TCP port (accepts and hangs up) and
serves HTTP on another (``/health/<n>`` answers 200), prints one JSON line with
both ports and serves until it is killed.
"""

from __future__ import annotations

import asyncio
import json
import sys

from aiohttp import web


async def _hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def serve() -> None:
    """Start both servers, announce their ports, serve forever."""
    tcp = await asyncio.start_server(_hang_up, "127.0.0.1", 0, backlog=4096)
    app = web.Application()
    app.router.add_get("/health/{n}", _health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
    await site.start()
    http_port = runner.addresses[0][1]
    tcp_port = tcp.sockets[0].getsockname()[1]
    sys.stdout.write(json.dumps({"tcp_port": tcp_port, "http_port": http_port}) + "\n")
    sys.stdout.flush()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve())
