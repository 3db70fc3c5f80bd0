"""Recovery attempts in the incidents' timelines, and their confirmation.

The executor reports each attempt with :meth:`RecoveryRecords.record_recovery_attempt`;
a successful one is confirmed ("recovery succeeded") only if the
component's next check is healthy (the tracker settles it on that check).
"""

from __future__ import annotations

from datetime import datetime

from ..models import HealthStatus
from ..sanitize import sanitize_message
from .events import IncidentEvent
from .judgment import IncidentJudgment
from .lifecycle import IncidentEventType
from .model import SYSTEM_ACTOR, Incident, RecoveryResult, ensure_utc
from .timeline import DetailValue


class RecoveryRecords(IncidentJudgment):
    """Records recovery attempts on the kept incidents."""

    def record_recovery_attempt(
        self,
        incident_id: str,
        action_key: str,
        *,
        success: bool,
        error: str | None = None,
        actor: str = SYSTEM_ACTOR,
        now: datetime | None = None,
    ) -> list[IncidentEvent]:
        """Record that ``action_key`` was tried for the incident, and how it went.

        ``success`` is the executor's view; the next check confirms it.
        ``error`` is sanitized before it is stored.
        """
        incident = self.get(incident_id)
        now = ensure_utc(now)
        error = None if error is None else sanitize_message(error)
        details = incident.record_recovery_attempt(
            RecoveryResult(now, success, error), action_key, actor
        )
        return [
            self._event(IncidentEventType.RECOVERY_ATTEMPTED, incident, now, details)
        ]

    # Internals

    def _settle_recovery(
        self, incident: Incident, status: HealthStatus, now: datetime
    ) -> list[IncidentEvent]:
        """Confirm or drop the last successful recovery attempt (next check only)."""
        action_key = incident.settle_recovery(status is HealthStatus.HEALTHY, now)
        if action_key is None:
            return []
        details: dict[str, DetailValue] = {"recovery_succeeded": action_key}
        return [self._event(IncidentEventType.UPDATED, incident, now, details)]
