"""Latency is the target's time, not the time a busy event loop made the probe wait."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
import time

from custom_components.health_monitor.targets.latency import IoClock

# Callbacks that keep the loop busy, and how long each blocks it.
HOGS = 20
HOG_SECONDS = 0.005


@contextmanager
def busy_loop() -> Iterator[None]:
    """Keep the loop busy: each turn runs HOGS callbacks of HOG_SECONDS each."""
    loop = asyncio.get_running_loop()
    running = True

    def hog() -> None:
        time.sleep(HOG_SECONDS)
        if running:
            loop.call_soon(hog)

    for _ in range(HOGS):
        loop.call_soon(hog)
    try:
        yield
    finally:
        running = False


async def test_an_instant_answer_in_a_busy_loop_is_not_slow() -> None:
    """The turn of the loop the probe waited for is taken off its measurement."""
    with busy_loop():
        clock = await IoClock.start()
        # I/O that is done at once; the task resumes only after a loop turn.
        await asyncio.sleep(0)
        waited = (time.perf_counter() - clock.started) * 1000
        measured = await clock.async_elapsed_ms()
    # The task waited a whole turn (all the hogs) for an answer that was there.
    assert waited >= HOGS * HOG_SECONDS * 1000 * 0.9
    assert measured < waited / 2


async def test_a_slow_answer_stays_slow() -> None:
    """Only the loop's backlog is taken off: a target's own delay counts in full."""
    clock = await IoClock.start()
    await asyncio.sleep(0.3)
    assert await clock.async_elapsed_ms() >= 290
