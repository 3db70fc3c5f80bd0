"""Built-in checks whose reading blocks (psutil, files): read in the executor, classified in the loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from homeassistant.core import HomeAssistant

from ..engine.models import CheckResult, ComponentType
from ..settings import MonitorSettings


class ExecutorCheck[ReadingT](ABC):
    """One executor job per cycle reads; the event loop classifies what it read.

    Subclasses name their component and implement ``_read`` (runs in a worker
    thread, must not touch Home Assistant) and ``_classify`` (runs in the loop).
    """

    component_id: ClassVar[str]
    name: ClassVar[str]
    component_type: ClassVar[ComponentType]

    def __init__(self, hass: HomeAssistant, settings: MonitorSettings) -> None:
        """Classify with the thresholds of ``settings``."""
        self._hass = hass
        self._settings = settings

    async def async_check(self) -> CheckResult:
        """Read in one executor job, then classify the reading."""
        return self._classify(await self._hass.async_add_executor_job(self._read))

    @abstractmethod
    def _read(self) -> ReadingT:
        """Take the reading; runs in the executor."""

    @abstractmethod
    def _classify(self, reading: ReadingT) -> CheckResult:
        """Turn a reading into a result; runs in the event loop."""
