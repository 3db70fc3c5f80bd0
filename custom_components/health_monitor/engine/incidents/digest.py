"""One message for several incident events (a digest).

When several incidents open, escalate or resolve together (one cycle, one
review, or within the digest window), a person gets one message that counts
and names them instead of one message each:

- only events that have a notification count (see
  :func:`~.events.notification_for`; quiet events never do);
- none: no message; one: that event's own notification;
- several: the title counts them by what happened, in the order opened,
  reopened, escalated, acknowledgements expired, resolved (e.g. "3 incidents
  opened, 1 resolved"); the message has one line per event (component,
  severity, what happened, description or how it was resolved, incident id),
  at most :data:`MAX_DIGEST_LINES` lines of at most
  :data:`MAX_DIGEST_LINE_LENGTH` characters, then "and K more".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Final

from .events import (
    ACKNOWLEDGEMENT_EXPIRED,
    IncidentEvent,
    Notification,
    notification_for,
    resolution,
)
from .lifecycle import IncidentEventType

MAX_DIGEST_LINES: Final = 10
MAX_DIGEST_LINE_LENGTH: Final = 200

# What happened, in the order a digest's title counts it.
_OPENED = "opened"
_REOPENED = "reopened"
_ESCALATED = "escalated"
_EXPIRED = "acknowledgement expired"
_RESOLVED = "resolved"
_ORDER: Final = (_OPENED, _REOPENED, _ESCALATED, _EXPIRED, _RESOLVED)
_HAPPENED: Final = {
    IncidentEventType.OPENED: _OPENED,
    IncidentEventType.REOPENED: _REOPENED,
    IncidentEventType.ESCALATED: _ESCALATED,
    IncidentEventType.RESOLVED: _RESOLVED,
}


def digest(events: Iterable[IncidentEvent]) -> Notification | None:
    """Return the one message telling a person about ``events`` (see module doc)."""
    notified = [
        (event, notification)
        for event in events
        if (notification := notification_for(event)) is not None
    ]
    if not notified:
        return None
    if len(notified) == 1:
        return notified[0][1]
    counts = Counter(_happened(event) for event, _ in notified)
    lines = [_line(event) for event, _ in notified]
    if len(lines) > MAX_DIGEST_LINES:
        more = len(lines) - MAX_DIGEST_LINES
        lines = [*lines[:MAX_DIGEST_LINES], f"and {more} more"]
    return Notification(_title(counts), "\n".join(lines))


def _title(counts: Counter[str]) -> str:
    """Count what happened: "3 incidents opened, 1 resolved"."""
    parts: list[str] = []
    for happened in _ORDER:
        if not (count := counts[happened]):
            continue
        plural = "" if count == 1 else "s"
        if happened == _EXPIRED:
            parts.append(f"{count} acknowledgement{plural} expired")
        elif not parts:
            parts.append(f"{count} incident{plural} {happened}")
        else:
            parts.append(f"{count} {happened}")
    return ", ".join(parts)


def _happened(event: IncidentEvent) -> str:
    """Name what happened to the incident, as the digest counts it."""
    if event.details.get(ACKNOWLEDGEMENT_EXPIRED):
        return _EXPIRED
    return _HAPPENED[event.type]


def _line(event: IncidentEvent) -> str:
    """Describe one event on one bounded line."""
    incident = event.incident
    what = (
        resolution(event)
        if event.type is IncidentEventType.RESOLVED
        else str(incident["description"])
    )
    happened = _happened(event)
    if happened == _EXPIRED and event.type is IncidentEventType.ESCALATED:
        happened = f"{_EXPIRED}, escalated"
    head = f"{incident['component_name']} ({event.severity.value}) {happened}: "
    tail = f" [{event.incident_id}]"
    room = MAX_DIGEST_LINE_LENGTH - len(head) - len(tail)
    if len(what) > room:
        what = what[: max(room - 1, 0)] + "…"
    return f"{head}{what}{tail}"
