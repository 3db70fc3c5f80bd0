"""The built-in checks: host, HA process, event loop, recorder, integrations, entities.

Each module holds a check (its probe) beside the descriptions of its sensors.
A check that follows events (:class:`ListeningCheck`) is started with the
entry and pushes what changes between cycles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from homeassistant.core import HomeAssistant

from ..descriptions import ComponentSensorDescription
from ..engine.models import ComponentType
from ..engine.runner import Check
from ..settings import MonitorSettings
from ..targets.base import PushResult
from . import entities, event_loop, ha_process, integrations, recorder, system_resources
from .entities import EntitiesCheck
from .event_loop import EventLoopCheck
from .ha_process import HaProcessCheck
from .integrations import IntegrationsCheck
from .recorder import RecorderCheck
from .system_resources import SystemResourcesCheck

# In the order the checks are shown.
BUILTIN_SENSORS: tuple[ComponentSensorDescription, ...] = (
    *system_resources.SENSORS,
    *ha_process.SENSORS,
    *event_loop.SENSORS,
    *recorder.SENSORS,
    *integrations.SENSORS,
    *entities.SENSORS,
)


@runtime_checkable
class ListeningCheck(Check, Protocol):
    """A check that follows events and pushes results between cycles."""

    async def async_start(self, push: PushResult) -> None:
        """Start following events; hand every changed result to ``push``."""

    async def async_close(self) -> None:
        """Stop following events (entry unload)."""


def listening_checks(checks: Iterable[Check]) -> list[ListeningCheck]:
    """Return the checks of ``checks`` that follow events."""
    return [check for check in checks if isinstance(check, ListeningCheck)]


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
    if ComponentType.INTEGRATIONS in settings.checks:
        checks.append(IntegrationsCheck(hass, settings))
    if ComponentType.ENTITIES in settings.checks:
        checks.append(EntitiesCheck(hass, settings))
    return checks
