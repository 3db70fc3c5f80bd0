"""The incident lifecycle: statuses, allowed transitions and what each records.

Lifecycle (:data:`ALLOWED_TRANSITIONS` is the whole truth)::

    new -> acknowledged -> investigating -> in_progress -> resolved -> closed
    new | acknowledged | investigating | in_progress -> resolved
    resolved -> new                                   (reopen)
    acknowledged | investigating | in_progress -> new (acknowledgement expired)

A transition that is not in the table raises ``IncidentTransitionError``
and leaves the incident untouched, its updated time and timeline included.

Reopening goes back to ``new`` and clears the acknowledgement and the
resolution (the timeline keeps both): the fix did not hold, so people must
be told again and the escalation clock restarts at the reopen time. The
escalation level and the severity it reached are kept.

An acknowledgement given for a while goes back to ``new`` when it expires
and the incident is still open (see :mod:`.acknowledgement`); only the
tracker does that, nobody sets ``new`` by hand (:data:`MANUAL_STATUSES`).

Reaching a status writes one timeline entry and announces one event, both
named in :data:`ARRIVALS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class IncidentStatus(StrEnum):
    """Where an incident is in its lifecycle."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Whether the problem is still being dealt with (not resolved or closed)."""
        return self in OPEN_STATUSES


OPEN_STATUSES: Final = frozenset(
    {
        IncidentStatus.NEW,
        IncidentStatus.ACKNOWLEDGED,
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IN_PROGRESS,
    }
)

ALLOWED_TRANSITIONS: Final[Mapping[IncidentStatus, frozenset[IncidentStatus]]] = (
    MappingProxyType(
        {
            IncidentStatus.NEW: frozenset(
                {IncidentStatus.ACKNOWLEDGED, IncidentStatus.RESOLVED}
            ),
            IncidentStatus.ACKNOWLEDGED: frozenset(
                {
                    IncidentStatus.INVESTIGATING,
                    IncidentStatus.RESOLVED,
                    IncidentStatus.NEW,
                }
            ),
            IncidentStatus.INVESTIGATING: frozenset(
                {
                    IncidentStatus.IN_PROGRESS,
                    IncidentStatus.RESOLVED,
                    IncidentStatus.NEW,
                }
            ),
            IncidentStatus.IN_PROGRESS: frozenset(
                {IncidentStatus.RESOLVED, IncidentStatus.NEW}
            ),
            IncidentStatus.RESOLVED: frozenset(
                {IncidentStatus.CLOSED, IncidentStatus.NEW}
            ),
            IncidentStatus.CLOSED: frozenset(),
        }
    )
)

# Statuses a person may set by hand; new (also on a reopen) and closed come by themselves.
MANUAL_STATUSES: Final = frozenset(
    {
        IncidentStatus.ACKNOWLEDGED,
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.RESOLVED,
    }
)


class TimelineEvent(StrEnum):
    """What a timeline entry records."""

    OPENED = "opened"
    COMPONENT_STATUS_CHANGED = "component_status_changed"
    # What the component's status is about changed (e.g. entities joined).
    AFFECTED_CHANGED = "affected_changed"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    STATUS_CHANGED = "status_changed"
    RECOVERY_ATTEMPTED = "recovery_attempted"
    RECOVERY_SUCCEEDED = "recovery_succeeded"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    # A component this one depends on has an open incident (and no longer has).
    SUPPRESSED = "suppressed"
    UNSUPPRESSED = "unsuppressed"
    FLAPPING_STARTED = "flapping_started"
    FLAPPING_ENDED = "flapping_ended"
    MAINTENANCE_STARTED = "maintenance_started"
    MAINTENANCE_ENDED = "maintenance_ended"
    ACKNOWLEDGEMENT_EXPIRED = "acknowledgement_expired"


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
class Arrival:
    """What reaching a status writes to the timeline and announces."""

    timeline_event: TimelineEvent
    event_type: IncidentEventType


ARRIVALS: Final[Mapping[IncidentStatus, Arrival]] = MappingProxyType(
    {
        IncidentStatus.NEW: Arrival(TimelineEvent.REOPENED, IncidentEventType.REOPENED),
        IncidentStatus.ACKNOWLEDGED: Arrival(
            TimelineEvent.ACKNOWLEDGED, IncidentEventType.ACKNOWLEDGED
        ),
        IncidentStatus.INVESTIGATING: Arrival(
            TimelineEvent.STATUS_CHANGED, IncidentEventType.UPDATED
        ),
        IncidentStatus.IN_PROGRESS: Arrival(
            TimelineEvent.STATUS_CHANGED, IncidentEventType.UPDATED
        ),
        IncidentStatus.RESOLVED: Arrival(
            TimelineEvent.RESOLVED, IncidentEventType.RESOLVED
        ),
        IncidentStatus.CLOSED: Arrival(TimelineEvent.CLOSED, IncidentEventType.CLOSED),
    }
)
