"""Base of the probes of user-added targets (config subentries): check and errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Self

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..engine.models import CheckResult, ComponentType, HealthStatus
from ..engine.sanitize import sanitize_message

type PushResult = Callable[[CheckResult], None]

INVALID_SETTINGS_MESSAGE = "Stored settings are invalid; reconfigure this target"


class Fault(StrEnum):
    """Which part of a target's settings a failure points at.

    Probes know the world, not forms: each kind's form maps a fault to the
    field that holds that part (see ``async_validate_target``).
    """

    # Where the target is: a host that does not resolve or refuses, a URL.
    ADDRESS = "address"
    PORT = "port"
    # The login was refused.
    CREDENTIALS = "credentials"
    # Logged in, but the account may not use what the target names.
    PERMISSION = "permission"
    # The named database does not exist.
    DATABASE = "database"
    # The encrypted connection failed (TLS, SSL mode).
    ENCRYPTION = "encryption"
    # The answer is not the expected one (e.g. its status code).
    ANSWER = "answer"
    # The answer lacks the expected content.
    CONTENT = "content"


class TargetError(Exception):
    """A target could not be observed.

    ``reason`` is the translation key of the failure (cannot_connect,
    invalid_auth, timeout, tls_failed, unexpected_status, body_not_found,
    unknown); ``fault`` is the part of the target it points at, if any.
    """

    def __init__(self, reason: str, message: str, fault: Fault | None = None) -> None:
        """Describe the failure; ``message`` must hold no secret."""
        super().__init__(message)
        self.reason = reason
        self.fault = fault


class TargetCheck:
    """A check of one target; it owns its connection and reuses it across cycles.

    Subclasses implement :meth:`async_check_or_raise`, which raises
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
        self._setup()

    def _setup(self) -> None:
        """Read ``self.config`` into the check's own state (subclasses).

        Raises KeyError, TypeError or ValueError for settings it cannot use.
        """

    @classmethod
    def from_subentry(cls, hass: HomeAssistant, subentry: ConfigSubentry) -> Self:
        """Return the check of a configured target."""
        return cls(hass, subentry.subentry_id, subentry.title, subentry.data)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return configured secrets, masked in every message."""
        return ()

    async def async_check(self) -> CheckResult:
        """Observe the target once; never raises: a failure to observe it is critical.

        This is what the engine runs each cycle; config forms call
        :meth:`async_check_or_raise` instead, to map the error to a field.
        """
        try:
            return await self.async_check_or_raise()
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

    async def async_check_or_raise(self) -> CheckResult:
        """Observe the target once; raise TargetError when it cannot be observed."""
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


class InvalidTargetCheck(TargetCheck):
    """Stands in for a target whose stored settings its kind cannot read.

    The target shows as critical with a hint to reconfigure it, and every
    other check goes on working.
    """

    async def async_check_or_raise(self) -> CheckResult:
        """Report that the target needs reconfiguring."""
        raise TargetError("unknown", INVALID_SETTINGS_MESSAGE)
