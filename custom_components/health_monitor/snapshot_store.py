"""State persisted across restarts in versioned HA Stores (histories, incidents)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store

from .const import DOMAIN, STORAGE_MINOR_VERSION, STORAGE_SAVE_DELAY, STORAGE_VERSION


class _VersionedStore(Store[dict[str, Any]]):
    """Store whose migrations live in one place."""

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Migrate stored data; minor versions only ever add keys."""
        if old_major_version > STORAGE_VERSION:
            raise NotImplementedError(
                f"history store version {old_major_version} is newer"
            )
        return old_data


class SnapshotStore:
    """Saves a snapshot of the monitor a while after it changes, and on stop.

    The snapshot is built in the event loop when the save is due (never per
    cycle, never in a worker thread), so a large history costs nothing until
    it is written. The coordinator flushes on unload and on Home Assistant
    stop.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        key: str,
        snapshot: Callable[[], dict[str, Any]],
        delay: float = STORAGE_SAVE_DELAY,
    ) -> None:
        """Persist what ``snapshot`` returns under ``key``, ``delay`` s after a change."""
        self._hass = hass
        self._snapshot = snapshot
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            key,
            minor_version=STORAGE_MINOR_VERSION,
        )
        self._delay = delay
        self._cancel_save: CALLBACK_TYPE | None = None
        self._save_job = HassJob(self._async_save_due, cancel_on_shutdown=True)

    async def async_load(self) -> dict[str, Any]:
        """Return the stored snapshot, empty when there is none."""
        return await self._store.async_load() or {}

    @callback
    def async_schedule_save(self) -> None:
        """Save a fresh snapshot in a while (one pending save at a time)."""
        if self._cancel_save is None:
            self._cancel_save = async_call_later(
                self._hass, STORAGE_SAVE_DELAY, self._save_job
            )

    async def async_flush(self) -> None:
        """Save now (entry unload and Home Assistant stop)."""
        if self._cancel_save is not None:
            self._cancel_save()
            self._cancel_save = None
        await self._store.async_save(self._snapshot())

    async def async_remove(self) -> None:
        """Delete the stored file (entry removal)."""
        await self._store.async_remove()

    async def _async_save_due(self, _now: datetime) -> None:
        self._cancel_save = None
        await self._store.async_save(self._snapshot())


def history_store_key(entry_id: str) -> str:
    """Return the storage key of an entry's component histories."""
    return f"{DOMAIN}.{entry_id}.history"


def incident_store_key(entry_id: str) -> str:
    """Return the storage key of an entry's incidents and response state."""
    return f"{DOMAIN}.{entry_id}.incidents"
