"""Home Assistant's own MQTT connection: watched, and timed with an echo."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from functools import partial

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ...engine.models import CheckResult, ComponentType, HealthStatus
from ..base import PushResult, TargetCheck, TargetError
from ..latency import latency_result
from ..mqtt_broker.echo import EchoProbe, health_topic


def loaded_mqtt_entry(hass: HomeAssistant) -> ConfigEntry | None:
    """Return the loaded config entry of HA's MQTT integration, if any."""
    entries = hass.config_entries.async_loaded_entries(mqtt.DOMAIN)
    return entries[0] if entries else None


class HaMqttCheck(TargetCheck):
    """Watches Home Assistant's MQTT client; it opens no connection of its own.

    A lost broker connection is pushed at once through HA's connection
    status signal; each cycle times a message published and received back
    through HA's client.
    """

    component_type = ComponentType.MQTT

    def _setup(self) -> None:
        """Watch HA's MQTT client."""
        self._probe = EchoProbe(health_topic(self.component_id))
        self._push: PushResult | None = None
        self._unsubscribe_status: Callable[[], None] | None = None
        # The MQTT client object a subscription was made on; a reloaded MQTT
        # entry has a new client without it.
        self._subscribed_on: object | None = None
        self._unsubscribe_topic: Callable[[], None] | None = None
        self._reports: set[asyncio.Task[None]] = set()

    async def async_start(self, push: PushResult) -> None:
        """Push broker connection changes of HA's client as they happen."""
        self._push = push
        self._unsubscribe_status = mqtt.async_subscribe_connection_status(
            self.hass, partial(self._async_connection_changed, push)
        )

    async def async_check_or_raise(self) -> CheckResult:
        """Time an echo through HA's client; disconnected or unloaded is critical."""
        if loaded_mqtt_entry(self.hass) is None:
            raise TargetError(
                "cannot_connect", "Home Assistant's MQTT integration is not loaded"
            )
        if not mqtt.is_connected(self.hass):
            raise TargetError(
                "cannot_connect",
                "Home Assistant's MQTT client is not connected to its broker",
            )
        try:
            await self._async_ensure_subscribed()
            round_trip_ms = await self._probe.async_round_trip(
                lambda payload: mqtt.async_publish(
                    self.hass, self._probe.topic, payload
                )
            )
        except HomeAssistantError as err:
            raise TargetError(
                "cannot_connect", f"Home Assistant's MQTT client failed: {err}"
            ) from err
        return latency_result(
            round_trip_ms,
            self.config,
            f"Home Assistant's MQTT round trip {round_trip_ms:.1f} ms",
            {"round_trip_ms": round_trip_ms},
        )

    async def async_reconnect(self) -> None:
        """Reload HA's MQTT config entry, which reconnects its client."""
        entry = loaded_mqtt_entry(self.hass) or next(
            iter(self.hass.config_entries.async_entries(mqtt.DOMAIN)), None
        )
        if entry is None or not await self.hass.config_entries.async_reload(
            entry.entry_id
        ):
            raise TargetError(
                "cannot_connect", "Home Assistant's MQTT integration did not reload"
            )

    async def async_close(self) -> None:
        """Stop watching and unsubscribe from the health topic."""
        self._push = None
        if self._unsubscribe_status is not None:
            self._unsubscribe_status()
            self._unsubscribe_status = None
        if self._unsubscribe_topic is not None and self._subscribed_on is (
            self._mqtt_client()
        ):
            self._unsubscribe_topic()
        self._unsubscribe_topic = self._subscribed_on = None
        for report in list(self._reports):
            report.cancel()
        for report in list(self._reports):
            with contextlib.suppress(asyncio.CancelledError):
                await report

    def _mqtt_client(self) -> object | None:
        data = self.hass.data.get(mqtt.DATA_MQTT)
        return None if data is None else data.client

    async def _async_ensure_subscribed(self) -> None:
        client = self._mqtt_client()
        if self._subscribed_on is client:
            return
        self._unsubscribe_topic = await mqtt.async_subscribe(
            self.hass, self._probe.topic, self._async_message_received
        )
        self._subscribed_on = client

    @callback
    def _async_message_received(self, message: mqtt.ReceiveMessage) -> None:
        # Subscribed with HA's default UTF-8 encoding: payloads arrive as text.
        if isinstance(message.payload, str):
            self._probe.received(message.payload)

    @callback
    def _async_connection_changed(self, push: PushResult, connected: bool) -> None:
        if not connected:
            push(
                CheckResult(
                    status=HealthStatus.CRITICAL,
                    message="Home Assistant's MQTT client lost its broker connection",
                )
            )
            return
        # Back: report a measured result without waiting for the next cycle.
        report = self.hass.async_create_background_task(
            self._async_report(), f"health_monitor ha_mqtt {self.name} back"
        )
        self._reports.add(report)
        report.add_done_callback(self._reports.discard)

    async def _async_report(self) -> None:
        result = await self.async_check()
        if self._push is not None:
            self._push(result)
