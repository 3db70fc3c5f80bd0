"""A real Mosquitto broker failing under a watched MQTT broker target."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest

from custom_components.health_monitor.engine.recovery import MQTT_RECONNECT
from homeassistant.core import HomeAssistant

from .installation import Installation, Target, network, watch
from .lifecycle import Fault, assert_survives
from .servers import Broker

BROKER = "broker_target"
# The shortest update interval the options allow: a broker that is back
# must be seen within one (plus a margin for a busy machine).
UPDATE_INTERVAL = 5
RETURN_MARGIN = 5


def broker_target(broker: Broker) -> Target:
    """Return a target for the broker's password listener."""
    return Target(
        BROKER,
        "mqtt_broker",
        {
            "host": broker.host,
            "port": broker.password_port,
            "username": broker.username,
            "password": broker.password,
            "tls": False,
        },
    )


@pytest.fixture
async def installation(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    broker: Broker,
    bystander_port: int,
) -> AsyncGenerator[Installation]:
    """Watch the broker and a bystander TCP service.

    The bystander is named by another host name: a network target on the
    broker's own host would be the broker's parent, and a pushed disconnect
    would then wait for the parent's check instead of opening at once.
    """
    installation = await watch(
        hass,
        hass_storage,
        [broker_target(broker), network("bystander", "localhost", bystander_port)],
        update_interval=UPDATE_INTERVAL,
    )
    yield installation
    await installation.unload()


@pytest.mark.fault("MQTT broker stopped and restarted")
async def test_stopped_and_restarted_broker(
    hass: HomeAssistant, installation: Installation, broker: Broker
) -> None:
    """The lost connection is an incident at once; one reconnect per cooldown; back within an interval.

    The broker's connection task and round trips wait on the event loop's
    clock, which a frozen clock would stop; the cap of attempts over hours is
    driven on the database scenario instead.
    """

    async def stop() -> None:
        await hass.async_add_executor_job(broker.stop)

    async def start() -> None:
        await hass.async_add_executor_job(broker.start)

    async def reconnect_tried_once() -> None:
        (incident,) = await installation.incidents(BROKER)
        assert incident["recovery"][MQTT_RECONNECT]["count"] == 1

    await assert_survives(
        installation,
        BROKER,
        Fault(
            stop,
            start,
            pushed=True,
            message=f"{broker.host}:{broker.password_port}",
            returns_within=UPDATE_INTERVAL + RETURN_MARGIN,
        ),
        while_down=reconnect_tried_once,
    )


@pytest.mark.fault("MQTT broker password changed")
async def test_wrong_password(
    hass: HomeAssistant, installation: Installation, broker: Broker
) -> None:
    """Credentials the broker no longer accepts are critical until they work again."""
    configured = broker.password

    async def change() -> None:
        await hass.async_add_executor_job(broker.change_password, "Rotated-mqtt-4410")

    async def restore() -> None:
        await hass.async_add_executor_job(broker.change_password, configured)

    await assert_survives(
        installation,
        BROKER,
        Fault(
            change,
            restore,
            pushed=True,
            returns_within=UPDATE_INTERVAL + RETURN_MARGIN,
        ),
    )
