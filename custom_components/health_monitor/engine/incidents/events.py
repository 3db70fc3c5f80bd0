"""What the incident tracker tells the outside world after each change.

Also the words a person is told (notifications) about those changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from .codec import incident_summary
from .lifecycle import IncidentEventType, IncidentStatus
from .model import SYSTEM_ACTOR, Incident, Severity
from .timeline import DetailValue

__all__ = ["IncidentEvent", "IncidentEventType", "Notification", "notification_for"]


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """One change to one incident.

    ``incident`` is the incident's summary (see :mod:`.codec`) taken right after the change, so
    a later change never alters an event already handed out. ``details``
    says what changed (e.g. the recovery action and its result).
    ``opened_at`` is when the incident was opened or last reopened.
    ``quiet``: told to nobody (the incident is suppressed by a dependency,
    flapping or in maintenance); the event still fires everywhere else.
    """

    type: IncidentEventType
    incident_id: str
    component_id: str
    severity: Severity
    status: IncidentStatus
    time: datetime
    opened_at: datetime
    incident: Mapping[str, Any]
    details: Mapping[str, DetailValue] = field(default_factory=dict)
    quiet: bool = False

    @classmethod
    def of(
        cls,
        event_type: IncidentEventType,
        incident: Incident,
        now: datetime,
        details: Mapping[str, DetailValue] | None = None,
        *,
        quiet: bool = False,
    ) -> IncidentEvent:
        """Describe ``incident`` as it is now."""
        return cls(
            type=event_type,
            incident_id=incident.id,
            component_id=incident.component_id,
            severity=incident.severity,
            status=incident.status,
            time=now,
            opened_at=max(
                moment
                for moment in (incident.created_at, incident.reopened_at)
                if moment is not None
            ),
            incident=incident_summary(incident),
            details=dict(details or {}),
            quiet=quiet,
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
            "opened_at": self.opened_at.isoformat(),
            "incident": dict(self.incident),
            "details": dict(self.details),
            "quiet": self.quiet,
        }


# Marks an event caused by an expired acknowledgement (its details).
ACKNOWLEDGEMENT_EXPIRED: Final = "acknowledgement_expired"

# Events that are worth telling a person about (the notify action).
NOTIFIED_EVENTS: Final = frozenset(
    {
        IncidentEventType.OPENED,
        IncidentEventType.REOPENED,
        IncidentEventType.ESCALATED,
        IncidentEventType.RESOLVED,
    }
)


@dataclass(frozen=True, slots=True)
class Notification:
    """A title and message telling a person about one incident event."""

    title: str
    message: str


def notification_for(event: IncidentEvent) -> Notification | None:
    """Describe ``event`` for a person, as the incident is right after it.

    Only :data:`NOTIFIED_EVENTS` are described, an update that says an
    acknowledgement expired, and the updates that make an incident worth
    telling about again (no longer suppressed, flapping or no longer
    flapping); None otherwise, and always for a quiet event. Titles and
    messages state the incident's current severity and state: the incident
    title follows the component's status, an escalation names the new
    severity, and a resolve says how long and how bad the incident was
    rather than repeating the failure.
    """
    if event.quiet:
        return None
    expired = bool(event.details.get(ACKNOWLEDGEMENT_EXPIRED))
    if not expired and (
        event.type is IncidentEventType.UPDATED or "flapping" in event.details
    ):
        return _update_notification(event)
    if event.type not in NOTIFIED_EVENTS and not expired:
        return None
    incident = event.incident
    title = str(incident["title"])
    description = str(incident["description"])
    severity = event.severity.value
    reference = f"[{event.incident_id}]"
    if event.type is IncidentEventType.OPENED:
        return Notification(
            title,
            f"{severity.capitalize()} incident opened: {description} {reference}",
        )
    if event.type is IncidentEventType.REOPENED:
        return Notification(
            f"{title} again",
            f"{severity.capitalize()} incident reopened: {description} {reference}",
        )
    if expired:
        return _expiry_notification(event, title, description, reference)
    if event.type is IncidentEventType.ESCALATED:
        return Notification(
            f"{title} (escalated to {severity})",
            f"Not acknowledged, escalated to {severity}: {description} {reference}",
        )
    name = str(incident["component_name"])
    actor = incident.get("resolved_by") or SYSTEM_ACTOR
    if actor == SYSTEM_ACTOR and not event.details.get("note"):
        return Notification(
            f"{name} recovered",
            f"{name} recovered ({resolution(event)}) {reference}",
        )
    by = "" if actor == SYSTEM_ACTOR else f" by {actor}"
    return Notification(
        f"{name}: incident resolved{by}", f"Resolved {resolution(event)} {reference}"
    )


def resolution(event: IncidentEvent) -> str:
    """Say how a resolve went: how long and how bad, by whom, with its note.

    E.g. ``was critical for 41 min`` (resolved by the system without a note)
    or ``by alice (was major for 2 h): restarted``.
    """
    lasted = f"was {event.severity.value} for {_duration(event.time - event.opened_at)}"
    actor = event.incident.get("resolved_by") or SYSTEM_ACTOR
    note = event.details.get("note")
    if actor == SYSTEM_ACTOR and not note:
        return lasted
    by = "" if actor == SYSTEM_ACTOR else f"by {actor} "
    noted = f": {note}" if note else ""
    return f"{by}({lasted}){noted}"


def _expiry_notification(
    event: IncidentEvent, title: str, description: str, reference: str
) -> Notification:
    """Tell that an acknowledgement expired, and the escalation it caused."""
    severity = event.severity.value
    who = event.details.get("acknowledged_by") or SYSTEM_ACTOR
    if event.type is IncidentEventType.ESCALATED:
        return Notification(
            f"{title} (acknowledgement expired, escalated to {severity})",
            f"Acknowledgement by {who} expired, escalated to {severity}: "
            f"{description} {reference}",
        )
    return Notification(
        f"{title} (acknowledgement expired)",
        f"Acknowledgement by {who} expired, still {severity}: "
        f"{description} {reference}",
    )


def _update_notification(event: IncidentEvent) -> Notification | None:
    """Tell of a change in who should know: see :func:`notification_for`.

    Flapping may start with an update, an opening or a reopening.
    """
    incident = event.incident
    details = event.details
    name = str(incident["component_name"])
    reference = f"[{event.incident_id}]"
    description = str(incident["description"])
    if "unsuppressed" in details:
        return Notification(
            str(incident["title"]),
            f"{event.severity.value.capitalize()} incident: {description} "
            f"(no longer explained by {details.get('parent') or 'its dependency'}) "
            f"{reference}",
        )
    if details.get("flapping") is True:
        changes = details.get("changes")
        window = details.get("window_minutes")
        return Notification(
            f"{name} is flapping",
            f"{name} changed between healthy and not healthy {changes} times in "
            f"{window} min; no more notifications until it is stable for "
            f"{window} min: {description} {reference}",
        )
    if details.get("flapping") is False:
        return Notification(
            f"{name} stopped flapping",
            f"Stable again but still {incident['component_status']}: "
            f"{description} {reference}",
        )
    return None


def _duration(delta: timedelta) -> str:
    """Say how long ``delta`` is, to the minute (seconds below one minute)."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60 % 60, seconds // 3600 % 24, seconds // 86400
    parts = [
        f"{value} {unit}"
        for value, unit in ((days, "d"), (hours, "h"), (minutes, "min"))
        if value
    ]
    # Two units are precise enough ("2 d 3 h", not "2 d 3 h 4 min").
    return " ".join(parts[:2])
