"""Where one entry's incidents are saved: two files, read back with care.

The incidents file holds the tracker's state, the switches (monitoring,
incident response) and the maintenance schedule; the last incident id has a
file of its own, so that should the incidents file become unreadable, ids
still never go back. Both are written within a second of a change
(:data:`INCIDENT_SAVE_DELAY`) and flushed on stop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant, callback

from .const import INCIDENT_SAVE_DELAY
from .controls import Controls
from .engine.incidents import IncidentTracker
from .engine.incidents.ids import highest_incident_id
from .engine.maintenance import MaintenanceSchedule
from .snapshot_store import SnapshotStore, incident_id_store_key, incident_store_key


class IncidentFiles:
    """Saves and restores the incidents, the switches and the maintenance schedule."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        tracker: IncidentTracker,
        controls: Controls,
        maintenance: MaintenanceSchedule,
    ) -> None:
        """Keep what is saved; nothing is read until :meth:`async_load`."""
        self._tracker = tracker
        self._controls = controls
        self._maintenance = maintenance
        self._store = SnapshotStore(
            hass, incident_store_key(entry_id), self.export, INCIDENT_SAVE_DELAY
        )
        self._id_store = SnapshotStore(
            hass,
            incident_id_store_key(entry_id),
            self._export_last_id,
            INCIDENT_SAVE_DELAY,
        )
        self._saved_last_id: str | None = None

    def export(self) -> dict[str, Any]:
        """Serialize incidents, the controls and maintenance."""
        return {
            "tracker": self._tracker.export(),
            **self._controls.export(),
            "maintenance": self._maintenance.export(),
        }

    def _export_last_id(self) -> dict[str, Any]:
        self._saved_last_id = self._tracker.ids.last_id
        return {"last_id": self._saved_last_id}

    def _restore(self, data: Mapping[str, Any]) -> list[str]:
        """Read the stored incidents and switches; name what could not be read."""
        skipped: list[str] = []
        tracker = data.get("tracker", {})
        if isinstance(tracker, Mapping):
            skipped.extend(self._tracker.restore(tracker))
        else:
            skipped.append("tracker")
        skipped.extend(self._controls.restore(data))
        maintenance = data.get("maintenance", {})
        if isinstance(maintenance, Mapping):
            skipped.extend(self._maintenance.restore(maintenance))
        else:
            skipped.append("maintenance")
        return skipped

    def _restore_last_id(self, data: Mapping[str, Any]) -> list[str]:
        last_id = data.get("last_id")
        if last_id is None or self._tracker.ids.account_for(last_id):
            self._saved_last_id = self._tracker.ids.last_id
            return []
        return ["last incident id"]

    def _salvage_ids(self, text: str) -> None:
        """Never reuse an id found in a file that could not be read."""
        self._tracker.ids.account_for(highest_incident_id(text))

    async def async_load(self) -> None:
        """Read both files (what cannot be read is kept aside and reported)."""
        await self._store.async_load(self._restore, self._salvage_ids)
        await self._id_store.async_load(self._restore_last_id, self._salvage_ids)
        if self._tracker.ids.last_id != self._saved_last_id:
            self._id_store.async_schedule_save()

    @callback
    def async_schedule_save(self) -> None:
        """Save within a second; the id file only when a new id was handed out."""
        self._store.async_schedule_save()
        if self._tracker.ids.last_id != self._saved_last_id:
            self._id_store.async_schedule_save()

    async def async_flush(self) -> None:
        """Write what is pending now (on stop and unload)."""
        await self._store.async_flush()
        await self._id_store.async_flush()
