"""Checks: each turns one part of the outside world into a CheckResult."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from ..engine.models import ComponentType
from ..engine.runner import Check
from ..settings import MonitorSettings
from .event_loop import EventLoopCheck
from .ha_process import HaProcessCheck
from .recorder import RecorderCheck
from .system_resources import SystemResourcesCheck


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
    return checks
