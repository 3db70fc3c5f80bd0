"""Another Home Assistant instance on a broker, as a process a test can kill.

``python liveness_instance.py HOST PORT INSTANCE_ID NAME STATUS`` connects
with the integration's own last will (``liveness.state_will``) and
publishes the integration's own state message (``InstanceReport``),
retained, every second, until it is killed.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import sys

import aiomqtt

from custom_components.health_monitor.engine.fleet.instances import InstanceReport
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.targets.mqtt_broker.liveness import (
    state_topic,
    state_will,
)

# The broker publishes the will of a silent connection after 1.5 keep-alives.
KEEPALIVE_S = 5
INTERVAL_S = 1.0


def report(instance: str, name: str, status: HealthStatus) -> InstanceReport:
    """Return the state this instance says it is in, as of now."""
    return InstanceReport(
        instance_id=instance,
        name=name,
        status=status,
        score=55.0,
        open_incidents=1,
        components=4,
        interval_s=INTERVAL_S,
        version="test",
        ha_version="test",
        at=datetime.now(UTC),
        source="self",
    )


async def run(host: str, port: int, instance: str, name: str, status: str) -> None:
    """Stay connected and say how this instance is, every second."""
    async with aiomqtt.Client(
        host,
        port,
        identifier=f"liveness_{instance}",
        keepalive=KEEPALIVE_S,
        will=state_will(instance),
    ) as client:
        while True:
            await client.publish(
                state_topic(instance),
                report(instance, name, HealthStatus(status)).to_payload(),
                qos=1,
                retain=True,
            )
            await asyncio.sleep(INTERVAL_S)


if __name__ == "__main__":
    host, port, instance, name, status = sys.argv[1:6]
    asyncio.run(run(host, int(port), instance, name, status))
