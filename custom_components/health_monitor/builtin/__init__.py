"""The built-in checks: this host, the HA process, its event loop, recorder, entities.

Each module holds a check (its probe) beside the descriptions of its sensors.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from homeassistant.core import HomeAssistant

from ..descriptions import ComponentSensorDescription
from ..engine.models import ComponentType
from ..engine.runner import Check
from ..settings import MonitorSettings
from . import entities, event_loop, ha_process, recorder, system_resources
from .entities import EntitiesCheck
from .event_loop import EventLoopCheck
from .ha_process import HaProcessCheck
from .recorder import RecorderCheck
from .system_resources import SystemResourcesCheck

# In the order the checks are shown.
BUILTIN_SENSORS: tuple[ComponentSensorDescription, ...] = (
    *system_resources.SENSORS,
    *ha_process.SENSORS,
    *event_loop.SENSORS,
    *recorder.SENSORS,
    *entities.SENSORS,
)


def build_builtin_checks(hass: HomeAssistant, settings: MonitorSettings) -> list[Check]:
    """Return the enabled built-in checks, in a stable order."""
    checks: list[Check] = []
    if ComponentType.SYSTEM_RESOURCES in settings.checks:
        checks.append(SystemResourcesCheck(hass, settings))
    if ComponentType.HA_PROCESS in settings.checks:
        checks.append(HaProcessCheck(hass, settings))
    if ComponentType.EVENT_LOOP in settings.checks:
        checks.append(EventLoopCheck())
    if ComponentType.RECORDER in settings.checks:
        checks.append(RecorderCheck(hass))
    if ComponentType.ENTITIES in settings.checks:
        checks.append(EntitiesCheck(hass, settings))
    return checks


@runtime_checkable
class ListeningCheck(Check, Protocol):
    """A built-in check that follows events between cycles (started and closed)."""

    def async_start(self) -> None:
        """Start listening (at setup)."""

    def async_close(self) -> None:
        """Stop listening (at unload)."""
