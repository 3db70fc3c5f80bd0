"""How long the event loop makes a callback wait: its backlog right now."""

from __future__ import annotations

import asyncio
import time


async def loop_lag() -> float:
    """Return how long a callback scheduled now waits for the event loop, in seconds."""
    loop = asyncio.get_running_loop()
    ran: asyncio.Future[float] = loop.create_future()
    start = time.perf_counter()
    loop.call_soon(_stamp, ran)
    return await ran - start


def _stamp(ran: asyncio.Future[float]) -> None:
    """Record when the loop got round to this callback."""
    if not ran.done():
        ran.set_result(time.perf_counter())
