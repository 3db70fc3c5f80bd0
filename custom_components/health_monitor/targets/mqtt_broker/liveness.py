"""An MQTT broker target's part in the fleet: liveness for homes without a database.

With ``publish_state`` on, the broker target publishes this instance's
heartbeat each cycle, retained, on ``health_monitor/<instance id>/state``,
with a last will of ``offline``: when this instance dies or loses the
broker, the broker tells the others within its keep-alive, not at their
next poll. A clean stop (the target closed, also as Home Assistant stops)
publishes ``offline`` too, as the will only fires on an unclean drop. The
target hears the other instances' states there as well; a cleared (empty)
retained state is an instance that left.

When this instance's own connection to the broker drops, what it heard of
the others stays as it was: the broker is the problem, and the broker
target itself shows that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any, Protocol

import aiomqtt

from ...const import CONF_PUBLISH_STATE
from ...engine.fleet.instances import (
    MAX_INSTANCE_ID_LENGTH,
    OFFLINE_PAYLOAD,
    InstanceReport,
    InvalidReportError,
    report_from_payload,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from ...engine.fleet.outbox import Row

_LOGGER = logging.getLogger(__name__)

STATE_TOPICS = "health_monitor/+/state"
# How long a clean stop may spend saying this instance is offline.
LEAVE_TIMEOUT = 3.0
# Characters an instance id may not have as a topic level (wildcards, separator).
_NOT_IN_ID = frozenset("/+# ")


def state_topic(instance_id: str) -> str:
    """Return the topic an instance's state is retained on."""
    return f"health_monitor/{instance_id}/state"


def state_will(instance_id: str) -> aiomqtt.Will:
    """Return an instance's last will: its retained state turns ``offline``."""
    return aiomqtt.Will(state_topic(instance_id), OFFLINE_PAYLOAD, qos=1, retain=True)


def instance_of(topic: str) -> str | None:
    """Return the instance a state topic names; None for a level no instance has."""
    levels = topic.split("/")
    if len(levels) != 3 or (levels[0], levels[2]) != ("health_monitor", "state"):
        return None
    instance = levels[1]
    if (
        not 0 < len(instance) <= MAX_INSTANCE_ID_LENGTH
        or not (instance.isascii() and instance.isprintable())
        or _NOT_IN_ID & set(instance)
    ):
        return None
    return instance


class FleetHub(Protocol):
    """What liveness needs of the fleet (see ``fleet.Fleet``)."""

    @property
    def instance_id(self) -> str:
        """Return the id of this instance ("" until it is known)."""

    def own_report(self) -> InstanceReport | None:
        """Return the heartbeat of this instance, once a cycle made one."""

    def observe_one(self, report: InstanceReport, source: str) -> None:
        """Take one instance's state as it arrives."""

    def went_offline(self, instance: str, source: str) -> None:
        """Note an instance's last will."""

    def forget_one(self, instance: str, source: str) -> None:
        """Drop an instance whose state was cleared."""


