"""Base of the checks of user-added targets (config subentries)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..engine.models import CheckResult, ComponentType, HealthStatus
from ..engine.sanitize import sanitize_message

type PushResult = Callable[[CheckResult], None]


class TargetError(Exception):
    """A target could not be observed, for a reason a form can show.

    ``reason`` is one of cannot_connect, invalid_auth, invalid_url, timeout
    and unknown; ``field`` is the form field it concerns (or ``base``).
    """

    def __init__(self, reason: str, message: str, field: str = "base") -> None:
        """Describe the failure; ``message`` must hold no secret."""
        super().__init__(message)
        self.reason = reason
        self.field = field


class TargetCheck:
    """A check of one target; it owns its connection and reuses it across cycles.

    Subclasses implement :meth:`async_measure`, which raises
    :class:`TargetError` when the target cannot be observed. The component id
    is the subentry id, so a renamed target keeps its history and a removed
    one takes it along.
    """

    component_type: ClassVar[ComponentType]

    def __init__(
        self,
        hass: HomeAssistant,
        component_id: str,
        name: str,
        config: Mapping[str, Any],
    ) -> None:
        """Watch the target described by ``config``."""
        self.hass = hass
        self.component_id = component_id
        self.name = name
        self.config: dict[str, Any] = dict(config)

    @classmethod
    def from_subentry(cls, hass: HomeAssistant, subentry: ConfigSubentry) -> Self:
        """Return the check of a configured target."""
        return cls(hass, subentry.subentry_id, subentry.title, subentry.data)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return configured secrets, masked in every message."""
        return ()

    async def async_check(self) -> CheckResult:
        """Observe the target once; a failure to observe it is critical."""
        try:
            return await self.async_measure()
        except TargetError as err:
            return CheckResult(
                status=HealthStatus.CRITICAL,
                message=sanitize_message(str(err), self.secrets),
            )

    async def async_measure(self) -> CheckResult:
        """Measure the target; raise TargetError when it cannot be observed."""
        raise NotImplementedError

    async def async_start(self, push: PushResult) -> None:
        """Start listening for changes the target reports by itself (optional).

        ``push`` takes a result as soon as it is known (e.g. a broker
        disconnect), without waiting for the next cycle.
        """

    async def async_close(self) -> None:
        """Release the connection (entry unload)."""

    async def async_reconnect(self) -> None:
        """Drop the connection so the next check connects afresh (recovery action)."""
        await self.async_close()


async def async_validate_target(check: TargetCheck, timeout: float) -> dict[str, str]:
    """Observe a target once for a config form; return field errors."""
    try:
        async with asyncio.timeout(timeout):
            await check.async_measure()
    except TargetError as err:
        return {err.field: err.reason}
    except TimeoutError:
        return {"base": "timeout"}
    except Exception:  # noqa: BLE001 - the form shows "unknown" rather than failing
        return {"base": "unknown"}
    finally:
        await check.async_close()
    return {}
