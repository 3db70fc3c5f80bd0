"""The MQTT echo: a payload published on a subscribed topic, timed until it is back.

Shared by both kinds of MQTT target: a broker of its own and HA's MQTT.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time
import uuid

from ..base import TargetError
from ..latency import IoClock

# How long a published health payload may take to come back.
ROUND_TRIP_TIMEOUT = 5.0
# A payload not back after this long is published again (a fresh subscription
# may reach the broker after the first publish).
REPUBLISH_INTERVAL = 1.0


def health_topic(component_id: str) -> str:
    """Return the topic a target's health payloads travel on."""
    return f"health_monitor/{component_id}/ping"


class EchoProbe:
    """Publishes unique payloads on a subscribed topic and times their return.

    The arrival is stamped in the message callback, and the loop's backlog is
    taken off the round trip (see :class:`~..latency.IoClock`).
    """

    def __init__(self, topic: str) -> None:
        """Probe through ``topic``, which the caller subscribes to."""
        self.topic = topic
        self._waiting: dict[str, asyncio.Future[float]] = {}

    def received(self, payload: str) -> None:
        """Note the arrival of ``payload`` on the health topic."""
        future = self._waiting.get(payload)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    async def async_round_trip(
        self, publish: Callable[[str], Awaitable[None]]
    ) -> float:
        """Publish until a payload comes back; return its round trip in ms."""
        loop = asyncio.get_running_loop()
        sent: dict[asyncio.Future[float], IoClock] = {}
        try:
            async with asyncio.timeout(ROUND_TRIP_TIMEOUT):
                while True:
                    payload = uuid.uuid4().hex
                    future: asyncio.Future[float] = loop.create_future()
                    self._waiting[payload] = future
                    sent[future] = await IoClock.start()
                    await publish(payload)
                    done, _ = await asyncio.wait(
                        sent, timeout=REPUBLISH_INTERVAL, return_when="FIRST_COMPLETED"
                    )
                    if done:
                        arrived = next(iter(done))
                        return await sent[arrived].elapsed_ms_until(arrived.result())
        except TimeoutError as err:
            raise TargetError(
                "timeout",
                f"No health message came back on {self.topic} within "
                f"{ROUND_TRIP_TIMEOUT:.0f} s",
            ) from err
        finally:
            for key in [k for k, f in self._waiting.items() if f in sent]:
                del self._waiting[key]