class FleetLiveness:
    """The fleet member part of an MQTT broker target (``publish_state``).

    Mixed into the broker check, which owns the connection: it asks
    :meth:`_state_will` for every new client, awaits
    :meth:`_async_join_fleet` once connected, hands every message to
    :meth:`_heard_state` first, and awaits :meth:`_async_leave_fleet`
    before it disconnects for good.
    """

    # The check's own (see MqttBrokerCheck).
    hass: HomeAssistant
    component_id: str
    name: str
    config: dict[str, Any]
    _client: aiomqtt.Client | None

    _fleet: FleetHub | None = None
    # The instance the newest client's will names ("": a client without a will).
    _will_id = ""
    _state_publish: asyncio.Task[None] | None = None
    # Set once this instance said it is offline: no state is published after.
    _leaving = False

    @property
    def fleet_member(self) -> bool:
        """Whether this target publishes this instance's state and hears the others'."""
        return bool(self.config.get(CONF_PUBLISH_STATE))

    def _drop(self, client: aiomqtt.Client, why: str = "no echo") -> None:
        """Replace the connection of ``client`` (the check's)."""
        raise NotImplementedError

    def attach_fleet(self, fleet: FleetHub | None) -> None:
        """Publish this instance's state and hear the others' (None: neither)."""
        self._fleet = fleet

    def on_fleet_cycle(self, report: InstanceReport, rows: list[Row]) -> None:
        """Publish a cycle's heartbeat without waiting; a failure waits for the next."""
        client = self._client
        if client is None or not report.instance_id:
            return
        if self._will_id != report.instance_id:
            # Connected before this instance's id was known: without its will.
            self._drop(client, "connecting again with the last will")
            return
        self._publish_state(client, report)

    def on_fleet_rows(self, rows: list[Row]) -> None:
        """Leave history rows to a fleet database."""

    def _state_will(self) -> aiomqtt.Will | None:
        """Return the will of the next client (None while there is nothing to say)."""
        self._will_id = "" if self._fleet is None else self._fleet.instance_id
        return state_will(self._will_id) if self._will_id else None

    async def _async_join_fleet(self, client: aiomqtt.Client) -> None:
        """Hear the other instances' states; say this instance's latest one."""
        if self._fleet is None or self._leaving:
            return
        await client.subscribe(STATE_TOPICS, qos=1)
        report = self._fleet.own_report()
        if report is not None and report.instance_id == self._will_id:
            self._publish_state(client, report)

    def _publish_state(self, client: aiomqtt.Client, report: InstanceReport) -> None:
        """Publish a state in the background; it replaces one still unacknowledged."""
        if self._leaving:
            return
        if self._state_publish is not None:
            self._state_publish.cancel()
        self._state_publish = self.hass.async_create_background_task(
            self._async_publish_state(client, report),
            f"health_monitor mqtt {self.name} state",
        )

    async def _async_publish_state(
        self, client: aiomqtt.Client, report: InstanceReport
    ) -> None:
        try:
            await client.publish(
                state_topic(report.instance_id),
                report.to_payload(),
                qos=1,
                retain=True,
            )
        except aiomqtt.MqttError as err:
            _LOGGER.debug("MQTT target %s: state not published: %s", self.name, err)

    def _heard_state(self, message: aiomqtt.Message) -> bool:
        """Take another instance's state message; return whether it was one."""
        if not message.topic.matches(STATE_TOPICS):
            return False
        fleet = self._fleet
        instance = instance_of(message.topic.value)
        payload = message.payload
        if (
            fleet is None
            or instance is None
            or instance == fleet.instance_id
            or not isinstance(payload, bytes)
        ):
            return True
        source = f"mqtt:{self.component_id}"
        if not payload:
            fleet.forget_one(instance, source)
            return True
        try:
            report = report_from_payload(instance, payload)
        except InvalidReportError as err:
            _LOGGER.debug(
                "MQTT target %s: ignored the state of instance %s: %s",
                self.name,
                instance,
                err,
            )
            return True
        if report is None:
            fleet.went_offline(instance, source)
        else:
            fleet.observe_one(report, source)
        return True

    async def _async_leave_fleet(self) -> None:
        """Say this instance is offline: on a clean stop no will fires."""
        self._leaving = True
        publish, self._state_publish = self._state_publish, None
        if publish is not None:
            publish.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publish
        client = self._client
        if client is None or not self._will_id:
            return
        offline = asyncio.ensure_future(
            client.publish(
                state_topic(self._will_id), OFFLINE_PAYLOAD, qos=1, retain=True
            )
        )
        # aiomqtt leaves a publish waiting for its acknowledgement after the
        # connection dropped: a broker gone unnoticed ends the wait as well.
        dropped = client._disconnected  # noqa: SLF001 - no public accessor
        await asyncio.wait(
            (offline, dropped),
            timeout=LEAVE_TIMEOUT,
            return_when=asyncio.FIRST_COMPLETED,
        )
        offline.cancel()
        with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
            await offline
