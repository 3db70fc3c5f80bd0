"""Rows of the fleet schema from this instance's results, incidents and timelines.

Each function returns one :class:`~.outbox.Row` in the column order of
:mod:`.schema`; JSON columns are encoded here, once, when the row is made.
Messages are already free of secrets (the checks sanitize them), and no
setting of a target is ever part of a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
import json
from typing import Any

from ..incidents.model import Incident
from ..incidents.timeline import TimelineEntry
from ..models import ComponentHealth
from .instances import InstanceReport
from .outbox import Row

CHECK_RESULTS = "check_results"
INCIDENT_EVENTS = "incident_events"
INCIDENTS = "incidents"
INSTANCES = "instances"


def _json(values: Mapping[str, Any]) -> str:
    return json.dumps(values, separators=(",", ":"), default=str)


def check_result_row(instance_id: str, component: ComponentHealth, at: datetime) -> Row:
    """Return the row of a component's latest check (``at``: when it was made)."""
    return Row(
        CHECK_RESULTS,
        (
            component.last_checked or at,
            instance_id,
            component.component_id,
            component.name,
            str(component.component_type),
            str(component.status),
            component.response_time_ms,
            component.message,
            _json(component.metrics),
        ),
    )


def incident_event_row(
    instance_id: str, incident: Incident, entry: TimelineEntry
) -> Row:
    """Return the row of one timeline entry of ``incident``."""
    return Row(
        INCIDENT_EVENTS,
        (
            entry.time,
            instance_id,
            incident.id,
            incident.component_id,
            str(entry.event),
            entry.actor,
            _json(entry.details),
        ),
    )


def incident_row(instance_id: str, incident: Incident) -> Row:
    """Return the row of ``incident`` as it is now (upserted by its id)."""
    return Row(
        INCIDENTS,
        (
            instance_id,
            incident.id,
            incident.component_id,
            incident.component_name,
            str(incident.component_type),
            incident.title,
            str(incident.severity),
            str(incident.status),
            incident.created_at,
            incident.acknowledged_at,
            incident.resolved_at,
            incident.closed_at,
            incident.updated_at or incident.created_at,
        ),
    )


def instance_row(report: InstanceReport) -> tuple[object, ...]:
    """Return the heartbeat row of this instance (upserted, never queued)."""
    return (
        report.instance_id,
        report.name,
        report.version,
        report.ha_version,
        str(report.status),
        report.score,
        report.open_incidents,
        report.components,
        report.interval_s,
        report.at,
    )


class TimelineCursor:
    """Which timeline entries of each incident were already queued.

    An incident's timeline keeps its first entry and drops the oldest after
    it past its limit, so entries are told apart by time, not by position.
    """

    def __init__(self) -> None:
        """Know no incident yet."""
        self._last: dict[str, datetime] = {}

    def new_rows(self, instance_id: str, incident: Incident) -> list[Row]:
        """Return the rows of ``incident``'s entries not queued before."""
        last = self._last.get(incident.id)
        entries = [
            entry for entry in incident.timeline if last is None or entry.time > last
        ]
        if entries:
            self._last[incident.id] = max(entry.time for entry in entries)
        if not incident.is_open and incident.closed_at is not None:
            # A closed incident changes no more.
            self._last.pop(incident.id, None)
        return [incident_event_row(instance_id, incident, entry) for entry in entries]

    def start_after(self, incident_id: str, at: datetime) -> None:
        """Treat ``incident_id``'s entries up to ``at`` as queued (after a restart)."""
        self._last[incident_id] = at
