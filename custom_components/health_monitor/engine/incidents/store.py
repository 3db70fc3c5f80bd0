"""Where the incidents are kept: lookups, bounds, export and restore.

At most one incident that is not closed exists per component; past
``settings.max_incidents`` the oldest closed incidents are dropped. The
rules that change incidents are the tracker's (:mod:`.tracker`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .codec import (
    EXPORT_VERSION,
    incident_from_dict,
    incident_to_dict,
    read_export_version,
    read_streaks,
)
from .ids import IncidentIdGenerator
from .lifecycle import IncidentStatus
from .model import Incident, UnknownIncidentError, ensure_utc
from .settings import IncidentSettings
from .statistics import IncidentStatistics, incident_statistics


class IncidentScope(StrEnum):
    """Broad selections for :meth:`IncidentTracker.list_incidents`."""

    ACTIVE = "active"
    ALL = "all"


class IncidentStore:
    """Keeps every incident and the state the rules depend on."""

    def __init__(self, settings: IncidentSettings | None = None) -> None:
        """Start with no incidents."""
        self.settings = settings or IncidentSettings()
        self._incidents: dict[str, Incident] = {}
        # The incident of each component that is not closed yet.
        self._current: dict[str, str] = {}
        self._healthy_streaks: dict[str, int] = {}
        # Consecutive failing checks of each component (the debounce).
        self._failure_streaks: dict[str, int] = {}
        self._ids = IncidentIdGenerator()

    # Queries

    def get(self, incident_id: str) -> Incident:
        """Return the incident with ``incident_id``; raise UnknownIncidentError."""
        try:
            return self._incidents[incident_id]
        except KeyError:
            raise UnknownIncidentError(incident_id) from None

    def incident_for(self, component_id: str) -> Incident | None:
        """Return the component's incident that is not closed, if any."""
        incident_id = self._current.get(component_id)
        return None if incident_id is None else self._incidents[incident_id]

    def list_incidents(
        self,
        which: IncidentScope | IncidentStatus = IncidentScope.ACTIVE,
        *,
        hours: float | None = None,
        now: datetime | None = None,
    ) -> list[Incident]:
        """Return matching incidents, newest first.

        ``which`` is ``active`` (new, acknowledged, investigating, in
        progress), ``all`` or one status; ``hours`` keeps incidents created
        within that many hours before ``now``.
        """
        since = None if hours is None else ensure_utc(now) - timedelta(hours=hours)
        return [
            incident
            for incident in reversed(self._incidents.values())
            if (
                which == IncidentScope.ALL
                or (which == IncidentScope.ACTIVE and incident.is_open)
                or incident.status == which
            )
            and (since is None or incident.created_at >= since)
        ]

    def statistics(self, now: datetime | None = None) -> IncidentStatistics:
        """Return statistics over the kept incidents (see :mod:`.statistics`)."""
        return incident_statistics(self._incidents.values(), ensure_utc(now))

    # Persistence

    def export(self) -> dict[str, Any]:
        """Serialize every kept incident and the state the rules depend on."""
        return {
            "version": EXPORT_VERSION,
            "ids": self._ids.export(),
            "incidents": [
                incident_to_dict(incident) for incident in self._incidents.values()
            ],
            "healthy_streaks": dict(self._healthy_streaks),
            "failure_streaks": dict(self._failure_streaks),
        }

    @property
    def ids(self) -> IncidentIdGenerator:
        """The id generator (kept apart too, so that ids never go back)."""
        return self._ids

    def restore(self, data: Mapping[str, Any]) -> list[str]:
        """Replace the tracker's state with :meth:`export` output.

        Everything read back is checked, part by part: unreadable incidents,
        a second incident not closed for the same component, duplicate ids
        and unreadable streaks are skipped, and the returned list names each
        skipped part (empty when everything was read). The id counter only
        moves forward, also past the ids of incidents that were skipped.
        """
        skipped: list[str] = []
        self._incidents.clear()
        self._current.clear()
        if not read_export_version(data):
            skipped.append("tracker version")
        if "ids" in data and not self._ids.restore(data["ids"]):
            skipped.append("id counter")
        raw_incidents = data.get("incidents", [])
        if not isinstance(raw_incidents, list):
            skipped.append("incidents")
            raw_incidents = []
        for index, raw in enumerate(raw_incidents):
            self._restore_incident(index, raw, skipped)
        self._healthy_streaks = read_streaks(
            data.get("healthy_streaks"), "healthy streak", skipped
        )
        self._failure_streaks = read_streaks(
            data.get("failure_streaks"), "failure streak", skipped
        )
        self._prune()
        return skipped

    def _restore_incident(self, index: int, raw: Any, skipped: list[str]) -> None:
        """Keep one stored incident if it is readable and consistent."""
        if not isinstance(raw, Mapping):
            skipped.append(f"incident {index}")
            return
        # Its id is never handed out again, whether the rest is readable or not.
        if not self._ids.account_for(raw.get("id")):
            skipped.append(f"incident {index}")
            return
        try:
            incident = incident_from_dict(
                raw, skipped, timeline_limit=self.settings.max_timeline_entries
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            skipped.append(f"incident {index}")
            return
        if incident.id in self._incidents or (
            incident.status is not IncidentStatus.CLOSED
            and incident.component_id in self._current
        ):
            skipped.append(f"incident {index} (duplicate)")
            return
        self._incidents[incident.id] = incident
        if incident.status is not IncidentStatus.CLOSED:
            self._current[incident.component_id] = incident.id

    def _prune(self) -> None:
        """Drop the oldest closed incidents beyond ``settings.max_incidents``."""
        excess = len(self._incidents) - self.settings.max_incidents
        if excess <= 0:
            return
        closed = [
            incident_id
            for incident_id, incident in self._incidents.items()
            if incident.status is IncidentStatus.CLOSED
        ]
        for incident_id in closed[:excess]:
            del self._incidents[incident_id]
