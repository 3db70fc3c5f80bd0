"""Base of the checks of user-added targets (config subentries)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import logging
from typing import Any, Self

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..engine.models import CheckResult, ComponentType, HealthStatus
from ..engine.sanitize import sanitize_message

_LOGGER = logging.getLogger(__name__)

type PushResult = Callable[[CheckResult], None]

INVALID_SETTINGS_MESSAGE = "Stored settings are invalid; reconfigure this target"


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

    # Set by each subclass; an invalid target takes the type of its kind.
    component_type: ComponentType
    # Seconds between cycles (None: unknown, e.g. in a config form). A check
    # that reconnects by itself waits no longer than this between attempts,
    # so a server that is back is seen by the next cycle.
    update_interval: float | None = None

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
        except KeyError:
            # A setting the check needs is missing from the stored target.
            return CheckResult(
                status=HealthStatus.CRITICAL, message=INVALID_SETTINGS_MESSAGE
            )
        except TargetError as err:
            return CheckResult(
                status=HealthStatus.CRITICAL,
                message=sanitize_message(str(err), self.secrets),
            )

    async def async_measure(self) -> CheckResult:
        """Measure the target; raise TargetError when it cannot be observed."""
        raise NotImplementedError

    def export_state(self) -> dict[str, Any]:
        """Return what a status depends on beyond the last check, to be stored.

        The result is JSON-serializable; most checks keep nothing.
        """
        return {}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Take back what :meth:`export_state` returned before a restart.

        ``state`` comes from storage: anything malformed is ignored.
        """

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


class InvalidTargetCheck(TargetCheck):
    """Stands in for a target whose stored settings its kind cannot read.

    The target shows as critical with a hint to reconfigure it, and every
    other check goes on working.
    """

    async def async_measure(self) -> CheckResult:
        """Report that the target needs reconfiguring."""
        raise TargetError(
            "unknown", "Stored settings are invalid; reconfigure this target"
        )


def create_target_check(
    check_class: type[TargetCheck],
    hass: HomeAssistant,
    subentry: ConfigSubentry,
    *,
    update_interval: float | None = None,
) -> TargetCheck:
    """Return the check of a configured target, never raising for its settings."""
    check: TargetCheck
    try:
        check = check_class.from_subentry(hass, subentry)
    except (KeyError, TypeError, ValueError):
        _LOGGER.error("Target %s has invalid settings; reconfigure it", subentry.title)
        check = InvalidTargetCheck.from_subentry(hass, subentry)
        check.component_type = check_class.component_type
    check.update_interval = update_interval
    return check
