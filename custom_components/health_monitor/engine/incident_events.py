"""What the incident tracker tells the outside world after each change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .incidents import DetailValue, Incident, IncidentStatus, Severity


class IncidentEventType(StrEnum):
    """Kinds of change the HA layer surfaces (event entity, repairs, notify)."""

    OPENED = "opened"
    UPDATED = "updated"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    RECOVERY_ATTEMPTED = "recovery_attempted"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """One change to one incident.

    ``incident`` is :meth:`Incident.summary` taken right after the change, so
    a later change never alters an event already handed out. ``details``
    says what changed (e.g. the recovery action and its result).
    """

    type: IncidentEventType
    incident_id: str
    component_id: str
    severity: Severity
    status: IncidentStatus
    time: datetime
    incident: Mapping[str, Any]
    details: Mapping[str, DetailValue] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        event_type: IncidentEventType,
        incident: Incident,
        now: datetime,
        details: Mapping[str, DetailValue] | None = None,
    ) -> IncidentEvent:
        """Describe ``incident`` as it is now."""
        return cls(
            type=event_type,
            incident_id=incident.id,
            component_id=incident.component_id,
            severity=incident.severity,
            status=incident.status,
            time=now,
            incident=incident.summary(),
            details=dict(details or {}),
        )

    def as_dict(self) -> dict[str, Any]:
        """Serialize as event data (JSON-ready)."""
        return {
            "type": self.type.value,
            "incident_id": self.incident_id,
            "component_id": self.component_id,
            "severity": self.severity.value,
            "status": self.status.value,
            "time": self.time.isoformat(),
            "incident": dict(self.incident),
            "details": dict(self.details),
        }
