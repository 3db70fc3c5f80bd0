"""Statistics over the kept incidents.

Everything is computed from the incidents the tracker still keeps (it keeps
the newest ones and drops the oldest closed ones past its bound), so the
numbers describe that window and always agree with ``get_incidents``:

- ``by_component``: incidents per component id (a target's id is its
  subentry id); ``component_names`` gives each of those ids the name its
  latest incident knows (incidents follow a renamed component);
- ``escalations``: sum of escalation levels;
- ``recovery_attempts`` / ``recovery_successes``: attempts recorded and
  successes confirmed by the next check; the rate is successes per attempt
  in percent (None without attempts);
- ``auto_resolved``: incidents whose current resolution is by ``system``;
- MTTA / MTTR: mean minutes from creation to the current acknowledgement /
  resolution, over the incidents that have one (a reopened incident counts
  again once it is acknowledged / resolved again); None when there are none;
- ``last_24h``: incidents created in the 24 hours before ``now``;
- ``flaps``: times an incident started flapping; ``flapping``: open
  incidents flapping now; ``suppressed``: open incidents a parent's open
  incident suppresses now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .model import SYSTEM_ACTOR, Incident, Severity


@dataclass(frozen=True, slots=True)
class IncidentStatistics:
    """Counts and mean times over the kept incidents."""

    total: int
    open: int
    open_by_severity: dict[Severity, int]
    by_component: dict[str, int]
    component_names: dict[str, str]
    escalations: int
    recovery_attempts: int
    recovery_successes: int
    recovery_success_rate: float | None
    auto_resolved: int
    mtta_minutes: float | None
    mttr_minutes: float | None
    last_24h: int
    flaps: int = 0
    flapping: int = 0
    suppressed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Serialize for service responses (JSON-ready)."""
        return {
            "total": self.total,
            "open": self.open,
            "open_by_severity": {
                severity.value: count
                for severity, count in self.open_by_severity.items()
            },
            "by_component": dict(self.by_component),
            "component_names": dict(self.component_names),
            "escalations": self.escalations,
            "recovery_attempts": self.recovery_attempts,
            "recovery_successes": self.recovery_successes,
            "recovery_success_rate": self.recovery_success_rate,
            "auto_resolved": self.auto_resolved,
            "mtta_minutes": self.mtta_minutes,
            "mttr_minutes": self.mttr_minutes,
            "last_24h": self.last_24h,
            "flaps": self.flaps,
            "flapping": self.flapping,
            "suppressed": self.suppressed,
        }


def incident_statistics(
    incidents: Iterable[Incident], now: datetime
) -> IncidentStatistics:
    """Compute the statistics of ``incidents`` as of ``now``."""
    kept = list(incidents)
    open_incidents = [incident for incident in kept if incident.is_open]
    open_by_severity: dict[Severity, int] = dict.fromkeys(Severity, 0)
    for incident in open_incidents:
        open_by_severity[incident.severity] += 1
    by_component: dict[str, int] = {}
    component_names: dict[str, str] = {}
    for incident in kept:
        by_component[incident.component_id] = (
            by_component.get(incident.component_id, 0) + 1
        )
        component_names[incident.component_id] = incident.component_name
    attempts = sum(incident.recovery_attempts for incident in kept)
    successes = sum(incident.recoveries_succeeded for incident in kept)
    day_ago = now - timedelta(hours=24)
    return IncidentStatistics(
        total=len(kept),
        open=len(open_incidents),
        open_by_severity=open_by_severity,
        by_component=by_component,
        component_names=component_names,
        escalations=sum(incident.escalation_level for incident in kept),
        recovery_attempts=attempts,
        recovery_successes=successes,
        recovery_success_rate=(
            round(100.0 * successes / attempts, 1) if attempts else None
        ),
        auto_resolved=sum(
            1
            for incident in kept
            if incident.resolved_at is not None and incident.resolved_by == SYSTEM_ACTOR
        ),
        mtta_minutes=_mean_minutes(
            incident.acknowledged_at - incident.created_at
            for incident in kept
            if incident.acknowledged_at is not None
        ),
        mttr_minutes=_mean_minutes(
            incident.resolved_at - incident.created_at
            for incident in kept
            if incident.resolved_at is not None
        ),
        last_24h=sum(1 for incident in kept if incident.created_at >= day_ago),
        flaps=sum(incident.flaps for incident in kept),
        flapping=sum(1 for incident in open_incidents if incident.flapping),
        suppressed=sum(
            1 for incident in open_incidents if incident.suppressed_by is not None
        ),
    )


def _mean_minutes(durations: Iterable[timedelta]) -> float | None:
    minutes = [duration.total_seconds() / 60.0 for duration in durations]
    if not minutes:
        return None
    return round(sum(minutes) / len(minutes), 2)
