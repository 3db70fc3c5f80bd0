"""Turning measured values into health statuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
        if status.rank > worst.rank or (
            status.rank == worst.rank and status is HealthStatus.WARNING
        ):
            worst = status
    return worst


@dataclass(slots=True)
class Findings:
    """What one check found, each finding a status and the words for it.

    The check's status is the worst finding's (:func:`worst_status`); its
    message is made of the findings' texts, in the order they were found,
    or the worst first.
    """

    items: list[tuple[HealthStatus, str]] = field(default_factory=list)

    def add(self, status: HealthStatus, text: str) -> None:
        """Note a finding."""
        self.items.append((status, text))

    @property
    def statuses(self) -> list[HealthStatus]:
        """Return the statuses, in the order they were found."""
        return [status for status, _ in self.items]

    @property
    def status(self) -> HealthStatus:
        """Return the worst status found; healthy when nothing was found."""
        return worst_status(self.statuses)

    def texts(self) -> list[str]:
        """Return every finding's text, in the order they were found."""
        return [text for _, text in self.items]

    def problems(self) -> list[str]:
        """Return the texts of the findings that are not healthy, in order."""
        return [
            text for status, text in self.items if status is not HealthStatus.HEALTHY
        ]

    def worst_first(self) -> list[str]:
        """Return every text, the worst first, each problem with its status."""
        ordered = sorted(self.items, key=lambda finding: -finding[0].rank)
        return [
            text if status is HealthStatus.HEALTHY else f"{text} ({status.value})"
            for status, text in ordered
        ]
