"""The notify action: one message per batch of incident events, or per digest window.

Events of one publish batch (one cycle, one review, one action) are told
together: one event gets its own message, several one digest (see
``engine/incidents/digest.py``). With a digest window, batches are gathered
for that many seconds from the first one and then told as one; what became
quiet meanwhile is left out at that moment. Whatever is gathered is told when
the entry unloads or Home Assistant stops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .const import DOMAIN
from .engine.incidents.digest import digest
from .engine.incidents.events import IncidentEvent, Notification, notification_for

_LOGGER = logging.getLogger(__name__)


class IncidentNotifier:
    """Calls the configured notify action for incident events, gathered."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        action: str | None,
        window: float,
        still_notifiable: Callable[[IncidentEvent], bool],
    ) -> None:
        """Tell ``action`` (``domain.service``; None: nobody) after ``window`` seconds.

        ``still_notifiable`` is asked at sending time whether an event is
        still worth telling.
        """
        self._hass = hass
        self._entry = entry
        self._action = action
        self._window = window
        self._still_notifiable = still_notifiable
        self._pending: list[IncidentEvent] = []
        self._unsub_flush: CALLBACK_TYPE | None = None

    @callback
    def add(self, events: Iterable[IncidentEvent]) -> None:
        """Take one batch of events: tell it now, or gather it for the window."""
        if self._action is None:
            return
        batch = [event for event in events if notification_for(event) is not None]
        if not batch:
            return
        self._pending.extend(batch)
        if self._window <= 0:
            self.async_flush()
        elif self._unsub_flush is None:
            self._unsub_flush = async_call_later(
                self._hass, self._window, self._async_window_ended
            )

    @callback
    def _async_window_ended(self, _now: datetime) -> None:
        self._unsub_flush = None
        self.async_flush()

    @callback
    def async_flush(self, *, stopping: bool = False) -> None:
        """Tell what was gathered now, as one message."""
        if self._unsub_flush is not None:
            self._unsub_flush()
            self._unsub_flush = None
        events, self._pending = self._pending, []
        notification = digest(e for e in events if self._still_notifiable(e))
        if notification is None:
            return
        assert self._action is not None
        domain, _, service = self._action.partition(".")
        call = self._async_call(domain, service, notification)
        name = f"{DOMAIN} notify {events[0].incident_id}"
        if stopping:
            # The entry's background tasks are cancelled as it unloads.
            self._hass.async_create_task(call, name)
        else:
            self._entry.async_create_background_task(self._hass, call, name)

    async def _async_call(
        self, domain: str, service: str, notification: Notification
    ) -> None:
        try:
            await self._hass.services.async_call(
                domain,
                service,
                {"title": notification.title, "message": notification.message},
                blocking=True,
            )
        except Exception as err:  # noqa: BLE001 - a broken notifier must not break incidents
            _LOGGER.warning("Notify action %s.%s failed: %s", domain, service, err)
