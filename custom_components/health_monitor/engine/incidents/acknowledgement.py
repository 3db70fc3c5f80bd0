"""Acknowledgements that expire.

Rules:

- Acknowledging for a while (``expires_in``, from :data:`MIN_EXPIRES_IN` to
  :data:`MAX_EXPIRES_IN`) sets the incident's ``acknowledged_until``; a plain
  acknowledgement has none and lasts until the incident is resolved.
- An incident still open (acknowledged, investigating or in progress) whose
  ``acknowledged_until`` has come (``<= now``) goes back to ``new`` at the
  next review. The timeline says ``acknowledgement_expired`` (not
  ``reopened``) with who acknowledged, when, until when and their note.
- The escalation clock then counts as elapsed: the incident escalates one
  level at once, and one ``escalated`` event says that the acknowledgement
  expired (one notification, not two). The next level is an escalation
  interval later. An incident at emergency, or whose component's latest
  check was healthy (about to resolve), does not escalate; an ``updated``
  event says that the acknowledgement expired, and is notified too.
- Expiry is stored with the incident: after a restart the first review
  expires what came due while Home Assistant was down.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

from .events import ACKNOWLEDGEMENT_EXPIRED, IncidentEvent
from .lifecycle import IncidentEventType, IncidentStatus, TimelineEvent
from .model import SYSTEM_ACTOR, Incident, Severity
from .timeline import DetailValue

MIN_EXPIRES_IN: Final = timedelta(minutes=1)
MAX_EXPIRES_IN: Final = timedelta(days=30)


def acknowledged_until(now: datetime, expires_in: timedelta | None) -> datetime | None:
    """Return when an acknowledgement given ``now`` expires (None: it does not).

    Raises ValueError when ``expires_in`` is outside its limits.
    """
    if expires_in is None:
        return None
    if not MIN_EXPIRES_IN <= expires_in <= MAX_EXPIRES_IN:
        raise ValueError("an acknowledgement lasts from 1 minute to 30 days")
    return now + expires_in


def next_expiry(incidents: Iterable[Incident]) -> datetime | None:
    """Return the earliest expiry of the open incidents' acknowledgements."""
    return min(
        (
            incident.acknowledged_until
            for incident in incidents
            if incident.is_open and incident.acknowledged_until is not None
        ),
        default=None,
    )


def expire_acknowledgement(
    incident: Incident, now: datetime, *, healthy: bool
) -> IncidentEvent | None:
    """Take back an expired acknowledgement (see module doc); None if not due.

    ``healthy`` says whether the component's latest check was healthy.
    """
    until = incident.acknowledged_until
    if (
        until is None
        or until > now
        or not incident.is_open
        or incident.status is IncidentStatus.NEW
    ):
        return None
    details: dict[str, DetailValue] = {
        "acknowledged_by": incident.acknowledged_by,
        "acknowledged_at": None
        if incident.acknowledged_at is None
        else incident.acknowledged_at.isoformat(),
        "until": until.isoformat(),
    }
    if incident.acknowledgement_note:
        details["note"] = incident.acknowledgement_note
    incident.transition(
        IncidentStatus.NEW,
        actor=SYSTEM_ACTOR,
        now=now,
        details=details,
        timeline_event=TimelineEvent.ACKNOWLEDGEMENT_EXPIRED,
    )
    details[ACKNOWLEDGEMENT_EXPIRED] = True
    if healthy or incident.severity is Severity.EMERGENCY:
        return IncidentEvent.of(IncidentEventType.UPDATED, incident, now, details)
    incident.escalate(due_at=now, now=now)
    details["escalation_level"] = incident.escalation_level
    return IncidentEvent.of(IncidentEventType.ESCALATED, incident, now, details)
