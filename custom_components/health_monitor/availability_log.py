"""Logging when a component becomes unreachable and when it is back.

Once each way, at info level, as the quality scale's log-when-unavailable rule
asks: a target that stays down does not fill the log cycle after cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
import logging

from .engine.models import ComponentHealth, HealthStatus

_LOGGER = logging.getLogger(__package__)


class AvailabilityLog:
    """Remembers which components were reported down, to log each change once."""

    def __init__(self) -> None:
        """Start with every component taken as up."""
        self._down: set[str] = set()

    def observe(self, components: Iterable[ComponentHealth]) -> None:
        """Log the components that went critical or came back since last time."""
        for component in components:
            component_id = component.component_id
            if component.status is HealthStatus.CRITICAL:
                if component_id not in self._down:
                    self._down.add(component_id)
                    _LOGGER.info(
                        "%s is unavailable: %s", component.name, component.message
                    )
            elif component_id in self._down and component.status is not (
                HealthStatus.UNKNOWN
            ):
                self._down.discard(component_id)
                _LOGGER.info("%s is back (%s)", component.name, component.status)

    def forget(self, component_id: str) -> None:
        """Drop a component nobody watches any more."""
        self._down.discard(component_id)
