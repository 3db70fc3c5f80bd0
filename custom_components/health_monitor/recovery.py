"""Recovery: run the actions the engine's policy finds due for an open incident.

The policy (:mod:`.engine.recovery`) decides what is due; this module does
it (reconnect a target, relieve memory, run the user's script of an
endpoint, reload failing integrations) in the background and reports every
outcome, which the incident timeline records.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import gc
import logging
from typing import Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from .builtin.integrations import IntegrationsCheck
from .const import DOMAIN
from .engine.incidents import Incident
from .engine.models import ComponentHealth, utcnow
from .engine.recovery import (
    DATABASE_RECONNECT,
    ENDPOINT_RECOVERY,
    INTEGRATION_RELOAD,
    MEMORY_RELIEF,
    MQTT_RECONNECT,
    RecoveryAction,
    RecoveryPolicy,
)
from .engine.runner import Check
from .engine.sanitize import sanitize_message
from .integration_options import integration_label
from .targets.base import TargetCheck
from .targets.http_endpoint.probe import CONF_RECOVERY_SCRIPT

_LOGGER = logging.getLogger(__name__)


class RecoveryHost(Protocol):
    """What recovery acts on: the watched targets and the histories."""

    def check(self, component_id: str) -> Check | None:
        """Return the check of a watched component, if ``component_id`` is one."""

    def target(self, component_id: str) -> TargetCheck | None:
        """Return the check of a watched target, if ``component_id`` is one."""

    def forget_unwatched_histories(self) -> None:
        """Drop the histories of components nobody monitors any more."""


# Runs a recovery action on a component; False when it does not apply to it
# (e.g. an endpoint without a recovery script), which records no attempt.
type RecoveryExecutor = Callable[[HomeAssistant, RecoveryHost, str], Awaitable[bool]]
# Takes the outcome of an attempt: incident id, action key, error (None: success).
type AttemptRecorder = Callable[[str, str, str | None], None]


async def async_reconnect_target(
    hass: HomeAssistant, host: RecoveryHost, component_id: str
) -> bool:
    """Drop and re-open a database or broker connection."""
    target = host.target(component_id)
    if target is None:
        return False
    await target.async_reconnect()
    return True


async def async_relieve_memory(
    hass: HomeAssistant, host: RecoveryHost, component_id: str
) -> bool:
    """Collect garbage and drop histories nobody monitors any more."""
    host.forget_unwatched_histories()
    await hass.async_add_executor_job(gc.collect)
    return True


async def async_run_endpoint_recovery(
    hass: HomeAssistant, host: RecoveryHost, component_id: str
) -> bool:
    """Run the script chosen on the endpoint target, if any."""
    target = host.target(component_id)
    script = None if target is None else target.config.get(CONF_RECOVERY_SCRIPT)
    if not script:
        return False
    await hass.services.async_call(
        "script", "turn_on", {"entity_id": script}, blocking=True
    )
    return True


class IntegrationReloadError(Exception):
    """Reloaded integrations that are still not set up."""


async def async_reload_integrations(
    hass: HomeAssistant, host: RecoveryHost, component_id: str
) -> bool:
    """Reload, one after the other, the picked integrations failing past the grace."""
    check = host.check(component_id)
    if not isinstance(check, IntegrationsCheck):
        return False
    entries = check.reload_candidates()
    if not entries:
        return False
    still_failing: list[str] = []
    for entry in entries:
        with check.reloading(entry.entry_id):
            if not await hass.config_entries.async_reload(entry.entry_id):
                still_failing.append(integration_label(entry))
    if still_failing:
        raise IntegrationReloadError(
            f"still not set up after a reload: {', '.join(still_failing)}"
        )
    return True


EXECUTORS: dict[str, RecoveryExecutor] = {
    DATABASE_RECONNECT: async_reconnect_target,
    MQTT_RECONNECT: async_reconnect_target,
    MEMORY_RELIEF: async_relieve_memory,
    ENDPOINT_RECOVERY: async_run_endpoint_recovery,
    INTEGRATION_RELOAD: async_reload_integrations,
}


class RecoveryRunner:
    """Starts due recovery actions, at most one run per incident and action."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        host: RecoveryHost,
        record: AttemptRecorder,
    ) -> None:
        """Act on ``host``; hand every attempt's outcome to ``record``."""
        self._hass = hass
        self._entry = entry
        self._host = host
        self._record = record
        self._policy = RecoveryPolicy()
        self._running: set[tuple[str, str]] = set()

    @callback
    def async_start_due(self, incident: Incident, component: ComponentHealth) -> None:
        """Start, in the background, what is due for ``incident`` now."""
        for action in self._policy.due_actions(incident, component, utcnow()):
            key = (incident.id, action.key)
            if key in self._running or action.key not in EXECUTORS:
                continue
            self._running.add(key)
            self._entry.async_create_background_task(
                self._hass,
                self._async_run(incident.id, component.component_id, action),
                f"{DOMAIN} recovery {action.key} {component.component_id}",
            )

    async def _async_run(
        self, incident_id: str, component_id: str, action: RecoveryAction
    ) -> None:
        error: str | None = None
        try:
            if not await EXECUTORS[action.key](self._hass, self._host, component_id):
                return
        except Exception as err:  # noqa: BLE001 - any failure is recorded, none escapes
            error = sanitize_message(f"{type(err).__name__}: {err}")
            _LOGGER.warning(
                "Recovery %s of %s failed: %s", action.key, component_id, error
            )
        finally:
            self._running.discard((incident_id, action.key))
        self._record(incident_id, action.key, error)
