"""The tunable rules of incident handling, with the specification's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from ..flapping import DEFAULT_FLAP_THRESHOLD, DEFAULT_FLAP_WINDOW
from ..models import HealthStatus
from .timeline import DEFAULT_TIMELINE_LIMIT

# Order used by the opening threshold; healthy is below all and never opens.
THRESHOLD_ORDER: Final = (
    HealthStatus.UNKNOWN,
    HealthStatus.WARNING,
    HealthStatus.DEGRADED,
    HealthStatus.CRITICAL,
)


@dataclass(frozen=True, slots=True)
class IncidentSettings:
    """Tunable rules of incident handling, with the specification's defaults."""

    open_threshold: HealthStatus = HealthStatus.WARNING
    failure_threshold: int = 2
    healthy_checks_to_resolve: int = 2
    close_after: timedelta = timedelta(minutes=60)
    escalation_interval: timedelta = timedelta(minutes=30)
    max_timeline_entries: int = DEFAULT_TIMELINE_LIMIT
    max_incidents: int = 1000
    # Flapping: this many changes between healthy and not within the window.
    flap_threshold: int = DEFAULT_FLAP_THRESHOLD
    flap_window: timedelta = DEFAULT_FLAP_WINDOW

    def __post_init__(self) -> None:
        """Reject settings the rules cannot work with."""
        if self.open_threshold not in THRESHOLD_ORDER:
            raise ValueError("the opening threshold must be a failing status")
        if self.failure_threshold < 1:
            raise ValueError("opening needs at least one failing check")
        if self.healthy_checks_to_resolve < 1:
            raise ValueError("resolving needs at least one healthy check")
        if self.close_after < timedelta(0):
            raise ValueError("the close delay cannot be negative")
        if self.escalation_interval <= timedelta(0):
            raise ValueError("the escalation interval must be positive")
        if self.max_timeline_entries < 2:
            raise ValueError("a timeline keeps at least two entries")
        if self.max_incidents < 1:
            raise ValueError("at least one incident must be kept")
        if self.flap_threshold < 2:
            raise ValueError("flapping needs at least two changes")
        if self.flap_window <= timedelta(0):
            raise ValueError("the flapping window must be positive")

    def opens_incident(self, status: HealthStatus) -> bool:
        """Whether ``status`` is at or above the opening threshold."""
        return status in THRESHOLD_ORDER and THRESHOLD_ORDER.index(
            status
        ) >= THRESHOLD_ORDER.index(self.open_threshold)
