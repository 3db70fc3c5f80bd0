"""Turning measured values into health statuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import HealthStatus


class InvalidThresholdsError(ValueError):
    """Raised when a warning threshold is not below its critical threshold."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Warning and critical levels for a metric where higher is worse.

    A value at or above ``critical`` is critical, at or above ``warning`` is a
    warning, anything lower is healthy.
    """

    warning: float
    critical: float

    def __post_init__(self) -> None:
        """Reject a warning level that is not below the critical level."""
        if self.warning >= self.critical:
            raise InvalidThresholdsError(
                f"warning ({self.warning}) must be below critical ({self.critical})"
            )

    def classify(self, value: float | None) -> HealthStatus:
        """Return the status of ``value``; no value means unknown."""
        if value is None:
            return HealthStatus.UNKNOWN
        if value >= self.critical:
            return HealthStatus.CRITICAL
        if value >= self.warning:
            return HealthStatus.WARNING
        return HealthStatus.HEALTHY


def worst_status(statuses: Iterable[HealthStatus]) -> HealthStatus:
    """Return the worst of ``statuses``; healthy when there are none.

    Unknown ranks like a warning: something we cannot see is worth a look,
    but it is not evidence of a failure.
    """
    worst = HealthStatus.HEALTHY
    for status in statuses:
        if status.severity > worst.severity or (
            status.severity == worst.severity and status is HealthStatus.WARNING
        ):
            worst = status
    return worst
