"""Incidents: from component health to an audited, escalating, closing record.

- :mod:`.lifecycle`: statuses, allowed transitions, what each one records;
- :mod:`.model`: severity, the incident, its timeline and recovery records;
- :mod:`.codec`: incidents to and from stored data;
- :mod:`.settings`: the tunable rules; :mod:`.store`: where incidents are kept;
- :mod:`.tracker`: the rules (opening, updating, escalating, resolving);
- :mod:`.ids`, :mod:`.events` (and notifications), :mod:`.statistics`.
"""

from __future__ import annotations

from .codec import incident_from_dict, incident_summary, incident_to_dict
from .events import IncidentEvent, Notification, notification_for
from .ids import IncidentIdGenerator, highest_incident_id
from .lifecycle import (
    ALLOWED_TRANSITIONS,
    MANUAL_STATUSES,
    OPEN_STATUSES,
    IncidentEventType,
    IncidentStatus,
    TimelineEvent,
)
from .model import (
    SYSTEM_ACTOR,
    Incident,
    IncidentTransitionError,
    Severity,
    UnknownIncidentError,
)
from .settings import THRESHOLD_ORDER, IncidentSettings
from .statistics import IncidentStatistics
from .store import IncidentScope
from .timeline import TimelineEntry
from .tracker import IncidentTracker

__all__ = [
    "ALLOWED_TRANSITIONS",
    "MANUAL_STATUSES",
    "OPEN_STATUSES",
    "SYSTEM_ACTOR",
    "THRESHOLD_ORDER",
    "Incident",
    "IncidentEvent",
    "IncidentEventType",
    "IncidentIdGenerator",
    "IncidentScope",
    "IncidentSettings",
    "IncidentStatistics",
    "IncidentStatus",
    "IncidentTracker",
    "IncidentTransitionError",
    "Notification",
    "Severity",
    "TimelineEntry",
    "TimelineEvent",
    "UnknownIncidentError",
    "highest_incident_id",
    "incident_from_dict",
    "incident_summary",
    "incident_to_dict",
    "notification_for",
]
